"""The corpus side of a run: which files there are, which changed, and each
file read and analysed into blocks ready to write (:func:`prepare_file`, the
one path the serial run and the worker processes share)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CorpusError, ReaderError
from ..index.records import block_records
from ..index.writer import prepare
from ..model import Document
from ..readers import Catalog, ReadOptions, file_checksum, format_of, read_documents, reader_for
from .report import FileOutcome

#: Files larger than this are reported and skipped (``--max-size`` on the CLI).
MAX_FILE_SIZE = 20 * 1024 * 1024


@dataclass(frozen=True)
class Reading:
    """How a run reads each file: the size over which it is skipped unread, and
    the readers' options (OCR of scans, bounds on what a file may decompress)."""

    max_size: int = MAX_FILE_SIZE
    options: ReadOptions = field(default_factory=ReadOptions)


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


def unreadable(corpus_dir: Path) -> list[tuple[str, str]]:
    """Folders under ``corpus_dir`` that cannot be listed (their files are not
    indexed), as (folder relative to the corpus, reason)."""
    found: list[tuple[str, str]] = []

    def note(error: OSError) -> None:
        where = Path(error.filename or corpus_dir)
        with contextlib.suppress(ValueError):
            where = where.relative_to(corpus_dir)
        found.append((where.as_posix(), f"cannot read folder: {error.strerror or error}"))

    for _dirpath, dirnames, _filenames in os.walk(corpus_dir, onerror=note):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
    return sorted(found)


def gone(corpus_dir: Path, known: dict[str, str], seen: set[str]) -> list[str]:
    """Indexed files no longer in the corpus, sorted; a file under a folder that
    cannot be listed is not gone, only out of sight, so it stays indexed."""
    missing = set(known) - seen
    if not missing:
        return []
    hidden = [folder for folder, _reason in unreadable(corpus_dir)]
    return sorted(
        source
        for source in missing
        if not any(folder in (".", "") or source.startswith(f"{folder}/") for folder in hidden)
    )


def corpus_listing(
    corpus: Path, known: dict[str, str], incremental: bool
) -> tuple[Catalog, list[tuple[Path, str]]]:
    """The corpus's catalogue and files; refuses an empty folder that would
    empty a non-empty index (an unmounted share looks like an empty folder)."""
    catalog = Catalog.load(corpus)
    files = list(corpus_files(corpus))
    if incremental and known and not files and not any(corpus.iterdir()):
        raise CorpusError(
            f"corpus folder {corpus} is empty; refusing to remove all "
            f"{len(known)} files from the index (use --full to rebuild it empty)"
        )
    return catalog, files


def indexed_files(snapshot: Any) -> dict[str, str]:
    """``file`` → ``checksum`` of every file the index holds (a snapshot of
    either backend)."""
    found: dict[str, str] = {}
    for file in snapshot.lexicon("file"):
        block = snapshot.first_block("file", file)
        if block is not None:
            found[file] = snapshot.stored.document(block).checksum
    return found


def checksum_bounded(path: Path, source: str, max_size: int) -> str:
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


def prepare_file(
    schema: Any,
    catalog: Catalog,
    path: Path,
    source: str,
    known: str | None,
    reading: Reading,
    analyse: Callable[[list[Document], str], list[Any]] | None = None,
) -> FileOutcome:
    """Read one file and analyse all of its blocks, or say why not.

    ``known`` is the checksum the index holds for it (unchanged: nothing is
    read). The blocks are analysed into ``schema``'s postings (a whoosh
    index), or by ``analyse(documents, source)`` (another backend's).
    Whatever goes wrong with this file (unreadable, a reader's bug, a block
    analysis cannot take) makes it a failed file, with nothing of it
    analysed; the run goes on with the next one.
    """
    fmt = format_of(path)
    try:
        if known == checksum_bounded(path, source, reading.max_size):
            return FileOutcome("unchanged", source, fmt)
        try:
            documents = read_documents(path, source, catalog, reading.options)
        except (ReaderError, FileNotFoundError):
            raise
        except Exception as exc:  # a reader bug must not stop the hourly run for every file
            raise ReaderError(
                source, f"the reader failed ({type(exc).__name__}: {exc}); please report this"
            ) from exc
        cache: dict[tuple[str, Any], Any] = {}  # what every block of a file repeats
        blocks = (
            analyse(documents, source)
            if analyse is not None
            else [
                prepare(schema, record, cache)
                for document in documents
                for record in block_records(document, source)
            ]
        )
    except ReaderError as exc:
        return FileOutcome("failed", source, fmt, exc.reason)
    except FileNotFoundError:
        return FileOutcome("failed", source, fmt, "the file disappeared during the run")
    except Exception as exc:  # an analysis bug or a pathological file: this file fails
        reason = f"internal error while indexing: {type(exc).__name__}: {exc}"
        return FileOutcome("failed", source, fmt, reason)
    warnings = [
        note
        for d in documents
        for key in ("symbol_repaired", "warning")
        if (note := d.extra.get(key))
    ]
    return FileOutcome(
        "ok", source, fmt, documents=len(documents), blocks=blocks, warning="; ".join(warnings)
    )
