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
from typing import Any

from ..errors import (
    ConfigError,
    CorpusError,
    IndexWriteError,
    SearchkitError,
    ShardUnavailable,
)
from ..index import generations
from ..index.lock import write_lock
from ..index.runlog import record_run
from ..index.schema import build_schema
from ..index.snapshot import Snapshot, open_index
from ..readers import ReadOptions
from . import xapian_run
from .report import Failure, IndexReport, ProgressFn
from .scan import MAX_FILE_SIZE, Reading, corpus_files, indexed_files, unreadable
from .serial import SerialRun
from .workers import auto_workers, make_run


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


BACKENDS = ("whoosh", "xapian")


def _backend(root: Path, asked: str | None, full: bool) -> str:
    """The backend the run writes: the index's own, or ``asked`` for a new
    index (or a ``--full`` rebuild)."""
    if asked is not None and asked not in BACKENDS:
        raise ConfigError(f"backend {asked!r}: one of {', '.join(BACKENDS)}")
    if xapian_run.layout.is_descriptor(root):
        if asked not in (None, "xapian"):
            raise ConfigError(f"{root} is a remote Xapian index: --backend must be xapian")
        return "xapian"
    have = generations.backend_of(root) if (root / generations.POINTER).exists() else None
    if have is None or (full and asked is not None):
        return asked or "whoosh"
    if asked is not None and asked != have:
        raise ConfigError(
            f"index at {root} uses the {have} backend; rebuild it with --full to change"
        )
    return have


def _xapian_failure(exc: Exception) -> SearchkitError | None:
    """A Xapian error while writing, as the user error it is (``None``: not Xapian's)."""
    if type(exc).__module__ != "xapian":
        return None
    text = (str(exc).strip() or type(exc).__name__).splitlines()[0]
    if "Network" in type(exc).__name__:
        return ShardUnavailable("of the index", text)
    return IndexWriteError(f"cannot write the Xapian index: {text}")


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
    backend: str | None = None,
    shards: int | None = None,
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

    ``backend`` (``whoosh``, the default, or ``xapian``) and ``shards`` (Xapian:
    how many) choose a new index's layout; an existing index keeps its own
    (``full=True`` may change them). ``index_dir`` may also be a remote
    index descriptor (a ``.toml`` file naming writable shard servers).
    """
    started = time.monotonic()
    corpus = Path(corpus_dir)
    root = Path(index_dir)
    if corpus.is_file():
        raise CorpusError(f"corpus folder {corpus} is a file; give the folder that holds it")
    if not corpus.is_dir():
        raise CorpusError(f"corpus folder {corpus} does not exist")
    report = IndexReport(started=datetime.now(UTC).isoformat(timespec="seconds"))
    reading = Reading(max_file_size, ReadOptions(ocr=ocr))
    kind = _backend(root, backend, full)
    if kind == "whoosh":
        if shards not in (None, 1):
            raise ConfigError("--shards needs --backend xapian")
        run: Any = make_run(corpus, report, progress, reading, workers)
    else:
        xapian_run.xapian()  # the bindings, or a one-line error before anything is written
        count = (
            workers if workers is not None else auto_workers(sum(1 for _ in corpus_files(corpus)))
        )
        run = xapian_run.XapianRun(report, progress, reading, count)
    remote = xapian_run.layout.is_descriptor(root)
    state = xapian_run.state_dir(root) if remote else root
    with write_lock(state, wait):
        try:
            if remote:
                report.mode = "full" if full else "incremental"
                run.run(corpus, xapian_run.layout.locate(root), full)
            elif kind == "xapian":
                xapian_run.layout.sync_stubs(root)
                report.cleaned = generations.clean_leftovers(root)
                if full or not (root / generations.POINTER).exists():
                    report.mode = "full"
                    count = xapian_run.shard_count(root, shards)
                    report.generation = xapian_run.build_full(root, corpus, run, count)
                else:
                    xapian_run.check_shards(root, shards)
                    run.run(corpus, xapian_run.layout.locate(root), False)
                    report.generation = generations.current_generation(root) or ""
            else:
                report.cleaned = generations.clean_leftovers(root)
                if full or not (root / generations.POINTER).exists():  # no index yet: build one
                    report.mode = "full"
                    _full(root, corpus, run)
                    for stub in root.glob("shard-*.db"):  # a Xapian index's, replaced
                        stub.unlink()
                else:
                    _incremental(root, corpus, run)
        except SearchkitError as exc:
            report.duration = time.monotonic() - started
            record_run(state, report.to_dict(), error=str(exc))
            raise
        except OSError as exc:  # disk full, permissions: the last commit stays intact
            error = IndexWriteError(f"cannot write the index at {root}: {exc.strerror or exc}")
            report.duration = time.monotonic() - started
            with contextlib.suppress(OSError):
                record_run(state, report.to_dict(), error=str(error))
            raise error from exc
        except Exception as exc:
            failure = _xapian_failure(exc)
            if failure is None:
                raise
            report.duration = time.monotonic() - started
            with contextlib.suppress(OSError):
                record_run(state, report.to_dict(), error=str(failure))
            raise failure from exc
        report.failed += [Failure(f"{folder}/", reason) for folder, reason in unreadable(corpus)]
        report.duration = time.monotonic() - started
        with contextlib.suppress(OSError):  # the run is done even if its log cannot be written
            record_run(state, report.to_dict())
    return report
