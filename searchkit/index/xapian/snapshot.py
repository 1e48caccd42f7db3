"""A Xapian index as a search sees it.

:class:`XapianSnapshot` answers what the query compiler, ``show``, ``stats``
and reindexing ask of an index (term statistics, prefixes, the blocks of a
document, stored records), over all shards as one database; a query itself
is matched and ranked by Xapian (:mod:`searchkit.retrieval.xapian_native`).

Block numbers are Xapian's document ids in the combined database (shard
``k``'s document ``d`` is ``(d - 1) · shards + k + 1``).
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import ShardUnavailable, StoredFieldsDamaged
from ..lookups import Lookups
from ..schema import shape_of
from ..stored import StoredBlock, StoredDocument, unpack_block, unpack_document
from . import layout, xapian
from .terms import PREFIX, SCORED, SLOT, term

#: Documents (blocks) read and kept per snapshot, least recently used dropped first.
CACHE_DOCUMENTS = 4096
#: Connections to each remote shard that documents are fetched over, in parallel.
REMOTE_CONNECTIONS = 4
#: A remote index asks its servers for a newer commit at most this often (seconds).
REMOTE_RECHECK = 1.0
#: Prefix expansions (``mig*``, relatives, symbol prefixes) kept per snapshot,
#: each of at most CACHE_PREFIX_TERMS terms.
CACHE_PREFIXES = 1024
CACHE_PREFIX_TERMS = 2000


class _Field:
    def __init__(self, scorable: bool) -> None:
        self.scorable = scorable


#: What the ranker asks of the schema: which fields score BM25F.
SCHEMA = {name: _Field(name in SCORED) for name in PREFIX}


def moved(exc: BaseException) -> bool:
    """Did ``exc`` come of commits that moved past an open snapshot? (Xapian
    keeps an old revision readable until the writer's second commit after it;
    a search that outlives that is answered again on the latest.)"""
    return type(exc).__name__ == "DatabaseModifiedError" and type(exc).__module__ == "xapian"


class ReplicaLost(ShardUnavailable):
    """A server of a shard with replicas stopped answering during a search:
    the search is answered again through the others (:func:`failover`)."""


def failover(exc: BaseException) -> bool:
    """Is ``exc`` a replica lost mid-search (worth answering again)?"""
    return isinstance(exc, ReplicaLost)


def open_xapian(path: Path | str, partial: bool = False) -> XapianSnapshot:
    """The Xapian index at ``path`` (a folder or a remote descriptor); with
    ``partial``, the shards that can be reached (``missing`` names the others)."""
    return XapianSnapshot(layout.locate(path), partial)


class XapianSnapshot(Lookups):
    """All shards of a Xapian index, opened as one database."""

    backend = "xapian"

    def __init__(self, location: layout.Location, partial: bool = False) -> None:
        self.location = location
        self.partial = partial
        self.root = location.root
        self.generation = location.generation
        self.x = xapian()
        self.db, self.parts, self.missing = layout.open_all(location, partial)
        #: Which of the location's shards each of ``parts`` is.
        self.present = [k for k, a in enumerate(location.shards) if a not in self.missing]
        self.shards = len(self.parts)
        self.failed = False  # a replica stopped answering: reopen before the next search
        self.schema = SCHEMA
        self._reset()

    def _reset(self) -> None:
        self.n = self._guard(self.db.get_doccount)
        self.population = self.n
        self.totals = self._guard(lambda: layout.field_totals(self.parts))
        self.stored = XapianStored(self)
        self._docs: OrderedDict[int, Any] = OrderedDict()
        self._frequencies: dict[str, int] = {}
        for extra in getattr(self, "_connections", {}).values():  # opened again at this commit
            extra.close()
        self._connections: dict[tuple[int, int], Any] = {}
        self._prefixes: dict[tuple[str, str], list[str]] = {}
        self._small: dict[str, set[str]] = {}
        self._checked = time.monotonic()

    def _guard(self, call: Any) -> Any:
        """``call()``, a shard that went away raised as :class:`ShardUnavailable`
        (a commit that moved past this snapshot is left for the search to
        retry on a fresh one: :func:`moved`)."""
        try:
            return call()
        except self.x.DatabaseModifiedError:
            raise
        except (self.x.NetworkError, self.x.DatabaseError) as exc:
            if layout.replicated(self.location):  # answered again by the other replicas
                self.failed = True
                layout.note_failures(self.parts)
                raise ReplicaLost(self.location.name, layout.reason(exc)) from exc
            raise ShardUnavailable(self.location.name, layout.reason(exc)) from exc

    # ------------------------------------------------------------- life

    def refresh(self) -> XapianSnapshot:
        """This snapshot at the index's latest commit (a new generation: reopened).
        Its caches go when it moves."""
        if self.root is not None:
            from .. import generations

            if generations.current_generation(self.root) != self.generation:
                fresh = open_xapian(self.root, self.partial)
                self.close()
                return fresh
        if self.missing or self.failed:  # a shard left out may be back; a replica lost
            fresh = open_xapian(self.location.name, self.partial)
            self.close()
            return fresh
        now = time.monotonic()
        if self.location.remote and now - self._checked < REMOTE_RECHECK:
            return self  # asked the servers a moment ago (each asking is a round trip)
        self._checked = now
        if self._guard(self.db.reopen):
            for part in self.parts:
                self._guard(part.reopen)
            self._reset()
        return self

    def close(self) -> None:
        self.db.close()
        for part in (*self.parts, *self._connections.values()):
            part.close()

    def __enter__(self) -> XapianSnapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------- vocabulary

    def doc_frequency(self, fieldname: str, text: Any) -> int:
        key = term(fieldname, text)
        found = self._frequencies.get(key)
        if found is None:  # cached: on a remote index each is a round trip to every shard
            found = self._frequencies[key] = int(self._guard(lambda: self.db.get_termfreq(key)))
        return found

    def know_frequencies(self, found: dict[str, int]) -> None:
        """Terms' document frequencies a match has already gathered (over every
        shard), kept so that no lookup asks the shards again."""
        self._frequencies.update(found)

    def frequencies(self, terms: Iterable[str]) -> None:
        """Look up the content terms' document frequencies at once: from
        remote shards in one match (one request to each server), which
        gathers every term's frequency over the whole index."""
        wanted = [t for t in dict.fromkeys(term("content", t) for t in terms)]
        wanted = [t for t in wanted if t not in self._frequencies]
        if not wanted or not self.location.remote:
            return
        x = self.x
        enquire = x.Enquire(self.db)
        enquire.set_query(x.Query(x.Query.OP_OR, [x.Query(t) for t in wanted]))
        mset = self._guard(lambda: enquire.get_mset(0, 0))
        self.know_frequencies({t: int(mset.get_termfreq(t)) for t in wanted})

    def avg_length(self, fieldname: str) -> float:
        return float(self.totals.get(fieldname, 0) / (self.n or 1) or 1)

    def expand_prefix(self, fieldname: str, prefix: str) -> Iterator[str]:
        key = (fieldname, prefix)
        found = self._prefixes.get(key)
        if found is None:
            start = PREFIX[fieldname]
            found = []
            for item in self._guard(lambda: list(self.db.allterms(start + prefix))):
                text = item.term.decode("utf-8")[len(start) :]
                if fieldname != "content" or not text.startswith("X"):  # not another field's
                    found.append(text)
            if len(found) <= CACHE_PREFIX_TERMS:  # a one-letter prefix is not worth keeping
                if len(self._prefixes) >= CACHE_PREFIXES:
                    self._prefixes.pop(next(iter(self._prefixes)))
                self._prefixes[key] = found
        return iter(found)

    def lexicon(self, fieldname: str) -> Iterator[str]:
        return self.expand_prefix(fieldname, "")

    def terms_within(self, fieldname: str, text: str, maxdist: int, prefix: int) -> list[str]:
        """The terms within ``maxdist`` edits of ``text`` that share its first
        ``prefix`` characters."""
        return [
            found
            for found in self.expand_prefix(fieldname, text[:prefix])
            if abs(len(found) - len(text)) <= maxdist and _edits(found, text, maxdist) <= maxdist
        ]

    def postings(self, fieldname: str, text: Any) -> tuple[np.ndarray, np.ndarray]:
        """(blocks, frequencies) of a term over the whole index (for short lists)."""
        ids, weights = [], []
        for item in self.db.postlist(term(fieldname, text)):
            ids.append(item.docid)
            weights.append(item.wdf or 1)
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32)

    def first_block(self, fieldname: str, text: str) -> int | None:
        for item in self.db.postlist(term(fieldname, text)):
            return int(item.docid)
        return None

    def defining_blocks(self, fieldname: str, key: str, limit: int) -> list[int]:
        if fieldname in ("abbr", "fullname") and key not in self._keys(fieldname):
            return []  # most words define nothing: no posting list asked for
        out = []
        for item in self.db.postlist(term(fieldname, key)):
            out.append(int(item.docid))
            if len(out) >= limit:
                break
        return out

    def _keys(self, fieldname: str) -> set[str]:
        """Every term of a small field (abbreviations, full names), read once
        per commit (from remote shards, one request each)."""
        found = self._small.get(fieldname)
        if found is None:
            found = self._small[fieldname] = set(self.expand_prefix(fieldname, ""))
        return found

    def count(self, fieldname: str, text: str) -> int:
        """How many blocks hold the term."""
        return self.doc_frequency(fieldname, text)

    def live_count(self) -> int:
        return self.n

    def blocks_with(
        self, any_of: Iterable[tuple[str, str]], all_of: Iterable[tuple[str, str]] = ()
    ) -> list[int]:
        """Blocks holding one of the terms ``any_of`` and every one of ``all_of``, in order."""
        x = self.x
        anyq = x.Query(x.Query.OP_OR, [x.Query(term(f, v)) for f, v in any_of if v])
        query = (
            x.Query(
                x.Query.OP_FILTER,
                anyq,
                x.Query(x.Query.OP_AND, [x.Query(term(f, v)) for f, v in all_of]),
            )
            if list(all_of)
            else anyq
        )
        enquire = x.Enquire(self.db)
        enquire.set_query(query)
        enquire.set_weighting_scheme(x.BoolWeight())
        enquire.set_docid_order(x.Enquire.ASCENDING)
        mset = self._guard(lambda: enquire.get_mset(0, max(self.db.get_lastdocid(), 1)))
        return [int(item.docid) for item in mset]

    # ------------------------------------------------------------- documents

    def document(self, docid: int) -> Any:
        """Block ``docid``'s Xapian document (cached)."""
        found = self._docs.get(docid)
        if found is None:
            try:
                found = self._guard(lambda: self.db.get_document(docid))
            except self.x.DocNotFoundError as exc:
                raise StoredFieldsDamaged(f"block {docid} is not in the index") from exc
            self._docs[docid] = found
            if len(self._docs) > CACHE_DOCUMENTS:
                self._docs.popitem(last=False)
        else:
            self._docs.move_to_end(docid)
        return found

    def documents(self, docids: list[int]) -> list[Any]:
        """Blocks' Xapian documents. From remote shards, fetched in parallel over
        :data:`REMOTE_CONNECTIONS` connections to each shard (a document is one
        round trip to its server)."""
        missing = [d for d in docids if d not in self._docs]
        if self.location.remote and len(missing) > 1:
            lanes: dict[tuple[int, int], list[int]] = {}
            for n, d in enumerate(missing):
                lanes.setdefault(((d - 1) % self.shards, n % REMOTE_CONNECTIONS), []).append(d)

            def fetch(lane: tuple[int, int]) -> list[tuple[int, Any]]:
                db = self._connection(*lane)
                return [(d, db.get_document((d - 1) // self.shards + 1)) for d in lanes[lane]]

            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(len(lanes)) as pool:
                fetched = self._guard(lambda: [f for got in pool.map(fetch, lanes) for f in got])
            for d, doc in fetched:
                self._docs[d] = doc
            while len(self._docs) > max(CACHE_DOCUMENTS, len(docids)):
                self._docs.popitem(last=False)
        return [self.document(d) for d in docids]

    def _connection(self, shard: int, lane: int) -> Any:
        """Connection ``lane`` to remote shard ``shard`` (the first is the one
        searches use; the others are opened when first needed)."""
        if lane == 0:
            return self.parts[shard]
        key = (shard, lane)
        found = self._connections.get(key)
        if found is None:  # the replica the search uses (copies may number blocks apart)
            k = self.present[shard]
            where = getattr(self.parts[shard], "searchkit_address", None)
            replicas = self.location.replicas[k] if self.location.replicas else []
            replica = replicas.index(where) if where in replicas else None
            found = layout.open_shard(self.location, k, replica=replica)
            self._connections[key] = found
        return found

    def shapes(self, blocks: Iterable[int]) -> list[tuple[str, bool]]:
        """(kind, numbered) of each block."""
        return [
            shape_of(int(d.get_value(SLOT["shape"]) or 0)) for d in self.documents(list(blocks))
        ]


class XapianStored:
    """Stored records of a Xapian index (the document data of each block)."""

    def __init__(self, snap: XapianSnapshot) -> None:
        self.snap = snap
        self._documents: OrderedDict[int, StoredDocument] = OrderedDict()

    def _data(self, docid: int) -> list[Any]:
        try:
            return json.loads(self.snap.document(docid).get_data())
        except ValueError as exc:
            raise StoredFieldsDamaged(f"stored record of block {docid} is damaged") from exc

    def position(self, docid: int) -> int:
        return int(self.snap.document(docid).get_value(SLOT["at"]) or 0)

    def document(self, docid: int) -> StoredDocument:
        first = docid - self.position(docid) * self.snap.shards
        found = self._documents.get(first)
        if found is None:
            packed = self._data(first)[1] if first > 0 else None
            if not packed:
                raise StoredFieldsDamaged(
                    f"stored fields of block {docid} are damaged (its document's first "
                    "block stores nothing); run searchkit reindex --full"
                )
            found = unpack_document(packed)[0]
            self._documents[first] = found
            if len(self._documents) > CACHE_DOCUMENTS:
                self._documents.popitem(last=False)
        return found

    def all_blocks(self) -> Iterator[StoredBlock]:
        """Every block of the index, in document id order."""
        for item in self.snap.db.postlist(""):
            yield self.block(int(item.docid))

    def block(self, docid: int) -> StoredBlock:
        return unpack_block(self._data(docid)[0], self.document(docid))

    def text(self, docid: int) -> str:
        """Block ``docid``'s text alone (its document's record not read)."""
        return str(self._data(docid)[0][0] or "")


def _edits(a: str, b: str, bound: int) -> int:
    """Levenshtein distance of ``a`` and ``b`` (stops early past ``bound``)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > bound:
            return bound + 1
        previous = current
    return previous[-1]
