"""``show SYMBOL`` without a paragraph: the document's masthead and its family;
the ``--all-versions`` option of ``search``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

AllVersionsOpt = Annotated[
    bool,
    typer.Option(
        "--all-versions",
        help="Also the documents a revision in the index supersedes (folded by default).",
    ),
]


def document_only(
    index_dir: Path, name: str, para: str | None, lang: str | None, as_json: bool
) -> None:
    """When ``name`` with no paragraph is a document's symbol rather than a
    citation, print its masthead and family (JSON with ``as_json``) and exit 0."""
    from ..retrieval.browse import show_document, split_citation
    from ..symbols import canonical
    from .render import document_text

    symbol = canonical(name)
    if para is not None or split_citation(name) is not None or not symbol or "/" not in symbol:
        return  # a paragraph, a citation, or a document named otherwise than by its symbol
    view = show_document(index_dir, name, lang=lang)
    typer.echo(
        json.dumps(view.to_dict(), ensure_ascii=False, indent=2) if as_json else document_text(view)
    )
    raise typer.Exit(0)
