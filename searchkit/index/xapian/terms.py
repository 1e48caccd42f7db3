"""A block as a Xapian document: the whoosh schema's fields as prefixed terms.

Every field of :mod:`searchkit.index.schema` becomes terms with a prefix of
its own (:data:`PREFIX`); ``content`` has none, so its terms are exactly the
analyzer's: lemmas and ``=form`` surface forms at the same word positions.
Only lemmas carry positions: a surface form (``=form``) stands at the
positions of its lemmas, so Xapian finds phrase candidates by the lemmas and
the window reads a form's positions from the block's stored text (a third
fewer position entries, the largest table).

A term's within-document frequency (wdf) is its frequency, as whoosh's
posting weight is; the fields are weighed by the ranker, at query time. The
terms of fields that are not scored (symbols, filters) are boolean (wdf 0),
so a block's length, which Xapian's own BM25 normalises by when it chooses
candidates, counts its words, heading and title, as BM25F does.

Value slots (:data:`SLOT`) hold what the ranker and the result pages read
per block without its terms: its position in its document, its kind and
whether it is numbered, the lengths BM25F needs, and the one-value fields
that are counted (facets), ranged over (``year:``, ``date:``) or collapsed
on (``per_document``).

The document data is the block's stored record as JSON: its row (text,
ordinal, kind, number, heading position, cited symbols: the layout of
:data:`~searchkit.index.stored.ROW_LAYOUT`) and, in a document's first block
only, the document's stored tuple (:data:`~searchkit.index.stored.DOCUMENT_LAYOUT`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ...analysis import SURFACE_MARK, lemmas, term_positions
from ...analysis.words import iter_words
from ...model import Document
from ..records import block_records
from ..schema import shape_code
from ..stored import headings_of, pack_block
from . import xapian

#: Term prefix of each indexed field (``content``: none). Upper case, so no
#: prefix is the start of a content term (those are lower case or ``=…``).
PREFIX = {
    "content": "",
    "heading_t": "XH:",
    "title_t": "XT:",
    "source": "XQ:",
    "file": "XF:",
    "symbol": "XS:",
    "body": "XB:",
    "cites": "XC:",
    "abbr": "XA:",
    "fullname": "XN:",
    "kind": "XK:",
    "number": "XU:",
    "lang": "XL:",
    "date": "XD:",
    "work": "XW:",
    "year": "XY:",
}
#: Fields whose terms count toward BM25F (their lengths are kept in value slots).
SCORED = ("content", "heading_t", "title_t")
#: Fields of comma-separated values (one term each).
LISTS = ("symbol", "cites", "abbr", "fullname")

#: Value slots.
SLOT = {
    "at": 0,  # the block's position in its document
    "shape": 1,  # schema.shape_code: kind and numbered
    "len:content": 2,
    "len:heading_t": 3,
    "len:title_t": 4,
    "body": 5,
    "year": 6,  # str, for facets and ranges (four digits)
    "lang": 7,
    "date": 8,  # ISO date, for ranges
    "source": 9,
    "order": 10,  # source, NUL, position: the index in document order
}
#: One-value fields read back from value slots (facets, ranges).
VALUE_FIELDS = ("body", "year", "lang", "date", "source")

SURFACE = SURFACE_MARK.encode("utf-8")

#: Xapian refuses terms longer than 245 bytes; longer ones are left out.
MAX_TERM = 240


def term(fieldname: str, text: Any) -> str:
    """The Xapian term of ``text`` in ``fieldname``."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return PREFIX[fieldname] + str(text)


def field_lemmas(text: str) -> dict[str, int]:
    """Lemma frequencies of a heading or title (no positions, no surface forms)."""
    found: dict[str, int] = {}
    for word in iter_words(text):
        for lemma in lemmas(word.text):
            found[lemma] = found.get(lemma, 0) + 1
    return found


def documents(document: Document, file: str | None = None) -> Iterator[Any]:
    """One Xapian document per block of ``document`` (in order)."""
    x = xapian()
    headings = headings_of(document)
    heading_no: dict[str | None, int] = {heading: i for i, heading in enumerate(headings)}
    analysed: dict[tuple[str, str], dict[str, int]] = {}  # headings and the title repeat
    for i, record in enumerate(block_records(document, file)):
        block = document.blocks[i]
        doc = x.Document()
        for fieldname, prefix in PREFIX.items():
            value = record.get(fieldname)
            if value is None or value == "":
                continue
            if fieldname == "content":
                length = 0
                for raw, where in term_positions(value, surface=True).items():
                    if len(raw) <= MAX_TERM:
                        text = raw.decode("utf-8")
                        if raw.startswith(SURFACE):  # a form's positions are its lemmas'
                            doc.add_term(text, len(where))
                        else:
                            for pos in where:
                                doc.add_posting(text, pos + 1)  # Xapian counts from 1
                    length += len(where)
                doc.add_value(SLOT["len:content"], str(length))
            elif fieldname in SCORED:
                key = (fieldname, value)
                counts = analysed.get(key)
                if counts is None:
                    counts = analysed[key] = field_lemmas(value)
                for lemma, n in counts.items():
                    _add(doc, prefix + lemma, n)
                doc.add_value(SLOT[f"len:{fieldname}"], str(sum(counts.values())))
            elif fieldname in LISTS:
                for part in str(value).split(","):
                    if part:
                        _add(doc, prefix + part, 0)
            else:
                _add(doc, prefix + str(value), 0)
        doc.add_value(SLOT["at"], str(i))
        doc.add_value(SLOT["order"], f"{document.source}\0{i:08d}")
        doc.add_value(SLOT["shape"], str(shape_code(block.kind, block.number)))
        for fieldname in VALUE_FIELDS:
            value = record.get(fieldname)
            if value not in (None, ""):
                doc.add_value(SLOT[fieldname], str(value))
        row = pack_block(block, heading_no.get(block.heading), record.get("cites") or "")
        doc.set_data(json.dumps([row, record.get("document")], ensure_ascii=False))
        yield doc


def _add(doc: Any, text: str, wdf: int) -> None:
    if len(text.encode("utf-8")) <= MAX_TERM:
        if wdf:
            doc.add_term(text, wdf)
        else:
            doc.add_boolean_term(text)
