"""A reindex run: lock, generation, corpus scan, one commit, the run's log.

The index records what it holds: every block indexes the ``file`` it was read
from, and each document's first block stores that file's ``checksum``, so
:func:`reindex` compares the corpus with the index and touches only files that
were added, changed or deleted, then commits once (:mod:`.serial` in one
process, :mod:`.workers` in several). Unchanged files are hashed, not read by
a reader. ``full=True`` builds a new generation from scratch and swaps it in
atomically (see :mod:`searchkit.index.generations` for the layout on disk).
One writer at a time holds the lock (:mod:`searchkit.index.lock`); searches
never wait for it.
"""

from __future__ import annotations

import contextlib
import time
from datetime import UTC, datetime
from pathlib import Path

from ..errors import CorpusError, IndexWriteError, SearchkitError
from ..index import generations
from ..index.lock import write_lock
from ..index.runlog import record_run
from ..index.schema import build_schema
from ..index.snapshot import Snapshot, open_index
from ..readers import ReadOptions
from .report import IndexReport, ProgressFn
from .scan import MAX_FILE_SIZE, Reading, indexed_files
from .serial import SerialRun
from .workers import make_run


def _full(root: Path, corpus: Path, run: SerialRun) -> None:
    from whoosh import index as windex

    generation = generations.next_generation(root)
    (root / generation).mkdir()
    run.ix = windex.create_in(
        str(root / generation), build_schema(), indexname=generations.WHOOSH_NAME
    )
    run.write(corpus, {}, incremental=False)
    generations.switch_to(root, generation)  # the atomic swap: searchers now open this one
    run.report.generation = generation


def _incremental(root: Path, corpus: Path, run: SerialRun) -> None:
    run.ix = open_index(root)
    with Snapshot(run.ix.reader()) as snapshot:
        known = indexed_files(snapshot)
    run.write(corpus, known, incremental=True)
    run.report.generation = generations.current_generation(root) or ""


def reindex(
    corpus_dir: Path | str,
    index_dir: Path | str,
    *,
    full: bool = False,
    wait: float = 0.0,
    progress: ProgressFn | None = None,
    max_file_size: int = MAX_FILE_SIZE,
    workers: int | None = None,
    ocr: bool = False,
) -> IndexReport:
    """Bring the index at ``index_dir`` in step with the files under ``corpus_dir``.

    New files are added, changed files replaced, deleted files removed, and
    unchanged files (same checksum) are not read again; all in one commit.
    ``full=True`` (or a missing index) builds a fresh generation and swaps it
    in atomically. A bad file is reported in ``failed`` and never stops the
    run; what was indexed before stays searchable. Waits up to ``wait`` seconds
    for another writer, then raises :class:`IndexLocked`; an incremental run on
    an index of another format raises :class:`SchemaMismatch`. Leftovers of
    interrupted runs are removed first; the outcome is logged in ``lastrun.json``.
    ``workers`` > 1 reads, analyses and writes in that many processes
    (:mod:`.workers`); ``None`` picks by corpus size and CPU count. ``ocr``
    reads scanned PDFs with tesseract (when installed); without it a scan is a
    failed file that says so. A file read with a reason to look at it (a
    scanner's noisy OCR layer) is indexed and listed in ``warnings``.
    """
    started = time.monotonic()
    corpus = Path(corpus_dir)
    root = Path(index_dir)
    if not corpus.is_dir():
        raise CorpusError(f"corpus folder {corpus} does not exist")
    report = IndexReport(started=datetime.now(UTC).isoformat(timespec="seconds"))
    reading = Reading(max_file_size, ReadOptions(ocr=ocr))
    run = make_run(corpus, report, progress, reading, workers)
    with write_lock(root, wait):
        try:
            report.cleaned = generations.clean_leftovers(root)
            if full or not (root / generations.POINTER).exists():  # no index yet: build one
                report.mode = "full"
                _full(root, corpus, run)
            else:
                _incremental(root, corpus, run)
        except SearchkitError as exc:
            report.duration = time.monotonic() - started
            record_run(root, report.to_dict(), error=str(exc))
            raise
        except OSError as exc:  # disk full, permissions: the last commit stays intact
            error = IndexWriteError(f"cannot write the index at {root}: {exc.strerror or exc}")
            report.duration = time.monotonic() - started
            with contextlib.suppress(OSError):
                record_run(root, report.to_dict(), error=str(error))
            raise error from exc
        report.duration = time.monotonic() - started
        with contextlib.suppress(OSError):  # the run is done even if its log cannot be written
            record_run(root, report.to_dict())
    return report
