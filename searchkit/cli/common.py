"""What every command shares: the typer app, the common options, errors as exit codes.

A user error (:class:`~searchkit.errors.UserError`) is printed as one line on
stderr and ends the command with that error's exit code (the README's table);
an internal error is a bug, and shows its traceback (:func:`fail`).
Where the index and corpus are: option > SEARCHKIT_INDEX / SEARCHKIT_CORPUS >
searchkit.toml > ./index and ./corpus (see searchkit.config).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from ..errors import InternalError, SearchkitError

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


def fail(error: SearchkitError) -> NoReturn:
    """End the command on an error: one line and the error's exit code; an
    internal error (a bug) goes on with its traceback."""
    if isinstance(error, InternalError):
        raise error
    typer.echo(f"searchkit: error: {error}", err=True)
    raise typer.Exit(error.exit_code)


def settings():  # type: ignore[no-untyped-def]
    """The settings (searchkit.config), or the command ends on a bad config file."""
    from .. import config

    try:
        return config.settings()
    except SearchkitError as exc:
        fail(exc)


def index_path(index: Path | None) -> Path:
    return index if index is not None else settings().index


def corpus_path(corpus: Path | None) -> Path:
    return corpus if corpus is not None else settings().corpus


def color_on(no_color: bool) -> bool:
    return not no_color and sys.stdout.isatty()


def _version(value: bool) -> None:
    if value:
        from ..version import __version__

        typer.echo(f"searchkit {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Full-text search for UN conference documents, Russian first."""
