"""The index schema: one whoosh document per block.

Indexed fields
--------------
source     the document's source: the corpus-relative path of its file, or
           ``path#id`` for one of several documents read from one file
file       corpus-relative path of the file (reindexing replaces a file's documents)
symbol     canonical document symbol ("" when unknown); ``body`` its prefix
cites      canonical symbols cited inside the block (footnotes, "see ...")
kind       title / heading / paragraph / footnote / ...
number     paragraph number as printed
content    the block's text analysed to lemmas, plus ``=form`` surface tokens at
           the same positions (phrases may mix lemmas and exact forms)
heading_t  the section heading, analysed, boosted
title_t    the document title, analysed, lightly boosted
lang, date, year   document metadata for filters

Stored fields (what a hit shows)
--------------------------------
at         every block: its position among its document's blocks, in a
           column of numbers (not stored, not indexed)
document   the document's first block only: a tuple of its metadata, once
           (source, checksum, symbol, body, lang, date, title, session,
           agenda, body_name, headings, file) and where its chunks end;
           the checksum, the SHA-256 of the file's bytes, drives incremental
           reindexing
blocks     the last block of each chunk: the rows (text, ordinal, kind,
           number, heading position, cited symbols) of the chunk's blocks,
           compressed together; other blocks store nothing

Never read stored fields directly: :func:`searchkit.stored.block_fields` gives
a block's fields merged with its document's (schema 4 stored all of them in
every block, which made stored fields a third of the index; schema 5 and 6
stored each block's text on its own, compressed 1.7×).
"""

from __future__ import annotations

from whoosh import columns, fields

from .analysis import ANALYZER_VERSION, lemma_analyzer
from .codec import PackedPositions

#: Bump when fields change; together with ANALYZER_VERSION it decides compatibility.
SCHEMA_VERSION = 7

#: Stored in the index; an index with another value must be rebuilt.
FORMAT = f"{SCHEMA_VERSION}.{ANALYZER_VERSION}"

#: Field boosts for BM25F.
BOOSTS = {"content": 1.0, "heading_t": 1.5, "title_t": 0.3}


def _packed(field: fields.TEXT) -> fields.TEXT:
    """``field`` with its positions in :mod:`searchkit.codec`'s packed format."""
    field.format = PackedPositions(field_boost=field.format.field_boost)
    return field


def build_schema() -> fields.Schema:
    lemmas = lemma_analyzer()
    return fields.Schema(
        source=fields.ID(),
        file=fields.ID(),
        symbol=fields.ID(),
        body=fields.ID(),
        cites=fields.KEYWORD(commas=True, scorable=False),
        kind=fields.ID(),
        number=fields.ID(),
        content=_packed(
            fields.TEXT(analyzer=lemma_analyzer(surface=True), phrase=True, chars=False)
        ),
        heading_t=fields.TEXT(analyzer=lemmas, phrase=False, field_boost=BOOSTS["heading_t"]),
        title_t=fields.TEXT(analyzer=lemmas, phrase=False, field_boost=BOOSTS["title_t"]),
        lang=fields.ID(),
        date=fields.ID(),
        # shift_step=0: one term per block instead of whoosh's 8-level trie; a
        # year range spans a few dozen values, so ranges stay fast.
        year=fields.NUMERIC(bits=32, signed=False, shift_step=0),
        # Stored only, never indexed (see searchkit.stored).
        blocks=fields.STORED(),
        document=fields.STORED(),
        at=fields.COLUMN(columns.NumericColumn("I")),
    )
