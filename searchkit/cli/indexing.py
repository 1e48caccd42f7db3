"""The commands that write: ``reindex`` (and its old name ``index``), ``serve-shard``."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import EXIT_FAILED_FILES, EXIT_USAGE, SearchkitError
from .common import Backend, CorpusArg, IndexOpt, app, corpus_path, fail, index_path


def _progress_bar():  # type: ignore[no-untyped-def]
    """A rich progress bar on stderr, and the callback that drives it."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(
        TextColumn("indexing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}", style="dim"),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("", total=None)

    def advance(source: str, done: int, total: int) -> None:
        bar.update(task, completed=done, total=total, description=source[-40:])

    return bar, advance


def reindex_cmd(
    corpus: CorpusArg = None,
    index: IndexOpt = None,
    full: Annotated[
        bool, typer.Option("--full", help="Rebuild from scratch and swap the new index in.")
    ] = False,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            min=0,
            metavar="SECONDS",
            help="Wait this long for another writer before exiting with code 3.",
        ),
    ] = 0.0,
    max_size: Annotated[
        float,
        typer.Option(
            "--max-size",
            min=0.001,
            metavar="MB",
            help="Skip (and report) files larger than this many megabytes.",
        ),
    ] = 20.0,
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only the summary line: no bar, no skipped files.")
    ] = False,
    ocr: Annotated[
        bool,
        typer.Option(
            "--ocr",
            help="Read scanned PDFs with tesseract (system packages tesseract-ocr, "
            "tesseract-ocr-rus); without it a scan is skipped with a reason.",
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            "-j",
            min=1,
            help="Processes that read and analyse files [default: one per CPU core "
            "for 16 files or more, else 1].",
        ),
    ] = None,
    backend: Annotated[
        Backend | None,
        typer.Option(
            "--backend",
            help="Engine of a new index (or of a --full rebuild): whoosh (embedded, "
            "the default) or xapian (pip install 'searchkit[xapian]'). An existing "
            "index keeps its own.",
        ),
    ] = None,
    shards: Annotated[
        int | None,
        typer.Option(
            "--shards",
            min=1,
            help="Xapian: shards of a new index (or of a --full rebuild) [default 1].",
        ),
    ] = None,
) -> None:
    """Bring the index in step with CORPUS: add new, replace changed, drop deleted files.

    Incremental by content checksum, one commit; --full rebuilds and swaps the
    new index in atomically. Exit codes: 0 done, 1 some files failed (the rest
    indexed), 2 usage error, 3 another writer holds the index, 4 index
    unreadable or of another version (run 'searchkit reindex --full').
    """
    from ..indexing import reindex

    index_dir = index_path(index)
    corpus_dir = corpus_path(corpus)
    if not corpus_dir.is_dir():
        typer.echo(f"searchkit: error: corpus folder {corpus_dir} does not exist", err=True)
        raise typer.Exit(EXIT_USAGE)
    show_bar = sys.stderr.isatty() and not (quiet or json_out)
    bar, advance = _progress_bar() if show_bar else (contextlib.nullcontext(), None)
    try:
        with bar:
            report = reindex(
                corpus_dir,
                index_dir,
                full=full,
                wait=wait,
                progress=advance,
                max_file_size=int(max_size * 1024 * 1024),
                workers=workers,
                ocr=ocr,
                backend=backend.value if backend else None,
                shards=shards,
            )
    except SearchkitError as exc:
        fail(exc)
    if json_out:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        if not quiet:
            for failure in report.failed:
                typer.echo(f"skipped {failure.source}: {failure.reason}", err=True)
            for warning in report.warnings:
                typer.echo(f"indexed {warning.source}, but: {warning.reason}", err=True)
        typer.echo(f"{index_dir}: {report.summary()}")
    if report.failed:
        raise typer.Exit(EXIT_FAILED_FILES)


app.command("reindex")(reindex_cmd)
app.command("index", help="Same as 'reindex' (kept for scripts written for the first versions).")(
    reindex_cmd
)


@app.command("serve-shard")
def serve_shard_cmd(
    index: Annotated[Path, typer.Argument(help="A local Xapian index folder.")],
    shard: Annotated[int, typer.Option("--shard", min=0, help="Which shard (0, 1, …).")] = 0,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 33333,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on [default 127.0.0.1].")
    ] = "127.0.0.1",
    writable: Annotated[
        bool, typer.Option("--writable", help="Accept reindexing through this server.")
    ] = False,
) -> None:
    """Serve one shard of a Xapian index over TCP (runs xapian-tcpsrv; Ctrl-C stops it).

    Clients name the servers in a remote index descriptor (a .toml file passed
    as --index). The server opens the shard's stub file on each connection, so
    it follows 'reindex --full' without a restart. Exit codes: 2 xapian-tcpsrv
    not installed, 4 not a Xapian index or no such shard.
    """
    from ..index.xapian.serve import serve_shard

    try:
        code = serve_shard(index, shard, port, host=host, writable=writable)
    except SearchkitError as exc:
        fail(exc)
    raise typer.Exit(code)
