"""Indexing with worker processes: each worker analyses files and writes a segment.

The expensive parts of indexing are Python work per word (tokenising,
normalising, lemmatising, collecting positions) and whoosh's sorting and
writing of postings. Both are independent per file, so each worker process
owns an unlocked segment writer on the index folder: it reads and analyses a
file (:func:`~.scan.prepare_file`, as the serial run does) and only when the
whole file analysed cleanly adds its blocks to its segment. The parent process
holds the index lock and the one real writer: it deletes the blocks of changed
and removed files, and commits once, adding the workers' finished segments to
the index's table of contents. Blocks, stored fields and postings are the same
as the serial run's (:mod:`.serial`); they are spread over one segment per
worker, which whoosh's merge policy folds together over later commits.

Safety rules:

* an exception while reading or analysing a file becomes a
  :class:`~.report.Failure` for that one file, and nothing of the file
  is written;
* a worker that dies or cannot write aborts the run with
  :class:`~searchkit.errors.IndexWriteError`; nothing is committed, the old
  index stays as it was;
* every worker's segment must hold exactly the blocks it reports, and the
  committed index exactly the expected number: otherwise
  :class:`~searchkit.errors.WriteCheckFailed` (a bug), never a quietly
  smaller index;
* a worker's write error (disk full, file too large) is raised in the parent as
  the same ``OSError`` the serial path meets, so ``reindex`` reports it alike;
* workers die with the parent (``PR_SET_PDEATHSIG`` on Linux): a writer killed
  with ``kill -9`` leaves no process writing into a folder the next run cleans;
  segment files of a run that commits nothing are removed;
* memory is bounded by each writer's buffer (``limitmb``), not by corpus size;
  segments are written as separate files (:data:`~searchkit.index.writer.COMPOUND`).

whoosh's own multiprocess writer (``procs>1``) is not used: it waits one second
for each child's result and silently drops the child's documents when none comes.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

from ..errors import IndexWriteError, WriteCheckFailed
from ..index import writer as segment
from ..index._whoosh import cache_length_columns, segment_count
from ..index.generations import WHOOSH_NAME
from ..index.pool import paused_gc
from .report import FileOutcome
from .scan import Reading, corpus_files, corpus_listing, gone, prepare_file
from .serial import SerialRun

#: Below this many corpus files, ``workers=None`` indexes in one process.
AUTO_MIN_FILES = 16


def auto_workers(n_files: int) -> int:
    """How many worker processes ``workers=None`` means for ``n_files`` files."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if not cpus or cpus < 2 or n_files < AUTO_MIN_FILES:
        return 1
    return min(cpus, 8)


# --------------------------------------------------------------------------- worker process


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
    reading: Reading,
    catalog: Any,
    tasks: Any,
    results: Any,
    current: Any,
    slot: int,
    parent: int,
) -> None:
    """Worker process: index files from ``tasks`` into one new segment; report on ``results``."""
    from whoosh import index as windex

    _die_with_parent(parent)
    cache_length_columns()
    ix = windex.open_dir(index_dir, indexname=WHOOSH_NAME)
    writer = segment.open_writer(ix, limitmb=limitmb, _lk=False)
    written = 0
    try:
        with paused_gc():
            while (task := tasks.get()) is not None:
                current[slot] = task[0]  # shared memory: readable even if this process dies
                outcome = prepare_file(ix.schema, catalog, Path(task[1]), task[2], task[3], reading)
                for block in outcome.blocks:  # errors here are the writer's: the run aborts
                    segment.add_prepared(writer, block)
                outcome.written, outcome.blocks = len(outcome.blocks), []
                written += outcome.written
                results.put(outcome)
            finished = segment.finish_segment(writer)
        results.put(("segment", os.getpid(), finished, written))
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


def make_run(
    corpus: Path, report: Any, progress: Any, reading: Reading, workers: int | None
) -> Any:
    """The indexer's run object: serial, or :class:`ParallelRun` for ``workers`` > 1.

    ``workers=None`` picks by corpus size and CPU count (:func:`auto_workers`).
    """
    if workers is None:
        workers = auto_workers(sum(1 for _ in corpus_files(corpus))) if corpus.is_dir() else 1
    if workers > 1:
        return ParallelRun(report, progress, reading, workers)
    return SerialRun(report, progress, reading)


class ParallelRun(SerialRun):
    """:class:`~.serial.SerialRun` with ``workers`` processes that read,
    analyse and write segments.

    Same contract: ``self.ix`` is set by the caller; :meth:`write` scans the
    corpus, fills ``self.report`` and commits once (or not at all), and leaves
    ``self.writer`` closed.
    """

    limitmb = 64

    def __init__(self, report: Any, progress: Any, reading: Reading, workers: int) -> None:
        super().__init__(report, progress, reading)
        self.workers = max(1, workers)

    def write(self, corpus: Path, known: dict[str, str], incremental: bool) -> None:
        import multiprocessing

        report = self.report
        catalog, files = corpus_listing(corpus, known, incremental)
        cache_length_columns()
        before = segment_count(self.ix)
        folder = str(self.ix.storage.folder)
        before_names = set(os.listdir(folder))
        self.writer = segment.open_writer(self.ix, limitmb=self.limitmb)
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
                    self.reading,
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
                    raise WriteCheckFailed(f"{source}: no worker reported on this file")
                if outcome.status == "ok" and source in known:
                    removed += self.writer.delete_by_term("file", source) or 0
                report.note(outcome, replaces=source in known)
            seen = {source for _path, source in files}
            for source in gone(corpus, known, seen):
                removed += self.writer.delete_by_term("file", source) or 0
                report.deleted.append(source)
            in_segments = sum(written for _segment, written in segments)
            if in_segments != report.blocks:
                raise WriteCheckFailed(
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
            segment.remove_strays(folder, before_names)
        if report.changed:
            from whoosh import index as windex

            count = segment_count(windex.open_dir(folder, indexname=WHOOSH_NAME))
            expected = before - removed + report.blocks
            if count != expected:
                raise WriteCheckFailed(
                    f"the index holds {count} blocks after the commit, expected {expected}"
                )

    def _collect(
        self, files: list, procs: list, results: Any, current: Any
    ) -> tuple[dict[str, FileOutcome], list[tuple[Any, int]]]:
        """Per-file outcomes and each worker's (segment, blocks written), checked."""
        import queue

        outcomes: dict[str, FileOutcome] = {}
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
            if isinstance(message, FileOutcome):
                outcomes[message.source] = message
                if self.progress:
                    self.progress(message.source, len(outcomes), len(files))
                continue
            kind = message[0]
            if kind == "error":
                if message[3] is not None:  # disk full, file too large: the indexer's OSError path
                    raise OSError(message[3], message[4] or message[2])
                raise IndexWriteError(f"a worker could not write its segment: {message[2]}")
            finals += 1  # "segment": the worker's last word
            if message[2] is not None:
                segments.append((message[2], message[3]))
        for proc in procs:
            proc.join()
        for finished, written in segments:
            if finished.doc_count_all() != written:
                raise WriteCheckFailed(
                    f"a worker reported {written} blocks but its segment holds "
                    f"{finished.doc_count_all()}; nothing was committed"
                )
        return outcomes, segments

    def _commit(self, segments: list[Any]) -> None:
        """Commit the workers' segments with whoosh's merge policy, or cancel if nothing changed."""
        if not self.report.changed:
            self.writer.cancel()
            return
        segment.commit(self.writer, segments)
