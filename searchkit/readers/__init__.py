"""Readers turn one file into :class:`~searchkit.model.Document` objects.

A reader is a function ``read(data: bytes, source: str) -> Document`` registered
for file-name suffixes in :data:`READERS`; formats where one file holds several
documents (JSONL, the UNPC ``.ids`` sentence sets) register in
:data:`MANY_READERS` and return a list. Readers never import whoosh.
:func:`read_documents` picks the reader, decodes the bytes and applies the
corpus catalogue; :func:`file_checksum` is what an index compares to see that a
file changed.

========== ============================================================ ==========
suffix     reader                                                       format
========== ============================================================ ==========
.txt       :mod:`.plain` (chapters/articles, sentence-per-line, chunks)  text
.html .htm :mod:`.html` (beautifulsoup4)                                 html
.xml       :mod:`.xml` (UNPC TEI, generic numbered XML, UDHR)            xml
.jsonl     :mod:`.jsonl` (one block per line)                            jsonl
.yml .yaml :mod:`.flatyaml` (flat ``key: text``, e.g. SDG lists)           yaml
.ids       :mod:`.devset` (UNPC aligned sentence sets + .ru/.en)        unpc-ids
.pdf       :mod:`.pdf` (pypdfium2; OCR of scans with tesseract)          pdf
.docx      :mod:`.docx` (the OOXML parts read directly)                  docx
.doc       :mod:`.docx` (a message saying how to convert it)             doc
========== ============================================================ ==========

PDF and Word readers take :class:`ReadOptions` (OCR, bounds on what a file may
decompress): ``read_documents(path, source, catalog, options=ReadOptions(ocr=True))``;
the indexer passes ``searchkit reindex --ocr`` on as ``ReadOptions(ocr=True)``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ReaderError
from ..model import Document
from ..works import work_of
from . import devset as _devset
from . import docx as _docx
from . import flatyaml as _flatyaml
from . import html as _html
from . import jsonl as _jsonl
from . import pdf as _pdf
from . import plain as _plain
from . import xml as _xml
from .catalog import Catalog, CatalogEntry
from .options import DEFAULT, ReadOptions

Reader = Callable[[bytes, str], Document]
ManyReader = Callable[[Path, str], list[Document]]
OptionReader = Callable[[bytes, str, ReadOptions], Document]

#: suffix (lower case, with the dot) -> reader of one document per file
READERS: dict[str, Reader] = {
    ".txt": _plain.read,
    ".html": _html.read,
    ".htm": _html.read,
    ".xml": _xml.read,
    ".yml": _flatyaml.read,
    ".yaml": _flatyaml.read,
}

#: suffix -> reader of one document that takes :class:`ReadOptions` (OCR, bounds)
OPTION_READERS: dict[str, OptionReader] = {
    ".pdf": _pdf.read,
    ".docx": _docx.read,
    ".doc": _docx.read_doc,
}

#: suffix -> reader of a file that holds several documents
MANY_READERS: dict[str, ManyReader] = {
    ".jsonl": lambda path, source: _jsonl.read_many(_read_bytes(path, source), source),
    ".ids": _devset.read_many,
}

#: Format names for reports.
FORMATS = {
    ".txt": "text", ".html": "html", ".htm": "html", ".xml": "xml", ".jsonl": "jsonl",
    ".ids": "unpc-ids", ".yml": "yaml", ".yaml": "yaml", ".pdf": "pdf", ".docx": "docx",
    ".doc": "doc",
}  # fmt: skip

#: Files never offered to a reader (the catalogue itself, notes, configuration).
IGNORED_NAMES = {"catalog.csv", "readme.md", "source.md", "searchkit.toml", "license"}


def reader_for(path: Path) -> Reader | ManyReader | OptionReader | None:
    """The reader registered for ``path``'s suffix, or ``None`` (Word's lock
    files, ``~$name.docx``, are never offered)."""
    if path.name.lower() in IGNORED_NAMES or path.name.startswith((".", "~$")):
        return None
    suffix = path.suffix.lower()
    return READERS.get(suffix) or MANY_READERS.get(suffix) or OPTION_READERS.get(suffix)


def format_of(path: Path) -> str:
    """The format name of a readable file (``text``, ``html``, ``unpc-ids`` …)."""
    return FORMATS.get(path.suffix.lower(), path.suffix.lower().lstrip(".") or "none")


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_checksum(path: Path) -> str:
    """SHA-256 of what a file's documents are read from (an ``.ids`` file's siblings too).

    Raises ``OSError`` when the file cannot be read.
    """
    if path.suffix.lower() == ".ids":
        return _devset.checksum(path)
    return checksum(path.read_bytes())


def _read_bytes(path: Path, source: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReaderError(source, f"cannot read file: {exc.strerror or exc}") from exc


def read_documents(
    path: Path,
    source: str,
    catalog: Catalog | None = None,
    options: ReadOptions | None = None,
) -> list[Document]:
    """Read every document in one file. ``source`` is its name relative to the corpus root.

    ``options`` reach the PDF and Word readers (``ReadOptions(ocr=True)`` reads
    scans with tesseract); the default reads no scan and keeps the default bounds.

    A file holding one document gives a one-element list whose ``source`` is
    ``source``; a file holding several gives each a source ``source#…``.
    Raises :class:`ReaderError` naming the file and the reason.
    """
    suffix = path.suffix.lower()
    if reader_for(path) is None:
        raise ReaderError(source, f"no reader for files ending in {path.suffix or '(none)'!r}")
    try:
        digest = file_checksum(path)
        empty = path.stat().st_size == 0
    except OSError as exc:
        raise ReaderError(source, f"cannot read file: {exc.strerror or exc}") from exc
    if empty:
        raise ReaderError(source, "the file is empty")
    if suffix in MANY_READERS:
        documents = MANY_READERS[suffix](path, source)
    elif suffix in OPTION_READERS:
        data = _read_bytes(path, source)
        documents = [OPTION_READERS[suffix](data, source, options or DEFAULT)]
    else:
        documents = [READERS[suffix](_read_bytes(path, source), source)]
    documents = [d for d in documents if d.blocks]
    if not documents:
        raise ReaderError(source, "no text found")
    entry = catalog.get(source) if catalog else None
    return [
        with_work(apply_catalog(dataclasses.replace(d, checksum=digest), entry)) for d in documents
    ]


def with_work(document: Document) -> Document:
    """The document with its work set: the catalogue's, else its symbol, else
    the known document its title names (:mod:`searchkit.works`)."""
    work = document.work or document.symbol or work_of(document.title)
    return dataclasses.replace(document, work=work) if work != document.work else document


def read_path(
    path: Path, source: str, catalog: Catalog | None = None, options: ReadOptions | None = None
) -> Document:
    """Read a file that holds one document (see :func:`read_documents`)."""
    documents = read_documents(path, source, catalog, options)
    if len(documents) != 1:
        raise ReaderError(source, f"holds {len(documents)} documents; use read_documents")
    return documents[0]


def apply_catalog(document: Document, entry: CatalogEntry | None) -> Document:
    """Fill what the file itself does not say from its catalogue entry."""
    if entry is None:
        return document
    changes: dict[str, Any] = {
        name: value
        for name, value in entry.fields().items()
        if value and not getattr(document, name)
    }
    return dataclasses.replace(document, **changes) if changes else document


__all__ = [
    "FORMATS",
    "MANY_READERS",
    "OPTION_READERS",
    "READERS",
    "Catalog",
    "CatalogEntry",
    "ReadOptions",
    "apply_catalog",
    "file_checksum",
    "format_of",
    "read_documents",
    "read_path",
    "reader_for",
]
