"""Building and updating the index: incremental, atomic, locked, killable.

The index records what it holds: every block indexes the ``file`` it was read
from, and each document's first block stores that file's ``checksum``, so
:func:`reindex` compares the corpus with the index and touches only files that
were added, changed or deleted, then commits once.
Unchanged files are hashed, not read by a reader. ``full=True`` builds a new
generation from scratch and swaps it in atomically (see :mod:`searchkit.store`
for the layout on disk). One writer at a time holds the lock
(:mod:`searchkit.locking`); searches never wait for it.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import store, stored
from .errors import IndexNotFound, ReaderError, SchemaMismatch, SearchkitError
from .locking import write_lock
from .model import Block, Document
from .readers import Catalog, file_checksum, format_of, read_documents, reader_for
from .schema import build_schema
from .symbols import find_symbols

META_NAME = store.POINTER
INDEX_NAME = store.WHOOSH_NAME

#: Files larger than this are reported and skipped (``--max-size`` on the CLI).
MAX_FILE_SIZE = 20 * 1024 * 1024


@dataclass
class Failure:
    source: str
    reason: str


@dataclass
class IndexReport:
    """What a reindex run did.

    ``mode`` is ``incremental`` or ``full`` (a full build lists every file it
    indexed as added); ``cleaned`` names leftovers of interrupted runs that were
    removed; ``generation`` is the index generation searched after the run.
    """

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    blocks: int = 0
    documents: int = 0
    #: format -> [documents read, files failed] for the files read in this run
    formats: dict[str, list[int]] = field(default_factory=dict)
    duration: float = 0.0
    mode: str = "incremental"
    generation: str = ""
    cleaned: list[str] = field(default_factory=list)
    started: str = ""

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deleted)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.deleted)} deleted, "
            f"{len(self.unchanged)} unchanged, {len(self.failed)} failed; "
            f"{self.blocks} blocks written in {self.duration:.1f}s"
        ) + self._per_format()

    def _per_format(self) -> str:
        parts = [
            f"{name} {docs} document{'' if docs == 1 else 's'}" + (f", {bad} failed" if bad else "")
            for name, (docs, bad) in sorted(self.formats.items())
        ]
        return f" ({'; '.join(parts)})" if parts else ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


ProgressFn = Callable[[str, int, int], None]


def corpus_files(corpus_dir: Path) -> Iterator[tuple[Path, str]]:
    """Files under ``corpus_dir`` that a reader accepts, as (path, source) sorted by source."""
    found = []
    for dirpath, dirnames, filenames in os.walk(corpus_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            path = Path(dirpath) / name
            if reader_for(path) is not None:
                found.append((path, path.relative_to(corpus_dir).as_posix()))
    yield from sorted(found, key=lambda item: item[1])


def block_records(document: Document, file: str | None = None) -> Iterator[dict[str, Any]]:
    """The whoosh documents for one :class:`Document`, one per block.

    ``file`` is the corpus-relative path of the file it came from (default: its source).
    Filter fields are indexed in every block; what is shown is stored compactly
    (:mod:`searchkit.stored`): the document's metadata once, in its first
    block, and the blocks' texts in chunks, each in its chunk's last block.
    """
    file = file or document.source
    indexed: dict[str, Any] = {
        "source": document.source,
        **stored.document_filters(document, file),
        "title_t": document.title or "",
    }
    headings = stored.headings_of(document)
    heading_no: dict[str | None, int] = {heading: i for i, heading in enumerate(headings)}
    ends = stored.chunk_ends([len(block.text) for block in document.blocks])
    cites = [",".join(find_symbols(block.text)) for block in document.blocks]
    last = {end - 1 for end in ends}
    start = 0
    for i, block in enumerate(document.blocks):
        record = dict(indexed)
        record.update(
            kind=block.kind,
            number=block.number or "",
            content=_searchable_text(block, document.language),
            heading_t=block.heading or "",
            cites=cites[i] or None,  # "" indexes nothing
            at=i,
        )
        if i == 0:
            record["document"] = stored.pack_document(document, file, headings, ends)
        if i in last:  # the chunk's last block stores the chunk
            record["blocks"] = tuple(
                stored.pack_block(b, heading_no.get(b.heading), cites[start + j])
                for j, b in enumerate(document.blocks[start : i + 1])
            )
            start = i + 1
        yield record


def _searchable_text(block: Block, language: str | None) -> str:
    """The text as searched: an article is printed under its label ("Статья 51"),
    which the reader keeps as its number, so the label is searched with the text."""
    if block.kind == "article" and block.number:
        label = "Статья" if language == "ru" else "Article"
        return f"{label} {block.number}. {block.text}"
    return block.text


def open_index(index_dir: Path | str) -> Any:
    """Open the current generation of an index for reading; check its format.

    Raises :class:`IndexNotFound` when there is no index and
    :class:`SchemaMismatch` when it is unreadable or from another format (the
    message says to run ``searchkit reindex --full``). Takes no lock: a
    concurrent commit or ``--full`` swap is retried over, never waited for.
    """
    from whoosh import index as windex

    root = Path(index_dir)
    last_error: Exception | None = None
    for _attempt in range(5):
        generation = store.read_pointer(root)["generation"]
        try:
            return windex.open_dir(str(root / generation), indexname=INDEX_NAME)
        except Exception as exc:  # whoosh raises many kinds of errors for damaged files
            last_error = exc
            moved = store.current_generation(root) != generation
            if moved or isinstance(exc, OSError):
                # a --full swap, or a commit deleting replaced files, raced us: retry
                time.sleep(0.02)
                continue
            break
    raise SchemaMismatch(
        f"index at {root} cannot be opened ({last_error}); {store.REBUILD}"
    ) from last_error


def indexed_sources(ix: Any) -> dict[str, str]:
    """``file`` → ``checksum`` of every file the index holds."""
    found: dict[str, str] = {}
    with ix.searcher() as searcher:
        for term in searcher.lexicon("file"):
            file = term.decode("utf-8") if isinstance(term, bytes) else term
            docnum = searcher.document_number(file=file)
            if docnum is not None:
                found[file] = stored.block_document(searcher, docnum).get("checksum", "")
    return found


def _checksum_bounded(path: Path, source: str, max_size: int) -> str:
    """The file's checksum, refusing files over ``max_size`` before reading them."""
    try:
        size = os.stat(path).st_size
        if size <= max_size:
            return file_checksum(path)
    except FileNotFoundError as exc:
        raise ReaderError(source, "the file disappeared during the run") from exc
    except OSError as exc:
        raise ReaderError(source, f"cannot read file: {exc.strerror or exc}") from exc
    raise ReaderError(
        source, f"file is {size:,} bytes, over the {max_size:,}-byte limit (--max-size)"
    )


def corpus_listing(
    corpus: Path, known: dict[str, str], incremental: bool
) -> tuple[Catalog, list[tuple[Path, str]]]:
    """The corpus's catalogue and files; refuses an empty folder that would
    empty a non-empty index (an unmounted share looks like an empty folder)."""
    catalog = Catalog.load(corpus)
    files = list(corpus_files(corpus))
    if incremental and known and not files and not any(corpus.iterdir()):
        raise IndexNotFound(
            f"corpus folder {corpus} is empty; refusing to remove all "
            f"{len(known)} files from the index (use --full to rebuild it empty)"
        )
    return catalog, files


class _Run:
    """One reindex pass over the corpus, writing with one whoosh writer (opened lazily)."""

    def __init__(self, report: IndexReport, progress: ProgressFn | None, max_size: int) -> None:
        self.report = report
        self.progress = progress
        self.max_size = max_size
        self.ix: Any = None
        self.writer: Any = None

    def _writer(self) -> Any:
        if self.writer is None:  # not before the first change: a run with none writes nothing
            from .codec import open_writer
            from .parallel import _cache_length_columns, check_writer

            _cache_length_columns()
            self.writer = open_writer(self.ix, limitmb=128)
            check_writer(self.writer)
        return self.writer

    def _read(self, path: Path, source: str, catalog: Catalog, known: str | None) -> Any:
        """The file's documents, or ``None`` when its checksum is the indexed one."""
        if known == _checksum_bounded(path, source, self.max_size):
            return None
        try:
            return read_documents(path, source, catalog)
        except ReaderError:
            raise
        except FileNotFoundError as exc:
            raise ReaderError(source, "the file disappeared during the run") from exc
        except Exception as exc:  # a reader bug must not stop the hourly run for every file
            raise ReaderError(
                source, f"the reader failed ({type(exc).__name__}: {exc}); please report this"
            ) from exc

    def scan(self, corpus: Path, known: dict[str, str], incremental: bool) -> None:
        """Add, replace and delete what changed, with at most one writer."""
        from .parallel import add_prepared, prepare_record

        report = self.report
        catalog, files = corpus_listing(corpus, known, incremental)
        seen = set()
        for done, (path, source) in enumerate(files, start=1):
            seen.add(source)
            if self.progress:
                self.progress(source, done, len(files))
            try:
                documents = self._read(path, source, catalog, known.get(source))
            except ReaderError as exc:
                report.failed.append(Failure(source, exc.reason))
                report.formats.setdefault(format_of(path), [0, 0])[1] += 1
                continue
            if documents is None:
                report.unchanged.append(source)
                continue
            writer = self._writer()
            if source in known:
                writer.delete_by_term("file", source)
                report.updated.append(source)
            else:
                report.added.append(source)
            for document in documents:
                cache: dict[tuple[str, Any], Any] = {}  # what every block of it repeats
                for record in block_records(document, source):
                    add_prepared(writer, prepare_record(writer.schema, record, cache))
                    report.blocks += 1
            report.documents += len(documents)
            report.formats.setdefault(format_of(path), [0, 0])[0] += len(documents)
        for source in sorted(set(known) - seen):
            self._writer().delete_by_term("file", source)
            report.deleted.append(source)

    def write(self, corpus: Path, known: dict[str, str], incremental: bool) -> None:
        """Scan and commit once; on any error or interrupt, cancel the writer."""
        from .pool import paused_gc

        try:
            with paused_gc():
                self.scan(corpus, known, incremental)
                if self.writer is not None:
                    self.writer.commit()
        except BaseException:
            if self.writer is not None and not self.writer.is_closed:
                self.writer.cancel()
            raise


def _full(root: Path, corpus: Path, run: _Run) -> None:
    from whoosh import index as windex

    generation = store.next_generation(root)
    (root / generation).mkdir()
    run.ix = windex.create_in(str(root / generation), build_schema(), indexname=INDEX_NAME)
    run.write(corpus, {}, incremental=False)
    store.switch_to(root, generation)  # the atomic swap: searchers now open this generation
    run.report.generation = generation


def _incremental(root: Path, corpus: Path, run: _Run) -> None:
    run.ix = open_index(root)
    run.write(corpus, indexed_sources(run.ix), incremental=True)
    run.report.generation = store.current_generation(root) or ""
    if run.writer is not None:
        store.sync_tree(root / run.report.generation)  # whoosh itself never calls fsync


def reindex(
    corpus_dir: Path | str,
    index_dir: Path | str,
    *,
    full: bool = False,
    wait: float = 0.0,
    progress: ProgressFn | None = None,
    max_file_size: int = MAX_FILE_SIZE,
    workers: int | None = None,
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
    (:mod:`searchkit.parallel`); ``None`` picks by corpus size and CPU count.
    """
    from .stats import record_run

    started = time.monotonic()
    corpus = Path(corpus_dir)
    root = Path(index_dir)
    if not corpus.is_dir():
        raise IndexNotFound(f"corpus folder {corpus} does not exist")
    report = IndexReport(started=datetime.now(UTC).isoformat(timespec="seconds"))
    from .parallel import make_run

    run = make_run(corpus, report, progress, max_file_size, workers)
    with write_lock(root, wait):
        try:
            report.cleaned = store.clean_leftovers(root)
            if full or not (root / store.POINTER).exists():  # no index yet: build one
                report.mode = "full"
                _full(root, corpus, run)
            else:
                _incremental(root, corpus, run)
        except SearchkitError as exc:
            report.duration = time.monotonic() - started
            record_run(root, report, error=str(exc))
            raise
        except OSError as exc:  # disk full, permissions: the last commit stays intact
            error = SearchkitError(f"cannot write the index at {root}: {exc.strerror or exc}")
            report.duration = time.monotonic() - started
            with contextlib.suppress(OSError):
                record_run(root, report, error=str(error))
            raise error from exc
        report.duration = time.monotonic() - started
        with contextlib.suppress(OSError):  # the run is done even if its log cannot be written
            record_run(root, report)
    return report


#: The name the first versions used; same function.
index_corpus = reindex
