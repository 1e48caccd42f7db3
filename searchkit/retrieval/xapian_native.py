"""A query answered by Xapian's matcher: the page comes back ranked.

:func:`rank` compiles the plan into one weighted query
(:func:`.xapian_rank.compile_plan`) and asks Xapian for the best
:data:`~.ranking.RERANK_DEPTH` blocks (or as deep as the page reaches), with
each block's kind and position in its document as the sort key beside its
weight (a ``MultiValueKeyMaker`` over two value slots: no document read), so
re-ranking by kind (:mod:`.results`) reads nothing more. Documents are read
only for the page shown (stored text, snippets) and for feedback.

Pseudo-relevance feedback runs as in :mod:`.feedback`: the lemmas that recur
in the best ``FEEDBACK_BLOCKS`` blocks, the best ``FEEDBACK_TERMS`` by count
times idf, re-weigh the blocks found (``OP_AND_MAYBE``: they never add one),
in a second match, with the proximity bonus (:func:`.xapian_rank.closeness`,
which reads positions); that match keeps only blocks weighing at least the
last block of the page in the first match (a weight cut-off: the bonuses only
add, so no block below it can reach the page, and Xapian skips their
positions); the blocks below keep their first weights. ``per_document``
is Xapian's collapse on the document's source. Counts and facets are Xapian's: exact up to
:data:`EXACT_COUNT` matches (facets: always exact), estimated past that
(``SearchResult.estimated``).

A remote index (shards over TCP) is one database to Xapian: each match is
one request to each shard's server, which its matcher answers with the
whole index's statistics, so the ranking is that of the same shards opened
locally.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..analysis import STOP_WORDS, term_positions
from ..index.records import searchable_text
from ..index.schema import shape_of
from ..index.xapian.snapshot import XapianSnapshot
from ..index.xapian.terms import SLOT, term
from ..query import plan as p
from . import ranking as knobs
from .xapian_rank import TIER, Compiler, closeness, compile_plan, limits

#: Counts of matching blocks are exact up to this many, estimated past it.
EXACT_COUNT = 10_000
#: Facets counted: name -> value slot.
FACET_SLOTS = {"body": SLOT["body"], "year": SLOT["year"], "lang": SLOT["lang"]}
#: Blocks past the page whose records are read ahead (copies the page drops).
READ_AHEAD = 5


@dataclass
class Counted:
    """What Xapian counted over the whole index."""

    total: int = 0
    all_words: int = 0
    estimated: bool = False
    facets: dict[str, dict[Any, int]] = field(default_factory=dict)
    feedback: list[str] = field(default_factory=list)
    folded: int = 0  # matching blocks of superseded versions left out


class Page:
    """The blocks Xapian ranked for one query, as :func:`.results.run` reads
    them: ``shapes`` (kind, numbered) from the sort keys, ``stored`` records
    by document id."""

    def __init__(self, snap: XapianSnapshot, shapes: dict[int, tuple[str, bool]]) -> None:
        self.snap = snap
        self.stored = snap.stored
        self._shapes = shapes

    def shapes(self, blocks: list[int]) -> list[tuple[str, bool]]:
        return [self._shapes[b] for b in blocks]


@dataclass
class _Item:
    docid: int
    weight: float
    shape: int  # -1: not known (read from the document)


def rank(
    snap: XapianSnapshot,
    plan: p.Plan,
    depth: int,
    offset: int,
    limit: int,
    lang: str | None,
    per_document: int | None,
    facets: bool,
    require_all: bool,
    all_versions: bool = False,
) -> tuple[Page, list[tuple[int, float, int]], Counted]:
    """The best ``depth`` blocks for ``plan`` as (tier, score, docid), best
    first, the page they are read through, and Xapian's counts. Unless
    ``all_versions``, the blocks of superseded versions are left out (as
    :func:`.families.fold` leaves them out) and counted apart."""
    c = Compiler(snap)
    xq = c.xq
    counted = Counted()
    old = None if all_versions else _superseded(c, plan)

    def current(query: Any) -> Any:
        return query if old is None else xq(xq.OP_AND_NOT, query, old)

    n = len(plan.clauses) - len(plan.optional)
    if not n:  # filters only: every block they allow, in document order
        bounds = limits(c, plan, lang)
        every = xq(xq.OP_AND, bounds) if bounds else xq.MatchAll
        items = _match(snap, current(every), depth, per_document, facets, counted, in_order=True)
        counted.all_words = counted.total
        _versions(c, every, old, facets, counted)
        return (*_ranked(snap, items, offset, limit, lambda item: 1), counted)
    query, whole, matching = compile_plan(c, plan, lang, require_all)
    items = _match(
        snap, current(query), depth, per_document, facets, counted, counting=current(matching)
    )
    if not counted.total and not require_all and knobs.needed(n) > 1:  # too few words anywhere
        query, whole, matching = compile_plan(c, plan, lang, require_all, any_clause=True)
        items = _match(
            snap, current(query), depth, per_document, facets, counted, counting=current(matching)
        )
    _versions(c, matching, old, facets, counted)
    query, whole = current(query), current(whole)
    boosts = closeness(c, plan)
    if len(plan.clauses) >= 2 and knobs.FEEDBACK_TERMS > 0:
        counted.feedback = _feedback_terms(snap, plan, items)
        weighed = [("content", t, knobs.FEEDBACK_WEIGHT) for t in counted.feedback]
        if weighed:
            boosts.append(c.terms(weighed))
    if boosts:  # only blocks as good as the page's last in the first match can reach it
        reach = offset + limit
        cutoff = items[reach - 1].weight if len(items) >= reach else 0.0
        xq = c.xq
        boosted = xq(xq.OP_AND_MAYBE, query, xq(xq.OP_OR, boosts))
        found = _match(snap, boosted, depth, per_document, cutoff=cutoff)
        seen = {item.docid for item in found}  # the rest, below the page: as they were
        items = (found + [item for item in items if item.docid not in seen])[:depth]
    counted.all_words = _all_words(c, plan, lang, whole, items, counted)
    tiered = (lambda item: int(item.weight >= TIER)) if whole is not None else (lambda item: 1)
    return (*_ranked(snap, items, offset, limit, tiered), counted)


def _superseded(c: Compiler, plan: p.Plan) -> Any | None:
    """The blocks a later version in the index replaces (:meth:`.families.Families.folded`)
    as a boolean query, but those of the symbols the query names; None when
    none is replaced."""
    from .families import _named, families_of

    xq = c.xq
    family = families_of(c.snap)
    parts = [
        xq(xq.OP_AND, [xq(term("symbol", part)), xq(term("lang", lang))])
        for part, lang in family.superseded
    ]
    for (symbol, lang), sources in family.reissued.items():  # a reissue's first printing
        first = xq(xq.OP_AND, [xq(term("symbol", symbol)), xq(term("lang", lang))])
        parts.append(xq(xq.OP_AND_NOT, first, c.any([xq(term("source", s)) for s in sources])))
    if not parts:
        return None
    old = xq(xq.OP_OR, parts)
    named = _named(plan)
    if named:
        old = xq(xq.OP_AND_NOT, old, c.any([xq(term("symbol", s)) for s in named]))
    return c.boolean(old)


def _versions(c: Compiler, matching: Any, old: Any | None, facets: bool, counted: Counted) -> None:
    """How many matching blocks of superseded versions were left out, and,
    for facets, the blocks of each document type (read from the symbols)."""
    xq = c.xq
    if old is not None:
        left = Counted()
        _match(c.snap, xq(xq.OP_FILTER, matching, old), 0, None, counted=left)
        counted.folded = left.total
    if facets:
        from ..families import document_type

        shown = matching if old is None else xq(xq.OP_AND_NOT, matching, old)
        kinds: dict[str, list[str]] = {}
        for symbol in c.snap.lexicon("symbol"):
            label = document_type(symbol)
            if label is not None:
                kinds.setdefault(label, []).append(symbol)
        types: dict[Any, int] = {}
        for label, symbols in kinds.items():
            of_type = Counted()
            held = c.any([xq(term("symbol", s)) for s in symbols])
            _match(c.snap, xq(xq.OP_FILTER, shown, held), 0, None, counted=of_type)
            if of_type.total:
                types[label] = of_type.total
        untyped = counted.total - sum(types.values())
        if untyped > 0:
            types[None] = untyped
        counted.facets["type"] = types


def _feedback_terms(snap: XapianSnapshot, plan: p.Plan, items: list[_Item]) -> list[str]:
    """The lemmas that recur in the best blocks (see :mod:`.feedback`)."""
    best = items[: knobs.FEEDBACK_BLOCKS]
    if len(best) < knobs.FEEDBACK_MIN:
        return []
    docs = snap.documents([i.docid for i in best])
    if snap.location.remote:  # their documents' records too, in one go
        snap.documents(list(dict.fromkeys(_first_blocks(snap, [i.docid for i in best]))))
    own = plan.lemmas
    held: Counter[str] = Counter()
    for item, doc in zip(best, docs, strict=True):
        lems = _lemmas(doc) if not snap.location.remote else None
        if lems is None:  # from its text as indexed (a term list is one more round trip)
            block = snap.stored.block(item.docid)
            text = searchable_text(block.to_block(), block.document.language)
            lems = {t.decode("utf-8") for t in term_positions(text) if t[:1] >= LETTERS}
        held.update(t for t in lems if _feedback_word(t) and t not in own)
    recurring = [t for t, count in held.items() if count >= knobs.FEEDBACK_MIN]
    snap.frequencies(recurring)  # one request to each shard
    weighed = sorted(
        (
            (held[t] * knobs.idf(snap.doc_frequency("content", t), snap.population), t)
            for t in recurring
        ),
        reverse=True,
    )
    return [t for _, t in weighed[: knobs.FEEDBACK_TERMS]]


#: Where a block's term list reaches its lemmas of letters: past the ``=form``
#: terms, the prefixed fields (upper case) and the numbers.
LETTERS = b"a"


def _lemmas(doc: Any) -> set[str]:
    """The lemmas (of letters) a block's text holds, from its term list."""
    out = set()
    it, end = doc._termlist_begin(), doc._termlist_end()
    it.skip_to(LETTERS)
    while not it.equals(end):
        out.add(it.get_term().decode("utf-8"))
        next(it)
    return out


def _feedback_word(term: str) -> bool:
    """A lemma of four letters or more (not a number, a form or a stop word)."""
    return len(term) >= 4 and term.isalpha() and term not in STOP_WORDS


def _all_words(
    c: Compiler, plan: p.Plan, lang: str | None, whole: Any, items: list[_Item], counted: Counted
) -> int:
    """How many of the blocks found have every clause in their own text:
    seen in the ranked blocks when some of those lack one, else counted."""
    tiers = [item.weight >= TIER for item in items]
    if not all(tiers):
        return sum(tiers)
    if len(items) >= counted.total:
        return counted.total
    xq = c.xq
    bounds = limits(c, plan, lang)
    bounds += [c.boolean(c.node(plan.clauses[i])) for i in sorted(plan.required)]
    query = xq(xq.OP_FILTER, whole, xq(xq.OP_AND, bounds)) if bounds else whole
    found = Counted()
    _match(c.snap, query, 0, None, counted=found)
    return found.total


def _ranked(
    snap: XapianSnapshot, items: list[_Item], offset: int, limit: int, tier: Any
) -> tuple[Page, list[tuple[int, float, int]]]:
    """The blocks as (tier, score, docid) and their page; the records of the
    blocks the page will show (after re-ranking by kind) read ahead, in
    parallel from remote shards."""
    if any(item.shape < 0 for item in items):
        docs = snap.documents([item.docid for item in items])
        for item, doc in zip(items, docs, strict=True):
            item.shape = int(doc.get_value(SLOT["shape"]) or 0)
    ranked = []
    shapes = {}
    for item in items:
        t = tier(item)
        score = item.weight - TIER if item.weight >= TIER else item.weight
        ranked.append((t, score, item.docid))
        shapes[item.docid] = shape_of(item.shape)
    order = sorted(
        range(len(items)),
        key=lambda i: (
            knobs.demoted(shapes[items[i].docid][0]),
            -ranked[i][0],
            -ranked[i][1] * knobs.kind_factor(*shapes[items[i].docid]),
        ),
    )
    shown = [items[i].docid for i in order[offset : offset + limit + READ_AHEAD]]
    snap.documents(shown)  # then their documents' first blocks (the document's record)
    snap.documents(list(dict.fromkeys(_first_blocks(snap, shown))))
    return Page(snap, shapes), ranked


def _first_blocks(snap: XapianSnapshot, docids: list[int]) -> list[int]:
    """The first block of each block's document (which stores the document's record)."""
    firsts = (d - snap.stored.position(d) * snap.shards for d in docids)
    return [d for d in firsts if d > 0]


def _match(
    snap: XapianSnapshot,
    query: Any,
    k: int,
    per_document: int | None,
    facets: bool = False,
    counted: Counted | None = None,
    in_order: bool = False,
    cutoff: float = 0.0,
    counting: Any = None,
) -> list[_Item]:
    """The best ``k`` blocks for ``query`` (weighing ``cutoff`` at least);
    their count (and facets) into ``counted``: from the ranking match when
    it knows the count exactly, else from a match of ``counting`` (what
    matches, unweighed: counting every block of a weighed query costs
    several times as much), which the facets' spies watch."""
    x = snap.x
    enquire = x.Enquire(snap.db)
    enquire.set_query(query)
    if cutoff > 0:
        enquire.set_cutoff(0, cutoff)
    if in_order:  # documents by source, each block in its place
        enquire.set_sort_by_value(SLOT["order"], False)
        enquire.set_weighting_scheme(x.BoolWeight())
    else:  # the sort key (ties only) is each block's kind: no document read
        enquire.set_weighting_scheme(x.BM25Weight(knobs.K1, 0, 1, knobs.B, 0.5))
        enquire.set_sort_by_relevance_then_value(SLOT["shape"], False)
    if per_document:
        enquire.set_collapse_key(SLOT["source"], per_document)
    mset = snap._guard(lambda: enquire.get_mset(0, k))
    items = []
    it, end = mset._begin(), mset._end()
    while not it.equals(end):
        key = it.get_sort_key()
        shape = -1 if in_order else int(key or 0)
        items.append(_Item(it.get_docid(), it.get_weight(), shape))
        next(it)
    if counted is None:
        return items
    exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound()
    if facets or per_document or not exact:  # counted apart (collapsing: every block)
        count = x.Enquire(snap.db)
        count.set_query(query if counting is None else counting)
        count.set_weighting_scheme(x.BoolWeight())
        spies = {}
        if facets:
            for name, slot in FACET_SLOTS.items():
                spies[name] = x.ValueCountMatchSpy(slot)
                count.add_matchspy(spies[name])
        check = snap.n if facets else min(snap.n, EXACT_COUNT)
        mset = snap._guard(lambda: count.get_mset(0, 0, check))
    counted.total = int(mset.get_matches_estimated())
    counted.estimated = mset.get_matches_lower_bound() != mset.get_matches_upper_bound()
    if facets:
        for name, spy in spies.items():
            counts: dict[Any, int] = {}
            for item in spy.values():
                value = item.term.decode("utf-8")
                counts[int(value) if name == "year" and value.isdigit() else value] = item.termfreq
            missing = counted.total - sum(counts.values())
            if missing > 0:
                counts[None] = missing
            counted.facets[name] = counts
    return items
