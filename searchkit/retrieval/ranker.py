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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice, pairwise
from typing import Any

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
    """A query's result over the whole index: score and match flag per block
    (the score is 0 wherever the flag is False)."""

    scores: np.ndarray  # float64, one per block (0 where it does not match)
    mask: np.ndarray  # bool, one per block


class Ranker:
    """Scores plans over one snapshot of the index."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snap = snapshot
        self.n = snapshot.n

    # ------------------------------------------------------------- plans

    def required(self, plan: p.Plan) -> Matches:
        """Blocks with every clause and limit, scored, bonuses added."""
        return self._with_bonus(self._all([*plan.clauses, *plan.limits]), plan)

    def any_clause(self, plan: p.Plan) -> Matches | None:
        """Blocks with any clause and every limit (``None`` when the plan has
        one clause at most: then it is :meth:`required`)."""
        if len(plan.clauses) <= 1:
            return None
        return self._with_bonus(self._all([p.AnyOf(plan.clauses), *plan.limits]), plan)

    def _all(self, nodes: list[p.Node]) -> Matches:
        if not nodes:
            return self._none()
        return self.evaluate(nodes[0] if len(nodes) == 1 else p.AllOf(tuple(nodes)))

    def _with_bonus(self, base: Matches, plan: p.Plan) -> Matches:
        """``base`` plus what only adds to the score of its blocks: the title,
        the block a label and a number name."""
        extra: list[Matches] = []
        if plan.title:
            extra.append(self._terms([(knobs.TITLE_FIELD, lem, 1.0) for lem in plan.title]))
        for number, kinds in plan.numbered:
            named = self.snap.term_mask("number", [number]) & self.snap.term_mask("kind", kinds)
            extra.append(Matches(named * knobs.NUMBER_BONUS, named))
        scores = base.scores
        if extra:
            scores = scores + _sum(extra) * base.mask
        return Matches(scores, base.mask & self.snap.live)

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
            return Matches(np.where(mask, _sum(parts), 0.0), mask)
        if isinstance(node, p.AnyOf):
            parts = [self.evaluate(c) for c in node.children]
            return Matches(_sum(parts), np.logical_or.reduce([m.mask for m in parts]))
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
        found = self._terms(match_terms(word))
        if not word.parts:
            return found
        parts = self._parts(word)
        return Matches(parts.scores + found.scores, parts.mask | found.mask)

    def _parts(self, word: p.WordMatch) -> Matches:
        """A dashed word's parts in a row (``социально экономический``)."""
        return self._phrase(p.PhraseMatch(tuple(p.WordMatch(r, "") for r in word.parts)))

    def _terms(self, terms: list[Term]) -> Matches:
        """Scores and matches of an OR of terms, summed into one vector."""
        scores = np.zeros(self.n)
        mask = np.zeros(self.n, dtype=bool)
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
        idf = knobs.idf(snap.doc_frequency(fieldname, text), snap.n)
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


# ------------------------------------------------------------------ ranking


def per_group(
    ranked: Iterable[tuple[float, int]], group: Callable[[int], Any], limit: int
) -> Iterator[tuple[float, int]]:
    """The (score, block) pairs in the order given, at most ``limit`` of each
    group (``group(block)`` names it; ``None`` is never limited)."""
    seen: dict[Any, int] = {}
    for score, block in ranked:
        name = group(block)
        if name is not None:
            if seen.get(name, 0) >= limit:
                continue
            seen[name] = seen.get(name, 0) + 1
        yield score, block


def top_per_group(
    matches: Matches, k: int, allowed: np.ndarray | None, group: Callable[[int], Any], limit: int
) -> list[tuple[float, int]]:
    """The best ``k`` blocks, at most ``limit`` of each group, best first."""
    mask = matches.mask if allowed is None else matches.mask & allowed
    ids = np.flatnonzero(mask)
    scores = matches.scores[ids]
    best = ((float(scores[i]), int(ids[i])) for i in np.lexsort((ids, -scores)).tolist())
    return list(islice(per_group(best, group, limit), k))


def top(
    matches: Matches, k: int, allowed: np.ndarray | None = None
) -> tuple[int, list[tuple[float, int]]]:
    """(how many blocks match, the best ``k`` as (score, block) pairs).

    Ties are broken by block number, as whoosh does.
    """
    mask = matches.mask if allowed is None else matches.mask & allowed
    ids = np.flatnonzero(mask)
    if not len(ids):
        return 0, []
    scores = matches.scores[ids]
    if len(ids) > k:
        cut = np.argpartition(-scores, k - 1)[:k]
        kth = scores[cut].min()
        keep = np.flatnonzero(scores >= kth)  # every block tied with the k-th
        ids, scores = ids[keep], scores[keep]
    order = np.lexsort((ids, -scores))[:k]
    return int(mask.sum()), [(float(scores[i]), int(ids[i])) for i in order]


def proximity(ranker: Ranker, words: tuple[p.PhraseWord, ...], docs: list[int]) -> dict[int, float]:
    """The proximity bonus of each of ``docs``.

    For each pair of consecutive query words (of the first
    ``PROXIMITY_WORDS``) found within ``PROXIMITY_SLOP`` positions of each
    other in a block, the block gains ``PROXIMITY_BOOST`` times the BM25F
    scores of those words' terms.
    """
    pairs = list(pairwise(words[: knobs.PROXIMITY_WORDS]))
    if not pairs or not docs:
        return {}
    snap = ranker.snap
    cands = np.array(sorted(set(docs)), dtype=np.int64)

    def side(word: p.PhraseWord) -> list[tuple[str, np.ndarray, np.ndarray]]:
        out = []
        for fieldname, text, _ in ranker.word_terms(word):
            present, scores = ranker.at(fieldname, text, cands)
            out.append((text, present, scores))
        return out

    sides = [(side(a), side(b)) for a, b in pairs]
    both = [_any_present(a) & _any_present(b) for a, b in sides]
    wanted: dict[str, set[int]] = {}  # the positions worth decoding
    for (a, b), found in zip(sides, both, strict=True):
        for i in np.flatnonzero(found).tolist():
            for text, present, _ in a + b:
                if present[i]:
                    wanted.setdefault(text, set()).add(int(cands[i]))
    where = {text: snap.positions_in("content", text, ds) for text, ds in wanted.items()}

    def positions(terms: list[tuple[str, np.ndarray, np.ndarray]], i: int) -> list[int]:
        d = int(cands[i])
        return [q for text, present, _ in terms if present[i] for q in where[text].get(d, ())]

    bonus: dict[int, float] = {}
    for (a, b), found in zip(sides, both, strict=True):
        for i in np.flatnonzero(found).tolist():
            if _within(positions(a, i), positions(b, i), knobs.PROXIMITY_SLOP):
                gained = sum(s[i] for _, _, s in a + b)
                d = int(cands[i])
                bonus[d] = bonus.get(d, 0.0) + knobs.PROXIMITY_BOOST * float(gained)
    return bonus


def _any_present(side: list[tuple[str, np.ndarray, np.ndarray]]) -> np.ndarray:
    return np.logical_or.reduce([present for _, present, _ in side])


def _within(a: list[int], b: list[int], slop: int) -> bool:
    """Are two positions of ``a`` and ``b`` 1 to ``slop`` apart (whoosh's span
    distance: the same position is distance 0, which does not count)?"""
    return any(1 <= abs(q - r) <= slop for q in a for r in b)
