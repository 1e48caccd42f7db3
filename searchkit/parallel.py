"""Indexing with worker processes: read and analyse in parallel, write in one place.

The expensive part of indexing is Python work per word (tokenising, normalising,
lemmatising, collecting positions), and it is independent per file. Here worker
processes read each file and run every indexed field of the schema over each
block (``field.index(value)``, the very call whoosh's writer makes), so they hand
back *ready-to-write postings*: ``(term bytes, frequency, weight, encoded
positions)`` per field, plus the stored values. The parent process owns the one
whoosh writer and only adds those postings to it (:func:`add_prepared`), which is
what ``SegmentWriter.add_document`` does after it has called ``field.index()``.
The index written is therefore the same, posting for posting, as the serial path
in :mod:`searchkit.indexer`.

Safety rules:

* at most ``2 × workers`` files are in flight (bounded memory on any corpus size);
* results are written in corpus order, so document numbers match the serial path;
* an exception inside a worker becomes a :class:`~searchkit.indexer.Failure` for
  that one file (nothing else is lost); a worker process that dies aborts the run
  with :class:`IndexWriteError` and nothing is committed;
* the number of blocks written is checked against the number produced, and the
  committed index's document count against the expected one: a mismatch raises
  :class:`IndexWriteError`, never a quietly smaller index.

whoosh's own multiprocess writer (``procs>1``) is not used: it can drop a child's
documents silently when the child fails.
"""

from __future__ import annotations

import os
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from .errors import IndexError_, IndexLocked, IndexNotFound, ReaderError

#: One field of one block: (name, postings or None, length, stored value or None,
#: column value or None).
PreparedField = tuple[str, list[tuple[bytes, int, float, bytes]] | None, int, Any, Any]
#: One block: its fields in the order whoosh's writer visits them (sorted by name).
PreparedBlock = list[PreparedField]

#: Below this many corpus files, ``workers=None`` indexes in one process.
AUTO_MIN_FILES = 16


class IndexWriteError(IndexError_):
    """The parallel writer could not account for every block; nothing was committed."""


def auto_workers(n_files: int) -> int:
    """How many worker processes ``workers=None`` means for ``n_files`` files."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if not cpus or cpus < 2 or n_files < AUTO_MIN_FILES:
        return 1
    return min(cpus, 8)


# --------------------------------------------------------------------------- worker side

_schema: Any = None
_catalog: Any = None

#: Fields whose value differs in every block: not worth caching.
_PER_BLOCK = frozenset({"content", "exact", "key", "ordinal", "text"})


def _init_worker(catalog: Any) -> None:
    global _schema, _catalog
    from .schema import build_schema

    _schema = build_schema()
    _catalog = catalog


def prepare_record(
    schema: Any, record: dict[str, Any], cache: dict[tuple[str, Any], Any] | None = None
) -> PreparedBlock:
    """Analyse one block record (see ``indexer.block_records``) into postings.

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
                items = list(field.index(value))
                length = sum(item[1] for item in items) if field.scorable else 0
                if cache is not None and name not in _PER_BLOCK:
                    cache[key] = (items, length)
            else:
                items, length = hit
        column = field.to_column_value(value) if field.column_type else None
        prepared.append((name, items, length, value if field.stored else None, column))
    return prepared


def _work(path: str, source: str, known_digest: str | None) -> tuple[Any, ...]:
    """Read and analyse one file; never raises (a failure is a result)."""
    from .indexer import block_records
    from .readers import checksum, read_path

    try:
        try:
            digest = checksum(Path(path).read_bytes())
        except OSError as exc:
            return ("failed", source, f"cannot read file: {exc.strerror or exc}")
        if known_digest == digest:
            return ("unchanged", source)
        try:
            document = read_path(Path(path), source, _catalog)
        except ReaderError as exc:
            return ("failed", source, exc.reason)
        cache: dict[tuple[str, Any], Any] = {}
        blocks = [prepare_record(_schema, record, cache) for record in block_records(document)]
        return ("ok", source, blocks)
    except Exception as exc:  # a bug or a pathological file: report it for this file only
        return ("failed", source, f"internal error while indexing: {type(exc).__name__}: {exc}")


# --------------------------------------------------------------------------- parent side


def _cache_missing_length_columns() -> None:
    """Make whoosh remember that a field has no length column.

    ``W3PerDocReader._cached_reader`` caches the readers it finds but not their
    absence, so at commit time every posting of an unscored field (IDs,
    numbers) costs a file-system ``stat``: a tenth of the commit on our schema.
    Remembering ``None`` gives the same answers without the ``stat``.
    """
    from whoosh.codec import whoosh3

    cls = whoosh3.W3PerDocReader
    if getattr(cls, "_searchkit_cached", False):
        return

    def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
        try:
            return self._readers[fieldname]
        except KeyError:
            reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
            self._readers[fieldname] = reader
            return reader

    cls._cached_reader = _cached_reader
    cls._searchkit_cached = True


def check_writer(writer: Any) -> None:
    """Refuse a writer or schema that :func:`add_prepared` does not reproduce exactly."""
    from whoosh.writing import SegmentWriter

    _cache_missing_length_columns()
    if not isinstance(writer, SegmentWriter):
        raise IndexWriteError(f"parallel indexing needs a whoosh SegmentWriter, got {writer!r}")
    for name, field in writer.schema.items():
        if field.vector or field.separate_spelling():
            raise IndexWriteError(
                f"parallel indexing cannot write field {name!r} (term vectors or spelling)"
            )


def add_prepared(writer: Any, block: PreparedBlock) -> None:
    """Add one pre-analysed block: the second half of ``SegmentWriter.add_document``."""
    writer._check_state()
    schema = writer.schema
    docnum = writer.docnum
    add_post = writer.pool.add
    perdoc = writer.perdocwriter
    perdoc.start_doc(docnum)
    for name, items, length, stored, column in block:
        field = schema[name]
        if items:
            for tbytes, _freq, weight, vbytes in items:
                add_post((name, tbytes, docnum, weight, vbytes))
        perdoc.add_field(name, field, stored, length)
        if column is not None:
            perdoc.add_column_value(name, field.column_type, column)
    perdoc.finish_doc()
    writer._added = True
    writer.docnum += 1


def index_parallel(
    corpus_dir: Path | str,
    index_dir: Path | str,
    *,
    workers: int = 2,
    progress: Any = None,
) -> Any:
    """Like :func:`searchkit.indexer.index_corpus`, with ``workers`` analysing processes."""
    from whoosh.index import LockError

    from .indexer import (
        INDEX_NAME,
        Failure,
        IndexReport,
        _open_or_create,
        corpus_files,
        indexed_sources,
    )
    from .readers import Catalog

    started = time.monotonic()
    corpus_dir = Path(corpus_dir)
    index_dir = Path(index_dir)
    if not corpus_dir.is_dir():
        raise IndexNotFound(f"corpus folder {corpus_dir} does not exist")
    report = IndexReport()
    catalog = Catalog.load(corpus_dir)
    ix = _open_or_create(index_dir)
    known = indexed_sources(ix)
    before = ix.doc_count()
    files = list(corpus_files(corpus_dir))
    window = max(2, 2 * workers)
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(catalog,)) as pool:
        try:
            writer = ix.writer(procs=1, limitmb=128)
        except LockError as exc:
            raise IndexLocked(f"another process is writing the index at {index_dir}") from exc
        try:
            check_writer(writer)
            pending: deque[tuple[str, Future[tuple[Any, ...]]]] = deque()
            todo = iter(enumerate(files, start=1))
            removed = 0  # blocks deleted for updated files

            def submit() -> None:
                for done, (path, source) in todo:
                    if progress:
                        progress(source, done, len(files))
                    pending.append((source, pool.submit(_work, str(path), source, known.get(source))))
                    if len(pending) >= window:
                        return

            submit()
            while pending:
                source, future = pending.popleft()
                try:
                    result = future.result()
                except BrokenProcessPool as exc:
                    raise IndexWriteError(
                        f"a worker process died while indexing {source}; nothing was committed"
                    ) from exc
                submit()
                status = result[0]
                if status == "unchanged":
                    report.unchanged.append(source)
                    continue
                if status == "failed":
                    report.failed.append(Failure(source, result[2]))
                    continue
                if source in known:
                    removed += writer.delete_by_term("source", source) or 0
                    report.updated.append(source)
                else:
                    report.added.append(source)
                start = writer.docnum
                for block in result[2]:
                    add_prepared(writer, block)
                written = writer.docnum - start
                if written != len(result[2]):
                    raise IndexWriteError(
                        f"{source}: {len(result[2])} blocks analysed but {written} written"
                    )
                report.blocks += written
            seen = {source for _path, source in files}
            for source in sorted(set(known) - seen):
                removed += writer.delete_by_term("source", source) or 0
                report.deleted.append(source)
            if report.added or report.updated or report.deleted:
                writer.commit()
            else:
                writer.cancel()
        except BaseException:
            writer.cancel()
            raise
    expected = before - removed + report.blocks
    if report.added or report.updated or report.deleted:
        from whoosh import index as windex

        count = windex.open_dir(str(index_dir), indexname=INDEX_NAME).doc_count()
        if count != expected:
            raise IndexWriteError(
                f"index at {index_dir} holds {count} blocks after the commit, expected {expected}"
            )
    report.duration = time.monotonic() - started
    return report
