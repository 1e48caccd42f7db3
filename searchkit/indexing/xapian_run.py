"""A reindex run into a Xapian index: local shards or writable shard servers.

The same scan as the whoosh runs (:func:`~.scan.corpus_listing`, the index's
checksums, :func:`~.scan.prepare_file` reading and analysing each file whole
before any of it is written); each file's blocks go to the shard its path
hashes to (:func:`~searchkit.index.xapian.layout.shard_of`).

What a run guarantees:

* **incremental** (local or remote): each changed shard takes the run's
  changes in one Xapian transaction, committed at the end, shard after shard.
  A file lives in one shard, so a run killed at any point leaves every file
  either as it was or as it is now; a search during the commits may see one
  shard's changes and not yet another's (never half of a file's).
* **full**, local: every shard of a new generation is built and committed,
  then the pointer moves to it (atomically) and the stub files the shard
  servers open follow; searchers see the old index or the new one.
* **full** over a remote descriptor: each shard server's database is emptied
  and refilled in one transaction (a server serves the old contents until its
  shard commits).

With ``workers`` > 1, files are read and analysed in that many processes
(fork). In a local ``--full`` build each worker writes a part of every shard
(Xapian's writing costs as much as the analysis), and the parts of a shard
are merged when it is compacted; otherwise the workers hand back serialised
Xapian documents and the parent alone writes. Outside a transaction (a full
build), Xapian writes its changes out by itself every 10,000 documents.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import ConfigError, IndexWriteError
from ..index import generations
from ..index.pool import paused_gc
from ..index.xapian import layout, xapian
from ..index.xapian.snapshot import XapianSnapshot
from ..index.xapian.terms import SCORED, SLOT, documents, term
from ..model import Document
from .report import FileOutcome, IndexReport, ProgressFn
from .scan import Reading, corpus_listing, indexed_files, prepare_file


def analyse(docs: list[Document], source: str) -> list[Any]:
    """Each block of ``docs`` as a Xapian document."""
    return [doc for document in docs for doc in documents(document, source)]


def _serialised(docs: list[Document], source: str) -> list[bytes]:
    """:func:`analyse`, for a worker process to hand back (documents do not pickle)."""
    return [doc.serialise() for doc in analyse(docs, source)]


class _Replicas:
    """The writable servers of one shard's replicas as one database: each
    change made on every one of them, in step; what is read, read from the
    first."""

    def __init__(self, dbs: list[Any]) -> None:
        self.dbs = dbs

    def get_metadata(self, key: str) -> Any:
        return self.dbs[0].get_metadata(key)

    def postlist(self, key: str) -> Any:
        return self.dbs[0].postlist(key)

    def get_document(self, docid: int) -> Any:
        return self.dbs[0].get_document(docid)

    def __getattr__(self, name: str) -> Any:  # a change: on every replica
        def everywhere(*args: Any) -> None:
            for db in self.dbs:
                getattr(db, name)(*args)

        return everywhere


def _writable(location: layout.Location, k: int) -> Any:
    """Shard ``k`` to write to: its one database, or all its replicas."""
    count = len(location.replicas[k]) if location.replicas else 1
    if count == 1:
        return layout.open_shard(location, k, writable=True)
    return _Replicas([layout.open_shard(location, k, True, replica=r) for r in range(count)])


class _Shard:
    """One shard being written: its database and its field length totals."""

    def __init__(self, db: Any, transaction: bool) -> None:
        self.db = db
        self.transaction = transaction
        self.started = False
        self.added = 0
        self.totals = {name: int(db.get_metadata(layout.LENGTH_KEY + name) or 0) for name in SCORED}

    def begin(self) -> None:
        if not self.started:
            if self.transaction:
                self.db.begin_transaction()
            self.started = True

    def _lengths(self, doc: Any, sign: int) -> None:
        for name in SCORED:
            raw = doc.get_value(SLOT[f"len:{name}"])
            self.totals[name] += sign * int(raw or 0)

    def delete_file(self, source: str) -> None:
        self.begin()
        key = term("file", source)
        for item in list(self.db.postlist(key)):
            self._lengths(self.db.get_document(item.docid), -1)
        self.db.delete_document(key)

    def delete_all(self) -> None:
        self.begin()
        for item in list(self.db.postlist("")):
            self.db.delete_document(item.docid)
        self.totals = dict.fromkeys(SCORED, 0)

    def add(self, doc: Any) -> None:
        self.begin()
        self.db.add_document(doc)
        self._lengths(doc, +1)
        self.added += 1

    def commit(self) -> None:
        if not self.started:
            return
        for name, total in self.totals.items():
            self.db.set_metadata(layout.LENGTH_KEY + name, str(total))
        if self.transaction:
            self.db.commit_transaction()
        else:
            self.db.commit()
        self.started = False

    def cancel(self) -> None:
        if self.started and self.transaction:
            with contextlib.suppress(Exception):
                self.db.cancel_transaction()
        with contextlib.suppress(Exception):
            self.db.close()


def _prepare(task: tuple[str, str, str | None, Any, Reading]) -> FileOutcome:
    """One file read and analysed into Xapian documents, in this process."""
    path, source, known, catalog, reading = task
    return prepare_file(None, catalog, Path(path), source, known, reading, analyse)


def _prepare_apart(task: tuple[str, str, str | None, Any, Reading]) -> FileOutcome:
    """:func:`_prepare` in a pool's worker: the documents serialised."""
    path, source, known, catalog, reading = task
    return prepare_file(None, catalog, Path(path), source, known, reading, _serialised)


def _document(block: Any) -> Any:
    """A Xapian document, from a worker's serialised one too."""
    return xapian().Document.unserialise(block) if isinstance(block, bytes) else block


def _outcomes(
    tasks: list[tuple[str, str, str | None, Any, Reading]], workers: int
) -> Iterator[FileOutcome]:
    if workers <= 1 or len(tasks) < 2:
        for task in tasks:
            yield _prepare(task)
        return
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers) as pool:
        yield from pool.imap(_prepare_apart, tasks, chunksize=1)


class XapianRun:
    """One reindex pass into a Xapian index (see the module's docstring)."""

    def __init__(
        self,
        report: IndexReport,
        progress: ProgressFn | None,
        reading: Reading,
        workers: int,
    ) -> None:
        self.report = report
        self.progress = progress
        self.reading = reading
        self.workers = workers
        #: Each shard's field length totals, when parts were built apart.
        self.lengths: list[dict[str, int]] | None = None

    def run(self, corpus: Path, location: layout.Location, full: bool) -> None:
        """Index ``corpus`` into the shards of ``location`` (already built, or
        being built in a new generation when ``full`` and local)."""
        known: dict[str, str] = {}
        if not full:
            with XapianSnapshot(location) as snap:
                known = indexed_files(snap)
        remote_full = full and location.remote
        shards = [
            _Shard(_writable(location, k), transaction=not full or remote_full)
            for k in range(len(location.shards))
        ]
        try:
            with paused_gc():
                self._write(corpus, known, not full, shards, remote_full)
                for shard in shards:
                    shard.commit()
        except BaseException:
            for shard in shards:
                shard.cancel()
            raise
        for shard in shards:
            shard.db.close()

    def _write(
        self,
        corpus: Path,
        known: dict[str, str],
        incremental: bool,
        shards: list[_Shard],
        remote_full: bool,
    ) -> None:
        catalog, files = corpus_listing(corpus, known, incremental)
        if remote_full:
            for shard in shards:
                shard.delete_all()
        tasks = [
            (str(path), source, known.get(source), catalog, self.reading) for path, source in files
        ]
        seen = set()
        for done, outcome in enumerate(_outcomes(tasks, self.workers), start=1):
            source = outcome.source
            seen.add(source)
            if self.progress:
                self.progress(source, done, len(files))
            if outcome.status == "ok":
                shard = shards[layout.shard_of(source, len(shards))]
                if source in known:
                    shard.delete_file(source)
                for raw in outcome.blocks:
                    shard.add(_document(raw))
                outcome.written, outcome.blocks = len(outcome.blocks), []
            self.report.note(outcome, replaces=source in known)
        for source in sorted(set(known) - seen):
            shards[layout.shard_of(source, len(shards))].delete_file(source)
            self.report.deleted.append(source)


def _part_worker(
    paths: list[str],
    tasks: list[tuple[str, str, str | None, Any, Reading]],
    results: Any,
    parent: int,
) -> None:
    """A worker of a parallel full build: index ``tasks`` into its own part of
    each shard (``paths``); report each file's outcome, then its lengths."""
    from .workers import _die_with_parent

    _die_with_parent(parent)
    try:
        parts = [
            _Shard(layout.open_shard(layout.Location("", paths), k, True), False)
            for k in range(len(paths))
        ]
        with paused_gc():
            for task in tasks:
                outcome = _prepare(task)
                if outcome.status == "ok":
                    part = parts[layout.shard_of(outcome.source, len(parts))]
                    for raw in outcome.blocks:
                        part.add(raw)
                    outcome.written, outcome.blocks = len(outcome.blocks), []
                results.put(outcome)
            for part in parts:
                part.db.commit()
                part.db.close()
        results.put(("done", [part.totals for part in parts]))
    except BaseException as exc:
        results.put(("error", f"{type(exc).__name__}: {exc}"))
        raise SystemExit(1) from None


def _build_parts(run: XapianRun, corpus: Path, folder: Path, shards: int) -> list[list[Path]]:
    """Index ``corpus`` with ``run.workers`` processes, each into its own part of
    every shard under ``folder``; each shard's parts (fill ``run.report``)."""
    import queue

    catalog, files = corpus_listing(corpus, {}, incremental=False)
    tasks = [(str(path), source, None, catalog, run.reading) for path, source in files]
    workers = max(1, min(run.workers, len(tasks)))
    parts = [[folder / f".part-{k}-{w}" for k in range(shards)] for w in range(workers)]
    ctx = multiprocessing.get_context("fork")
    results: Any = ctx.Queue()
    procs = [
        ctx.Process(
            target=_part_worker,
            args=([str(p) for p in parts[w]], tasks[w::workers], results, os.getpid()),
            daemon=True,
        )
        for w in range(workers)
    ]
    totals = dict.fromkeys(SCORED, 0)
    per_shard = [dict(totals) for _ in range(shards)]
    try:
        for proc in procs:
            proc.start()
        done = seen = 0
        while done < workers:
            try:
                message = results.get(timeout=0.5)
            except queue.Empty:
                dead = [p for p in procs if p.exitcode not in (None, 0)]
                if dead:
                    raise IndexWriteError(
                        f"a worker process stopped (exit code {dead[0].exitcode}); "
                        "the new generation was not swapped in"
                    ) from None
                continue
            if isinstance(message, FileOutcome):
                seen += 1
                if run.progress:
                    run.progress(message.source, seen, len(tasks))
                run.report.note(message, replaces=False)
            elif message[0] == "error":
                raise IndexWriteError(f"a worker could not write the index: {message[1]}")
            else:
                done += 1
                for k, lengths in enumerate(message[1]):
                    for name, n in lengths.items():
                        per_shard[k][name] += n
    except BaseException:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        raise
    finally:
        for proc in procs:
            proc.join(timeout=5)
    run.lengths = per_shard
    return [[parts[w][k] for w in range(workers)] for k in range(shards)]


def build_full(root: Path, corpus: Path, run: XapianRun, shards: int) -> str:
    """A new local generation of ``shards`` shards, swapped in; its name."""
    generation = generations.next_generation(root)
    folder = root / generation
    folder.mkdir()
    x = xapian()
    if run.workers > 1:
        built = _build_parts(run, corpus, folder, shards)
    else:
        paths = [folder / f".part-{k}-0" for k in range(shards)]
        run.run(corpus, layout.Location(str(root), [str(p) for p in paths]), full=True)
        built = [[p] for p in paths]
    for k, sources in enumerate(built):  # merged and compacted: about half the size
        target = layout.shard_dir(root, generation, k)
        combined = x.Database()
        for part in sources:
            combined.add_database(x.Database(str(part)))
        combined.compact(str(target))
        combined.close()
        if run.lengths is not None:  # the workers' parts each knew their own lengths
            with contextlib.closing(x.WritableDatabase(str(target), x.DB_OPEN)) as db:
                for name, total in run.lengths[k].items():
                    db.set_metadata(layout.LENGTH_KEY + name, str(total))
                db.commit()
        for part in sources:
            shutil.rmtree(part)
    generations.switch_to(root, generation, backend="xapian", shards=shards)
    layout.write_stubs(root, generation, shards)
    return generation


def shard_count(root: Path, asked: int | None) -> int:
    """How many shards an index at ``root`` has (or a new one gets)."""
    if asked is not None and asked < 1:
        raise ConfigError(f"--shards must be 1 or more, not {asked}")
    meta = generations.peek_pointer(root)
    if asked is None:
        return int(meta.get("shards", 1)) if meta else 1
    return asked


def check_shards(root: Path, asked: int | None) -> None:
    """Refuse an incremental run that asks for another shard count."""
    meta = generations.peek_pointer(root) or {}
    have = int(meta.get("shards", 1))
    if asked is not None and asked != have:
        raise ConfigError(f"index at {root} has {have} shard(s); changing to {asked} needs --full")


def state_dir(descriptor: Path) -> Path:
    """Where the lock and the last run's log of a remote index live (beside its descriptor)."""
    folder = layout.state_path(descriptor)
    folder.mkdir(exist_ok=True)
    return folder
