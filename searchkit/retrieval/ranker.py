"""The one ranker: a query plan scored over every block at once, with numpy.

whoosh stores the index, but its matchers score one posting at a time in
Python. Here each node of a :class:`~searchkit.query.plan.Plan` becomes
arithmetic on per-block vectors (:class:`Matches`: a score and a match flag
per block), from posting lists the :class:`~searchkit.index.snapshot.Snapshot`
decodes once and caches:

* a term scores BM25F (:mod:`.ranking` has the formula and every weight);
  a word is the sum of its matching terms (readings, the form typed, the parts
  of a dashed word in a row), in the block text and its heading;
* ``AllOf`` intersects and adds, ``AnyOf`` unites and adds, ``NoneOf``
  matches what its child does not; filters match and score a constant;
* phrases are found from positions: in a row by intersecting
  ``block << 32 | position - i`` keys of their words, and ``"…"~N`` (or a
  phrase with a dashed word) by merging each block's word spans as whoosh's
  ``SpanNear2`` does, so the results are the same;
* the proximity bonus is computed for the best candidates only, from their
  posting positions (:func:`proximity`).

The scores equal whoosh's own BM25F with the same weights (tests compare
every matching block on real text), and the top hits are exact.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from ..analysis import SURFACE_MARK
from ..index.snapshot import Snapshot
from ..query import plan as p
from . import ranking as knobs

#: Phrases of at most this many words, each at one position, are matched by
#: key intersection (positions below 2**POSITION_BITS); others by span merging.
MAX_PHRASE = 32
POSITION_BITS = 32

#: A term of the index and how much it counts: (field, text, boost).
Term = tuple[str, str, float]


@dataclass
class Matches:
    """A plan node's result over the whole index: score and match flag per
    block (the score is 0 wherever the flag is False), and where it matched
    by the words themselves in the block's own text (``text``; ``None``: as
    ``mask``)."""

    scores: np.ndarray  # float64, one per block (0 where it does not match)
    mask: np.ndarray  # bool, one per block
    text_mask: np.ndarray | None = None

    @property
    def text(self) -> np.ndarray:
        return self.mask if self.text_mask is None else self.text_mask


@dataclass
class Ranked:
    """A plan's result: every matching block's score, and whether it has every
    clause in its own text (see :meth:`Ranker.rank`)."""

    scores: np.ndarray  # float64, 0 where the block does not match
    mask: np.ndarray  # bool: the blocks in the result
    whole: np.ndarray  # bool: every clause matched in the block's own text

    @property
    def complete(self) -> np.ndarray:
        """Blocks with every clause in their own text."""
        return self.mask & self.whole

    def tier(self) -> np.ndarray:
        """1 for a block with every clause, else 0: those come first."""
        return self.whole.astype(np.int32)


class Ranker:
    """Scores plans over one snapshot of the index."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snap = snapshot
        self.n = snapshot.n

    # ------------------------------------------------------------- plans

    def rank(self, plan: p.Plan, require_all: bool = False, weigh: bool = True) -> Ranked:
        """Every block that matches the plan, with its score.

        A block must match every limit (filters, exclusions) and every
        required clause (``+word``), and at least :func:`~.ranking.needed`
        of the clauses (all of them with ``require_all``; when no block has
        that many, one is enough); a label and number naming a block
        (``пункт 36`` beside other words) only add to the score. Its score
        is the sum of the clauses and limits it matches plus the score-only
        parts. Blocks with every clause
        in their own text, by the words themselves, come first; the others'
        scores are weighed by their :meth:`coverage` of the query (unless not
        ``weigh``: the plain sum).
        """
        allowed = self.snap.live.copy()
        scores = np.zeros(self.n)
        for limit in (self.evaluate(node) for node in plan.limits):
            allowed &= limit.mask
            scores += limit.scores
        whole = np.ones(self.n, dtype=bool)
        found = np.zeros(self.n, dtype=np.int16)
        clauses = [self.evaluate(node) for node in plan.clauses]
        for i, clause in enumerate(clauses):
            scores += clause.scores
            if i in plan.optional:  # a label and number naming the block: score only
                continue
            found += clause.mask
            whole &= clause.mask & clause.text
            if i in plan.required:
                allowed &= clause.mask
        n = len(clauses) - len(plan.optional)
        mask = allowed & (found >= (n if require_all else knobs.needed(n))) if n else allowed
        if n and not require_all and not mask.any():  # too few words in any block: any of them
            mask = allowed & (found > 0)
        scores = self._with_bonus(scores, mask, plan)
        if n > 1 and weigh:
            weighed = scores * self.coverage(plan, clauses) ** knobs.COVERAGE
            scores = np.where(whole, scores, weighed)
        return Ranked(scores, mask, whole & mask if n else mask)

    def coverage(self, plan: p.Plan, clauses: list[Matches]) -> np.ndarray:
        """The share of the query each block has: each clause weighs its
        inverse document frequency (a rare word is most of a query's meaning);
        one matched only otherwise than by the words in the block's own text
        (heading, relative) counts ``PARTIAL_WEIGHT``."""
        covered = np.zeros(self.n)
        weights = [
            0.0 if i in plan.optional else self.weight(node) for i, node in enumerate(plan.clauses)
        ]
        for clause, weight in zip(clauses, weights, strict=True):
            own = clause.mask & clause.text
            covered += weight * (own + knobs.PARTIAL_WEIGHT * (clause.mask & ~own))
        return covered / (sum(weights) or 1.0)

    def weight(self, node: p.Node) -> float:
        """How much of a query a clause is (:func:`~searchkit.query.plan.clause_weight`:
        the inverse document frequency of its word in the block texts)."""
        snap = self.snap

        def idf(text: str) -> float:
            return knobs.idf(snap.doc_frequency("content", text), snap.population)

        return p.clause_weight(node, idf, knobs.idf(1, snap.population))

    def required(self, plan: p.Plan) -> Matches:
        """Blocks with every clause and limit (matched in any way), scored."""
        ranked = self.rank(plan, require_all=True, weigh=False)
        return Matches(ranked.scores, ranked.mask)

    def _with_bonus(self, scores: np.ndarray, mask: np.ndarray, plan: p.Plan) -> np.ndarray:
        """``scores`` of the blocks of ``mask`` plus what only adds to the score
        of a matching block: the title, the block a label and a number name."""
        extra: list[Matches] = []
        if plan.title:
            extra.append(self._terms([(knobs.TITLE_FIELD, lem, 1.0) for lem in plan.title]))
        for number, kinds in plan.numbered:
            named = self.snap.term_mask("number", [number]) & self.snap.term_mask("kind", kinds)
            extra.append(Matches(named * knobs.NUMBER_BONUS, named))
        if extra:
            scores = scores + _sum(extra)
        return np.where(mask, scores, 0.0)

    # ------------------------------------------------------------- nodes

    def evaluate(self, node: p.Node) -> Matches:
        """One plan node over every block (deleted blocks may match: callers
        of this method mask with ``Snapshot.live``; :meth:`required` does)."""
        if isinstance(node, p.WordMatch):
            return self._word(node)
        if isinstance(node, p.FormMatch):
            return self._terms([("content", SURFACE_MARK + node.form, 1.0)])
        if isinstance(node, p.PrefixMatch):
            return self._terms([("content", SURFACE_MARK + f, 1.0) for f in node.forms])
        if isinstance(node, p.PhraseMatch):
            return self._phrase(node)
        if isinstance(node, p.SymbolMatch):
            return self._terms(
                [(f, s, 1.0) for f in ("symbol", "cites") for s in self._symbols(f, node)]
            )
        if isinstance(node, p.AllOf):
            parts = [self.evaluate(c) for c in node.children]
            mask = np.logical_and.reduce([m.mask for m in parts])
            text = np.logical_and.reduce([m.text for m in parts])
            return Matches(np.where(mask, _sum(parts), 0.0), mask, text)
        if isinstance(node, p.AnyOf):
            parts = [self.evaluate(c) for c in node.children]
            mask = np.logical_or.reduce([m.mask for m in parts])
            return Matches(_sum(parts), mask, np.logical_or.reduce([m.text for m in parts]))
        if isinstance(node, p.NoneOf):
            mask = ~self.evaluate(node.child).mask
            return Matches(mask * knobs.FILTER_SCORE, mask)
        if isinstance(node, p.FILTERS):
            mask = self.snap.mask(node, lambda: self._filter(node))
            return Matches(mask * knobs.FILTER_SCORE, mask)
        raise TypeError(f"not a plan node: {node!r}")

    def _symbols(self, fieldname: str, node: p.SymbolMatch) -> list[str]:
        if node.prefix:
            return list(self.snap.expand_prefix(fieldname, node.symbol))
        return [node.symbol]

    def _filter(self, node: p.FieldMatch | p.FieldPrefix | p.FieldRange) -> np.ndarray:
        snap = self.snap
        if isinstance(node, p.FieldMatch):
            return snap.term_mask(node.field, [node.value])
        if isinstance(node, p.FieldPrefix):
            return snap.term_mask(node.field, list(snap.expand_prefix(node.field, node.prefix)))
        codes, values = snap.values(node.field)
        lo, hi = node.lo, node.hi
        inside = np.array(
            [
                (lo is None or v >= lo) and (hi is None or (v < hi if node.hi_excl else v <= hi))
                for v in values
            ]
            + [False],  # code -1: no value
            dtype=bool,
        )
        return inside[codes] & snap.live

    def _none(self) -> Matches:
        return Matches(np.zeros(self.n), np.zeros(self.n, dtype=bool))

    # ------------------------------------------------------------- words

    def word_terms(self, word: p.PhraseWord) -> list[Term]:
        """The content terms a word stands for inside a phrase or a pair of
        near words (its parts, for a dashed word, are matched apart)."""
        if isinstance(word, p.WordMatch):
            return [("content", lem, 1.0) for lem in word.readings]
        if isinstance(word, p.FormMatch):
            return [("content", SURFACE_MARK + word.form, 1.0)]
        return [("content", SURFACE_MARK + f, 1.0) for f in word.forms]

    def _word(self, word: p.WordMatch) -> Matches:
        """A word: its terms in the text (its own match), in the heading, its
        parts in a row, the alternatives the query names for it (an
        abbreviation's full name; its own match too), its parts apart and its
        derivational relatives (the best one; both weighted down)."""
        terms = match_terms(word)
        text = self._terms([t for t in terms if t[0] == "content"])
        heading = self._terms([t for t in terms if t[0] != "content"])
        own = [text, *(self._parts(word),) * bool(word.parts)]
        if knobs.HEADING_IS_TEXT:
            own.append(heading)
        own += [
            self._scaled(self.evaluate(alt), knobs.ALTERNATIVE_BOOST) for alt in word.alternatives
        ]
        others = [] if knobs.HEADING_IS_TEXT else [heading]
        if word.parts:
            others.append(self._scaled(self._parts_apart(word), knobs.PARTS_APART_BOOST))
        if word.relatives:
            others.append(
                self._best_of([("content", r, knobs.RELATIVE_BOOST) for r in word.relatives])
            )
        parts = own + others
        text_mask = np.logical_or.reduce([m.mask for m in own])
        return Matches(_sum(parts), np.logical_or.reduce([m.mask for m in parts]), text_mask)

    @staticmethod
    def _scaled(found: Matches, boost: float) -> Matches:
        return Matches(found.scores * boost, found.mask, found.text_mask)

    def _best_of(self, terms: list[Term]) -> Matches:
        """The best-scoring of ``terms`` in each block (whoosh's ``DisjunctionMax``)."""
        scores = np.zeros(self.n)
        mask = np.zeros(self.n, dtype=bool)
        self.snap.prefetch((f, t) for f, t, _ in terms)
        for fieldname, text, boost in terms:
            ids, weights = self.snap.postings(fieldname, text)
            if len(ids):
                scored = self.score(fieldname, text, ids, weights) * boost
                scores[ids] = np.maximum(scores[ids], scored)
                mask[ids] = True
        return Matches(scores, mask)

    def _parts_apart(self, word: p.WordMatch) -> Matches:
        """A dashed word's parts anywhere in the block's text (each by its readings)."""
        parts = [self._terms([("content", r, 1.0) for r in part]) for part in word.parts]
        mask = np.logical_and.reduce([m.mask for m in parts])
        return Matches(np.where(mask, _sum(parts), 0.0), mask)

    def _parts(self, word: p.WordMatch) -> Matches:
        """A dashed word's parts in a row (``социально экономический``)."""
        return self._phrase(p.PhraseMatch(tuple(p.WordMatch(r, "") for r in word.parts)))

    def _terms(self, terms: list[Term]) -> Matches:
        """Scores and matches of an OR of terms, summed into one vector."""
        scores = np.zeros(self.n)
        mask = np.zeros(self.n, dtype=bool)
        self.snap.prefetch((f, t) for f, t, _ in terms)
        for fieldname, text, boost in terms:
            ids, weights = self.snap.postings(fieldname, text)
            if len(ids):
                scores[ids] += self.score(fieldname, text, ids, weights) * boost
                mask[ids] = True
        return Matches(scores, mask)

    def score(self, fieldname: str, text: str, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """BM25F of one term in the blocks ``ids`` where it has frequencies
        ``weights`` (a field that is not scored counts its frequency)."""
        snap = self.snap
        tf = weights.astype(np.float64)
        if not snap.schema[fieldname].scorable:
            return tf
        tf = tf * knobs.FIELD_BOOSTS.get(fieldname, 1.0)
        idf = knobs.idf(snap.doc_frequency(fieldname, text), snap.population)
        lengths = snap.lengths(fieldname)[ids]
        norm = (1 - knobs.B) + knobs.B * lengths / snap.avg_length(fieldname)
        return idf * ((tf * (knobs.K1 + 1)) / (tf + knobs.K1 * norm))

    def at(self, fieldname: str, text: str, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(does the term occur, its score) in each of the sorted blocks ``docs``."""
        ids, weights = self.snap.postings(fieldname, text)
        if not len(ids):
            return np.zeros(len(docs), dtype=bool), np.zeros(len(docs))
        idx = np.minimum(np.searchsorted(ids, docs), len(ids) - 1)
        present = ids[idx] == docs
        return present, np.where(present, self.score(fieldname, text, docs, weights[idx]), 0.0)

    # ------------------------------------------------------------- phrases

    def _phrase(self, node: p.PhraseMatch) -> Matches:
        """Words in a row, or within ``slop`` words in any order, scored as the
        sum of the words' scores (each word: the sum of its terms')."""
        parts = [self._phrase_word(w) for w in node.words]
        candidates = np.logical_and.reduce([m.mask for m in parts]) & self.snap.live
        found = np.zeros(self.n, dtype=bool)
        if candidates.any():
            points = all(not (isinstance(w, p.WordMatch) and w.parts) for w in node.words)
            if node.slop is None and points and len(node.words) <= MAX_PHRASE:
                found[self._in_a_row(node.words, candidates)] = True
            else:
                found[self._merged(node, candidates)] = True
        return Matches(np.where(found, _sum(parts), 0.0), found)

    def _phrase_word(self, word: p.PhraseWord) -> Matches:
        found = self._terms(self.word_terms(word))
        if isinstance(word, p.WordMatch) and word.parts:
            parts = self._parts(word)
            return Matches(parts.scores + found.scores, parts.mask | found.mask)
        return found

    def _in_a_row(self, words: tuple[p.PhraseWord, ...], candidates: np.ndarray) -> np.ndarray:
        """Blocks where the words stand at consecutive positions: each word's
        positions become keys ``block << POSITION_BITS | position + MAX_PHRASE - i``
        (``i`` = its place in the phrase); an occurrence is a key all words have."""
        keys: np.ndarray | None = None
        for i, word in enumerate(words):
            mine = self._position_keys(self.word_terms(word), candidates, MAX_PHRASE - i)
            keys = mine if keys is None else np.intersect1d(keys, mine, assume_unique=True)
            if not len(keys):
                break
        if keys is None or not len(keys):
            return np.zeros(0, dtype=np.int64)
        return np.unique(keys >> POSITION_BITS)

    def _position_keys(self, terms: list[Term], blocks: np.ndarray, shift: int) -> np.ndarray:
        out = []
        for fieldname, text, _ in terms:
            docs, positions = self.snap.occurrences(fieldname, text, blocks)
            out.append((docs << POSITION_BITS) + positions + shift)
        return np.unique(np.concatenate(out)) if out else np.zeros(0, dtype=np.int64)

    def _merged(self, node: p.PhraseMatch, candidates: np.ndarray) -> list[int]:
        """Blocks where the words' spans chain together within ``slop``."""
        slop, ordered = (1, True) if node.slop is None else (node.slop, False)
        spans = [self._spans(w, candidates) for w in node.words]
        out = []
        for block in np.flatnonzero(candidates).tolist():
            lists = [s.get(block, []) for s in spans]
            if all(lists) and _chain(lists, slop, ordered):
                out.append(block)
        return out

    def _spans(self, word: p.PhraseWord, candidates: np.ndarray) -> dict[int, list[Span]]:
        """Each candidate block's spans of the word: (position, position) of
        each of its terms, and (first, last) of its parts in a row."""
        found: dict[int, set[Span]] = {}
        for fieldname, text, _ in self.word_terms(word):
            docs, positions = self.snap.occurrences(fieldname, text, candidates)
            for d, pos in zip(docs.tolist(), positions.tolist(), strict=True):
                found.setdefault(d, set()).add((pos, pos))
        if isinstance(word, p.WordMatch) and word.parts:
            parts = [self._spans(p.WordMatch(r, ""), candidates) for r in word.parts]
            for block in set.intersection(*(set(s) for s in parts)):
                for span in _chained([s[block] for s in parts], 1, True):
                    found.setdefault(block, set()).add(span)
        return {d: sorted(s) for d, s in found.items()}


def match_terms(word: p.WordMatch) -> list[Term]:
    """The terms a plain word matches by, and how much each counts: every
    reading (the most probable fully, the others at ``OTHER_READING_BOOST``)
    in the block text and its heading, and the form typed."""
    terms: list[Term] = []
    for i, lem in enumerate(word.readings):
        boost = 1.0 if i == 0 else knobs.OTHER_READING_BOOST
        terms += [(f, lem, boost) for f in knobs.MATCH_FIELDS]
    terms.append(("content", SURFACE_MARK + word.form, knobs.EXACT_FORM_BOOST))
    return terms


# ------------------------------------------------------------------ spans

#: A word's place in a block: first and last position.
Span = tuple[int, int]


def _chained(lists: list[list[Span]], slop: int, ordered: bool) -> list[Span]:
    """The spans of a chain of words, as whoosh's ``SpanNear2`` (mindist 1)
    builds them: each span of the chain so far joins each span of the next word
    that starts no earlier (``ordered``) or at most ``slop`` before it, and
    lies 1 to ``slop`` positions from it (0 when they overlap, which does not
    count); the joined span runs from the first start to the last end."""
    current = sorted(set(lists[0]))
    for following in lists[1:]:
        starts = [s for s, _ in following]
        joined: set[Span] = set()
        for a_start, a_end in current:
            j = bisect_left(starts, a_start if ordered else max(0, a_start - slop))
            for b_start, b_end in following[j:]:
                if b_end < a_start - slop or (ordered and a_start > b_start):
                    continue
                if b_start > a_end + slop:
                    break
                if _overlap(a_start, a_end, b_start, b_end):
                    continue  # distance 0
                dist = b_start - a_end if a_end < b_start else a_start - b_end
                if 1 <= dist <= slop:
                    joined.add((min(a_start, b_start), max(a_end, b_end)))
        current = sorted(joined)
        if not current:
            break
    return current


def _chain(lists: list[list[Span]], slop: int, ordered: bool) -> bool:
    return bool(_chained(lists, slop, ordered))


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start <= b_end and b_start <= a_end


def _sum(parts: list[Matches]) -> np.ndarray:
    return parts[0].scores if len(parts) == 1 else np.sum([m.scores for m in parts], axis=0)
