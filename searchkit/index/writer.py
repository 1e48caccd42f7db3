"""Writing segments: the one writer every indexing run uses.

:func:`open_writer` makes a whoosh ``SegmentWriter`` with searchkit's codec
and term pool; :func:`prepare` analyses one block record
(:func:`.records.block_records`) into postings, which :func:`add_prepared`
adds, so a run can analyse a whole file before it writes any of it (and a
worker process can analyse and write in parallel). :func:`commit` commits a
writer, with the segments other writers finished (:func:`finish_segment`),
durably: segment files, then the table of contents and the folder, flushed
to disk before it returns.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from ..analysis import term_positions
from ..errors import InternalError
from ._whoosh import add_prepared, committed_segments, finish_segment, has_added
from ._whoosh import commit_segments as _commit_segments
from ._whoosh.codec import PackedPositions, codec
from .generations import WHOOSH_NAME, sync_tree
from .pool import TermPool
from .schema import LemmaFilter, WordTokenizer

__all__ = [
    "COMPOUND",
    "PreparedBlock",
    "add_prepared",
    "check_writer",
    "commit",
    "finish_segment",
    "has_added",
    "open_writer",
    "prepare",
    "remove_strays",
]

#: One field of one block: (name, postings or None, length, stored value or None,
#: column value or None).
PreparedField = tuple[str, list[tuple[bytes, int, float, bytes]] | None, int, Any, Any]
#: One block: its fields in the order whoosh's writer visits them (sorted by name).
PreparedBlock = list[PreparedField]

#: Whether segments are written as one compound file. whoosh 2.7 on Python 3 copies
#: every part of a compound segment into memory when a reader opens it
#: (``BufferFile`` wraps the mmap in ``BytesIO``), so a searcher's memory and
#: start-up grow with the index; separate files are read on demand instead.
COMPOUND = False


def open_writer(ix: Any, limitmb: float = 128, **kwargs: Any) -> Any:
    """A whoosh ``SegmentWriter`` on ``ix`` with searchkit's codec and a
    :class:`~.pool.TermPool` of ``limitmb``; ``kwargs`` go to whoosh."""
    from whoosh.writing import SegmentWriter

    kwargs.setdefault("compound", COMPOUND)
    writer = SegmentWriter(ix, codec=codec(), limitmb=limitmb, **kwargs)
    writer.pool = TermPool(limitmb, getattr(ix.storage, "folder", None))
    check_writer(writer)
    return writer


def commit(writer: Any, segments: list[Any] | None = None) -> None:
    """Commit ``writer`` with ``segments`` (finished by other writers), and
    flush it to disk: the new segment files before the table of contents
    names them, the table of contents and the folder after."""
    folder = Path(writer.storage.folder)
    before = set(os.listdir(folder))

    def flush_segments() -> None:
        sync_tree(folder, set(os.listdir(folder)) - before)

    _commit_segments(writer, segments or [], flush_segments)
    sync_tree(folder, {n for n in os.listdir(folder) if n.endswith(".toc")} - before)


#: Fields whose value differs in every block: not worth caching.
_PER_BLOCK = frozenset({"content"})


def prepare(
    schema: Any, record: dict[str, Any], cache: dict[tuple[str, Any], Any] | None = None
) -> PreparedBlock:
    """Analyse one block record (see :func:`.records.block_records`) into postings.

    Mirrors ``whoosh.writing.SegmentWriter.add_document`` up to the point where
    it hands postings to the pool: fields in sorted order, ``None`` values
    skipped, the length summed over frequencies of scorable fields. ``cache``
    (one per document) saves analysing values every block repeats (the title,
    the heading, the symbol...).
    """
    prepared: PreparedBlock = []
    for name in sorted(record):
        value = record[name]
        if value is None:
            continue
        field = schema[name]
        items = None
        length = 0
        if field.indexed:
            key = (name, value)
            hit = cache.get(key) if cache is not None and name not in _PER_BLOCK else None
            if hit is None:
                items = _lemma_postings(field, value)
                if items is None:  # any other field: whoosh analyses it
                    items = list(field.index(value))
                length = sum(item[1] for item in items) if field.scorable else 0
                if cache is not None and name not in _PER_BLOCK:
                    cache[key] = (items, length)
            else:
                items, length = hit
        column = field.to_column_value(value) if field.column_type else None
        prepared.append((name, items, length, value if field.stored else None, column))
    return prepared


def _lemma_postings(field: Any, value: Any) -> list[tuple[bytes, int, float, bytes]] | None:
    """``field.index(value)`` for a positional field of searchkit's lemma
    analyzer, computed from :func:`~searchkit.analysis.term_positions` (a
    third of the analysis time: no whoosh token per word); ``None`` for any
    other field. Same items as whoosh's ``word_values`` (tested). (Values stay
    bytes: lists of positions in the pool cost more in the garbage collector
    and in spilled runs than encoding them here.)"""
    from whoosh.analysis import CompositeAnalyzer

    analyzer = field.analyzer
    if not (
        type(field.format) is PackedPositions
        and isinstance(value, str)
        and isinstance(analyzer, CompositeAnalyzer)
        and len(analyzer.items) == 2
        and type(analyzer.items[0]) is WordTokenizer
        and type(analyzer.items[1]) is LemmaFilter
    ):
        return None
    encode, boost = field.format.encode, field.format.field_boost
    return [
        (term, len(where), float(len(where)) * boost, encode(where))
        for term, where in term_positions(value, analyzer.items[1].surface).items()
    ]


def check_writer(writer: Any) -> None:
    """Refuse a writer or schema that :func:`add_prepared` does not reproduce exactly."""
    from whoosh.writing import SegmentWriter

    if not isinstance(writer, SegmentWriter) or not isinstance(writer.pool, TermPool):
        raise InternalError(f"indexing needs a writer of open_writer: {writer!r}")
    for name, field in writer.schema.items():
        if field.vector or field.separate_spelling():
            raise InternalError(
                f"parallel indexing cannot write field {name!r} (term vectors or spelling)"
            )


def remove_strays(folder: str, before: set[str]) -> None:
    """Delete segment files this run created that the committed index does not use.

    Workers create their segment's files as they start; when a run commits
    nothing (no changes) or aborts, those files would stay behind.
    """
    committed = committed_segments(folder, WHOOSH_NAME)
    live = committed[1] if committed else set()  # no readable TOC: keep what was there
    for name in os.listdir(folder):
        if (
            name not in before
            and name.startswith(f"{WHOOSH_NAME}_")
            and (name.split(".")[0] not in live)
        ):
            with contextlib.suppress(OSError):
                os.remove(os.path.join(folder, name))
