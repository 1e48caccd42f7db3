"""Posting lists collected term by term while a segment is written.

whoosh's writer keeps one tuple per posting in a pool (``PostingPool``),
sorts all of them at commit, and hands them one at a time to the field
writer, which looks up each posting's field length and appends it to a
block: several Python calls for every posting. Blocks are added in document
order, so each term's postings arrive already sorted. :class:`TermPool`
therefore appends each posting to its term's list (``[docnum, weight,
value, docnum, weight, value, ...]``), sorts only the terms at commit, and
gives :class:`searchkit.index._whoosh.codec.PackedFieldWriter` whole lists
(:class:`TermLists`), which it writes a block at a time.

Memory stays bounded by the writer's ``limitmb``: past it, the lists are
written to an anonymous temporary file in term order (a *run*, pickled in
chunks of a few thousand postings) and the pool starts again; at commit the
runs and what is left are merged term by term, a chunk of each run at a time,
each term's pieces joined in the order they were added. Past
:data:`_MAX_RUNS` runs they are merged into one first, so the merge never
holds more than that many chunks. The temporary files disappear with the
process, even a killed one.
"""

from __future__ import annotations

import gc
import heapq
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import groupby
from operator import itemgetter
from typing import IO, Any

#: A term: (field name, term bytes).
Key = tuple[str, bytes]

#: Bytes a posting costs in the pool, about (list slots, float, value object).
_POSTING_BYTES = 90
#: Bytes a new term costs, about (dict entry, term bytes, list).
_TERM_BYTES = 150
#: Postings pickled together in a run, at most: the merge holds one such
#: chunk of every run at a time.
_RUN_CHUNK = 5_000
#: Past this many runs, they are merged into one, so the final merge holds
#: at most this many chunks whatever the size of the segment.
_MAX_RUNS = 32


class TermLists:
    """The pool's terms in order, each with its postings: what
    :class:`searchkit.index._whoosh.codec.PackedFieldWriter` writes in bulk."""

    def __init__(self, items: Iterable[tuple[Key, list[Any]]]) -> None:
        self._items = items

    def __iter__(self) -> Iterator[tuple[Key, list[Any]]]:
        return iter(self._items)


class TermPool:
    """A drop-in for whoosh's ``PostingPool`` (``add``, ``iter_postings``,
    ``cleanup``, ``fieldnames``) that groups postings by term (module docstring)."""

    def __init__(self, limitmb: float = 128, folder: str | None = None) -> None:
        self.limit = limitmb * 1024 * 1024
        self.folder = folder  # where runs go: the index's folder, not a RAM-backed /tmp
        self.size = 0
        self.fields: dict[str, dict[bytes, list[Any]]] = {}
        self.runs: list[IO[bytes]] = []

    @property
    def fieldnames(self) -> set[str]:
        return set(self.fields)

    # ------------------------------------------------------------- adding

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """Add one posting ``(fieldname, btext, docnum, weight, value)`` (whoosh's pool API)."""
        fieldname, btext, docnum, weight, value = item
        self.add_field(fieldname, docnum, [(btext, 0, weight, value or b"")])

    def add_field(
        self, fieldname: str, docnum: int, items: list[tuple[bytes, int, float, bytes]]
    ) -> None:
        """Add a block's postings in one field: ``(btext, freq, weight, value)``
        items as whoosh's ``Field.index`` yields them."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        new = 0
        for btext, _freq, weight, value in items:
            postings = terms.get(btext)
            if postings is None:
                terms[btext] = [docnum, weight, value]
                new += 1
            else:
                postings += (docnum, weight, value)
        self.size += _POSTING_BYTES * len(items) + _TERM_BYTES * new
        if self.size > self.limit:
            self._spill()

    def _sorted(self) -> Iterator[tuple[Key, list[Any]]]:
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for btext in sorted(terms):
                yield (fieldname, btext), terms[btext]

    def _spill(self) -> None:
        self.runs.append(_write_run(self._sorted(), self.folder))
        self.fields = {}
        self.size = 0
        if len(self.runs) > _MAX_RUNS:  # merge them into one: the final merge stays small
            runs = heapq.merge(*map(_read_run, self.runs), key=itemgetter(0))
            merged = _write_run(_join(runs), self.folder)
            self.cleanup()
            self.runs = [merged]
        if not gc.isenabled():  # paused_gc: now is the time
            gc.collect()

    # ------------------------------------------------------------- reading

    def iter_postings(self) -> TermLists:
        """Every term in order with its whole posting list (runs merged)."""
        if not self.runs:
            return TermLists(self._sorted())
        runs = map(_read_run, self.runs)
        return TermLists(_join(heapq.merge(*runs, self._sorted(), key=itemgetter(0))))

    def cleanup(self) -> None:
        for run in self.runs:
            run.close()
        self.runs = []
        self.fields = {}


@contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cyclic garbage collector off while a segment is written.

    The pool holds a list for every term and the analyser caches hold
    hundreds of thousands of tuples; the collector would walk them over and
    over (a sixth of the indexing CPU). Indexing makes little cyclic garbage
    (about 80,000 objects for 10 MB of text), so it is collected when the
    pool spills a run and when the segment is done. The switch is
    process-wide: other threads of a program that indexes in the background
    keep their cyclic garbage until then (reference counting still frees the
    rest at once).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect()


def _write_run(items: Iterable[tuple[Key, list[Any]]], folder: str | None) -> IO[bytes]:
    """A run: the items pickled in chunks of about :data:`_RUN_CHUNK` postings,
    in an anonymous temporary file in ``folder`` (gone with the process, even
    a killed one; closed by :meth:`TermPool.cleanup`)."""
    run = tempfile.TemporaryFile(prefix="searchkit-run-", dir=folder)  # noqa: SIM115
    chunk: list[tuple[Key, list[Any]]] = []
    entries = 0
    for item in items:
        chunk.append(item)
        entries += len(item[1])
        if entries >= 3 * _RUN_CHUNK:
            run.write(pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL))
            chunk, entries = [], 0
    if chunk:
        run.write(pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL))
    run.seek(0)
    return run


def _read_run(run: IO[bytes]) -> Iterator[tuple[Key, list[Any]]]:
    while True:
        try:
            chunk = pickle.load(run)
        except EOFError:
            return
        yield from chunk


def _join(merged: Iterable[tuple[Key, list[Any]]]) -> Iterator[tuple[Key, list[Any]]]:
    # heapq.merge keeps equal keys in the order of its inputs: the runs in
    # the order they were written, then what was never spilled.
    for key, pieces in groupby(merged, key=itemgetter(0)):
        flat: list[Any] = []
        for _, piece in pieces:
            flat += piece
        yield key, flat
