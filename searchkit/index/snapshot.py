"""One consistent view of the index, read in bulk, with its caches.

:func:`open_index` opens the current generation of an index folder (checking
its format); a :class:`Snapshot` is one commit of it as a search sees it:
whoosh's reader (not its searcher: nothing here runs whoosh's queries), and
what the ranker and the result pages need from it, decoded once and kept
while the snapshot lives:

* each term's posting list as two arrays (block numbers, term frequencies),
  and for phrases its positions, in bounded least-recently-used caches;
* the field lengths BM25F needs, one array per field; which blocks are live;
* each block's value of a one-value field (``year``, ``lang``, ``body``…) as
  codes into a list of values, for facets and range filters; each block's
  kind and whether it is numbered, from a one-byte column, for re-ranking;
* the stored records of the blocks shown (:class:`~.stored.StoredReader`).

A snapshot never changes: :meth:`Snapshot.refresh` gives a new one when the
index has moved on, and the caches go with the old one.
"""

from __future__ import annotations

import os
import time
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SchemaMismatch
from . import generations
from . import postings as disk
from ._whoosh import deleted_blocks
from .lookups import Lookups, value_counts
from .schema import shape_of
from .stored import StoredReader
from .xapian.layout import is_descriptor

#: Postings kept decoded per snapshot (8 bytes each: block number and weight):
#: 128 MB at most, about a third of all postings at 650k blocks.
CACHE_POSTINGS = 16_000_000
#: Word positions kept decoded per snapshot, for phrases (4 bytes each, plus 8
#: per posting of the term): under 100 MB.
CACHE_POSITIONS = 8_000_000
#: Filters (languages, year and date ranges, symbol prefixes) kept as flags per block.
CACHE_MASKS = 64
#: refresh() skips reading the pointer and listing the generation folder
#: while their file stamps are unchanged, for at most this many seconds (a
#: file system whose times are coarse may leave a commit's stamp unchanged).
STAMP_TRUST = 1.0
#: Document frequencies remembered per snapshot (emptied when full).
CACHE_FREQUENCIES = 200_000
#: A term's positions are decoded for the chosen blocks only (and not cached)
#: when those hold at most this share of the term's postings.
PARTIAL_DECODE = 0.2


def is_xapian(root: Path) -> bool:
    """Is the index at ``root`` a Xapian one (a remote descriptor, or a folder
    whose pointer names that backend)?"""
    return is_descriptor(root) or generations.backend_of(root) == "xapian"


def open_index(index_dir: Path | str) -> Any:
    """Open the current generation of an index (a whoosh index); check its format.

    Raises :class:`~searchkit.errors.IndexNotFound` when there is no index and
    :class:`~searchkit.errors.SchemaMismatch` when it is unreadable or from
    another format (the message says to run ``searchkit reindex --full``).
    Takes no lock: a concurrent commit or ``--full`` swap is retried over,
    never waited for.
    """
    from whoosh import index as windex

    root = Path(index_dir)
    last_error: Exception | None = None
    for _attempt in range(5):
        generation = generations.read_pointer(root)["generation"]
        try:
            return windex.open_dir(str(root / generation), indexname=generations.WHOOSH_NAME)
        except Exception as exc:  # whoosh raises many kinds of errors for damaged files
            last_error = exc
            moved = generations.current_generation(root) != generation
            if moved or isinstance(exc, OSError):
                # a --full swap, or a commit deleting replaced files, raced us: retry
                time.sleep(0.02)
                continue
            break
    raise SchemaMismatch(
        f"index at {root} cannot be opened ({last_error}); {generations.REBUILD}"
    ) from last_error


def open_snapshot(index_dir: Path | str, partial: bool = False) -> Any:
    """The index's current commit: a :class:`Snapshot` of a whoosh index, or a
    :class:`~.xapian.snapshot.XapianSnapshot` of a Xapian one (a folder whose
    pointer says so, or a remote index descriptor; ``partial``: without the
    shards that cannot be reached, named in its ``missing``)."""
    root = Path(index_dir)
    if is_xapian(root):
        from .xapian.snapshot import open_xapian

        return open_xapian(root, partial)
    generation = generations.current_generation(root)
    ix = open_index(root)
    return Snapshot(ix.reader(), ix, root, generation)


class Snapshot(Lookups):
    """One commit of the index: whoosh's reader and its decoded data.

    ``ix`` (the whoosh index) and ``root`` (its folder) let :meth:`refresh`
    follow later commits; a snapshot made of a bare reader stays as it is.
    """

    def __init__(
        self,
        reader: Any,
        ix: Any = None,
        root: Path | None = None,
        generation: str | None = None,
    ) -> None:
        self.reader = reader
        self.ix = ix
        self.root = root
        self.generation = generation
        self.schema = reader.schema
        self.n = reader.doc_count_all()
        #: The blocks term statistics count (idf): every block, deleted ones not
        #: yet merged away included, as whoosh counts them.
        self.population = self.n
        self.segments = list(reader.leaf_readers())
        self.live = np.ones(self.n, dtype=bool)
        for segment, offset in self.segments:
            dead = deleted_blocks(segment)
            if dead:
                self.live[np.array(dead, dtype=np.int64) + offset] = False
        self.stored = StoredReader(reader)
        self._lengths: dict[str, np.ndarray] = {}
        self._postings = _Lru(lambda: CACHE_POSTINGS, lambda found: len(found[0]))
        #: Where each cached term's posting blocks start: per segment (reader,
        #: file offsets, index of each block's first posting, postings).
        self._blocks: dict[tuple[str, bytes], list[tuple[Any, np.ndarray, np.ndarray, int]]] = {}
        self._positions = _Lru(lambda: CACHE_POSITIONS, lambda found: len(found[2]))
        self._masks: OrderedDict[Any, np.ndarray] = OrderedDict()
        self._values: dict[str, tuple[np.ndarray, list[Any]]] = {}
        self._shape_columns: dict[int, Any] = {}
        self._frequencies: dict[tuple[str, bytes], int] = {}
        #: refresh(): what the index's files looked like at the last full check
        self._seen: tuple[Any, ...] | None = None
        self._trust_until = 0.0

    # ------------------------------------------------------------- life

    def refresh(self) -> Snapshot:
        """This snapshot if it is still the index's latest commit, else a new one
        (of the new generation after a ``--full`` swap); the old one is closed."""
        if self.ix is None or self.root is None:
            return self
        seen = self._stamp()
        if seen is not None and seen == self._seen and time.monotonic() < self._trust_until:
            return self  # neither the pointer nor the generation folder has changed
        self._seen, self._trust_until = seen, time.monotonic() + STAMP_TRUST
        if generations.current_generation(self.root) != self.generation:
            fresh = open_snapshot(self.root)
            self.close()
            return fresh
        if self.ix.latest_generation() == self.reader.generation():
            return self
        # A reader of its own, and the old one closed: whoosh 2.7.4's reader(reuse=)
        # matches segment ids against generations, reuses nothing and leaves
        # all but one old segment reader of each generation open.
        fresh = Snapshot(self.ix.reader(), self.ix, self.root, self.generation)
        self.close()
        return fresh

    def _stamp(self) -> tuple[Any, ...] | None:
        """What changes when a commit or a ``--full`` swap lands: the pointer
        file (replaced: a new inode) and the generation folder (a commit adds
        a table of contents and segment files); ``None`` when unreadable."""
        assert self.root is not None
        try:
            pointer = os.stat(self.root / generations.POINTER)
            folder = os.stat(self.root / str(self.generation))
        except OSError:
            return None
        return (pointer.st_ino, pointer.st_mtime_ns, folder.st_mtime_ns, folder.st_ino)

    def close(self) -> None:
        self.reader.close()

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------- vocabulary

    def _bytes(self, fieldname: str, text: Any) -> bytes:
        return text if isinstance(text, bytes) else self.schema[fieldname].to_bytes(text)

    def doc_frequency(self, fieldname: str, text: Any) -> int:
        """How many blocks hold the term (deleted ones not yet merged away
        included), remembered: a query asks again for its terms' frequencies
        (scores, coverage, feedback), and the next query for many of them."""
        key = (fieldname, self._bytes(fieldname, text))
        found = self._frequencies.get(key)
        if found is None:
            found = int(self.reader.doc_frequency(fieldname, key[1]))
            self._remember_frequency(key, found)
        return found

    def _remember_frequency(self, key: tuple[str, bytes], frequency: int) -> None:
        if len(self._frequencies) >= CACHE_FREQUENCIES:
            self._frequencies.clear()
        self._frequencies[key] = int(frequency)

    def avg_length(self, fieldname: str) -> float:
        """The field's mean length over all blocks (whoosh's), 1 when it has none."""
        return float(self.reader.field_length(fieldname) / (self.n or 1) or 1)

    def expand_prefix(self, fieldname: str, prefix: str) -> Iterator[str]:
        """The field's terms that start with ``prefix``, in order."""
        for term in self.reader.expand_prefix(fieldname, prefix):
            yield term.decode("utf-8") if isinstance(term, bytes) else term

    def terms_within(self, fieldname: str, text: str, maxdist: int, prefix: int) -> list[str]:
        """The field's terms within ``maxdist`` edits of ``text`` that share its
        first ``prefix`` characters."""
        return list(self.reader.terms_within(fieldname, text, maxdist, prefix=prefix))

    def lexicon(self, fieldname: str) -> Iterator[str]:
        for term in self.reader.lexicon(fieldname):
            yield term.decode("utf-8") if isinstance(term, bytes) else term

    def first_block(self, fieldname: str, text: str) -> int | None:
        """The first live block holding the term (``None`` when none does)."""
        ids, _ = self.postings(fieldname, text)
        held = ids[self.live[ids]]
        return int(held[0]) if len(held) else None

    def defining_blocks(self, fieldname: str, key: str, limit: int) -> list[int]:
        """Up to ``limit`` live blocks with the term."""
        ids, _ = self.postings(fieldname, key)
        return [int(b) for b in ids[self.live[ids]][:limit]]

    def count(self, fieldname: str, text: str) -> int:
        """How many live blocks hold the term."""
        ids, _ = self.postings(fieldname, text)
        return int(self.live[ids].sum())

    def live_count(self) -> int:
        return int(self.live.sum())

    def blocks_with(
        self, any_of: Iterable[tuple[str, str]], all_of: Iterable[tuple[str, str]] = ()
    ) -> list[int]:
        """Live blocks holding one of the terms ``any_of`` and every one of ``all_of``."""
        found = np.zeros(self.n, dtype=bool)
        for fieldname, text in any_of:
            if text:
                found |= self.term_mask(fieldname, [text])
        for fieldname, text in all_of:
            found &= self.term_mask(fieldname, [text])
        return [int(d) for d in np.flatnonzero(found)]

    # ------------------------------------------------------------- postings

    def _segment_lists(
        self, fieldname: str, btext: bytes, decode: Callable[[Any], Any]
    ) -> Iterator[tuple[Any, int, Any]]:
        """(reader, number of its first block, ``decode`` of the term's posting
        list) for each segment that holds the term."""
        from whoosh.reading import TermNotFound

        frequency = 0
        for reader, offset in self.segments:
            try:
                info = reader.term_info(fieldname, btext)
            except TermNotFound:
                continue
            frequency += info.doc_frequency()
            yield reader, offset, decode(reader.postings(fieldname, btext))
        # whoosh's doc_frequency is this sum: remembered, no second look-up
        self._remember_frequency((fieldname, btext), frequency)

    def postings(self, fieldname: str, text: Any) -> tuple[np.ndarray, np.ndarray]:
        """(block numbers, weights) of one term over all segments, cached
        (deleted blocks included: callers mask them with :attr:`live`)."""
        btext = self._bytes(fieldname, text)
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

    def prefetch(self, terms: Iterable[tuple[str, Any]]) -> None:
        """A hint that the posting lists of ``terms`` (field, text) are about to
        be read (a Xapian window reads them together; here each is decoded
        when asked for)."""

    def positions(self, fieldname: str, text: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(block numbers, occurrences per block, all positions) of one term,
        cached: the positions of block ``ids[i]`` are the next ``counts[i]``."""
        btext = self._bytes(fieldname, text)
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

    def occurrences(
        self, fieldname: str, text: Any, blocks: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(block, position) of every occurrence of a term in the flagged blocks.

        From the cached positions when the term has them; else, when the
        flagged blocks hold only a small share of the term's postings (a rare
        word in the phrase narrowed them), just those postings are decoded,
        from the posting blocks that hold them; else all of the term's
        positions are decoded and cached."""
        btext = self._bytes(fieldname, text)
        if (fieldname, btext) not in self._positions:
            ids, _ = self.postings(fieldname, btext)
            chosen = np.flatnonzero(blocks[ids])
            if len(chosen) <= PARTIAL_DECODE * len(ids):
                which, where = self._occurrences_of(fieldname, btext, chosen)
                return ids[which].astype(np.int64), where
        ids, counts, flat = self.positions(fieldname, btext)
        take = np.repeat(blocks[ids], counts)
        return np.repeat(ids, counts)[take].astype(np.int64), flat[take].astype(np.int64)

    def positions_in(self, fieldname: str, text: Any, docs: Iterable[int]) -> dict[int, list[int]]:
        """The positions of a term in each of ``docs`` that holds it."""
        btext = self._bytes(fieldname, text)
        ids, _ = self.postings(fieldname, btext)
        wanted = np.array(sorted(docs), dtype=np.int64)
        where = np.searchsorted(ids, wanted)
        held = (where < len(ids)) & (ids[np.minimum(where, len(ids) - 1)] == wanted)
        which, positions = self._occurrences_of(fieldname, btext, where[held])
        if not len(which):
            return {}
        cuts = np.flatnonzero(np.diff(which)) + 1
        return {
            int(ids[int(group[0])]): found.tolist()
            for group, found in zip(np.split(which, cuts), np.split(positions, cuts), strict=True)
        }

    def _occurrences_of(
        self, fieldname: str, btext: bytes, chosen: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(posting, position) arrays of every occurrence in the ``chosen``
        postings of a term (ascending indexes into its cached postings), read
        from just the posting blocks that hold them; or from all of the term's
        positions (decoded and cached first when the chosen postings are in
        half of its posting blocks or more: the next query finds them)."""
        key = (fieldname, btext)
        directory = self._blocks.get(key, [])
        if key not in self._positions and len(chosen):
            needed = total = 0
            base = 0
            for _, _, firsts, count in directory:
                local = chosen[(chosen >= base) & (chosen < base + count)] - base
                needed += len(np.unique(np.searchsorted(firsts, local, side="right")))
                total += len(firsts)
                base += count
            if 2 * needed >= total:
                self.positions(fieldname, btext)
        cached = self._positions.get(key)
        if cached is not None:
            _, counts, flat = cached
            return disk.gather(chosen, counts, flat)
        base = 0
        which: list[np.ndarray] = []
        where: list[np.ndarray] = []
        for reader, offsets, firsts, count in directory:
            local = chosen[(chosen >= base) & (chosen < base + count)] - base
            if len(local):
                matcher = reader.postings(fieldname, btext)
                found, positions = disk.occurrences_at(matcher, offsets, firsts, local)
                which.append(found + base)
                where.append(positions)
            base += count
        if not which:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        return np.concatenate(which), np.concatenate(where)

    # ------------------------------------------------------------- per block

    def lengths(self, fieldname: str) -> np.ndarray:
        """Each block's length in ``fieldname`` (as whoosh stores it: one byte)."""
        found = self._lengths.get(fieldname)
        if found is None:
            parts = [disk.segment_lengths(reader, fieldname) for reader, _ in self.segments]
            found = self._lengths[fieldname] = np.concatenate(parts)
        return found

    def values(self, fieldname: str) -> tuple[np.ndarray, list[Any]]:
        """Each block's value of a one-value field (``body``, ``year``, ``lang``)
        as an index into a list of values (-1 for none), made once per snapshot
        from the field's posting lists."""
        found = self._values.get(fieldname)
        if found is None:
            field = self.schema[fieldname]
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

    def shapes(self, blocks: Iterable[int]) -> list[tuple[str, bool]]:
        """(kind, numbered) of each of ``blocks``, from the ``shape`` column
        (no posting list decoded)."""
        out = []
        starts = [offset for _, offset in self.segments]
        for block in blocks:
            seg = bisect_right(starts, block) - 1
            column = self._shape_columns.get(seg)
            if column is None:
                column = self._shape_columns[seg] = self.segments[seg][0].column_reader("shape")
            out.append(shape_of(int(column[block - starts[seg]])))
        return out

    def counts(self, fieldname: str, mask: np.ndarray) -> dict[Any, int]:
        """How many flagged blocks have each value of ``fieldname`` (``None``: no value)."""
        return value_counts(*self.values(fieldname), mask)

    def mask(self, key: Any, make: Callable[[], np.ndarray]) -> np.ndarray:
        """A match flag per block, made by ``make()`` once and cached under
        ``key`` (filters: at most :data:`CACHE_MASKS`, the oldest dropped first)."""
        found = self._masks.get(key)
        if found is None:
            found = make()
            if len(self._masks) >= CACHE_MASKS:
                self._masks.popitem(last=False)
            self._masks[key] = found
        return found

    def term_mask(self, fieldname: str, terms: Iterable[Any]) -> np.ndarray:
        """Flags of the blocks holding any of ``terms`` in ``fieldname``."""
        out = np.zeros(self.n, dtype=bool)
        for term in terms:
            ids, _ = self.postings(fieldname, term)
            out[ids] = True
        return out & self.live


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
