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
from .families import families_of, fold, type_counts
from .feedback import feedback
from .highlight import match_spans, snippet
from .ranker import Ranker
from .selection import Best, per_group, proximity, top, top_per_group
from .suggest import UnknownAbbreviation, layout_switch, suggest, unknown_abbreviations

#: Facets counted by ``search(..., facets=True)``: name -> indexed field.
FACETS = {"body": "body", "year": "year", "lang": "lang"}
SNIPPET_FORMATS = ("plain", "html", "color")


@dataclass
class SearchResult:
    """Hits for one query, and how the query was answered."""

    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0  # blocks that match (every word, or enough of them)
    estimated: bool = False  # total is an estimate (a Xapian index, past EXACT_COUNT matches)
    all_words: int = 0  # of those, the blocks with every word: the hits that come first
    fallback: bool = False  # True when no block has every word
    offset: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    layout: str | None = None  # the query as searched, when typed in the Latin layout
    suggestion: str | None = None  # did you mean ...
    suggestion_applied: bool = False  # nothing matched the query: the hits are the suggestion's
    unknown_abbreviations: list[UnknownAbbreviation] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # stop words left out of the query
    feedback: list[str] = field(default_factory=list)  # lemmas the best hits added (re-ranking)
    unavailable: list[str] = field(default_factory=list)  # shards left out: the hits are partial
    folded: int = 0  # matching blocks of superseded versions left out (all_versions shows them)

    @property
    def notes(self) -> list[str]:
        """What the user should be told about how the query was answered."""
        out = []
        if self.unavailable:
            shards = ", ".join(self.unavailable)
            out.append(f"partial results: shard(s) {shards} could not be reached")
        if self.layout:
            out.append(f"typed in the Latin keyboard layout; searched as {self.layout!r}")
        if self.suggestion_applied:
            out.append(f"no results for {self.query!r}; showing results for {self.suggestion!r}")
        elif self.suggestion:
            out.append(f"did you mean: {self.suggestion}")
        out += [unknown.note for unknown in self.unknown_abbreviations]
        if self.fallback:
            out.append("no block has every word; showing blocks with some of them")
        if self.folded:
            left = f"{self.folded} blocks of superseded versions left out"
            out.append(f"{left} (all versions: --all-versions)")
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
    require_all: bool = False,
    all_versions: bool = False,
) -> SearchResult:
    """Search one snapshot of the index (see :class:`searchkit.Index`).

    Blocks with every word come first, then the page is filled with blocks
    that have most of them (more words first); ``require_all`` keeps only
    blocks with every word. ``snippet_format`` is how ``Hit.snippet`` marks
    matches: ``plain`` (``[[…]]``), ``html`` (escaped, ``<mark>``) or
    ``color`` (ANSI). ``offset`` skips that many hits (paging); ``lang`` keeps
    one language; ``per_document`` keeps at most that many blocks of each
    document (the best ones); ``facets`` counts all matching blocks by body,
    year, language and document type. ``all_versions`` shows the blocks of
    documents a revision in the index supersedes (by default they are left
    out: :mod:`.families`). A query no block matches, with a close spelling that
    some do, is answered for that spelling (``suggestion_applied``).
    """
    if snippet_format not in SNIPPET_FORMATS:
        raise ValueError(f"snippet_format {snippet_format!r}: one of {', '.join(SNIPPET_FORMATS)}")
    plan = parse(query, snap)
    result = SearchResult(query, offset=offset, dropped=list(plan.dropped))
    result.unavailable = list(getattr(snap, "missing", ()))
    switched = layout_switch(snap, query, plan)
    if switched is not None:
        query, plan, result.layout = switched, parse(switched, snap), switched
    result.suggestion = suggest(snap, query, plan)
    result.unknown_abbreviations = unknown_abbreviations(snap, plan)
    depth = max(offset + limit, knobs.RERANK_DEPTH)
    options = (depth, lang, per_document, facets, require_all)
    view, ranked = _rank(snap, plan, *options, result, all_versions, limit)
    if not result.total and result.suggestion:  # did you mean: answered for it
        plan = parse(result.suggestion, snap)
        view, ranked = _rank(snap, plan, *options, result, all_versions, limit)
        result.suggestion_applied = result.total > 0
    # re-ranked by the indexed kind within each tier; stored records read only
    # for the blocks shown (and the copies _distinct drops on the way)
    shapes = view.shapes([block for _, _, block in ranked])
    reranked = sorted(
        (
            (knobs.demoted(kind), -tier, -score * knobs.kind_factor(kind, numbered), block)
            for (tier, score, block), (kind, numbered) in zip(ranked, shapes, strict=True)
        )
    )
    order: Iterable[tuple[int, float, int]] = (
        (-tier, -score, block) for _, tier, score, block in reranked
    )
    if per_document:  # the best blocks of each document, as re-ranked
        order = per_group(order, lambda block: view.stored.document(block).source, per_document)
    stored = ((tier, score, view.stored.block(block)) for tier, score, block in order)
    family = families_of(snap)
    result.hits = [
        family.decorate(to_hit(block, score, plan, snippet_format, complete=tier > 0))
        for tier, score, block in islice(_distinct(stored), offset, offset + limit)
    ]
    return result


def _rank(
    snap: Snapshot,
    plan: Plan,
    depth: int,
    lang: str | None,
    per_document: int | None,
    facets: bool,
    require_all: bool,
    result: SearchResult,
    all_versions: bool = False,
    limit: int = 10,
) -> tuple[Any, Best]:
    """The view the blocks are numbered in (the snapshot, or a Xapian index's
    window of candidates) and its best ``depth`` blocks with their proximity
    bonus, best first; the counts and the facets go into ``result``."""
    view: Any = snap
    if getattr(snap, "backend", "whoosh") == "xapian":  # ranked by Xapian's matcher
        from .xapian_native import rank

        xsnap: Any = snap
        page = (depth, result.offset, limit, lang, per_document, facets, require_all, all_versions)
        page_view, native, counted = rank(xsnap, plan, *page)
        result.total, result.all_words = counted.total, counted.all_words
        result.estimated, result.folded = counted.estimated, counted.folded
        result.facets = {k: _facet_counts(v) for k, v in counted.facets.items()}
        result.feedback = counted.feedback
        result.fallback = result.total > 0 and not result.all_words
        return page_view, native
    ranker = Ranker(view)
    ranked = ranker.rank(plan, require_all)
    if not all_versions:  # superseded versions: not shown, not counted
        ranked, result.folded = fold(snap, view, ranked, plan)
    ranked, result.feedback = feedback(ranker, plan, ranked)
    allowed = view.mask(("lang", lang), lambda: view.term_mask("lang", [lang])) if lang else None
    total, best = top(ranked, depth, allowed)
    found = ranked.mask if allowed is None else ranked.mask & allowed
    result.total = total
    result.all_words = int((ranked.complete & found).sum())
    if facets:
        for name, fieldname in FACETS.items():
            result.facets[name] = _facet_counts(view.counts(fieldname, found))
    if facets:  # read from the symbols
        result.facets["type"] = _facet_counts(type_counts(snap, view, found))
    result.fallback = result.total > 0 and not result.all_words

    def document(block: int) -> str | None:  # its metadata only: no text decompressed
        return view.stored.document(block).source or None

    if per_document:  # a wider pool: proximity and kind may change a document's best block
        best = top_per_group(ranked, depth * 3, allowed, document, per_document * 3)
    bonus = proximity(ranker, plan.near, [block for _, _, block in best])
    return view, sorted(
        ((tier, score + bonus.get(block, 0.0), block) for tier, score, block in best),
        key=lambda entry: (-entry[0], -entry[1], entry[2]),
    )


def _facet_counts(counts: dict[Any, int]) -> dict[str, int]:
    """Facet counts by value, most first; blocks without a value count as ``(none)``."""
    out: dict[str, int] = {}
    for value, n in counts.items():
        key = str(value) if value not in (None, "") else "(none)"
        out[key] = out.get(key, 0) + n
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def _distinct(
    ranked: Iterable[tuple[int, float, StoredBlock]],
) -> Iterator[tuple[int, float, StoredBlock]]:
    """Drop a hit that repeats a better one word for word: the same block of the
    same document (by symbol, else title) in another copy of the file."""
    seen: set[tuple[Any, ...]] = set()
    for tier, score, block in ranked:
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
            yield tier, score, block


def to_hit(
    block: StoredBlock,
    score: float,
    plan: Plan,
    snippet_format: str = "plain",
    complete: bool = True,
) -> Hit:
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
        complete=complete,
    )
