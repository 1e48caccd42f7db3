"""Reading posting lists and length columns in bulk, into numpy arrays.

whoosh reads a posting list one posting at a time through its matcher
objects. The ranker needs whole lists (and, for phrases and proximity, the
positions of chosen postings), so this module reads the packed posting lists
of :mod:`searchkit.index._whoosh.codec` a block at a time, and whoosh 2.7.4's
one-byte length columns whole; tests/test_codec.py compares the results with
whoosh's own matchers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ._whoosh import segment_length_column
from ._whoosh.codec import PackedMatcher


class Unsupported(Exception):
    """Postings this module does not read (not the packed codec's): an index
    written by another codec, which :func:`searchkit.index.open_index` refuses."""


def leaf(matcher: Any) -> PackedMatcher:
    """The packed posting list's own matcher under the filter that hides
    deleted blocks (the callers mask those out)."""
    from whoosh.matching.wrappers import FilterMatcher

    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if not isinstance(matcher, PackedMatcher):
        raise Unsupported(matcher)
    return matcher


def decode(matcher: Any) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """All ids and weights of one segment's posting list, and the block
    directory: each block's file offset and first posting."""
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    offsets: list[int] = []
    starts: list[int] = []
    count = 0
    for at, block in leaf(matcher).blocks(values=False):
        offsets.append(at)
        starts.append(count)
        ids.append(block.ids)
        weights.append(block.weights)
        count += len(block.ids)
    directory = (np.array(offsets, dtype=np.int64), np.array(starts, dtype=np.int64))
    if len(ids) == 1:
        return ids[0].astype(np.int32), weights[0], directory
    return np.concatenate(ids).astype(np.int32), np.concatenate(weights), directory


def decode_positions(matcher: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, occurrences per id, positions) of one segment's posting list."""
    ids: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    flat: list[np.ndarray] = []
    for _, block in leaf(matcher).blocks():
        if block.counts is None or block.positions is None:
            raise Unsupported(matcher)
        ids.append(block.ids)
        counts.append(block.counts)
        flat.append(block.positions)
    return (
        np.concatenate(ids).astype(np.int32),
        np.concatenate(counts).astype(np.int32),
        np.concatenate(flat).astype(np.int32),
    )


def positions_at(
    matcher: Any, offsets: np.ndarray, firsts: np.ndarray, postings: list[int]
) -> Iterator[tuple[int, list[int]]]:
    """(posting, positions) for the given postings of one segment's list
    (indexes into it, ascending), reading only the blocks that hold them.

    ``offsets`` and ``firsts`` are the block directory :func:`decode` returns.
    """
    m = leaf(matcher)
    blocks = np.searchsorted(firsts, postings, side="right") - 1
    loaded = -1
    ends: list[int] = []
    flat: list[int] = []
    for i, block_no in zip(postings, blocks.tolist(), strict=True):
        if block_no != loaded:
            block = m.block_at(int(offsets[block_no]))
            if block.counts is None or block.positions is None:
                raise Unsupported(m)
            ends = np.cumsum(block.counts).tolist()
            flat = block.positions.tolist()
            loaded = block_no
        j = i - int(firsts[block_no])
        yield i, flat[ends[j - 1] if j else 0 : ends[j]]


def gather(
    chosen: np.ndarray, counts: np.ndarray, positions: np.ndarray, ends: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(posting, position) of every occurrence in the ``chosen`` postings of a
    list whose postings have ``counts`` occurrences each, at ``positions``
    (all of them, posting after posting; ``ends``: their running sum)."""
    counts = counts.astype(np.int64)
    if ends is None:
        ends = np.cumsum(counts)
    sizes = counts[chosen]
    starts = ends[chosen] - sizes
    # the positions of each chosen posting: starts[i] .. starts[i] + sizes[i]
    run = np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.repeat(chosen, sizes), positions[np.repeat(starts, sizes) + run].astype(np.int64)


def occurrences_at(
    matcher: Any, offsets: np.ndarray, firsts: np.ndarray, postings: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(posting, position) of every occurrence in the given postings of one
    segment's list (indexes into it, ascending), as two arrays, reading
    only the blocks that hold them: :func:`positions_at` without a list per
    posting."""
    m = leaf(matcher)
    blocks = np.searchsorted(firsts, postings, side="right") - 1
    which: list[np.ndarray] = []
    where: list[np.ndarray] = []
    bounds = np.flatnonzero(np.diff(blocks)) + 1
    for chosen in np.split(np.asarray(postings, dtype=np.int64), bounds):
        if not len(chosen):
            continue
        block_no = int(blocks[np.searchsorted(postings, chosen[0])])
        block = m.block_at(int(offsets[block_no]))
        if block.counts is None or block.positions is None:
            raise Unsupported(m)
        local = chosen - int(firsts[block_no])
        found, positions = gather(local, block.counts, block.positions)
        which.append(found + int(firsts[block_no]))
        where.append(positions)
    if not which:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(which), np.concatenate(where)


def segment_lengths(reader: Any, fieldname: str) -> np.ndarray:
    """One segment's field lengths, decoded from whoosh's one-byte length column."""
    n = reader.doc_count_all()
    out = np.ones(n)  # whoosh's scorer uses 1 when a segment has no lengths
    column = segment_length_column(reader, fieldname)
    if column is None:
        return out
    raw = np.frombuffer(column, dtype=np.uint8)
    out[:] = 0.0
    out[: len(raw)] = _length_table()[raw]
    return out


_TABLE: list[np.ndarray] = []


def _length_table() -> np.ndarray:
    if not _TABLE:
        from whoosh.util.numeric import byte_to_length

        _TABLE.append(np.array([byte_to_length(i) for i in range(256)], dtype=np.float64))
    return _TABLE[0]
