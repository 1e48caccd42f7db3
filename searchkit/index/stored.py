"""What the index stores to show a block, and reading it back.

whoosh pickles each block's stored fields and compresses them with zlib one
block at a time, so a block's text is compressed on its own (1.7× on UN
text) and whatever every block repeats costs bytes in every block. Since
schema 7 a document's blocks are therefore stored together, in *chunks*:

* every block has ``at``, its position among its document's blocks, in a
  column of 4-byte numbers (not a stored field): its document's first block
  is ``at`` blocks before it (a document's blocks are written one after
  another and whoosh keeps their order, also when it merges segments);
* the document's first block stores the tuple ``document``
  (:data:`DOCUMENT_LAYOUT`): its metadata (source, checksum, symbol, body,
  language, date, title, session, agenda item, body name, and the file when
  it is not the source), its list of headings and ``ends``, where each chunk
  of its blocks ends;
* the last block of each chunk stores ``blocks``, a tuple with one row per
  block of the chunk (:data:`ROW_LAYOUT`: text, ordinal, and kind, printed
  number, heading position and cited symbols when not empty). A chunk holds
  at most :data:`CHUNK_CHARS` characters of text (or a single longer block),
  which whoosh compresses as one: 2.4× instead of 1.7×, and a hit
  decompresses one chunk, never a whole long document;
* every other block stores nothing.

:class:`StoredReader` puts the pieces together again into typed records,
:class:`StoredDocument` and :class:`StoredBlock`, which every reader of stored
fields works with (search hits, ``show``, ``stats``, incremental
reindexing). Documents and chunks read are cached per snapshot of the index,
bounded by the characters of text held (:data:`CACHE_CHARS`).
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import StoredFieldsDamaged
from ..model import Block, Document
from ..symbols import joint_parts

#: The fields of a block's row in its chunk, in order.
ROW_LAYOUT = ("text", "ordinal", "kind", "number", "heading_no", "cites")
#: The kind of a block whose row leaves its kind out.
DEFAULT_KIND = "paragraph"
#: The fields of a document's stored tuple, in order (``year`` is read from
#: ``date``; ``file`` is there only when it is not the source).
DOCUMENT_LAYOUT = (
    "source", "ends", "headings", "checksum", "symbol", "body", "lang", "date",
    "title", "session", "agenda", "body_name", "file", "work",
)  # fmt: skip
#: A chunk holds blocks up to this many characters of text (a longer block is a chunk alone).
CHUNK_CHARS = 8192

#: What the documents and chunks cached on one snapshot may hold: characters of
#: text (a document's metadata counts as its strings' length plus 256). At the
#: bound the cache takes about 16 MB of memory (Russian text, rows, records).
CACHE_CHARS = 4_000_000


# --------------------------------------------------------------------------- writing


def headings_of(document: Document) -> list[str]:
    """The document's distinct headings, in order of first use."""
    return list(dict.fromkeys(b.heading for b in document.blocks if b.heading is not None))


def pack_block(block: Block, heading_no: int | None, cites: str) -> tuple:
    """A block's row in its chunk (:data:`ROW_LAYOUT`), trailing empty values dropped."""
    values = [
        block.text,
        block.ordinal,
        None if block.kind == DEFAULT_KIND else block.kind,
        block.number or None,
        heading_no,
        cites or None,
    ]
    while values[-1] is None:
        values.pop()
    return tuple(values)


def chunk_ends(lengths: Sequence[int], limit: int | None = None) -> list[int]:
    """Where each chunk ends (exclusive) for blocks of these text lengths:
    consecutive blocks up to ``limit`` (:data:`CHUNK_CHARS`) characters
    together, at least one block each."""
    limit = CHUNK_CHARS if limit is None else limit
    ends: list[int] = []
    held = 0
    for i, length in enumerate(lengths):
        if i and held + length > limit:
            ends.append(i)
            held = 0
        held += length
    if lengths:
        ends.append(len(lengths))
    return ends


def document_filters(document: Document, file: str) -> dict[str, Any]:
    """The document's values every one of its blocks is filtered by (and which
    its stored record also shows): file, symbol, body, language, date, year, work."""
    date = document.date or ""
    return {
        "file": file,
        # a joint symbol (A/80/500-S/2025/656) is found by either part too
        "symbol": ",".join(joint_parts(document.symbol)) if document.symbol else "",
        "body": document.body or "",
        "lang": document.language or "",
        "date": date,
        "year": _year(date),
        "work": document.work or "",
    }


def _year(date: str) -> int | None:
    return int(date[:4]) if date[:4].isdigit() else None


def pack_document(document: Document, file: str, headings: list[str], ends: list[int]) -> tuple:
    """The tuple a document's first block stores (:data:`DOCUMENT_LAYOUT`): its
    metadata, headings and chunk ends; ``file`` left out when it is the
    source, empty values as ``None``, trailing ones dropped."""
    metadata = {
        "source": document.source,
        "ends": ends,
        "headings": headings or None,
        "checksum": document.checksum,
        "symbol": document.symbol,
        "body": document.body,
        "lang": document.language,
        "date": document.date,
        "title": document.title,
        "session": document.session,
        "agenda": document.agenda_item,
        "body_name": document.body_name,
        "file": None if file == document.source else file,
        "work": None if document.work == document.symbol else document.work,
    }
    values = [metadata[name] or None for name in DOCUMENT_LAYOUT]
    while values[-1] is None:
        values.pop()
    return tuple(values)


def unpack_document(packed: Sequence[Any]) -> tuple[StoredDocument, list[int]]:
    """The document a stored tuple (:func:`pack_document`) describes, and
    where its chunks end."""
    got = dict(zip(DOCUMENT_LAYOUT, packed, strict=False))
    date = got.get("date") or None
    document = StoredDocument(
        source=got["source"],
        file=got.get("file") or got["source"],
        checksum=got.get("checksum") or "",
        symbol=got.get("symbol") or None,
        body=got.get("body") or None,
        language=got.get("lang") or None,
        date=date,
        year=_year(date or ""),
        title=got.get("title"),
        session=got.get("session"),
        agenda_item=got.get("agenda"),
        body_name=got.get("body_name"),
        headings=tuple(got.get("headings") or ()),
        work=got.get("work") or got.get("symbol") or None,
    )
    return document, list(got.get("ends") or ())


def unpack_block(packed: Sequence[Any], document: StoredDocument) -> StoredBlock:
    """The block a stored row (:func:`pack_block`) of ``document`` describes."""
    row = tuple(packed) + (None,) * (len(ROW_LAYOUT) - len(packed))
    text, ordinal, kind, number, heading_no, cites = row
    headings = document.headings
    return StoredBlock(
        document=document,
        ordinal=ordinal,
        text=text,
        kind=kind or DEFAULT_KIND,
        number=number or None,
        heading=headings[heading_no]
        if heading_no is not None and heading_no < len(headings)
        else None,
        cites=tuple(cites.split(",")) if cites else (),
    )


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """What the index stores of a document: the metadata of
    :class:`~searchkit.model.Document` (same names) and where it came from."""

    source: str
    file: str
    checksum: str = ""
    symbol: str | None = None
    body: str | None = None
    language: str | None = None
    date: str | None = None
    year: int | None = None
    title: str | None = None
    session: str | None = None
    agenda_item: str | None = None
    body_name: str | None = None
    headings: tuple[str, ...] = ()
    work: str | None = None  # what pairs its language versions (model.Document.work)


@dataclass(frozen=True, slots=True)
class StoredBlock:
    """One indexed block as stored: the fields of :class:`~searchkit.model.Block`
    (same names), the symbols it cites, and its document."""

    document: StoredDocument
    ordinal: int
    text: str
    kind: str = DEFAULT_KIND
    number: str | None = None
    heading: str | None = None
    cites: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """``source#ordinal``: the block's address in the index."""
        return f"{self.document.source}#{self.ordinal}"

    def to_block(self) -> Block:
        """The block as the model has it."""
        return Block(self.kind, self.text, self.ordinal, self.number, self.heading)


# --------------------------------------------------------------------------- reading


class StoredReader:
    """Stored records of one snapshot of the index (a whoosh reader), with
    the documents and chunks read cached, least recently used dropped first
    once they hold more than :data:`CACHE_CHARS`. Safe to share between threads.
    """

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self._lock = threading.Lock()
        self._at: Any = None  # the "at" column's reader, opened on first use
        self._items: OrderedDict[tuple[str, int], Any] = OrderedDict()
        self._weights: dict[tuple[str, int], int] = {}
        self.held = 0

    def position(self, docnum: int) -> int:
        """Block ``docnum``'s position among its document's blocks."""
        if self._at is None:
            self._at = self.reader.column_reader("at")
        return int(self._at[docnum])

    def block(self, docnum: int) -> StoredBlock:
        """Block ``docnum`` with its document."""
        at = self.position(docnum)
        first = docnum - at
        document, ends = self._document(first)
        chunk = bisect_right(ends, at)
        start = ends[chunk - 1] if chunk else 0
        rows = self._chunk(first, chunk, ends)
        if chunk >= len(ends) or len(rows) != ends[chunk] - start:
            raise StoredFieldsDamaged(_damaged(docnum, "its chunk of text is not stored"))
        return unpack_block(rows[at - start], document)

    def document(self, docnum: int) -> StoredDocument:
        """The document block ``docnum`` belongs to, without reading any text."""
        return self._document(docnum - self.position(docnum))[0]

    def all_blocks(self) -> Iterator[StoredBlock]:
        """Every live block of the index, in index order."""
        for docnum in self.reader.all_doc_ids():
            yield self.block(docnum)

    # ------------------------------------------------------------ the pieces

    def _document(self, first: int) -> tuple[StoredDocument, list[int]]:
        key = ("document", first)
        found = self._get(key)
        if found is None:
            packed = self.reader.stored_fields(first).get("document") if first >= 0 else None
            found = unpack_document(packed) if packed else None
            if not found or not found[1]:
                raise StoredFieldsDamaged(
                    _damaged(first, "its document's first block stores nothing")
                )
            document = found[0]
            strings = [v for v in (document.source, document.file, document.title) if v]
            self._put(key, found, 256 + sum(map(len, strings + list(document.headings))))
        return found

    def _chunk(self, first: int, chunk: int, ends: list[int]) -> tuple:
        if chunk >= len(ends):
            return ()
        key = ("chunk", first + ends[chunk] - 1)  # the chunk's last block stores it
        found = self._get(key)
        if found is None:
            found = tuple(self.reader.stored_fields(key[1]).get("blocks") or ())
            self._put(key, found, sum(len(row[0]) for row in found) + 16 * len(found))
        return found

    def _get(self, key: tuple[str, int]) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def _put(self, key: tuple[str, int], value: Any, weight: int) -> None:
        if weight > CACHE_CHARS:
            return  # would evict everything else
        with self._lock:
            if key in self._items:  # another thread read it meanwhile
                return
            while self._items and self.held + weight > CACHE_CHARS:
                old, _ = self._items.popitem(last=False)
                self.held -= self._weights.pop(old)
            self._items[key] = value
            self._weights[key] = weight
            self.held += weight


def _damaged(docnum: int, why: str) -> str:
    return f"stored fields of block {docnum} are damaged ({why}); run searchkit reindex --full"
