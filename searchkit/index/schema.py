"""The index schema: one whoosh document per block.

Indexed fields
--------------
source     the document's source: the corpus-relative path of its file, or
           ``path#id`` for one of several documents read from one file
file       corpus-relative path of the file (reindexing replaces a file's documents)
symbol     canonical document symbol ("" when unknown), and each part of a joint
           one (A/80/500-S/2025/656: also A/80/500, S/2025/656); ``body`` its prefix
cites      canonical symbols cited inside the block (footnotes, "see ...")
kind       title / heading / paragraph / footnote / ...
number     paragraph number as printed
content    the block's text analysed to lemmas, plus ``=form`` surface terms at
           the same positions (phrases may mix lemmas and exact forms)
heading_t  the section heading, analysed
title_t    the document title, analysed
lang, date, year   document metadata for filters
work       what pairs a document's language versions (its symbol, or a known key)
abbr       abbreviations the block defines ("Программа развития ООН (ПРООН)"), lower case
fullname   the full names it defines them by, as lookup keys (analysis.abbreviations)

Every posting's weight is its term frequency: how much a field counts is the
ranker's business, decided at query time (:mod:`searchkit.retrieval.ranking`),
so it can change without rebuilding the index.

Stored fields (what a hit shows) are laid out by :mod:`.stored`: ``document``
in a document's first block, ``blocks`` in the last block of each chunk, and
``at``, each block's position in its document, in a column of numbers.
``shape``, a one-byte column, holds each block's kind and whether it is
numbered (:func:`shape_code`), which re-ranking reads for the top hits
without decoding the ``kind`` and ``number`` posting lists.

:class:`WordTokenizer` and :class:`LemmaFilter` wrap :mod:`searchkit.analysis`
for whoosh. whoosh pickles the schema, and with it these classes' import
paths, into every index: see :data:`searchkit.index.PICKLED`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh import columns, fields
from whoosh.analysis import Filter, Tokenizer
from whoosh.analysis.acore import Token

from ..analysis import ANALYZER_VERSION, SURFACE_MARK, iter_words, lemmas
from ..model import KINDS
from ._whoosh.codec import PackedPositions

#: Bump when fields change; together with ANALYZER_VERSION it decides compatibility.
SCHEMA_VERSION = 12

#: Stored in the index; an index with another value must be rebuilt.
FORMAT = f"{SCHEMA_VERSION}.{ANALYZER_VERSION}"
#: The same for an index of the Xapian backend (:mod:`.xapian.terms` lays out its terms).
XAPIAN_LAYOUT = 2
XAPIAN_FORMAT = f"x{XAPIAN_LAYOUT}.{SCHEMA_VERSION}.{ANALYZER_VERSION}"


def build_schema() -> fields.Schema:
    lemma_fields = lemma_analyzer()
    return fields.Schema(
        source=fields.ID(),
        file=fields.ID(),
        symbol=fields.KEYWORD(commas=True, scorable=False),
        body=fields.ID(),
        cites=fields.KEYWORD(commas=True, scorable=False),
        abbr=fields.KEYWORD(commas=True, scorable=False),
        fullname=fields.KEYWORD(commas=True, scorable=False),
        kind=fields.ID(),
        number=fields.ID(),
        content=_packed(
            fields.TEXT(analyzer=lemma_analyzer(surface=True), phrase=True, chars=False)
        ),
        heading_t=fields.TEXT(analyzer=lemma_fields, phrase=False),
        title_t=fields.TEXT(analyzer=lemma_fields, phrase=False),
        lang=fields.ID(),
        date=fields.ID(),
        work=fields.ID(),
        # shift_step=0: one term per block instead of whoosh's 8-level trie; a
        # year range spans a few dozen values, so ranges stay fast.
        year=fields.NUMERIC(bits=32, signed=False, shift_step=0),
        # Stored only, never indexed (see .stored).
        blocks=fields.STORED(),
        document=fields.STORED(),
        at=fields.COLUMN(columns.NumericColumn("I")),
        shape=fields.COLUMN(columns.NumericColumn("B")),
    )


def shape_code(kind: str, number: str | None) -> int:
    """A block's kind (its place in :data:`~searchkit.model.KINDS`) and whether
    it has a printed number, as one byte."""
    at = KINDS.index(kind) if kind in KINDS else KINDS.index("other")
    return 2 * at + (1 if number else 0)


def shape_of(code: int) -> tuple[str, bool]:
    """(kind, numbered) of a :func:`shape_code`."""
    return KINDS[min(code // 2, len(KINDS) - 1)], bool(code & 1)


def _packed(field: fields.TEXT) -> fields.TEXT:
    """``field`` with its positions in the packed codec's format."""
    field.format = PackedPositions(field_boost=field.format.field_boost)
    return field


class WordTokenizer(Tokenizer):
    """whoosh tokenizer over :func:`iter_words` (keeps offsets and positions)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for word in iter_words(value):
            token.text = word.text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[word.start : word.end]
            if positions:
                token.pos = start_pos + word.pos
            if chars:
                token.startchar = start_char + word.start
                token.endchar = start_char + word.end
            yield token


class LemmaFilter(Filter):
    """Replace each word with its lemmas, at the same position.

    With ``surface=True`` the normalised surface form is also emitted at the
    same position, marked ``=form``, so ``=form`` words can take part in
    phrases and proximity searches over the one ``content`` field.
    """

    def __init__(self, surface: bool = False) -> None:
        self.surface = surface

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.surface == self.surface  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), self.surface))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            surface = token.text
            for lemma in lemmas(surface):
                token.text = lemma
                yield token
            if self.surface:
                token.text = SURFACE_MARK + surface
                yield token


def lemma_analyzer(surface: bool = False) -> Any:
    """Analyzer of the lemma fields: words → lemmas (and ``=form`` when ``surface``)."""
    return WordTokenizer() | LemmaFilter(surface)
