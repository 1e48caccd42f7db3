"""Reading whoosh's posting lists and length columns in bulk, into numpy arrays.

whoosh reads a posting list one posting at a time through its matcher
objects. :mod:`searchkit.scoring` needs whole lists (and, for phrases and
proximity, the positions of chosen postings), so this module reads whoosh
2.7.4's on-disk format directly: the internals of ``W3LeafMatcher`` (posting
blocks of up to 128 postings: a pickled, zlib-compressed tuple of
delta-encoded ids, weights and values, with a header giving the block's last
id and length) and of the one-byte length columns. whoosh is pinned in
pyproject.toml; everything that depends on its internals is here (and in
:func:`searchkit.parallel._cache_length_columns`), and tests/test_scoring.py
compares the results with whoosh's own matchers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np


class Unsupported(Exception):
    """Postings this module does not read (not whoosh 2.7.4's on-disk format)."""


def leaf(matcher: Any) -> Any:
    """whoosh 2.7.4's on-disk posting reader (``W3LeafMatcher``; pinned) under
    the filter that hides deleted blocks (the callers mask those out)."""
    from whoosh.matching.wrappers import FilterMatcher

    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if not hasattr(matcher, "_read_data"):
        raise Unsupported(matcher)
    return matcher


def decode(matcher: Any) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """All ids and weights of one segment's posting list, a block at a time,
    and the block directory: each block's file offset and first posting.

    Each block holds its ids delta-encoded from 0, so the first delta of a block
    is made relative to the previous block's last id and one cumulative sum
    decodes them all.
    """
    m = leaf(matcher)
    deltas: list[int] = []
    weights: list[float] = []
    starts: list[int] = []
    offsets: list[int] = []
    last_ids: list[int] = []
    at = m._baseoffset
    while m.is_active():
        m._read_data()
        ids, w, _ = m._data
        n = m._blocklength
        starts.append(len(deltas))
        offsets.append(at)
        last_ids.append(m._maxid)
        deltas.extend(ids)
        if w is None:
            weights.extend([1.0] * n)
        elif isinstance(w, float):
            weights.extend([w] * n)
        else:
            weights.extend(w)
        if m._lastblock:
            break
        at = m._nextoffset
        m._next_block()
    d = np.array(deltas, dtype=np.int64)
    if len(starts) > 1:
        d[np.array(starts[1:], dtype=np.int64)] -= np.array(last_ids[:-1], dtype=np.int64)
    directory = (np.array(offsets, dtype=np.int64), np.array(starts, dtype=np.int64))
    return np.cumsum(d).astype(np.int32), np.array(weights, dtype=np.float32), directory


def decode_positions(matcher: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, occurrences per id, positions) of one segment's posting list.

    Values are whoosh's ``Positions`` encoding: a 4-byte count, then a pickled
    list of deltas from the previous position of the same block.
    """
    from pickle import loads

    matcher = leaf(matcher)
    if not hasattr(matcher.format, "decode_positions"):
        raise Unsupported(matcher)
    ids, _, _ = decode(matcher)
    matcher.reset()
    deltas: list[int] = []
    counts: list[int] = []
    m = matcher
    while m.is_active():
        m._read_values()
        for value in m._values:
            codes = loads(value[4:] if value.endswith(b".") else value[4:] + b".")
            deltas.extend(codes)
            counts.append(len(codes))
        if m._lastblock:
            break
        m._next_block()
    if len(counts) != len(ids):
        raise Unsupported(matcher)
    n = np.array(counts, dtype=np.int64)
    running = np.cumsum(np.array(deltas, dtype=np.int64))
    ends = np.cumsum(n)
    before = np.concatenate(([0], running[ends[:-1] - 1])) if len(n) else n
    return ids, n.astype(np.int32), (running - np.repeat(before, n)).astype(np.int32)


def positions_at(
    matcher: Any, offsets: np.ndarray, firsts: np.ndarray, postings: list[int]
) -> Iterator[tuple[int, list[int]]]:
    """(posting, positions) for the given postings of one segment's list
    (indexes into it, ascending), reading only the blocks that hold them.

    ``offsets`` and ``firsts`` are the block directory :func:`decode` returns.
    """
    m = leaf(matcher)
    read = m.format.decode_positions
    blocks = np.searchsorted(firsts, postings, side="right") - 1
    loaded = -1
    for i, block in zip(postings, blocks.tolist(), strict=True):
        if block != loaded:
            m._goto(int(offsets[block]))
            m._read_values()
            loaded = block
        yield i, read(m._values[i - int(firsts[block])])


def segment_lengths(reader: Any, fieldname: str) -> np.ndarray:
    """One segment's field lengths, decoded from whoosh's one-byte length column."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    n = reader.doc_count_all()
    out = np.ones(n)  # whoosh's scorer uses 1 when a segment has no lengths
    column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return out
    raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
    out[:] = 0.0
    out[: len(raw)] = _length_table()[raw]
    return out


_TABLE: list[np.ndarray] = []


def _length_table() -> np.ndarray:
    if not _TABLE:
        from whoosh.util.numeric import byte_to_length

        _TABLE.append(np.array([byte_to_length(i) for i in range(256)], dtype=np.float64))
    return _TABLE[0]
