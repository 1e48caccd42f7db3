"""The index schema: one whoosh document per block.

Fields
------
key        unique ``source#ordinal``; the address of a block inside the index
source     the document's source: the corpus-relative path of its file, or
           ``path#id`` for one of several documents read from one file
file       corpus-relative path of the file (reindexing replaces a file's documents)
checksum   SHA-256 of that file's bytes (drives incremental reindexing)
symbol     canonical document symbol ("" when unknown); ``body`` its prefix
cites      canonical symbols cited inside the block (footnotes, "see ...")
kind       title / heading / paragraph / footnote / ...
number     paragraph number as printed; ``ordinal`` position in the document
content    the block's text analysed to lemmas, plus ``=form`` surface tokens at
           the same positions (phrases may mix lemmas and exact forms)
exact      the block's text as normalised surface forms (``=form``, exact phrases)
heading_t  the section heading, analysed, boosted
title_t    the document title, analysed, lightly boosted
lang, date, year   document metadata for filters
text, heading, title, session, agenda, body_name   stored for display
"""

from __future__ import annotations

from whoosh import fields

from .analysis import ANALYZER_VERSION, lemma_analyzer

#: Bump when fields change; together with ANALYZER_VERSION it decides compatibility.
SCHEMA_VERSION = 4

#: Stored in the index; an index with another value must be rebuilt.
FORMAT = f"{SCHEMA_VERSION}.{ANALYZER_VERSION}"

#: Field boosts for BM25F.
BOOSTS = {"content": 1.0, "heading_t": 1.5, "title_t": 0.3}


def build_schema() -> fields.Schema:
    lemmas = lemma_analyzer()
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),
        source=fields.ID(stored=True),
        file=fields.ID(stored=True),
        checksum=fields.ID(stored=True),
        symbol=fields.ID(stored=True),
        body=fields.ID(stored=True),
        cites=fields.KEYWORD(stored=True, commas=True, scorable=False),
        kind=fields.ID(stored=True),
        number=fields.ID(stored=True),
        ordinal=fields.STORED(),  # read from stored fields only: no index terms
        content=fields.TEXT(analyzer=lemma_analyzer(surface=True), phrase=True, chars=False),
        heading_t=fields.TEXT(analyzer=lemmas, phrase=False, field_boost=BOOSTS["heading_t"]),
        title_t=fields.TEXT(analyzer=lemmas, phrase=False, field_boost=BOOSTS["title_t"]),
        lang=fields.ID(stored=True),
        date=fields.ID(stored=True),
        # shift_step=0: one term per block instead of whoosh's 8-level trie; a
        # year range spans a few dozen values, so ranges stay fast.
        year=fields.NUMERIC(stored=True, bits=32, signed=False, shift_step=0),
        text=fields.STORED(),
        heading=fields.STORED(),
        title=fields.STORED(),
        session=fields.STORED(),
        agenda=fields.STORED(),
        body_name=fields.STORED(),
        format=fields.STORED(),
    )
