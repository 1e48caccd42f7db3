"""A plan ranked inside Xapian: one query whose weights are searchkit's ranking.

The plan (:mod:`searchkit.query.plan`) is compiled by :class:`Compiler` (a
:class:`~searchkit.query.plan.Walker`) into one Xapian query over the
prefixed terms of :mod:`searchkit.index.xapian.terms`, so that Xapian's
matcher returns the page already in order (:mod:`.xapian_native` runs it):

* a word is an OR of its readings (the most probable fully, the others at
  ``OTHER_READING_BOOST``), its form (``EXACT_FORM_BOOST``), its heading
  terms (``FIELD_BOOSTS``), its parts, its alternatives
  (``ALTERNATIVE_BOOST``) and its relatives (``RELATIVE_BOOST``), each
  under ``OP_SCALE_WEIGHT``; Xapian's BM25 scores each term;
* a phrase is ``OP_PHRASE``, ``"…"~N`` ``OP_NEAR`` (exact: Xapian checks
  the positions), filters boolean terms and value ranges, exclusions
  ``OP_AND_NOT``, a symbol its boolean terms at a fixed weight;
* a block must hold :func:`~.ranking.needed` of the clauses (an OR of ANDs),
  or every one of them (``require_all``), every required clause and every
  limit;
* what only adds to the score rides under ``OP_AND_MAYBE``: blocks with every
  clause in their own text gain :data:`TIER` (they come first), every clause
  a block holds adds its share of :data:`COVERAGE_SCALE` times the query's
  idf (:func:`~searchkit.query.plan.clause_weight`: a block covering the
  rare words of a query outranks one holding its common ones; a heading or
  relative match counts ``PARTIAL_WEIGHT``), consecutive query words within
  ``PROXIMITY_SLOP`` of each other (``OP_NEAR``) add ``PROXIMITY_BOOST``
  times their weight, the document title its lemmas at the title's field
  boost, a label and a number the block they name ``NUMBER_BONUS``.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations, pairwise
from typing import Any

from ..analysis import SURFACE_MARK, lemmas
from ..index.xapian import xapian
from ..index.xapian.snapshot import XapianSnapshot
from ..index.xapian.terms import SLOT, term
from ..query import plan as p
from . import ranking as knobs
from .ranker import match_terms

#: An OR of ANDs for "at least m of n clauses" is written out up to this many ANDs.
MAX_COMBINATIONS = 64
#: What a block with every clause in its own text gains: more than any
#: block's BM25 sum, so those blocks come first.
TIER = 10_000.0
#: The coverage bonus of a block holding every clause: this times the sum of
#: the clauses' idf (a BM25 term weighs up to about (K1 + 1) · idf).
COVERAGE_SCALE = 6.0


class Compiler(p.Walker[Any]):
    """Plan nodes as Xapian queries (see the module's docstring). ``own``
    (the walker's argument): only what counts as the word's match in the
    block's own text (no heading, no relatives)."""

    def __init__(self, snap: XapianSnapshot) -> None:
        self.snap = snap
        self.x = xapian()
        self.xq = self.x.Query

    # ------------------------------------------------------------- helpers

    def node(self, node: p.Node, own: bool = False) -> Any:
        return self.walk(node, own)

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
        """``query`` weighing exactly ``weight`` in every block it matches."""
        source = self.xq(self.x.FixedWeightPostingSource(weight))
        return self.xq(self.xq.OP_AND, [source, self.boolean(query)])

    def any(self, parts: list[Any]) -> Any:
        return self.xq(self.xq.OP_OR, parts) if parts else self.nothing()

    # ------------------------------------------------------------- nodes

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

    def form(self, node: p.FormMatch, own: bool) -> Any:
        return self.xq(SURFACE_MARK + node.form)

    def prefix(self, node: p.PrefixMatch, own: bool) -> Any:
        return self.terms([("content", SURFACE_MARK + f, 1.0) for f in node.forms])

    def phrase(self, node: p.PhraseMatch, own: bool) -> Any:
        return self.phrase_words(list(node.words), node.slop)

    def symbol(self, node: p.SymbolMatch, own: bool) -> Any:
        """A symbol: the document's own or one the block cites (boolean
        terms, each field weighing 1 as a whoosh posting of them does)."""
        parts = []
        for fieldname in ("symbol", "cites"):
            symbols = (
                list(self.snap.expand_prefix(fieldname, node.symbol))
                if node.prefix
                else [node.symbol]
            )
            held = self.any([self.xq(term(fieldname, s)) for s in symbols])
            parts.append(self.fixed(held, 1.0))
        return self.xq(self.xq.OP_OR, parts)

    def field(self, node: p.FieldMatch, own: bool) -> Any:
        return self.boolean(self.xq(term(node.field, node.value)))

    def field_prefix(self, node: p.FieldPrefix, own: bool) -> Any:
        values = list(self.snap.expand_prefix(node.field, node.prefix))
        return self.boolean(self.any([self.xq(term(node.field, v)) for v in values]))

    def field_range(self, node: p.FieldRange, own: bool) -> Any:
        """A range of ``year`` or ``date`` over its value slot."""
        xq = self.xq
        slot = SLOT[node.field]
        lo = None if node.lo is None else str(node.lo)
        hi = None if node.hi is None else str(node.hi)
        if node.field == "year":
            lo, hi = (v.zfill(4) if v is not None else None for v in (lo, hi))
        if node.hi_excl and hi is not None:  # an excluded end: the values below it
            query = self.field_range(p.FieldRange(node.field, node.lo, node.hi), own)
            return self.boolean(xq(xq.OP_AND_NOT, query, xq(xq.OP_VALUE_RANGE, slot, hi, hi)))
        if lo is not None and hi is not None:
            query = xq(xq.OP_VALUE_RANGE, slot, lo, hi)
        elif lo is not None:
            query = xq(xq.OP_VALUE_GE, slot, lo)
        elif hi is not None:
            query = xq(xq.OP_VALUE_LE, slot, hi)
        else:
            query = xq.MatchAll
        return self.boolean(query)

    def all_of(self, node: p.AllOf, own: bool) -> Any:
        return self.xq(self.xq.OP_AND, [self.node(c, own) for c in node.children])

    def any_of(self, node: p.AnyOf, own: bool) -> Any:
        return self.xq(self.xq.OP_OR, [self.node(c, own) for c in node.children])

    def none_of(self, node: p.NoneOf, own: bool) -> Any:
        xq = self.xq
        return self.boolean(xq(xq.OP_AND_NOT, xq.MatchAll, self.node(node.child)))

    # ------------------------------------------------------------- phrases

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
        """Blocks holding the words in a row (``slop`` None) or within ``slop``
        words of each other, by their lemmas' positions; a form or a prefix
        must also be held as such."""
        xq = self.xq
        parts = [self.phrase_term(w) for w in words]
        exact = [self.node(w) for w in words if not isinstance(w, p.WordMatch)]
        if len(parts) == 1:
            found = parts[0]
        elif any(isinstance(w, p.WordMatch) and w.parts for w in words):
            found = xq(xq.OP_AND, parts)  # a dashed word's parts in a row: inside the phrase
        elif slop is None:
            found = xq(xq.OP_PHRASE, parts, len(parts))
        else:
            found = xq(xq.OP_NEAR, parts, (len(parts) - 1) * slop + len(parts))
        if exact:  # the forms themselves (their positions are their lemmas')
            found = xq(xq.OP_FILTER, found, xq(xq.OP_AND, exact))
        return found

    # ------------------------------------------------------------- plans

    def at_least(self, parts: list[Any], m: int) -> Any:
        """Blocks matching at least ``m`` of ``parts`` (scored as their sum)."""
        xq = self.xq
        if m <= 1 or len(parts) == 1:
            return xq(xq.OP_OR, parts)
        if m >= len(parts):
            return xq(xq.OP_AND, parts)
        groups = list(combinations(range(len(parts)), m))
        if len(groups) > MAX_COMBINATIONS:  # every block with one of them
            return xq(xq.OP_OR, parts)
        anded = xq(xq.OP_OR, [xq(xq.OP_AND, [self.boolean(parts[i]) for i in g]) for g in groups])
        return xq(xq.OP_AND_MAYBE, anded, xq(xq.OP_OR, parts))


def limits(c: Compiler, plan: p.Plan, lang: str | None) -> list[Any]:
    """The plan's filters and exclusions (and ``lang``) as boolean queries."""
    out = [c.node(node) for node in plan.limits]
    if lang:
        out.append(c.xq(term("lang", lang)))
    return out


def compile_plan(
    c: Compiler, plan: p.Plan, lang: str | None, require_all: bool, any_clause: bool = False
) -> tuple[Any, Any | None, Any]:
    """The plan as one weighted Xapian query (see the module's docstring),
    the query of the blocks with every clause in their own text (None for a
    plan of filters only), and the query of what matches (no score-only
    parts: for counting). ``any_clause``: one clause is enough."""
    xq = c.xq
    kept = [i for i in range(len(plan.clauses)) if i not in plan.optional]
    clauses = [plan.clauses[i] for i in kept]
    full = [c.node(node) for node in clauses]
    required = [c.boolean(c.node(plan.clauses[i])) for i in sorted(plan.required)]
    bounds = limits(c, plan, lang)
    n = len(clauses)
    if n:
        needed = 1 if any_clause else n if require_all else knobs.needed(n)
        query = c.at_least(full, needed)
    else:
        query = xq.MatchAll
    if required:
        query = xq(xq.OP_AND, [query, *required])
    if bounds:
        query = xq(xq.OP_FILTER, query, xq(xq.OP_AND, bounds))
    matching = query
    extra = [c.node(plan.clauses[i]) for i in sorted(plan.optional)]  # score only
    extra += bonuses(c, plan)
    whole = None
    if n:
        own = [c.node(node, own=True) for node in clauses]
        whole = xq(xq.OP_AND, own) if n > 1 else own[0]
        extra.append(c.fixed(whole, TIER))
        if n > 1:
            extra += coverage(c, plan, clauses, full, own)
    if extra:
        query = xq(xq.OP_AND_MAYBE, query, xq(xq.OP_OR, extra))
    return query, whole, matching


def coverage(
    c: Compiler, plan: p.Plan, clauses: list[p.Node], full: list[Any], own: list[Any]
) -> list[Any]:
    """Each clause's share of the query as a fixed weight: its idf over the
    query's, times :data:`COVERAGE_SCALE` and the query's idf; half of it
    when matched only in the heading or by a relative."""
    snap = c.snap
    idf: Callable[[str], float] = lambda t: knobs.idf(  # noqa: E731
        snap.doc_frequency("content", t), snap.population
    )
    rarest = knobs.idf(1, snap.population)
    weights = [p.clause_weight(node, idf, rarest) for node in clauses]
    scale = COVERAGE_SCALE * sum(weights)
    share = [w / (sum(weights) or 1.0) * scale for w in weights]
    out = []
    for s, f, o in zip(share, full, own, strict=True):
        if s > 0:
            out.append(c.fixed(f, s * knobs.PARTIAL_WEIGHT))
            out.append(c.fixed(o, s * (1 - knobs.PARTIAL_WEIGHT)))
    return out


def bonuses(c: Compiler, plan: p.Plan) -> list[Any]:
    """What only adds to a matching block's score: its title, the block a
    label and a number name."""
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
        parts.append(c.fixed(named, knobs.NUMBER_BONUS))
    return parts


def closeness(c: Compiler, plan: p.Plan) -> list[Any]:
    """The proximity bonus: each pair of consecutive query words (of the
    first ``PROXIMITY_WORDS``) within ``PROXIMITY_SLOP`` words of each other
    adds ``PROXIMITY_BOOST`` times their weight (``OP_NEAR``: positions are
    read, so :mod:`.xapian_native` asks for it only for the blocks that can
    reach the page)."""
    xq = c.xq
    parts = []
    for a, b in pairwise(plan.near[: knobs.PROXIMITY_WORDS]):
        pair = [c.phrase_term(a), c.phrase_term(b)]
        near = xq(xq.OP_NEAR, pair, knobs.PROXIMITY_SLOP + 2)
        parts.append(c.scaled(near, knobs.PROXIMITY_BOOST))
    return parts
