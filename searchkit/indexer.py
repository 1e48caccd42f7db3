"""Building and updating the index.

The index directory holds a whoosh index (one whoosh document per block) and
``searchkit.json``, which records the format version the index was built with.
The index itself is the only record of what is indexed: every block stores its
``source`` path and the file's ``checksum``, so an update compares the corpus
with the index and touches only files that were added, changed or deleted, and
commits once.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import IndexLocked, IndexNotFound, ReaderError, SchemaMismatch
from .model import Document
from .readers import Catalog, file_checksum, format_of, read_documents, reader_for
from .schema import FORMAT, build_schema
from .symbols import find_symbols

META_NAME = "searchkit.json"
INDEX_NAME = "MAIN"


@dataclass
class Failure:
    source: str
    reason: str


@dataclass
class IndexReport:
    """What an indexing run did."""

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

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.deleted)} deleted, "
            f"{len(self.unchanged)} unchanged, {len(self.failed)} failed; "
            f"{self.blocks} blocks written in {self.duration:.1f}s"
        ) + self._per_format()

    def _per_format(self) -> str:
        parts = [
            f"{name} {docs} documents" + (f", {bad} failed" if bad else "")
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
    """
    year = int(document.date[:4]) if document.date and document.date[:4].isdigit() else None
    common: dict[str, Any] = {
        "source": document.source,
        "file": file or document.source,
        "checksum": document.checksum or "",
        "symbol": document.symbol or "",
        "body": document.body or "",
        "lang": document.language or "",
        "date": document.date or "",
        "title": document.title,
        "title_t": document.title or "",
        "session": document.session,
        "agenda": document.agenda_item,
        "body_name": document.body_name,
    }
    if year is not None:
        common["year"] = year
    for block in document.blocks:
        record = dict(common)
        record.update(
            key=f"{document.source}#{block.ordinal}",
            kind=block.kind,
            number=block.number or "",
            ordinal=block.ordinal,
            content=block.text,
            exact=block.text,
            heading_t=block.heading or "",
            heading=block.heading,
            text=block.text,
            cites=",".join(find_symbols(block.text)),
        )
        yield record


def _write_meta(index_dir: Path) -> None:
    tmp = index_dir / f".{META_NAME}.tmp"
    tmp.write_text(json.dumps({"format": FORMAT}), encoding="utf-8")
    os.replace(tmp, index_dir / META_NAME)


def open_index(index_dir: Path | str) -> Any:
    """Open an existing index for reading; check its format version."""
    from whoosh import index as windex

    index_dir = Path(index_dir)
    meta_path = index_dir / META_NAME
    if not index_dir.is_dir() or not windex.exists_in(str(index_dir), INDEX_NAME):
        raise IndexNotFound(f"no index at {index_dir} (run 'searchkit index' first)")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SchemaMismatch(
            f"index at {index_dir} has no readable {META_NAME}; rebuild it with "
            "'searchkit reindex --full'"
        ) from exc
    if meta.get("format") != FORMAT:
        raise SchemaMismatch(
            f"index at {index_dir} has format {meta.get('format')!r}, this searchkit "
            f"needs {FORMAT!r}; rebuild it with 'searchkit reindex --full'"
        )
    try:
        return windex.open_dir(str(index_dir), indexname=INDEX_NAME)
    except Exception as exc:  # whoosh raises a variety of errors for damaged files
        raise SchemaMismatch(
            f"index at {index_dir} cannot be opened ({exc}); rebuild it with "
            "'searchkit reindex --full'"
        ) from exc


def _open_or_create(index_dir: Path) -> Any:
    from whoosh import index as windex

    if index_dir.is_dir() and windex.exists_in(str(index_dir), INDEX_NAME):
        return open_index(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = windex.create_in(str(index_dir), build_schema(), indexname=INDEX_NAME)
    _write_meta(index_dir)
    return ix


def indexed_sources(ix: Any) -> dict[str, str]:
    """``file`` → ``checksum`` of every file the index holds."""
    found: dict[str, str] = {}
    with ix.searcher() as searcher:
        for fields in searcher.all_stored_fields():
            found.setdefault(fields.get("file") or fields["source"], fields["checksum"])
    return found


def index_corpus(
    corpus_dir: Path | str,
    index_dir: Path | str,
    *,
    progress: ProgressFn | None = None,
) -> IndexReport:
    """Bring the index at ``index_dir`` in step with the files under ``corpus_dir``.

    New files are added, changed files replaced, deleted files removed, and
    unchanged files (same checksum) are not read again. One bad file is
    reported in ``failed`` and never stops the run; the commit happens once, at
    the end.
    """
    from whoosh.index import LockError

    started = time.monotonic()
    corpus_dir = Path(corpus_dir)
    index_dir = Path(index_dir)
    if not corpus_dir.is_dir():
        raise IndexNotFound(f"corpus folder {corpus_dir} does not exist")
    report = IndexReport()
    catalog = Catalog.load(corpus_dir)
    ix = _open_or_create(index_dir)
    known = indexed_sources(ix)
    try:
        writer = ix.writer(procs=1, limitmb=128)
    except LockError as exc:
        raise IndexLocked(f"another process is writing the index at {index_dir}") from exc
    try:
        files = list(corpus_files(corpus_dir))
        seen = set()
        for done, (path, source) in enumerate(files, start=1):
            seen.add(source)
            if progress:
                progress(source, done, len(files))
            try:
                digest = file_checksum(path)
            except OSError as exc:
                report.failed.append(Failure(source, f"cannot read file: {exc.strerror or exc}"))
                continue
            if known.get(source) == digest:
                report.unchanged.append(source)
                continue
            counts = report.formats.setdefault(format_of(path), [0, 0])
            try:
                documents = read_documents(path, source, catalog)
            except ReaderError as exc:
                report.failed.append(Failure(source, exc.reason))
                counts[1] += 1
                continue
            if source in known:
                writer.delete_by_term("file", source)
                report.updated.append(source)
            else:
                report.added.append(source)
            for document in documents:
                for record in block_records(document, source):
                    writer.add_document(**record)
                    report.blocks += 1
            report.documents += len(documents)
            counts[0] += len(documents)
        for source in sorted(set(known) - seen):
            writer.delete_by_term("file", source)
            report.deleted.append(source)
        if report.added or report.updated or report.deleted:
            writer.commit()
        else:
            writer.cancel()
    except BaseException:
        writer.cancel()
        raise
    report.duration = time.monotonic() - started
    return report
