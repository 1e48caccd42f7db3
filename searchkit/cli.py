"""The ``searchkit`` command: a thin layer over the library API.

Each command is named after the library function it calls. Errors the library
raises on purpose are printed as one line on stderr with a non-zero exit code.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from . import __version__
from .errors import IndexLocked, SchemaMismatch, SearchkitError

app = typer.Typer(
    name="searchkit",
    help="Full-text search for UN conference documents, Russian first. "
    "Hits are cited as 'SYMBOL, para. N'.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
)

#: Exit codes (documented in the README).
EXIT_OK, EXIT_FAILED_FILES, EXIT_USAGE, EXIT_LOCKED, EXIT_INDEX = 0, 1, 2, 3, 4

IndexOpt = Annotated[
    Path, typer.Option("--index", "-i", help="Index folder.", show_default=True)
]


def _fail(error: SearchkitError) -> NoReturn:
    code = EXIT_FAILED_FILES
    if isinstance(error, IndexLocked):
        code = EXIT_LOCKED
    elif isinstance(error, SchemaMismatch):
        code = EXIT_INDEX
    typer.echo(f"searchkit: error: {error}", err=True)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
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


@app.command("index")
def index_cmd(
    corpus: Annotated[Path, typer.Argument(help="Folder of documents to index.")] = Path("corpus"),
    index: IndexOpt = Path("index"),
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the summary.")] = False,
) -> None:
    """Index (or bring up to date) the documents under CORPUS."""
    from .indexer import index_corpus

    try:
        report = index_corpus(corpus, index)
    except SearchkitError as exc:
        _fail(exc)
    if json_out:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        if not quiet:
            for failure in report.failed:
                typer.echo(f"skipped {failure.source}: {failure.reason}", err=True)
        typer.echo(f"{index}: {report.summary()}")
    if report.failed:
        raise typer.Exit(EXIT_FAILED_FILES)


def _render(snippet: str, color: bool) -> str:
    if color:
        return re.sub(r"\[\[(.+?)\]\]", lambda m: typer.style(m.group(1), bold=True, fg="yellow"), snippet)
    return snippet


@app.command("search")
def search_cmd(
    query: Annotated[str, typer.Argument(help="What to look for (Russian or English).")],
    index: IndexOpt = Path("index"),
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Hits to show.")] = 10,
    json_out: Annotated[bool, typer.Option("--json", help="Print hits as a JSON array.")] = False,
) -> None:
    """Search the index; print one hit per block, cited as 'SYMBOL, para. N'.

    Words match in any inflected form (ввоз finds ввоза, ввозу...); all words
    must match, else the best partial matches are shown and the fact is said.
    "Quoted words" match as a phrase; a UN symbol (A/RES/70/1) finds the
    document and the paragraphs that cite it.
    """
    from .search import search

    try:
        result = search(index, query, limit=limit)
    except SearchkitError as exc:
        _fail(exc)
    if json_out:
        typer.echo(json.dumps([h.to_dict() for h in result], ensure_ascii=False, indent=2))
        return
    if not result.hits:
        typer.echo(f"no results for {query!r}")
        return
    if result.fallback:
        typer.echo(f"no block has every word of {query!r}; showing blocks with some of them", err=True)
    color = sys.stdout.isatty()
    for hit in result:
        cite = typer.style(hit.citation, fg="cyan", bold=True) if color else hit.citation
        typer.echo(f"{cite}  ({hit.score:.2f})")
        if hit.heading:
            typer.echo(f"  {hit.heading}")
        typer.echo(f"  {_render(hit.snippet, color)}")
        typer.echo("")


def main() -> None:
    app()
