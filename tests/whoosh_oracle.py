"""An independent answer to a query plan: whoosh's own matchers and scorer.

The ranker (searchkit.retrieval.ranker) scores plans in bulk with numpy. Here
the same plan becomes a tree of whoosh query objects (span queries for
phrases and ``~N``), scored by whoosh's BM25F with the ranker's field boosts
applied to term frequencies: what whoosh itself would answer. Tests compare
the two block by block.
"""

from __future__ import annotations

from functools import cache
from itertools import pairwise
from typing import Any

from whoosh import query as q
from whoosh.scoring import BM25F, BM25FScorer

from searchkit.analysis import SURFACE_MARK
from searchkit.query import plan as p
from searchkit.retrieval import ranking as knobs


class _BoostedScorer(BM25FScorer):  # type: ignore[misc]
    def __init__(self, searcher: Any, fieldname: str, text: Any, b: float, k1: float) -> None:
        self.field_boost = knobs.FIELD_BOOSTS.get(fieldname, 1.0)
        super().__init__(searcher, fieldname, text, b, k1, qf=1)

    def _score(self, weight: float, length: float) -> float:
        return float(super()._score(weight * self.field_boost, length))


class BoostedBM25F(BM25F):  # type: ignore[misc]
    """whoosh's BM25F with a field's term frequency counted ``FIELD_BOOSTS`` times."""

    def __init__(self) -> None:
        super().__init__(B=knobs.B, K1=knobs.K1)

    def scorer(self, searcher: Any, fieldname: str, text: Any, qf: int = 1) -> Any:
        if not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf)
        return _BoostedScorer(searcher, fieldname, text, self.B, self.K1)


def scores(searcher: Any, query: Any) -> dict[int, float]:
    """Every matching block and its score, as whoosh's matchers compute them."""
    return {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}


def required(plan: p.Plan) -> Any:
    """The plan's blocks with every clause and limit, with the score-only parts."""
    nodes = [node(n) for n in (*plan.clauses, *plan.limits)]
    return _with_bonus(_and(nodes) if nodes else q.NullQuery, plan)


def with_proximity(plan: p.Plan) -> Any:
    """:func:`required` plus the proximity of consecutive words as span clauses."""
    clauses = []
    for a, b in pairwise(plan.near[: knobs.PROXIMITY_WORDS]):
        near = _near([_span(a), _span(b)], slop=knobs.PROXIMITY_SLOP, ordered=False)
        near.boost = knobs.PROXIMITY_BOOST
        clauses.append(near)
    base = required(plan)
    return q.AndMaybe(base, q.Or(clauses)) if clauses else base


def _with_bonus(base: Any, plan: p.Plan) -> Any:
    bonus = []
    if plan.title:
        bonus.append(q.Or([q.Term(knobs.TITLE_FIELD, lem) for lem in plan.title]))
    for number, kinds in plan.numbered:
        named = q.And([q.Term("number", number), q.Or([q.Term("kind", k) for k in kinds])])
        bonus.append(q.ConstantScoreQuery(named, score=knobs.NUMBER_BONUS))
    return q.AndMaybe(base, q.Or(bonus)) if bonus else base


def node(n: Any) -> Any:
    if isinstance(n, p.WordMatch):
        terms: list[Any] = []
        for i, lem in enumerate(n.readings):
            boost = 1.0 if i == 0 else knobs.OTHER_READING_BOOST
            terms += [q.Term(f, lem, boost=boost) for f in knobs.MATCH_FIELDS]
        terms.append(q.Term("content", SURFACE_MARK + n.form, boost=knobs.EXACT_FORM_BOOST))
        if n.parts:
            terms.append(_parts(n))
        terms += [_boosted(node(alt), knobs.ALTERNATIVE_BOOST) for alt in n.alternatives]
        if n.parts:  # its parts apart
            apart = [q.Or([q.Term("content", r) for r in part]) for part in n.parts]
            terms.append(_boosted(q.And(apart), knobs.PARTS_APART_BOOST))
        if n.relatives:  # the best of them (whoosh applies a compound's boost only to its parts)
            relatives = [q.Term("content", r, boost=knobs.RELATIVE_BOOST) for r in n.relatives]
            terms.append(_best_of(relatives))
        return q.Or(terms)
    if isinstance(n, p.FormMatch):
        return q.Term("content", SURFACE_MARK + n.form)
    if isinstance(n, p.PrefixMatch):
        forms = [q.Term("content", SURFACE_MARK + f) for f in n.forms]
        return q.Or(forms) if forms else q.NullQuery
    if isinstance(n, p.PhraseMatch):
        spans = [_span(w) for w in n.words]
        if n.slop is None:
            return _near(spans, slop=1, ordered=True)
        return _near(spans, slop=n.slop, ordered=False)
    if isinstance(n, p.SymbolMatch):
        if n.prefix:
            return q.Or([q.Prefix("symbol", n.symbol), q.Prefix("cites", n.symbol)])
        return q.Or([q.Term("symbol", n.symbol), q.Term("cites", n.symbol)])
    if isinstance(n, p.AllOf):
        return _and([node(c) for c in n.children])
    if isinstance(n, p.AnyOf):
        return q.Or([node(c) for c in n.children])
    if isinstance(n, p.NoneOf):
        return q.Not(node(n.child))
    if isinstance(n, p.FieldMatch):
        return q.ConstantScoreQuery(q.Term(n.field, n.value), 0.0)
    if isinstance(n, p.FieldPrefix):
        return q.ConstantScoreQuery(q.Prefix(n.field, n.prefix), 0.0)
    if isinstance(n, p.FieldRange):
        if n.field == "year":
            return q.ConstantScoreQuery(q.NumericRange("year", n.lo, n.hi), 0.0)
        return q.ConstantScoreQuery(
            q.TermRange(n.field, n.lo, n.hi, startexcl=False, endexcl=n.hi_excl), 0.0
        )
    raise TypeError(n)


def _best_of(queries: list[Any]) -> Any:
    """The best score of ``queries`` in each block. (whoosh's DisjunctionMax
    gives wrong scores over several segments: a stale maximum of an earlier
    block, seen here on an index with deletions.)"""
    from whoosh.matching import UnionMatcher

    class MaxUnion(UnionMatcher):  # type: ignore[misc]
        def score(self) -> float:
            a, b = self.a, self.b
            if not a.is_active():
                return float(b.score())
            if not b.is_active() or a.id() < b.id():
                return float(a.score())
            if b.id() < a.id():
                return float(b.score())
            return max(float(a.score()), float(b.score()))

    class BestOf(q.CompoundQuery):  # type: ignore[misc]
        def _matcher(self, subs: Any, searcher: Any, context: Any) -> Any:
            found = [sub.matcher(searcher, context) for sub in subs]
            matcher = found[0]
            for other in found[1:]:
                matcher = MaxUnion(matcher, other)
            return matcher

    return BestOf(queries)


def _boosted(query: Any, boost: float) -> Any:
    """``query`` scoring ``boost`` times as much (whoosh applies the boost of an
    Or or And to nothing: it is pushed down to the terms)."""
    if isinstance(query, q.Term) or hasattr(query, "qs"):  # a term, or a span Near
        query.boost = getattr(query, "boost", 1.0) * boost
        return query
    if isinstance(query, q.Or | q.And):
        return type(query)([_boosted(sub, boost) for sub in query.subqueries])
    raise TypeError(query)


def _parts(w: p.WordMatch) -> Any:
    spans = [_any([q.Term("content", lem) for lem in readings]) for readings in w.parts]
    return _near(spans, slop=1, ordered=True)


def _span(w: Any) -> Any:
    if isinstance(w, p.FormMatch):
        return q.Term("content", SURFACE_MARK + w.form)
    if isinstance(w, p.PrefixMatch):
        forms = [q.Term("content", SURFACE_MARK + f) for f in w.forms]
        return _any(forms) if forms else q.NullQuery
    terms = [q.Term("content", lem) for lem in w.readings]
    if w.parts:
        terms.append(_parts(w))
    return terms[0] if len(terms) == 1 else _any(terms)


def _and(parts: list[Any]) -> Any:
    return parts[0] if len(parts) == 1 else q.And(parts)


@cache
def _span_types() -> tuple[type, type]:
    """whoosh's SpanNear2 and SpanOr with working size estimates (2.7.4 raises
    NameError / NotImplementedError there when they sit inside an Or)."""
    from whoosh.matching import WrappingMatcher
    from whoosh.query.spans import SpanNear2, SpanOr

    def size(query: Any, reader: Any) -> int:
        try:
            return int(query.estimate_size(reader))
        except (NotImplementedError, NameError):
            return int(reader.doc_count_all())

    class Near(SpanNear2):  # type: ignore[misc,valid-type]
        def _and_query(self) -> Any:
            return q.And(self.qs)

        def estimate_size(self, reader: Any) -> int:
            return min(size(sub, reader) for sub in self.qs)

        def estimate_min_size(self, reader: Any) -> int:
            return 0

        def matcher(self, searcher: Any, context: Any = None) -> Any:
            found = super().matcher(searcher, context)
            boost = getattr(self, "boost", 1.0)
            return found if boost == 1.0 else WrappingMatcher(found, boost=boost)

    class AnyOf(SpanOr):  # type: ignore[misc,valid-type]
        def estimate_size(self, reader: Any) -> int:
            return sum(size(sub, reader) for sub in self.subqs)

        def estimate_min_size(self, reader: Any) -> int:
            return 0

    return Near, AnyOf


def _near(qs: list[Any], slop: int = 1, ordered: bool = True) -> Any:
    return _span_types()[0](qs, slop=slop, ordered=ordered)


def _any(qs: list[Any]) -> Any:
    return _span_types()[1](qs)
