"""Readers turn one file into a :class:`~searchkit.model.Document`.

Each reader is a function ``read(data: bytes, source: str) -> Document`` registered
for file-name suffixes. Readers never import whoosh. :func:`read_path` picks the
reader, decodes the bytes and applies the corpus catalogue.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from pathlib import Path

from ..errors import ReaderError
from ..model import Document
from . import text as _text
from .catalog import Catalog, CatalogEntry

Reader = Callable[[bytes, str], Document]

#: suffix (lower case, with the dot) -> reader
READERS: dict[str, Reader] = {
    ".txt": _text.read,
}

#: Files never offered to a reader (the catalogue itself, notes, configuration).
IGNORED_NAMES = {"catalog.csv", "readme.md", "source.md", "searchkit.toml", "license"}


def reader_for(path: Path) -> Reader | None:
    """The reader registered for ``path``'s suffix, or ``None``."""
    if path.name.lower() in IGNORED_NAMES or path.name.startswith("."):
        return None
    return READERS.get(path.suffix.lower())


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_path(path: Path, source: str, catalog: Catalog | None = None) -> Document:
    """Read one file. ``source`` is its name relative to the corpus root.

    Raises :class:`ReaderError` naming the file and the reason.
    """
    reader = reader_for(path)
    if reader is None:
        raise ReaderError(source, f"no reader for files ending in {path.suffix or '(none)'!r}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReaderError(source, f"cannot read file: {exc.strerror or exc}") from exc
    document = reader(data, source)
    if not document.blocks:
        raise ReaderError(source, "no text found")
    entry = catalog.get(source) if catalog else None
    return apply_catalog(dataclasses.replace(document, checksum=checksum(data)), entry)


def apply_catalog(document: Document, entry: CatalogEntry | None) -> Document:
    """Fill what the file itself does not say from its catalogue entry."""
    if entry is None:
        return document
    changes = {
        name: value
        for name, value in entry.fields().items()
        if value and not getattr(document, name)
    }
    return dataclasses.replace(document, **changes) if changes else document


__all__ = ["READERS", "Catalog", "CatalogEntry", "apply_catalog", "read_path", "reader_for"]
