"""Choosing the best blocks of a ranked plan: the top k (tiers first), at
most so many a document, and the proximity bonus of the candidates."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice, pairwise
from typing import Any

import numpy as np

from ..query import plan as p
from . import ranking as knobs
from .ranker import Ranked, Ranker


def per_group(
    ranked: Iterable[tuple[int, float, int]], group: Callable[[int], Any], limit: int
) -> Iterator[tuple[int, float, int]]:
    """The (tier, score, block) triples in the order given, at most ``limit``
    of each group (``group(block)`` names it; ``None`` is never limited)."""
    seen: dict[Any, int] = {}
    for entry in ranked:
        name = group(entry[2])
        if name is not None:
            if seen.get(name, 0) >= limit:
                continue
            seen[name] = seen.get(name, 0) + 1
        yield entry


def _order(ranked: Ranked, ids: np.ndarray) -> np.ndarray:
    """``ids`` best first: by tier, then score, then block number (as whoosh
    breaks ties)."""
    tiers = ranked.whole[ids].astype(np.int32)
    return ids[np.lexsort((ids, -ranked.scores[ids], -tiers))]


Best = list[tuple[int, float, int]]  # (tier, score, block), best first


def top_per_group(
    ranked: Ranked,
    k: int,
    allowed: np.ndarray | None,
    group: Callable[[int], Any],
    limit: int,
) -> Best:
    """The best ``k`` blocks, at most ``limit`` of each group, best first."""
    mask = ranked.mask if allowed is None else ranked.mask & allowed
    best = (
        (int(ranked.whole[b]), float(ranked.scores[b]), int(b))
        for b in _order(ranked, np.flatnonzero(mask)).tolist()
    )
    return list(islice(per_group(best, group, limit), k))


def top(ranked: Ranked, k: int, allowed: np.ndarray | None = None) -> tuple[int, Best]:
    """(how many blocks match, the best ``k`` as (tier, score, block), best first).

    Only the blocks of the tiers the best ``k`` reach are sorted.
    """
    mask = ranked.mask if allowed is None else ranked.mask & allowed
    ids = np.flatnonzero(mask)
    if not len(ids):
        return 0, []
    total = len(ids)
    tiers = ranked.whole[ids].astype(np.int32)  # the tier of each of ids
    if len(ids) > k:
        held = np.bincount(tiers)
        reached = np.cumsum(held[::-1])  # blocks in this tier and the better ones
        last = len(held) - 1 - int(np.searchsorted(reached, k))  # the tier the k-th is in
        better = ids[tiers > last]
        tied = ids[tiers == last]
        room = k - len(better)
        if len(tied) > room:
            scores = ranked.scores[tied]
            kth = scores[np.argpartition(-scores, room - 1)[:room]].min()
            tied = tied[scores >= kth]  # every block tied with the k-th
        ids = np.concatenate([better, tied])
    order = _order(ranked, ids)[:k].tolist()
    return total, [(int(ranked.whole[b]), float(ranked.scores[b]), int(b)) for b in order]


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
