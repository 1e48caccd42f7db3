"""The ``searchkit`` command: a thin layer over the library API.

Each command is named after the library function it calls; the commands live
by group (:mod:`.indexing`, :mod:`.searching`, :mod:`.serving`, :mod:`.tools`) on the one typer
app of :mod:`.common`, which this module completes and runs.
"""

from __future__ import annotations

import sys
import traceback

import typer

from ..errors import EXIT_INTERNAL
from . import indexing, searching, serving, tools
from .common import app, main_callback

COMMAND_GROUPS = (indexing, searching, serving, tools)  # importing them registers their commands


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
    single.callback(help=app.info.help)(main_callback)
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
