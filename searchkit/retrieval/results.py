"""A query's page of hits: rank, re-rank, group, count, facet, highlight.

:func:`run` parses the query against one snapshot of the index, scores it
with the ranker (:mod:`.ranker`: every block that matches, exactly), adds the
proximity bonus to the best candidates, re-ranks the top
:data:`~.ranking.RERANK_DEPTH` by block kind, drops copies of a better hit,
and reads stored records only for the hits it shows. When no block has every
word, the blocks with some of them are shown and :class:`SearchResult` says
so; so it does when the query was typed in the Latin keyboard layout and
searched as Russian, and when a word the index does not know has a close
form it does know.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from ..index.snapshot import Snapshot
from ..index.stored import StoredBlock
from ..model import Hit
from ..query import Plan, parse
from . import ranking as knobs
from .highlight import match_spans, snippet
from .ranker import Matches, Ranker, per_group, proximity, top, top_per_group
from .suggest import layout_switch, suggest

#: Facets counted by ``search(..., facets=True)``: name -> indexed field.
FACETS = {"body": "body", "year": "year", "lang": "lang"}
SNIPPET_FORMATS = ("plain", "html", "color")


@dataclass
class SearchResult:
    """Hits for one query, and how the query was answered."""

    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    fallback: bool = False  # True when no block matched every word, so any-match was used
    offset: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    layout: str | None = None  # the query as searched, when typed in the Latin layout
    suggestion: str | None = None  # did you mean ...
    dropped: list[str] = field(default_factory=list)  # stop words left out of the query

    @property
    def notes(self) -> list[str]:
        """What the user should be told about how the query was answered."""
        out = []
        if self.layout:
            out.append(f"typed in the Latin keyboard layout; searched as {self.layout!r}")
        if self.fallback:
            out.append("no block has every word; showing blocks with some of them")
        if self.suggestion:
            out.append(f"did you mean: {self.suggestion}")
        return out

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, i: int) -> Hit:
        return self.hits[i]


def run(
    snap: Snapshot,
    query: str,
    limit: int = 10,
    *,
    offset: int = 0,
    lang: str | None = None,
    per_document: int | None = None,
    facets: bool = False,
    snippet_format: str = "plain",
) -> SearchResult:
    """Search one snapshot of the index (see :class:`searchkit.Index`).

    ``snippet_format`` is how ``Hit.snippet`` marks matches: ``plain``
    (``[[…]]``), ``html`` (escaped, ``<mark>``) or ``color`` (ANSI).
    ``offset`` skips that many hits (paging); ``lang`` keeps one language;
    ``per_document`` keeps at most that many blocks of each document (the best
    ones); ``facets`` counts all matching blocks by body, year and language.
    """
    if snippet_format not in SNIPPET_FORMATS:
        raise ValueError(f"snippet_format {snippet_format!r}: one of {', '.join(SNIPPET_FORMATS)}")
    plan = parse(query, snap)
    result = SearchResult(query, offset=offset, dropped=list(plan.dropped))
    switched = layout_switch(snap, query, plan)
    if switched is not None:
        query, plan, result.layout = switched, parse(switched, snap), switched
    depth = max(offset + limit, knobs.RERANK_DEPTH)
    ranked = _rank(snap, plan, depth, lang, per_document, facets, result)
    # re-ranked by the indexed kind and number; stored records read only for
    # the blocks shown (and the copies _distinct drops on the way)
    factors = _kind_factors(snap, [block for _, block in ranked])
    order = sorted(
        ((score * factor, block) for (score, block), factor in zip(ranked, factors, strict=True)),
        key=lambda pair: -pair[0],
    )
    stored = ((score, snap.stored.block(block)) for score, block in order)
    result.suggestion = suggest(snap, query, plan)
    result.hits = [
        to_hit(block, score, plan, snippet_format)
        for score, block in islice(_distinct(stored), offset, offset + limit)
    ]
    return result


def _rank(
    snap: Snapshot,
    plan: Plan,
    depth: int,
    lang: str | None,
    per_document: int | None,
    facets: bool,
    result: SearchResult,
) -> list[tuple[float, int]]:
    """The best ``depth`` blocks with their proximity bonus, best first; the
    total and the facets go into ``result``."""
    ranker = Ranker(snap)
    matches: Matches = ranker.required(plan)
    allowed = snap.mask(("lang", lang), lambda: snap.term_mask("lang", [lang])) if lang else None
    total, best = top(matches, depth, allowed)
    if not total:  # nothing has every word: blocks with some of them
        fallback = ranker.any_clause(plan)
        if fallback is not None:
            matches = fallback
            total, best = top(matches, depth, allowed)
            result.fallback = total > 0
    result.total = total
    if facets:
        found = matches.mask if allowed is None else matches.mask & allowed
        for name, fieldname in FACETS.items():
            result.facets[name] = _facet_counts(snap.counts(fieldname, found))

    def document(block: int) -> str | None:  # its metadata only: no text decompressed
        return snap.stored.document(block).source or None

    if per_document:  # a wider pool: proximity may change which block of a document is best
        best = top_per_group(matches, depth * 3, allowed, document, per_document * 3)
    bonus = proximity(ranker, plan.near, [d for _, d in best])
    ranked = sorted(
        ((score + bonus.get(d, 0.0), d) for score, d in best), key=lambda p: (-p[0], p[1])
    )
    if per_document:
        ranked = list(per_group(ranked, document, per_document))[:depth]
    return ranked


def _facet_counts(counts: dict[Any, int]) -> dict[str, int]:
    """Facet counts by value, most first; blocks without a value count as ``(none)``."""
    out: dict[str, int] = {}
    for value, n in counts.items():
        key = str(value) if value not in (None, "") else "(none)"
        out[key] = out.get(key, 0) + n
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def _kind_factors(snap: Snapshot, blocks: list[int]) -> list[float]:
    """:func:`~.ranking.kind_factor` of each block, from the indexed shape
    (kind and whether numbered; no stored record read)."""
    return [knobs.kind_factor(kind, numbered) for kind, numbered in snap.shapes(blocks)]


def _distinct(ranked: Iterable[tuple[float, StoredBlock]]) -> Iterator[tuple[float, StoredBlock]]:
    """Drop a hit that repeats a better one word for word: the same block of the
    same document (by symbol, else title) in another copy of the file."""
    seen: set[tuple[Any, ...]] = set()
    for score, block in ranked:
        doc = block.document
        key = (
            doc.symbol or doc.title or doc.source,
            doc.language,
            block.kind,
            block.number,
            block.text,
        )
        if key not in seen:
            seen.add(key)
            yield score, block


def to_hit(block: StoredBlock, score: float, plan: Plan, snippet_format: str = "plain") -> Hit:
    """A stored block as a hit: its citation's parts, the text, the matches marked."""
    doc = block.document
    spans = match_spans(block.text, plan.highlight)
    return Hit(
        symbol=doc.symbol,
        paragraph=block.number,
        kind=block.kind,
        heading=block.heading,
        title=doc.title,
        score=round(float(score), 4),
        snippet=snippet(block.text, spans, fmt=snippet_format),
        text=block.text,
        source=doc.source,
        ordinal=block.ordinal,
        language=doc.language,
        date=doc.date,
        matches=tuple(spans),
    )
