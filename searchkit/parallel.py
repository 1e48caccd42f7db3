"""Indexing with worker processes: each worker analyses files and writes a segment.

The expensive parts of indexing are Python work per word (tokenising,
normalising, lemmatising, collecting positions) and whoosh's sorting and
writing of postings. Both are independent per file, so each worker process
owns an unlocked whoosh ``SegmentWriter`` on the index folder: it reads a file,
analyses every block (``field.index(value)``, the call whoosh's writer makes,
see :func:`prepare_record`), and only when the whole file analysed cleanly adds
its blocks to its segment (:func:`add_prepared`). The parent process holds the
index lock and the one real writer: it deletes the blocks of changed and
removed files, and commits once, adding the workers' finished segments to the
index's table of contents. Blocks, stored fields and postings are the same as
the serial path's (:mod:`searchkit.indexer`); they are spread over one segment
per worker, which whoosh's merge policy folds together over later commits.

Safety rules:

* an exception while reading or analysing a file becomes a
  :class:`~searchkit.indexer.Failure` for that one file, and nothing of the file
  is written;
* a worker that dies or cannot write aborts the run with
  :class:`IndexWriteError`; nothing is committed, the old index stays as it was;
* every worker's segment must hold exactly the blocks it reports, and the
  committed index exactly the expected number: otherwise :class:`IndexWriteError`,
  never a quietly smaller index;
* a worker's write error (disk full, file too large) is raised in the parent as
  the same ``OSError`` the serial path meets, so ``reindex`` reports it alike;
* workers die with the parent (``PR_SET_PDEATHSIG`` on Linux): a writer killed
  with ``kill -9`` leaves no process writing into a folder the next run cleans;
  segment files of a run that commits nothing are removed;
* memory is bounded by each writer's buffer (``limitmb``), not by corpus size;
  segments are written as separate files (:data:`COMPOUND`).

whoosh's own multiprocess writer (``procs>1``) is not used: it waits one second
for each child's result and silently drops the child's documents when none comes.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

from .errors import IndexError_, ReaderError
from .indexer import (
    INDEX_NAME,
    Failure,
    _checksum_bounded,
    _Run,
    block_records,
    corpus_files,
    corpus_listing,
)

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


# --------------------------------------------------------------------------- analysis

#: Fields whose value differs in every block: not worth caching.
_PER_BLOCK = frozenset({"content"})


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

    from .analysis import LemmaFilter, WordTokenizer, term_positions
    from .codec import PackedPositions

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


def add_prepared(writer: Any, block: PreparedBlock) -> None:
    """Add one analysed block: the second half of ``SegmentWriter.add_document``."""
    writer._check_state()
    schema = writer.schema
    docnum = writer.docnum
    add_field = writer.pool.add_field  # a TermPool (check_writer)
    perdoc = writer.perdocwriter
    perdoc.start_doc(docnum)
    for name, items, length, stored, column in block:
        field = schema[name]
        if items:
            add_field(name, docnum, items)
        perdoc.add_field(name, field, stored, length)
        if column is not None:
            perdoc.add_column_value(name, field.column_type, column)
    perdoc.finish_doc()
    writer._added = True
    writer.docnum += 1


def _cache_length_columns() -> None:
    """Make whoosh read a segment's field lengths once, not once per call.

    When whoosh merges segments it copies every block's length in every field
    one ``W3PerDocReader.doc_field_length`` call at a time (``write_per_doc``;
    before searchkit's codec wrote whole posting lists, it also made one call
    per posting): a column read through three layers of Python each time.
    This reads each length column once into bytes
    (:func:`~searchkit.codec.length_column`) and answers from them. ``_cached_reader`` also caches a
    field's *lack* of a length column (whoosh would ``stat`` the missing file
    on every call for an unscored field). Same answers, fewer calls.
    """
    from whoosh.codec import whoosh3
    from whoosh.util.numeric import byte_to_length

    from .codec import length_column

    cls = whoosh3.W3PerDocReader
    if getattr(cls, "_searchkit_cached", False):
        return
    lengths = [byte_to_length(b) for b in range(256)]

    def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
        try:
            return self._readers[fieldname]
        except KeyError:
            reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
            self._readers[fieldname] = reader
            return reader

    def doc_field_length(self: Any, docnum: int, fieldname: str, default: Any = 0) -> Any:
        columns = self.__dict__.setdefault("_searchkit_lengths", {})
        raw = columns.get(fieldname, False)
        if raw is False:
            raw = columns[fieldname] = length_column(self, fieldname)
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        if raw is None:
            return default
        byte = raw[docnum] if docnum < len(raw) else 0
        return lengths[byte] if byte else None  # None for 0, as whoosh 2.7.4 returns

    cls._cached_reader = _cached_reader
    cls.doc_field_length = doc_field_length
    cls._searchkit_cached = True


def check_writer(writer: Any) -> None:
    """Refuse a writer or schema that :func:`add_prepared` does not reproduce exactly."""
    from whoosh.writing import SegmentWriter

    from .pool import TermPool

    if not isinstance(writer, SegmentWriter) or not isinstance(writer.pool, TermPool):
        raise IndexWriteError(f"indexing needs a writer of searchkit.codec.open_writer: {writer!r}")
    for name, field in writer.schema.items():
        if field.vector or field.separate_spelling():
            raise IndexWriteError(
                f"parallel indexing cannot write field {name!r} (term vectors or spelling)"
            )


# --------------------------------------------------------------------------- worker process


def _index_file(
    writer: Any, catalog: Any, path: Path, source: str, known: str | None, max_size: int
) -> tuple:
    """Read, analyse and (only if all of it analysed) write one file's blocks."""
    from .readers import format_of, read_documents

    fmt = format_of(path)
    try:
        if known == _checksum_bounded(path, source, max_size):
            return ("unchanged", source)
        try:
            documents = read_documents(path, source, catalog)
        except (ReaderError, FileNotFoundError):
            raise
        except Exception as exc:  # a reader bug fails its file, as in the serial path
            raise ReaderError(
                source, f"the reader failed ({type(exc).__name__}: {exc}); please report this"
            ) from exc
        cache: dict[tuple[str, Any], Any] = {}
        blocks = [
            prepare_record(writer.schema, record, cache)
            for document in documents
            for record in block_records(document, source)
        ]
    except ReaderError as exc:
        return ("failed", source, exc.reason, fmt)
    except FileNotFoundError:
        return ("failed", source, "the file disappeared during the run", fmt)
    except Exception as exc:  # an analysis bug or a pathological file: this file fails
        return (
            "failed",
            source,
            f"internal error while indexing: {type(exc).__name__}: {exc}",
            fmt,
        )
    for block in blocks:  # errors here are the writer's: the worker stops, the run aborts
        add_prepared(writer, block)
    return ("ok", source, len(blocks), len(documents), fmt)


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when the parent dies (Linux), and check it lives.

    A writer killed with ``kill -9`` must not leave workers writing segment
    files into an index folder that the next run is cleaning up.
    """
    import signal

    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _worker(
    index_dir: str,
    limitmb: int,
    max_size: int,
    catalog: Any,
    tasks: Any,
    results: Any,
    current: Any,
    slot: int,
    parent: int,
) -> None:
    """Worker process: index files from ``tasks`` into one new segment; report on ``results``."""
    from whoosh import index as windex

    from .codec import open_writer
    from .pool import paused_gc

    _die_with_parent(parent)
    _cache_length_columns()
    ix = windex.open_dir(index_dir, indexname=INDEX_NAME)
    writer = open_writer(ix, limitmb=limitmb, _lk=False, compound=COMPOUND)
    written = 0
    try:
        with paused_gc():
            while (task := tasks.get()) is not None:
                current[slot] = task[0]  # shared memory: readable even if this process dies
                outcome = _index_file(writer, catalog, Path(task[1]), task[2], task[3], max_size)
                if outcome[0] == "ok":
                    written += outcome[2]
                results.put(outcome)
            segment = None
            if writer._added:
                segment = writer._finalize_segment()
            else:
                writer._close_segment()
        results.put(("segment", os.getpid(), segment, written))
    except BaseException as exc:
        errno = exc.errno if isinstance(exc, OSError) else None
        results.put(
            (
                "error",
                os.getpid(),
                f"{type(exc).__name__}: {exc}",
                errno,
                getattr(exc, "strerror", None),
            )
        )
        # The parent reports it, once, in one line: exit without multiprocessing's
        # "Process ForkProcess-N:" traceback on stderr (SystemExit with an int
        # prints nothing, and still flushes the result queue).
        sys.exit(1)


# --------------------------------------------------------------------------- parent process


def _doc_count(ix: Any) -> int:
    """Blocks in the index, from its table of contents (``ix.doc_count()`` opens a
    reader, which costs about the index's size in memory)."""
    return sum(segment.doc_count() for segment in ix._segments())


def _remove_strays(folder: str, before: set[str]) -> None:
    """Delete segment files this run created that the committed index does not use.

    Workers create their segment's files as they start; when a run commits
    nothing (no changes) or aborts, those files would stay behind.
    """
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    try:
        live = {s.segment_id() for s in TOC.read(FileStorage(folder), INDEX_NAME).segments}
    except Exception:  # no readable TOC: keep only what was there before
        live = set()
    for name in os.listdir(folder):
        if (
            name not in before
            and name.startswith(f"{INDEX_NAME}_")
            and (name.split(".")[0] not in live)
        ):
            with contextlib.suppress(OSError):
                os.remove(os.path.join(folder, name))


def make_run(corpus: Path, report: Any, progress: Any, max_size: int, workers: int | None) -> Any:
    """The indexer's run object: serial, or :class:`ParallelRun` for ``workers`` > 1.

    ``workers=None`` picks by corpus size and CPU count (:func:`auto_workers`).
    """
    if workers is None:
        workers = auto_workers(sum(1 for _ in corpus_files(corpus))) if corpus.is_dir() else 1
    if workers > 1:
        return ParallelRun(report, progress, max_size, workers)
    return _Run(report, progress, max_size)


class ParallelRun(_Run):
    """``indexer._Run`` with ``workers`` processes that read, analyse and write segments.

    Same contract: ``self.ix`` is set by the caller; :meth:`write` scans the
    corpus, fills ``self.report`` and commits once (or not at all), and leaves
    ``self.writer`` closed.
    """

    limitmb = 64

    def __init__(self, report: Any, progress: Any, max_size: int, workers: int) -> None:
        super().__init__(report, progress, max_size)
        self.workers = max(1, workers)

    def write(self, corpus: Path, known: dict[str, str], incremental: bool) -> None:
        import multiprocessing

        from .codec import open_writer

        report = self.report
        catalog, files = corpus_listing(corpus, known, incremental)
        _cache_length_columns()
        before = _doc_count(self.ix)
        folder = str(self.ix.storage.folder)
        before_names = set(os.listdir(folder))
        self.writer = open_writer(self.ix, limitmb=self.limitmb, compound=COMPOUND)
        ctx = multiprocessing.get_context()
        tasks: Any = ctx.Queue()
        results: Any = ctx.Queue()
        current = ctx.Array("l", [-1] * self.workers, lock=False)  # file index per worker
        procs = [
            ctx.Process(
                target=_worker,
                args=(
                    folder,
                    self.limitmb,
                    self.max_size,
                    catalog,
                    tasks,
                    results,
                    current,
                    slot,
                    os.getpid(),
                ),
                daemon=True,
            )
            for slot in range(self.workers)
        ]
        try:
            check_writer(self.writer)
            for proc in procs:
                proc.start()
            for i, (path, source) in enumerate(files):
                tasks.put((i, str(path), source, known.get(source)))
            for _ in procs:
                tasks.put(None)
            outcomes, segments = self._collect(files, procs, results, current)
            removed = 0
            for _path, source in files:
                outcome = outcomes.get(source)
                if outcome is None:
                    raise IndexWriteError(f"{source}: no worker reported on this file")
                if outcome[0] == "unchanged":
                    report.unchanged.append(source)
                elif outcome[0] == "failed":
                    report.failed.append(Failure(source, outcome[2]))
                    report.formats.setdefault(outcome[3], [0, 0])[1] += 1
                else:
                    if source in known:
                        removed += self.writer.delete_by_term("file", source) or 0
                        report.updated.append(source)
                    else:
                        report.added.append(source)
                    report.blocks += outcome[2]
                    report.documents += outcome[3]
                    report.formats.setdefault(outcome[4], [0, 0])[0] += outcome[3]
            seen = {source for _path, source in files}
            for source in sorted(set(known) - seen):
                removed += self.writer.delete_by_term("file", source) or 0
                report.deleted.append(source)
            in_segments = sum(written for _segment, written in segments)
            if in_segments != report.blocks:
                raise IndexWriteError(
                    f"{report.blocks} blocks analysed but the workers' segments hold "
                    f"{in_segments}; nothing was committed"
                )
            self._commit([segment for segment, _written in segments])
        except BaseException:
            for proc in procs:
                if proc.is_alive():
                    proc.terminate()
            if not self.writer.is_closed:
                self.writer.cancel()
            raise
        finally:
            for proc in procs:
                proc.join(timeout=5)
            _remove_strays(folder, before_names)
        if report.added or report.updated or report.deleted:
            from whoosh import index as windex

            count = _doc_count(windex.open_dir(folder, indexname=INDEX_NAME))
            expected = before - removed + report.blocks
            if count != expected:
                raise IndexWriteError(
                    f"the index holds {count} blocks after the commit, expected {expected}"
                )

    def _collect(
        self, files: list, procs: list, results: Any, current: Any
    ) -> tuple[dict[str, tuple], list[tuple[Any, int]]]:
        """Per-file outcomes and each worker's (segment, blocks written), checked."""
        import queue

        outcomes: dict[str, tuple] = {}
        segments: list[tuple[Any, int]] = []
        finals = 0
        while finals < len(procs):
            try:
                message = results.get(timeout=0.5)
            except queue.Empty:
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                if dead or (all(p.exitcode is not None for p in procs) and results.empty()):
                    proc = dead[0] if dead else procs[0]
                    at = current[procs.index(proc)]
                    where = files[at][1] if at >= 0 else None
                    raise IndexWriteError(
                        f"a worker process stopped (exit code {proc.exitcode})"
                        + (f" while indexing {where}" if where else "")
                        + "; nothing was committed"
                    ) from None
                continue
            kind = message[0]
            if kind == "error":
                if message[3] is not None:  # disk full, file too large: the indexer's OSError path
                    raise OSError(message[3], message[4] or message[2])
                raise IndexWriteError(f"a worker could not write its segment: {message[2]}")
            if kind == "segment":
                finals += 1
                if message[2] is not None:
                    segments.append((message[2], message[3]))
                continue
            outcomes[message[1]] = message
            if self.progress:
                self.progress(message[1], len(outcomes), len(files))
        for proc in procs:
            proc.join()
        for segment, written in segments:
            if segment.doc_count_all() != written:
                raise IndexWriteError(
                    f"a worker reported {written} blocks but its segment holds "
                    f"{segment.doc_count_all()}; nothing was committed"
                )
        return outcomes, segments

    def _commit(self, segments: list[Any]) -> None:
        """Commit the workers' segments with whoosh's merge policy, or cancel if nothing changed."""
        report = self.report
        writer = self.writer
        if not (report.added or report.updated or report.deleted):
            writer.cancel()
            return
        final = writer._merge_segments(None, None, None)
        if writer._added:
            final.append(writer._finalize_segment())
        else:
            writer._close_segment()
        writer._commit_toc(final + segments)
        writer._finish()
