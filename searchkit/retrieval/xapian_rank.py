"""A plan answered by a Xapian index: Xapian's matcher finds the candidates,
the one ranker scores them.

The plan (:mod:`searchkit.query.plan`) becomes Xapian queries over the
prefixed terms of :mod:`searchkit.index.xapian.terms`: a word is an OR of its
readings, its form, its heading terms, its alternatives and relatives
(weighted as :mod:`.ranking` weighs them), a phrase ``OP_PHRASE``, ``"…"~N``
``OP_NEAR``, filters boolean terms and value ranges, exclusions
``OP_AND_NOT``. Two matches run in Xapian, each keeping the best
:func:`pool_size` blocks by Xapian's BM25:

* the blocks with every clause in their own text (the hits that come first);
* the blocks with enough of the clauses (:func:`~.ranking.needed`, written
  as an OR of ANDs of the clauses), or with any when none has enough; all
  of them when they are at most :data:`EXHAUSTIVE`.

Their union is a :class:`~searchkit.index.xapian.snapshot.Window`, which the
ranker (:class:`~.ranker.Ranker`) scores exactly as it scores a whoosh
index: BM25F with searchkit's weights and the whole index's statistics,
tiers, coverage, phrases and ``~N`` from positions, the proximity bonus,
feedback, re-ranking by kind. How many blocks match, and the facets, are
the ranker's when the window holds every block Xapian matched, else
Xapian's counts over the whole index (exact up to :data:`EXACT_COUNT`
matches, estimated past it; for phrases and ``~N``, of the candidates).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from ..analysis import SURFACE_MARK, lemmas
from ..index.xapian import xapian
from ..index.xapian.snapshot import Window, XapianSnapshot
from ..index.xapian.terms import SLOT, term
from ..query import plan as p
from . import ranking as knobs
from .ranker import match_terms

#: Counts of matching blocks are exact up to this many, estimated past it.
EXACT_COUNT = 10_000
#: An OR of ANDs for "at least m of n clauses" is written out up to this many ANDs.
MAX_COMBINATIONS = 64
#: Facets counted: name -> value slot.
FACET_SLOTS = {"body": SLOT["body"], "year": SLOT["year"], "lang": SLOT["lang"]}


#: A query matching at most this many blocks is ranked over all of them.
EXHAUSTIVE = 200


def pool_size(depth: int) -> int:
    """How many candidates each Xapian match keeps for a page reaching ``depth``."""
    return depth + 20


@dataclass
class Counted:
    """What Xapian counted over the whole index."""

    total: int = 0
    all_words: int = 0
    estimated: bool = False
    #: The window holds every block Xapian matched: the ranker's own counts
    #: are exact (Xapian's phrase and ~N matches are a superset of the ranker's).
    complete: bool = False
    facets: dict[str, dict[Any, int]] = field(default_factory=dict)


class Compiler:
    """Plan nodes as Xapian queries (see the module's docstring)."""

    def __init__(self, snap: XapianSnapshot) -> None:
        self.snap = snap
        self.x = xapian()
        self.xq = self.x.Query

    def nothing(self) -> Any:
        return self.xq.MatchNothing

    def terms(self, terms: list[tuple[str, str, float]]) -> Any:
        xq = self.xq
        parts = [self.scaled(xq(term(f, t)), boost) for f, t, boost in terms]
        return xq(xq.OP_OR, parts) if parts else self.nothing()

    def scaled(self, query: Any, factor: float) -> Any:
        return query if factor == 1.0 else self.xq(self.xq.OP_SCALE_WEIGHT, query, factor)

    def boolean(self, query: Any) -> Any:
        return self.xq(self.xq.OP_SCALE_WEIGHT, query, 0.0)

    def fixed(self, query: Any, weight: float) -> Any:
        """``query`` (of boolean terms, which weigh nothing in BM25) weighing
        ``weight`` in every block it matches."""
        source = self.xq(self.x.FixedWeightPostingSource(weight))
        return self.xq(self.xq.OP_AND, [source, query])

    def word(self, word: p.WordMatch, own: bool) -> Any:
        """A word: its readings and form in the text (and what else counts as
        its own match); unless ``own``, its heading terms and relatives too."""
        xq = self.xq
        parts = [
            self.scaled(xq(term(f, t)), boost * knobs.FIELD_BOOSTS.get(f, 1.0))
            for f, t, boost in match_terms(word)  # the ranker's terms, weighed as it weighs them
            if f == "content" or not own or knobs.HEADING_IS_TEXT
        ]
        if word.parts:
            parts.append(self.phrase_words([p.WordMatch(r, "") for r in word.parts], None))
        for alternative in word.alternatives:
            parts.append(self.scaled(self.node(alternative, own), knobs.ALTERNATIVE_BOOST))
        if word.parts and not own:  # its parts apart
            apart = [xq(xq.OP_OR, [xq(r) for r in part]) for part in word.parts]
            parts.append(self.scaled(xq(xq.OP_AND, apart), knobs.PARTS_APART_BOOST))
        if word.relatives and not own:
            relatives = [self.xq(term("content", r)) for r in word.relatives]
            parts.append(self.scaled(xq(xq.OP_OR, relatives), knobs.RELATIVE_BOOST))
        return xq(xq.OP_OR, parts)

    def phrase_term(self, word: p.PhraseWord) -> Any:
        """One word of a phrase as an OR of lemmas (what ``OP_PHRASE`` takes:
        only lemmas have positions in the index; a form's are its lemmas')."""
        xq = self.xq
        if isinstance(word, p.WordMatch):
            found = list(word.readings)
            found += [r for part in word.parts for r in part]  # parts: in a row, checked later
        elif isinstance(word, p.FormMatch):
            found = list(lemmas(word.form))
        else:
            found = [lem for form in word.forms for lem in lemmas(form)]
        unique = list(dict.fromkeys(found))
        return xq(xq.OP_OR, [xq(t) for t in unique]) if unique else self.nothing()

    def phrase_words(self, words: list[p.PhraseWord], slop: int | None) -> Any:
        """Blocks that may hold the phrase (a superset: the ranker checks the
        positions exactly)."""
        xq = self.xq
        parts = [self.phrase_term(w) for w in words]
        if len(parts) == 1:
            return parts[0]
        dashed = any(isinstance(w, p.WordMatch) and w.parts for w in words)
        if dashed:
            return xq(xq.OP_AND, parts)
        if slop is None:
            return xq(xq.OP_PHRASE, parts, len(parts))
        return xq(xq.OP_NEAR, parts, (len(parts) - 1) * slop + len(parts))

    def node(self, node: p.Node, own: bool = False) -> Any:
        xq = self.xq
        if isinstance(node, p.WordMatch):
            return self.word(node, own)
        if isinstance(node, p.FormMatch):
            return xq(SURFACE_MARK + node.form)
        if isinstance(node, p.PrefixMatch):
            return self.terms([("content", SURFACE_MARK + f, 1.0) for f in node.forms])
        if isinstance(node, p.PhraseMatch):
            return self.phrase_words(list(node.words), node.slop)
        if isinstance(node, p.SymbolMatch):
            found = []
            for fieldname in ("symbol", "cites"):
                symbols = (
                    list(self.snap.expand_prefix(fieldname, node.symbol))
                    if node.prefix
                    else [node.symbol]
                )
                found += [(fieldname, s, 1.0) for s in symbols]
            return self.terms(found)
        if isinstance(node, p.AllOf):
            return xq(xq.OP_AND, [self.node(c, own) for c in node.children])
        if isinstance(node, p.AnyOf):
            return xq(xq.OP_OR, [self.node(c, own) for c in node.children])
        if isinstance(node, p.NoneOf):
            return xq(xq.OP_AND_NOT, xq.MatchAll, self.node(node.child))
        if isinstance(node, p.FieldMatch):
            return self.boolean(xq(term(node.field, node.value)))
        if isinstance(node, p.FieldPrefix):
            values = list(self.snap.expand_prefix(node.field, node.prefix))
            return self.boolean(xq(xq.OP_OR, [xq(term(node.field, v)) for v in values]))
        if isinstance(node, p.FieldRange):
            return self.boolean(self.value_range(node))
        raise TypeError(f"not a plan node: {node!r}")

    def value_range(self, node: p.FieldRange) -> Any:
        """A range of ``year`` or ``date`` over its value slot (inclusive at
        both ends: the ranker drops an excluded end)."""
        xq = self.xq
        slot = SLOT[node.field]
        lo = None if node.lo is None else str(node.lo)
        hi = None if node.hi is None else str(node.hi)
        if node.field == "year":
            lo, hi = (v.zfill(4) if v is not None else None for v in (lo, hi))
        if lo is not None and hi is not None:
            return xq(xq.OP_VALUE_RANGE, slot, lo, hi)
        if lo is not None:
            return xq(xq.OP_VALUE_GE, slot, lo)
        if hi is not None:
            return xq(xq.OP_VALUE_LE, slot, hi)
        return xq.MatchAll

    def at_least(self, parts: list[Any], m: int) -> Any:
        """Blocks matching at least ``m`` of ``parts`` (scored as their sum)."""
        xq = self.xq
        if m <= 1 or len(parts) == 1:
            return xq(xq.OP_OR, parts)
        if m >= len(parts):
            return xq(xq.OP_AND, parts)
        groups = list(combinations(range(len(parts)), m))
        if len(groups) > MAX_COMBINATIONS:  # a superset: the ranker keeps the right ones
            return xq(xq.OP_OR, parts)
        anded = xq(xq.OP_OR, [xq(xq.OP_AND, [parts[i] for i in g]) for g in groups])
        return xq(xq.OP_AND_MAYBE, anded, xq(xq.OP_OR, parts))


def candidates(
    snap: XapianSnapshot,
    plan: p.Plan,
    depth: int,
    lang: str | None,
    per_document: int | None,
    facets: bool,
    require_all: bool,
) -> tuple[Window, Counted]:
    """The window of candidate blocks for ``plan`` and Xapian's counts (see
    the module's docstring)."""
    c = Compiler(snap)
    xq = c.xq
    limits = [c.node(node) for node in plan.limits]
    if lang:
        limits.append(xq(term("lang", lang)))
    kept = [i for i in range(len(plan.clauses)) if i not in plan.optional]
    clauses = [plan.clauses[i] for i in kept]
    full = [c.node(node) for node in clauses]
    required = [c.node(plan.clauses[i]) for i in sorted(plan.required)]
    naming = [c.node(plan.clauses[i]) for i in sorted(plan.optional)]  # score only
    n = len(clauses)

    def limited(query: Any) -> Any:
        if required:
            query = xq(xq.OP_AND, [query, *required])
        if limits:
            query = xq(xq.OP_FILTER, query, xq(xq.OP_AND, limits))
        bonus = _bonus(c, plan)
        extra = [*naming, *([bonus] if bonus is not None else [])]
        return xq(xq.OP_AND_MAYBE, query, xq(xq.OP_OR, extra)) if extra else query

    counted = Counted()
    k = pool_size(depth) * (3 if per_document else 1)  # per_document takes a wider pool
    if not n:  # filters only: every block they allow, in document order
        mset = _match(snap, limited(xq.MatchAll), k, facets, counted, in_order=True)
        ids = [item.docid for item in mset]
        counted.all_words = counted.total
        counted.complete = not counted.estimated and len(ids) >= counted.total
        return snap.window(ids), counted
    needed = n if require_all else knobs.needed(n)
    fill = limited(c.at_least(full, needed))
    mset = _match(snap, fill, k, facets, counted)
    if not counted.total and not require_all and needed > 1:  # too few words in any block
        fill = limited(c.at_least(full, 1))
        mset = _match(snap, fill, k, facets, counted)
    if k < counted.total <= max(EXHAUSTIVE, k):  # few enough to rank them all
        mset = _match(snap, fill, counted.total, facets=False, counted=Counted())
    ids = [item.docid for item in mset]
    counted.complete = not counted.estimated and len(ids) >= counted.total
    terms = {t.decode("utf-8") for t in _terms(fill)}
    snap.know_frequencies({t: int(mset.get_termfreq(t)) for t in terms})  # no round trip each
    whole = Counted()
    own = limited(xq(xq.OP_AND, [c.node(node, own=True) for node in clauses]))
    for item in _match(snap, own, k, False, whole):
        if item.docid not in ids:
            ids.append(item.docid)
    counted.all_words = whole.total
    window = snap.window(sorted(ids))
    window.prefetch(("content", t) for t in terms)  # every term of the plan, in one pass
    return window, counted


def _terms(query: Any) -> Any:
    """The terms of a Xapian query (bytes)."""
    return iter(query)


def _bonus(c: Compiler, plan: p.Plan) -> Any:
    """What only adds to a matching block's score: its title, the block a
    label and a number name (so Xapian keeps such blocks among the candidates)."""
    xq = c.xq
    parts = []
    if plan.title:
        title = [xq(term(knobs.TITLE_FIELD, lem)) for lem in plan.title]
        parts.append(c.scaled(xq(xq.OP_OR, title), knobs.FIELD_BOOSTS[knobs.TITLE_FIELD]))
    for number, kinds in plan.numbered:
        named = xq(
            xq.OP_AND,
            [xq(term("number", number)), xq(xq.OP_OR, [xq(term("kind", k)) for k in kinds])],
        )
        parts.append(c.fixed(named, knobs.NUMBER_BONUS))  # boolean terms: a fixed weight
    return xq(xq.OP_OR, parts) if parts else None


def _match(
    snap: XapianSnapshot,
    query: Any,
    k: int,
    facets: bool,
    counted: Counted,
    in_order: bool = False,
) -> Any:
    """The best ``k`` blocks for ``query``; their count (and facets) into ``counted``."""
    x = snap.x
    enquire = x.Enquire(snap.db)
    enquire.set_query(query)
    enquire.set_weighting_scheme(x.BM25Weight(knobs.K1, 0, 1, knobs.B, 0.5))
    if in_order:  # documents by source, each block in its place
        enquire.set_sort_by_value(SLOT["order"], False)
        enquire.set_weighting_scheme(x.BoolWeight())
    spies = {}
    if facets:
        for name, slot in FACET_SLOTS.items():
            spies[name] = x.ValueCountMatchSpy(slot)
            enquire.add_matchspy(spies[name])
    check = snap.n if facets else min(snap.n, EXACT_COUNT)
    mset = snap._guard(lambda: enquire.get_mset(0, k, check))
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
    return mset
