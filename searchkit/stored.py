"""Reading what the index stores about a block, merged with its document.

A block stores only what differs per block (its text, kind, number, ordinal,
source, cited symbols and the position of its heading); its document's
metadata (title, symbol, date, session, checksum, the list of headings...) is
stored once, in the document's first block (see :mod:`searchkit.schema`).
:func:`block_fields` puts the two together again: every reader of stored fields
(search hits, ``show``, ``stats``, incremental reindexing) goes through it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

#: Values a block had when its field was empty (they are not stored).
_DEFAULTS = {"cites": ""}
#: Cached documents per searcher; beyond this many the cache starts again.
_CACHE_SIZE = 4096
_CACHE = "_searchkit_documents"


def document_fields(searcher: Any, source: str) -> dict[str, Any]:
    """The stored metadata of the document ``source`` (``{}`` if it has none),
    read from its first block and cached on ``searcher``."""
    cache = _cache(searcher)
    found = cache.get(source)
    if found is None:
        docnum = searcher.document_number(key=f"{source}#0")
        found = {}
        if docnum is not None:
            found = searcher.stored_fields(docnum).get("document") or {}
        _remember(cache, source, found)
    return found


def _cache(searcher: Any) -> dict[str, dict[str, Any]]:
    # One cache per searcher object: a refreshed searcher is a new object.
    cache: dict[str, dict[str, Any]] = searcher.__dict__.setdefault(_CACHE, {})
    return cache


def _remember(cache: dict[str, dict[str, Any]], source: str, document: dict[str, Any]) -> None:
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[source] = document


def block_fields(searcher: Any, docnum: int) -> dict[str, Any]:
    """The stored fields of block ``docnum`` with its document's: ``key``,
    ``source``, ``kind``, ``number``, ``ordinal``, ``text``, ``cites``,
    ``heading`` (when it has one), ``file``, ``checksum``, ``symbol``, ``body``,
    ``lang``, ``date``, ``year``, ``title``, ``session``, ``agenda``,
    ``body_name`` (those the document has)."""
    block = dict(searcher.stored_fields(docnum))
    own = block.pop("document", None)
    source = block.get("source", "")
    if own is not None:  # the document's first block holds its metadata
        _remember(_cache(searcher), source, own)
        document = own
    else:
        document = document_fields(searcher, source)
    fields = {**_DEFAULTS, **block, "key": f"{source}#{block.get('ordinal', 0)}"}
    for name, value in document.items():
        if name != "headings":
            fields[name] = value
    heading_no = fields.pop("heading_no", None)
    headings = document.get("headings") or ()
    if heading_no is not None and heading_no < len(headings):
        fields["heading"] = headings[heading_no]
    return fields


def all_blocks(searcher: Any) -> Iterator[dict[str, Any]]:
    """:func:`block_fields` of every block in the index, in index order."""
    for docnum in searcher.reader().all_doc_ids():
        yield block_fields(searcher, docnum)
