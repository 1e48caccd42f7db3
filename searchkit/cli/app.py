"""The ``searchkit`` command: a thin layer over the library API.

Each command is named after the library function it calls. A user error
(:class:`~searchkit.errors.UserError`) is printed as one line on stderr and
ends the command with that error's exit code (the README's table); an
internal error is a bug, and shows its traceback.
Where the index and corpus are: option > SEARCHKIT_INDEX / SEARCHKIT_CORPUS >
searchkit.toml > ./index and ./corpus (see searchkit.config).
"""

from __future__ import annotations

import contextlib
import json
import sys
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from ..errors import (
    EXIT_FAILED_FILES,
    EXIT_INTERNAL,
    EXIT_USAGE,
    InternalError,
    SearchkitError,
)

app = typer.Typer(
    name="searchkit",
    help="Full-text search for UN conference documents, Russian first. "
    "Hits are cited as 'SYMBOL, para. N'.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

IndexOpt = Annotated[
    Path | None,
    typer.Option(
        "--index",
        "-i",
        help="Index folder, or a remote index descriptor (.toml) "
        "[env SEARCHKIT_INDEX; default ./index].",
    ),
]
CorpusArg = Annotated[
    Path | None,
    typer.Argument(help="Folder of documents [env SEARCHKIT_CORPUS; default ./corpus]."),
]
ColorOpt = Annotated[bool, typer.Option("--no-color", help="Plain text even on a terminal.")]


class Format(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class Backend(StrEnum):
    whoosh = "whoosh"
    xapian = "xapian"


class GroupBy(StrEnum):
    none = "none"
    document = "document"


def _fail(error: SearchkitError) -> NoReturn:
    """End the command on an error: one line and the error's exit code; an
    internal error (a bug) goes on with its traceback."""
    if isinstance(error, InternalError):
        raise error
    typer.echo(f"searchkit: error: {error}", err=True)
    raise typer.Exit(error.exit_code)


def _settings():  # type: ignore[no-untyped-def]
    from ..config import settings

    try:
        return settings()
    except SearchkitError as exc:
        _fail(exc)


def _index_path(index: Path | None) -> Path:
    return index if index is not None else _settings().index


def _corpus_path(corpus: Path | None) -> Path:
    return corpus if corpus is not None else _settings().corpus


def _color(no_color: bool) -> bool:
    return not no_color and sys.stdout.isatty()


def _version(value: bool) -> None:
    if value:
        from ..version import __version__

        typer.echo(f"searchkit {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Full-text search for UN conference documents, Russian first."""


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

    index_dir = _index_path(index)
    corpus_dir = _corpus_path(corpus)
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
        _fail(exc)
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
        _fail(exc)
    raise typer.Exit(code)


@app.command("search")
def search_cmd(
    query: Annotated[str, typer.Argument(help="What to look for (Russian or English).")],
    index: IndexOpt = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="Hits to show [default 10].")
    ] = None,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many hits.")] = 0,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    json_out: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    group_by: Annotated[
        GroupBy, typer.Option("--group-by", help="'document': the best 2 blocks per document.")
    ] = GroupBy.none,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Only this language (ru, en…).")
    ] = None,
    parallel: Annotated[
        str | None,
        typer.Option("--parallel", help="Also print each hit's paragraph in this language."),
    ] = None,
    facets: Annotated[
        bool, typer.Option("--facets", help="Count matching blocks by body, year, language.")
    ] = False,
    require_all: Annotated[
        bool,
        typer.Option(
            "--all", help="Only blocks with every word (default: then those with most of them)."
        ),
    ] = False,
    no_color: ColorOpt = False,
    snippets: Annotated[
        str, typer.Option("--snippets", help="Mark matches as plain [[…]] or html <mark>.")
    ] = "plain",
    partial: Annotated[
        bool,
        typer.Option(
            "--partial",
            help="A sharded index: answer from the shards that can be reached "
            "(said on stderr) instead of exiting 4 when one is down.",
        ),
    ] = False,
) -> None:
    """Search the index; print one hit per block, cited as 'SYMBOL, para. N'.

    \b
    Query language (README, 'Query language'):
      ввоз мигрантов        any inflected form (ё = е): blocks with every word
                            first, then those with most of them (--all: only every)
      +ввоз мигрантов       +word: every hit has that word
      "незаконный ввоз"     phrase across inflection;  "ввоз мигрантов"~3  near
      =мигрантов            that exact form (also inside phrases)
      мигрант OR беженец    either;  -беженец / NOT беженец  exclude;  ( ) group
      мигр*                 prefix (at most 200 word forms)
      symbol:CTOC/COP/*  body:CTOC/COP  cites:A/RES/70/1  lang:ru  kind:paragraph
      year:2010..2012  year:>=2012  date:2012-01  date:>=2012-01-15
      CTOC/COP/2012/1       a bare symbol: the document and blocks citing it
    A query typed in the Latin layout (vbuhfyns) is searched as Russian; unknown
    words get a did-you-mean, which is searched when nothing else matches.
    'searchkit explain QUERY' shows how a query is read.
    """
    if snippets not in ("plain", "html"):
        typer.echo("searchkit: error: --snippets is plain or html", err=True)
        raise typer.Exit(EXIT_USAGE)
    from ..retrieval import search
    from . import render

    index_dir = _index_path(index)
    fmt = Format.json if json_out else fmt
    color = fmt is Format.text and _color(no_color)
    if color and snippets == "plain":
        snippets = "color"  # the highlighter marks matches in ANSI itself
    try:
        result = search(
            index_dir,
            query,
            limit or _settings().limit,
            offset=offset,
            lang=lang,
            per_document=2 if group_by is GroupBy.document else None,
            facets=facets,
            snippet_format=snippets,
            require_all=require_all,
            partial=partial,
        )
        side = {}
        if parallel:
            from ..retrieval.browse import parallels

            found = parallels(index_dir, result.hits, parallel)
            side = {i: {parallel: b} for i, b in found.items()}
    except SearchkitError as exc:
        _fail(exc)
    if result.unavailable and fmt is not Format.text:  # text prints it with the other notes
        typer.echo(result.notes[0], err=True)
    if fmt is Format.json:
        typer.echo(render.hits_json(result.hits, side))
    elif fmt is Format.jsonl:
        if result.hits:
            typer.echo(render.hits_jsonl(result.hits, side))
    elif fmt is Format.csv:
        typer.echo(render.hits_csv(result.hits))
    else:
        for note in result.notes:
            typer.echo(note, err=True)
        if not result.hits:
            typer.echo(f"no results for {query!r}")
        else:
            typer.echo(render.hits_text(result.hits, color, side).rstrip("\n"))
    if facets:
        typer.echo(render.facets_text(result.facets), err=fmt is not Format.text)


@app.command("show")
def show_cmd(
    symbol: Annotated[
        str,
        typer.Argument(
            help="Document symbol, title, known short name (Устав ООН) or file; "
            "or a whole citation as search prints it."
        ),
    ],
    para: Annotated[
        str | None,
        typer.Argument(
            help="Paragraph as printed ('3', '3 (a)', '*'), '#ORDINAL' or a kind ('title')."
        ),
    ] = None,
    index: IndexOpt = None,
    context: Annotated[
        int, typer.Option("--context", "-C", min=0, help="Blocks to show before and after.")
    ] = 1,
    lang: Annotated[str | None, typer.Option("--lang", help="Which language version.")] = None,
    parallel: Annotated[
        str | None, typer.Option("--parallel", help="Also print this language's version.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the passage as JSON.")] = False,
    no_color: ColorOpt = False,
) -> None:
    """Show a paragraph in its context, with the document's masthead and its citation.

    \b
      searchkit show A/HRC/WG.6/34/ITA/3 5 --parallel en
      searchkit show "Устав Организации Объединенных Наций, статья 51"
      searchkit show "Устав ООН" 51
    """
    from ..retrieval.browse import show
    from .render import passage_text

    try:
        passage = show(
            _index_path(index),
            symbol,
            para,
            context=context,
            lang=lang,
            parallel_langs=(parallel,) if parallel else (),
        )
    except SearchkitError as exc:
        _fail(exc)
    if json_out:
        typer.echo(json.dumps(passage.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(passage_text(passage, _color(no_color)))
    if parallel and parallel not in passage.parallel:
        typer.echo(f"no {parallel} version of this paragraph in the index", err=True)


@app.command("stats")
def stats_cmd(
    index: IndexOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """What the index holds (documents, blocks, languages, size) and how the last reindex went."""
    from ..retrieval.stats import index_stats

    index_dir = _index_path(index)
    try:
        stats = index_stats(index_dir)
    except SearchkitError as exc:
        _fail(exc)
    if json_out:
        typer.echo(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2))
        return
    langs = ", ".join(f"{lang} {n}" for lang, n in stats.languages.items()) or "none"
    where = f"generation {stats.generation}" if stats.generation else "remote shards"
    typer.echo(f"index      {stats.path} ({where})")
    shards = f", {stats.shards} shards" if stats.shards > 1 else ""
    typer.echo(f"backend    {stats.backend}{shards}")
    typer.echo(f"files      {stats.files}")
    typer.echo(f"documents  {stats.documents}")
    typer.echo(f"blocks     {stats.blocks}")
    typer.echo(f"languages  {langs}")
    if stats.size_known:
        typer.echo(f"size       {stats.size_bytes / 1024 / 1024:.1f} MB")
    else:
        typer.echo("size       unknown here (the shard servers hold the index)")
    for name, n in stats.shard_blocks.items() if stats.shards > 1 or not stats.size_known else ():
        typer.echo(f"shard      {name}: {n} blocks")
    run = stats.last_run
    if run is None:
        typer.echo("last run   unknown (no lastrun.json)")
    else:
        counts = ", ".join(
            f"{run.get(k, 0)} {k}" for k in ("added", "updated", "deleted", "unchanged", "failed")
        )
        tail = f": {run['error']}" if run.get("error") else ""
        typer.echo(
            f"last run   {run.get('finished')} {run.get('mode')} {run.get('result')}{tail}"
            f" ({counts})"
        )


# --------------------------------------------------------------------------- query tools


@app.command("explain")
def explain_cmd(
    query: Annotated[str, typer.Argument(help="A query, as you would give it to search.")],
    index: IndexOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show how a query is understood: tokens, folded letters, every lemma
    reading, the parsed tree, filters and the plan that runs. With an index
    (--index, or the default one when it exists), also the prefix forms,
    derivational relatives and abbreviations the index knows."""
    from ..query.explain import explain

    index_dir = _index_path(index)
    try:
        if index is None and not (index_dir / "searchkit.json").is_file():
            result = explain(query)
        else:
            from ..index.snapshot import open_snapshot

            with open_snapshot(index_dir) as snap:
                result = explain(query, snap)
    except SearchkitError as exc:
        _fail(exc)
    if json_out:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(result.text())


@app.command("abbreviations")
def abbreviations_cmd(
    index: IndexOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """The abbreviations the indexed text defines ("Full Name (ABBR)"), with
    their full names: a query in either form also finds the other."""
    from ..retrieval.stats import abbreviations

    try:
        found = abbreviations(_index_path(index))
    except SearchkitError as exc:
        _fail(exc)
    if json_out:
        typer.echo(json.dumps([a.to_dict() for a in found], ensure_ascii=False, indent=2))
        return
    for a in found:
        typer.echo(f"{a.abbreviation:<12} {' | '.join(a.names)}  ({a.blocks})")


@app.command("eval")
def eval_cmd(
    judgements: Annotated[Path, typer.Argument(help="Judged queries, JSON Lines (see README).")],
    index: IndexOpt = None,
    k: Annotated[int, typer.Option("--k", min=1, help="Cut-off rank.")] = 10,
    json_out: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Score the index on judged queries: nDCG@k, MRR@k, Recall@k, P@5, overall and per query."""
    from ..eval import evaluate_index, load_judgements

    try:
        report = evaluate_index(_index_path(index), load_judgements(judgements), k)
    except SearchkitError as exc:
        _fail(exc)
    if json_out:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(report.table())


def _only(name: str) -> typer.Typer | None:
    """An app holding just the command ``name`` (as ``app`` has it), or ``None``:
    click builds every command's parser before it runs one, and a cold
    ``searchkit search`` need not pay for the other nine."""
    found = [info for info in app.registered_commands if info.name == name]
    if not found:
        return None
    single = typer.Typer(
        name="searchkit",
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )
    single.callback(help=app.info.help)(_main)
    single.registered_commands.extend(found)
    return single


def main() -> None:
    """The console script: run a command; a bug ends it with its traceback and exit 70."""
    name = sys.argv[1] if len(sys.argv) > 1 else ""
    target = _only(name) if name and not name.startswith("-") else None
    try:
        (target or app)()
    except Exception:  # not a user error: a bug in searchkit, shown whole
        traceback.print_exc()
        typer.echo(
            "searchkit: internal error (a bug in searchkit); please report it with the above",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
