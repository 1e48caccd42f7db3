"""What the index stores to show a block, and reading it back.

whoosh pickles and compresses each block's stored fields on their own, so
whatever a block repeats costs bytes in every block. A block therefore stores
one tuple, ``block`` (see :data:`BLOCK_LAYOUT`): its source, ordinal and text,
then its kind (left out for a paragraph), printed number, the position of its
heading in its document's list of headings, the symbols it cites and the
ordinal of its document's first block (each left out when empty or 0,
trailing ones dropped). The document's metadata (file, checksum, symbol,
body, language, date, year, title, session, agenda item, body name and the
list of headings) is stored once, as the dict ``document`` in its first block.

:func:`block_fields` puts the two together again into the flat dict every
reader of stored fields works with (search hits, ``show``, ``stats``,
incremental reindexing): the same dict each block stored by itself before
schema 5.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .model import Block, Document

#: The fields of a block's stored tuple, in order.
BLOCK_LAYOUT = ("source", "ordinal", "text", "kind", "number", "heading_no", "cites", "first")
#: The kind of a block whose stored tuple leaves its kind out.
DEFAULT_KIND = "paragraph"

#: Cached documents per searcher; beyond this many the cache starts again.
_CACHE_SIZE = 4096
_CACHE = "_searchkit_documents"


# --------------------------------------------------------------------------- writing


def headings_of(document: Document) -> list[str]:
    """The document's distinct headings, in order of first use."""
    return list(dict.fromkeys(b.heading for b in document.blocks if b.heading is not None))


def pack_block(
    source: str, block: Block, heading_no: int | None, cites: str, first: int = 0
) -> tuple:
    """The tuple a block stores (:data:`BLOCK_LAYOUT`); ``first`` is the ordinal
    of its document's first block (readers number blocks from 0)."""
    values = [
        source,
        block.ordinal,
        block.text,
        None if block.kind == DEFAULT_KIND else block.kind,
        block.number or None,
        heading_no,
        cites or None,
        first or None,
    ]
    while values[-1] is None:
        values.pop()
    return tuple(values)


def document_filters(document: Document, file: str) -> dict[str, Any]:
    """The document's values every one of its blocks is filtered by (and which
    its stored record also shows): file, symbol, body, language, date, year."""
    date = document.date or ""
    return {
        "file": file,
        "symbol": document.symbol or "",
        "body": document.body or "",
        "lang": document.language or "",
        "date": date,
        "year": int(date[:4]) if date[:4].isdigit() else None,
    }


def pack_document(document: Document, file: str, headings: list[str]) -> dict[str, Any]:
    """The dict a document's first block stores: its metadata, ``None`` values left out."""
    values = {
        **document_filters(document, file),
        "checksum": document.checksum or "",
        "title": document.title,
        "session": document.session,
        "agenda": document.agenda_item,
        "body_name": document.body_name,
        "headings": headings,
    }
    return {name: value for name, value in values.items() if value is not None}


# --------------------------------------------------------------------------- reading


def block_fields(searcher: Any, docnum: int) -> dict[str, Any]:
    """The stored fields of block ``docnum`` merged with its document's.

    Keys: ``key``, ``source``, ``ordinal``, ``text``, ``kind``, ``number``
    (``""`` when unnumbered), ``cites`` (``""`` when none), ``heading`` (when
    it has one), and those of ``file``, ``checksum``, ``symbol``, ``body``,
    ``lang``, ``date``, ``year``, ``title``, ``session``, ``agenda``,
    ``body_name`` its document has. ``searcher`` is a whoosh searcher; the
    documents read are cached on it.
    """
    stored = searcher.stored_fields(docnum)
    packed: tuple[Any, ...] = tuple(stored["block"])
    padded: tuple[Any, ...] = packed + (None,) * (len(BLOCK_LAYOUT) - len(packed))
    source, ordinal, text, kind, number, heading_no, cites, first = padded
    own = stored.get("document")
    if own is not None:  # the document's first block holds its metadata
        _remember(searcher, source, own)
        document = own
    else:
        document = document_fields(searcher, source, docnum - ordinal + (first or 0))
    fields = {
        "key": f"{source}#{ordinal}",
        "source": source,
        "ordinal": ordinal,
        "text": text,
        "kind": kind or DEFAULT_KIND,
        "number": number or "",
        "cites": cites or "",
    }
    fields.update((name, value) for name, value in document.items() if name != "headings")
    headings = document.get("headings") or ()
    if heading_no is not None and heading_no < len(headings):
        fields["heading"] = headings[heading_no]
    return fields


def document_fields(searcher: Any, source: str, near: int | None = None) -> dict[str, Any]:
    """The stored metadata of the document ``source`` (``{}`` if none is stored),
    read from its first block and cached on ``searcher``.

    ``near`` is where the first block should be: a document's blocks are
    written one after another and whoosh keeps their order, so it is a block's
    number minus its distance from the first. It is checked, and the block that
    stores the document is looked up among the blocks of ``source`` when wrong.
    """
    found = _cache(searcher).get(source)
    if found is None:
        found = _first_block(searcher, source, near).get("document") or {}
        _remember(searcher, source, found)
    return found


def _first_block(searcher: Any, source: str, near: int | None) -> dict[str, Any]:
    reader = searcher.reader()
    if near is not None and 0 <= near < reader.doc_count_all() and not reader.is_deleted(near):
        stored: dict[str, Any] = searcher.stored_fields(near)
        if "document" in stored and tuple(stored.get("block") or ())[:1] == (source,):
            return stored
    for docnum in searcher.document_numbers(source=source):
        stored = searcher.stored_fields(docnum)
        if "document" in stored:
            return dict(stored)
    return {}


def all_blocks(searcher: Any) -> Iterator[dict[str, Any]]:
    """:func:`block_fields` of every block in the index, in index order."""
    for docnum in searcher.reader().all_doc_ids():
        yield block_fields(searcher, docnum)


def _cache(searcher: Any) -> dict[str, dict[str, Any]]:
    # One cache per searcher object: a refreshed searcher is a new object.
    cache: dict[str, dict[str, Any]] = searcher.__dict__.setdefault(_CACHE, {})
    return cache


def _remember(searcher: Any, source: str, document: dict[str, Any]) -> None:
    cache = _cache(searcher)
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[source] = document
