"""A document as the index holds it: one record of field values per block.

:func:`block_records` maps the model (:class:`~searchkit.model.Document`,
:class:`~searchkit.model.Block`) onto the schema (:mod:`.schema`): the values
each block is searched and filtered by, and what is stored to show it
(:mod:`.stored`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..analysis.abbreviations import abbreviation_key, definitions, name_key
from ..model import Block, Document
from ..symbols import find_symbols
from .schema import shape_code
from .stored import chunk_ends, document_filters, headings_of, pack_block, pack_document


def block_records(document: Document, file: str | None = None) -> Iterator[dict[str, Any]]:
    """The whoosh documents for one :class:`Document`, one per block.

    ``file`` is the corpus-relative path of the file it came from (default: its source).
    Filter fields are indexed in every block; what is shown is stored compactly
    (:mod:`.stored`): the document's metadata once, in its first
    block, and the blocks' texts in chunks, each in its chunk's last block.
    """
    file = file or document.source
    indexed: dict[str, Any] = {
        "source": document.source,
        **document_filters(document, file),
        "title_t": document.title or "",
    }
    headings = headings_of(document)
    heading_no: dict[str | None, int] = {heading: i for i, heading in enumerate(headings)}
    ends = chunk_ends([len(block.text) for block in document.blocks])
    cites = [",".join(find_symbols(block.text)) for block in document.blocks]
    last = {end - 1 for end in ends}
    start = 0
    for i, block in enumerate(document.blocks):
        record = dict(indexed)
        record.update(
            kind=block.kind,
            number=block.number or "",
            content=searchable_text(block, document.language),
            heading_t=block.heading or "",
            cites=cites[i] or None,  # "" indexes nothing
            **_defined(block.text),
            at=i,
            shape=shape_code(block.kind, block.number),
        )
        if i == 0:
            record["document"] = pack_document(document, file, headings, ends)
        if i in last:  # the chunk's last block stores the chunk
            record["blocks"] = tuple(
                pack_block(b, heading_no.get(b.heading), cites[start + j])
                for j, b in enumerate(document.blocks[start : i + 1])
            )
            start = i + 1
        yield record


def _defined(text: str) -> dict[str, str]:
    """The abbreviations a block defines and their full names' keys."""
    pairs = definitions(text)
    if not pairs:
        return {}
    return {
        "abbr": ",".join(dict.fromkeys(abbreviation_key(a) for a, _ in pairs)),
        "fullname": ",".join(dict.fromkeys(name_key(n) for _, n in pairs)),
    }


def searchable_text(block: Block, language: str | None) -> str:
    """The text as searched: an article is printed under its label ("Статья 51"),
    which the reader keeps as its number, so the label is searched with the text."""
    if block.kind == "article" and block.number:
        label = "Статья" if language == "ru" else "Article"
        return f"{label} {block.number}. {block.text}"
    return block.text
