"""Ranking word queries in bulk: whoosh's BM25F, computed with numpy.

whoosh ranks a query by walking a tree of Python matcher objects one posting
at a time: for a query of frequent words (``организации объединенных наций``
matches one block in ten) that is hundreds of milliseconds at 100,000 blocks,
and whoosh's block-quality skipping rarely skips anything for these trees.
For the queries users type (words, each an OR of its lemmas in the block text
and heading; phrases, prefixes, filters, exclusions; optional title and number
bonuses) this module computes the same BM25F scores for every matching block
at once:

* each term's posting list is decoded into two arrays (block numbers and term
  frequencies) and kept in a bounded per-searcher cache, so the frequent terms,
  which cost most to decode, are decoded once and shared by every query that
  uses them;
* the field lengths BM25F needs come from whoosh's length columns, read once
  per searcher into one array per field;
* the query tree is evaluated as arithmetic on per-block vectors: OR adds
  scores, AND intersects matches and adds, ``AndMaybe`` adds its optional part,
  ``Not`` matches what its child does not (scoring 1, as whoosh does), a
  constant-score query scores a constant.

Phrases (and words written with a dash, searched as their parts in a row) are
matched from positions: each term's positions are decoded once into arrays
(cached like the postings) and a phrase occurrence is found by intersecting
``block, position - i`` keys of its words. Word proximity, which whoosh scores
with span queries, is scored for the best candidates only, from their posting
positions (:func:`proximity`).

The scores equal whoosh's own (tests compare every matching block on real
text), and the top hits are exact, where whoosh's collector, replacing
matchers on the way to save time, can miss a block that belongs in the top 50.
A query with ``~N`` gets ``None`` from :func:`evaluate` and is left to whoosh.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np

from . import postings as disk
from .postings import Unsupported  # a query or posting list left to whoosh

#: Postings kept decoded per searcher (8 bytes each: block number and weight):
#: 128 MB at most, about a third of all postings at 650k blocks.
CACHE_POSTINGS = 16_000_000
#: Word positions kept decoded per searcher, for phrases (4 bytes each, plus 8
#: per posting of the term): under 100 MB.
CACHE_POSITIONS = 8_000_000
#: Filters (languages, year and date ranges, symbol prefixes) kept as flags per block.
CACHE_MASKS = 64
#: Phrases of at most this many words are matched here, in blocks of fewer
#: than 2**POSITION_BITS words.
MAX_PHRASE = 32
POSITION_BITS = 32
#: A phrase word's positions are decoded for its candidate blocks only (and not
#: cached) when those hold at most this share of the word's postings.
PARTIAL_DECODE = 0.2


@dataclass
class Matches:
    """A query's result over the whole index: score and match flag per block
    (the score is 0 wherever the flag is False)."""

    scores: np.ndarray  # float64, one per block (0 where it does not match)
    mask: np.ndarray  # bool, one per block


def engine(searcher: Any) -> Engine:
    """The :class:`Engine` of ``searcher`` (made once per searcher)."""
    found = searcher.__dict__.get("_searchkit_engine")
    if found is None:
        found = searcher.__dict__["_searchkit_engine"] = Engine(searcher)
    return found


def evaluate(searcher: Any, query: Any) -> Matches | None:
    """``query`` scored over every block, or ``None`` when whoosh must run it."""
    from whoosh.scoring import BM25F

    if not isinstance(searcher.weighting, BM25F):
        return None
    try:
        return engine(searcher).evaluate(query)
    except Unsupported:
        return None


class Engine:
    """Decoded postings, field lengths and live blocks of one searcher's snapshot."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.n = searcher.doc_count_all()
        self.segments = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]
        self.live = np.ones(self.n, dtype=bool)
        for reader, offset in self.segments:
            if reader.has_deletions():
                dead = np.fromiter(reader._perdoc.deleted_docs(), dtype=np.int64)
                self.live[dead + offset] = False
        self._lengths: dict[str, np.ndarray] = {}
        self._postings = _Lru(lambda: CACHE_POSTINGS, lambda found: len(found[0]))
        #: Where each cached term's posting blocks start: per segment (reader,
        #: file offsets, index of each block's first posting, postings).
        self._blocks: dict[tuple[str, bytes], list[tuple[Any, np.ndarray, np.ndarray, int]]] = {}
        self._positions = _Lru(lambda: CACHE_POSITIONS, lambda found: len(found[2]))
        self._masks: dict[Any, np.ndarray] = {}
        self._values: dict[str, tuple[np.ndarray, list[Any]]] = {}

    # ------------------------------------------------------------- evaluation

    def evaluate(self, query: Any) -> Matches:
        found = self._eval(query)
        return Matches(found.scores, found.mask & self.live)

    def _eval(self, query: Any) -> Matches:
        from whoosh import query as q

        if getattr(query, "boost", 1.0) != 1.0 and not isinstance(query, q.Term):
            raise Unsupported(query)  # whoosh applies a compound's boost its own way
        if isinstance(query, q.Term):
            return self._term(query.fieldname, query.text, query.boost)
        if isinstance(query, q.Or):
            if query.minmatch or query.scale:
                raise Unsupported(query)
            terms = [s for s in query.subqueries if isinstance(s, q.Term)]
            parts = [self._eval(s) for s in query.subqueries if not isinstance(s, q.Term)]
            if terms:  # one vector for all the terms (a prefix may stand for hundreds)
                parts.append(self._terms(terms))
            if not parts:
                return self._none()
            return Matches(_sum(parts), np.logical_or.reduce([p.mask for p in parts]))
        if isinstance(query, q.And):
            parts = [self._eval(s) for s in query.subqueries]
            mask = np.logical_and.reduce([p.mask for p in parts])
            return Matches(np.where(mask, _sum(parts), 0.0), mask)
        if isinstance(query, q.AndMaybe):
            a, b = self._eval(query.a), self._eval(query.b)
            return Matches(a.scores + b.scores * a.mask, a.mask)
        if isinstance(query, q.Not):  # whoosh scores "does not contain" as 1.0
            mask = ~self._eval(query.query).mask
            return Matches(mask.astype(np.float64), mask)
        if isinstance(query, q.ConstantScoreQuery):  # filters (year:, symbol:…) and bonuses
            try:
                mask = self._eval(query.child).mask
            except Unsupported:  # a range or prefix: which blocks, not how well
                key = ("docs", repr(query.child))
                mask = self.mask(key, self.searcher.docs_for_query(query.child))
            # whoosh's ListMatcher reads a constant score of 0 as "no weights": 1.0
            return Matches(mask * (float(query.score) or 1.0), mask)
        if query is q.NullQuery:
            return self._none()
        if _is_phrase(query):
            return self._phrase(query)
        raise Unsupported(query)

    def _none(self) -> Matches:
        return Matches(np.zeros(self.n), np.zeros(self.n, dtype=bool))

    def _term(self, fieldname: str, text: Any, boost: float) -> Matches:
        from whoosh import query as q

        return self._terms([q.Term(fieldname, text, boost=boost)])

    def _terms(self, terms: list[Any]) -> Matches:
        """Scores and matches of an OR of terms, summed into one vector."""
        scores = np.zeros(self.n)
        mask = np.zeros(self.n, dtype=bool)
        for t in terms:
            btext = self.searcher.schema[t.fieldname].to_bytes(t.text)
            ids, weights = self.postings(t.fieldname, btext)
            if len(ids):
                scores[ids] += self.score(t.fieldname, btext, ids, weights) * t.boost
                mask[ids] = True
        return Matches(scores, mask)

    def _phrase(self, query: Any) -> Matches:
        """Words at consecutive positions (whoosh's ``SpanNear2``, slop 1, in
        order), scored as whoosh does: the sum of the words' term scores.

        Each word's positions in the candidate blocks become keys
        ``block << POSITION_BITS | position + MAX_PHRASE - i`` (``i`` = the
        word's place in the phrase); a phrase occurrence is a key every word has.
        """
        words = [_span_terms(sub) for sub in query.qs]
        if len(words) > MAX_PHRASE:
            raise Unsupported(query)
        parts = [self._terms(terms) for terms in words]
        candidates = np.logical_and.reduce([p.mask for p in parts]) & self.live
        found = np.zeros(self.n, dtype=bool)
        keys: np.ndarray | None = None
        if candidates.any():
            for i, terms in enumerate(words):
                mine = self._position_keys(terms, candidates, MAX_PHRASE - i)
                keys = mine if keys is None else np.intersect1d(keys, mine, assume_unique=True)
                if not len(keys):
                    break
        if keys is not None and len(keys):
            found[np.unique(keys >> POSITION_BITS)] = True
        return Matches(np.where(found, _sum(parts), 0.0), found)

    def _position_keys(self, terms: list[Any], blocks: np.ndarray, shift: int) -> np.ndarray:
        """Sorted unique ``block << POSITION_BITS | position + shift`` of the
        terms' occurrences in the flagged ``blocks``."""
        out = []
        for t in terms:
            btext = self.searcher.schema[t.fieldname].to_bytes(t.text)
            docs, positions = self._occurrences(t.fieldname, btext, blocks)
            out.append((docs << POSITION_BITS) + positions + shift)
        return np.unique(np.concatenate(out)) if out else np.zeros(0, dtype=np.int64)

    def _occurrences(
        self, fieldname: str, btext: bytes, blocks: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(block, position) of every occurrence of a term in the flagged blocks.

        From the cached positions when the term has them; else, when the
        flagged blocks hold only a small share of the term's postings (a rare
        word in the phrase narrowed them), just those postings are decoded,
        from the posting blocks that hold them; else all of the term's
        positions are decoded and cached."""
        key = (fieldname, btext)
        if key not in self._positions:
            ids, _ = self.postings(fieldname, btext)
            chosen = np.flatnonzero(blocks[ids])
            if len(chosen) <= PARTIAL_DECODE * len(ids):
                return self._decode_some(fieldname, btext, ids, chosen)
        ids, counts, flat = self.positions(fieldname, btext)
        take = np.repeat(blocks[ids], counts)
        return np.repeat(ids, counts)[take].astype(np.int64), flat[take].astype(np.int64)

    def _decode_some(
        self, fieldname: str, btext: bytes, ids: np.ndarray, chosen: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(block, position) pairs of the postings ``chosen`` (indexes into the
        term's cached postings ``ids``)."""
        docs: list[int] = []
        positions: list[int] = []
        for i, found in self._positions_of(fieldname, btext, chosen):
            docs.extend([int(ids[i])] * len(found))
            positions.extend(found)
        return np.array(docs, dtype=np.int64), np.array(positions, dtype=np.int64)

    def score(
        self, fieldname: str, btext: bytes, ids: np.ndarray, weights: np.ndarray
    ) -> np.ndarray:
        """BM25F of one term in the blocks ``ids`` where it has ``weights``
        (whoosh's ``BM25FScorer``; an unscored field scores its weight)."""
        searcher = self.searcher
        tf = weights.astype(np.float64)
        if not searcher.schema[fieldname].scorable:
            return tf
        w = searcher.weighting
        b = w._field_B.get(fieldname, w.B)
        idf = searcher.idf(fieldname, btext)
        avgfl = searcher.avg_field_length(fieldname) or 1
        lengths = self.lengths(fieldname)[ids]
        return idf * ((tf * (w.K1 + 1)) / (tf + w.K1 * ((1 - b) + b * lengths / avgfl)))

    def at(self, fieldname: str, btext: bytes, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(does the term occur, its score) in each of the sorted blocks ``docs``."""
        ids, weights = self.postings(fieldname, btext)
        if not len(ids):
            return np.zeros(len(docs), dtype=bool), np.zeros(len(docs))
        idx = np.minimum(np.searchsorted(ids, docs), len(ids) - 1)
        present = ids[idx] == docs
        return present, np.where(present, self.score(fieldname, btext, docs, weights[idx]), 0.0)

    def positions_in(self, fieldname: str, btext: bytes, docs: list[int]) -> dict[int, list[int]]:
        """The positions of a term in each of ``docs`` that holds it."""
        ids, _ = self.postings(fieldname, btext)
        wanted = np.array(sorted(docs), dtype=np.int64)
        where = np.searchsorted(ids, wanted)
        held = (where < len(ids)) & (ids[np.minimum(where, len(ids) - 1)] == wanted)
        return {
            int(ids[i]): found for i, found in self._positions_of(fieldname, btext, where[held])
        }

    def _positions_of(
        self, fieldname: str, btext: bytes, chosen: np.ndarray
    ) -> Iterator[tuple[int, list[int]]]:
        """(posting, positions) of the ``chosen`` postings of a term (ascending
        indexes into its cached postings), read from just the posting blocks
        that hold them, found in the block directory kept with the postings."""
        base = 0
        for reader, offsets, firsts, count in self._blocks.get((fieldname, btext), []):
            local = chosen[(chosen >= base) & (chosen < base + count)] - base
            if len(local):
                matcher = reader.postings(fieldname, btext)
                for i, found in disk.positions_at(matcher, offsets, firsts, local.tolist()):
                    yield base + i, found
            base += count

    # ------------------------------------------------------------- data

    def _segment_lists(
        self, fieldname: str, btext: bytes, decode: Callable[[Any], Any]
    ) -> Iterator[tuple[Any, int, Any]]:
        """(reader, number of its first block, ``decode`` of the term's posting
        list) for each segment that holds the term."""
        for reader, offset in self.segments:
            if (fieldname, btext) in reader:
                yield reader, offset, decode(reader.postings(fieldname, btext))

    def postings(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(block numbers, weights) of one term over all segments, cached."""
        key = (fieldname, btext)
        found = self._postings.get(key)
        if found is not None:
            return found
        ids, weights, directory = [], [], []
        for reader, offset, decoded in self._segment_lists(fieldname, btext, disk.decode):
            seg_ids, seg_weights, (offsets, firsts) = decoded
            ids.append(seg_ids + offset)
            weights.append(seg_weights)
            directory.append((reader, offsets, firsts, len(seg_ids)))
        self._blocks[key] = directory
        found = (
            (np.concatenate(ids), np.concatenate(weights))
            if ids
            else (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))
        )
        for gone in self._postings.put(key, found):
            self._blocks.pop(gone, None)
        return found

    def positions(self, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(block numbers, occurrences per block, all positions) of one term,
        cached: the positions of block ``ids[i]`` are the next ``counts[i]``."""
        key = (fieldname, btext)
        found = self._positions.get(key)
        if found is not None:
            return found
        ids, counts, flat = [], [], []
        for _, offset, decoded in self._segment_lists(fieldname, btext, disk.decode_positions):
            seg_ids, seg_counts, seg_flat = decoded
            ids.append(seg_ids + offset)
            counts.append(seg_counts)
            flat.append(seg_flat)
        empty = np.zeros(0, dtype=np.int64)
        found = (
            (np.concatenate(ids), np.concatenate(counts), np.concatenate(flat))
            if ids
            else (empty, empty, empty)
        )
        self._positions.put(key, found)
        return found

    def lengths(self, fieldname: str) -> np.ndarray:
        """Each block's length in ``fieldname`` (as whoosh stores it: one byte)."""
        found = self._lengths.get(fieldname)
        if found is None:
            parts = [disk.segment_lengths(reader, fieldname) for reader, _ in self.segments]
            found = self._lengths[fieldname] = np.concatenate(parts)
        return found

    def values(self, fieldname: str) -> tuple[np.ndarray, list[Any]]:
        """Each block's value of a one-value field (``body``, ``year``, ``lang``)
        as an index into a list of values (-1 for none), made once per searcher
        from the field's posting lists."""
        found = self._values.get(fieldname)
        if found is None:
            field = self.searcher.schema[fieldname]
            codes = np.full(self.n, -1, dtype=np.int64)
            values: list[Any] = []
            index: dict[Any, int] = {}
            for reader, offset in self.segments:
                for btext in field.sortable_terms(reader, fieldname):
                    value = field.from_bytes(btext)
                    if value not in index:
                        index[value] = len(values)
                        values.append(value)
                    ids, _, _ = disk.decode(reader.postings(fieldname, btext))
                    codes[ids + offset] = index[value]
            found = self._values[fieldname] = (codes, values)
        return found

    def counts(self, fieldname: str, mask: np.ndarray) -> dict[Any, int]:
        """How many flagged blocks have each value of ``fieldname`` (``None``: no value)."""
        codes, values = self.values(fieldname)
        tally = np.bincount(codes[mask] + 1, minlength=len(values) + 1)
        out: dict[Any, int] = {None: int(tally[0])} if tally[0] else {}
        out.update((values[i], int(c)) for i, c in enumerate(tally[1:]) if c)
        return out

    def mask(self, key: Any, docs: Any) -> np.ndarray:
        """A cached match flag per block for a set of block numbers (filters;
        at most ``CACHE_MASKS`` kept, the oldest dropped first)."""
        found = self._masks.get(key)
        if found is None:
            found = np.zeros(self.n, dtype=bool)
            found[np.fromiter(docs, dtype=np.int64)] = True
            if len(self._masks) >= CACHE_MASKS:
                del self._masks[next(iter(self._masks))]
            self._masks[key] = found
        return found


class _Lru:
    """Entries kept while their sizes add up to at most ``budget()`` (one is
    always kept); the least recently used are dropped first."""

    def __init__(self, budget: Callable[[], int], size: Callable[[Any], int]) -> None:
        self.entries: OrderedDict[Any, Any] = OrderedDict()
        self.total = 0
        self._budget, self._size = budget, size

    def __contains__(self, key: Any) -> bool:
        return key in self.entries

    def get(self, key: Any) -> Any:
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
        return found

    def put(self, key: Any, value: Any) -> list[Any]:
        """Keep ``value``; return the keys dropped to stay within the budget."""
        self.entries[key] = value
        self.total += self._size(value)
        dropped = []
        while self.total > self._budget() and len(self.entries) > 1:
            gone, old = self.entries.popitem(last=False)
            self.total -= self._size(old)
            dropped.append(gone)
        return dropped


def _is_phrase(query: Any) -> bool:
    from whoosh.query.spans import SpanNear2

    return (
        isinstance(query, SpanNear2)
        and query.ordered
        and query.slop == 1
        and query.mindist == 1
        and getattr(query, "boost", 1.0) == 1.0
    )


def _span_terms(query: Any) -> list[Any]:
    """The terms a phrase word stands for: one term, or an OR of terms."""
    from whoosh import query as q
    from whoosh.query.spans import SpanOr

    if isinstance(query, q.Term):
        return [query]
    if isinstance(query, SpanOr) and all(isinstance(s, q.Term) for s in query.subqs):
        return list(query.subqs)
    raise Unsupported(query)


def _sum(parts: list[Matches]) -> np.ndarray:
    return parts[0].scores if len(parts) == 1 else np.sum([p.scores for p in parts], axis=0)


# ------------------------------------------------------------------ ranking


def per_group(
    ranked: Iterable[tuple[float, int]], group: Any, limit: int
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
    matches: Matches, k: int, allowed: np.ndarray | None, group: Any, limit: int
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


def proximity(
    searcher: Any,
    pairs: list[tuple[list[Any], list[Any]]],
    docs: list[int],
    slop: int,
    boost: float,
) -> dict[int, float]:
    """The proximity bonus of each of ``docs``, as whoosh's span clauses score it.

    For each pair of query words (each given as the content ``Term`` queries
    that stand for it) found within ``slop`` positions of each other in a
    block, the block gains ``boost`` times the BM25F scores of those terms.
    """
    if not pairs or not docs:
        return {}
    eng = engine(searcher)
    cands = np.array(sorted(set(docs)), dtype=np.int64)

    def side(terms: list[Any]) -> list[tuple[bytes, np.ndarray, np.ndarray]]:
        out = []
        for t in terms:
            btext = searcher.schema[t.fieldname].to_bytes(t.text)
            present, scores = eng.at(t.fieldname, btext, cands)
            out.append((btext, present, scores))
        return out

    sides = [(side(a), side(b)) for a, b in pairs]
    both = [_any_present(a) & _any_present(b) for a, b in sides]
    wanted: dict[bytes, set[int]] = {}  # the positions worth decoding
    for (a, b), found in zip(sides, both, strict=True):
        for i in np.flatnonzero(found).tolist():
            for btext, present, _ in a + b:
                if present[i]:
                    wanted.setdefault(btext, set()).add(int(cands[i]))
    where = {btext: eng.positions_in("content", btext, sorted(ds)) for btext, ds in wanted.items()}

    def positions(terms: list[tuple[bytes, np.ndarray, np.ndarray]], i: int) -> list[int]:
        d = int(cands[i])
        return [p for btext, present, _ in terms if present[i] for p in where[btext].get(d, ())]

    bonus: dict[int, float] = {}
    for (a, b), found in zip(sides, both, strict=True):
        for i in np.flatnonzero(found).tolist():
            if _within(positions(a, i), positions(b, i), slop):
                gained = sum(s[i] for _, _, s in a + b)
                d = int(cands[i])
                bonus[d] = bonus.get(d, 0.0) + boost * float(gained)
    return bonus


def _any_present(side: list[tuple[bytes, np.ndarray, np.ndarray]]) -> np.ndarray:
    return np.logical_or.reduce([present for _, present, _ in side])


def _within(a: list[int], b: list[int], slop: int) -> bool:
    """Are two positions of ``a`` and ``b`` 1 to ``slop`` apart (whoosh's span
    distance: the same position is distance 0, which does not count)?"""
    return any(1 <= abs(p - r) <= slop for p in a for r in b)
