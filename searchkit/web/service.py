"""What the server asks of the library, with its limits and its time budget.

Both fronts call the same library functions: :class:`Service` runs
:meth:`searchkit.Index.search`, :func:`searchkit.show`, ``parallels`` and
``Index.stats`` on a small pool of threads, each holding its own warm
:class:`~searchkit.Index` (a snapshot serves one thread at a time), so a
long-lived server follows every commit and ``reindex --full`` as the library
does. Each call has a time budget: past it the request answers 503
(``timeout``) at once while the thread finishes on its own, and the other
threads go on serving.

Parameters are checked here, once for the JSON API and the page:
:func:`search_params` turns a query string into :class:`SearchParams` or
raises :class:`ApiError` (an HTTP status, a code, a one-line message).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from ..errors import IndexError_, NotFound, QueryError, SearchkitError, UserError
from ..query import MAX_QUERY_CHARS

T = TypeVar("T")

#: Hits on one page, at most (``limit``).
MAX_LIMIT = 50
#: How deep a client may page: ``offset + limit`` at most this.
MAX_DEPTH = 1000
#: Blocks of context around a shown paragraph, at most.
MAX_CONTEXT = 10
#: Seconds one call may take before the request answers 503.
TIME_BUDGET = 10.0
#: Threads answering queries, each with its own warm index.
THREADS = 4

_LANG = re.compile(r"^[a-z]{2,3}$")


class ApiError(Exception):
    """An answer the client gets instead of a result: HTTP ``status``, a stable
    ``code`` for programs and a one-line ``message`` for people."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


@dataclass(frozen=True)
class SearchParams:
    """A search as the query string asks for it (the page's permalink holds the same)."""

    q: str
    limit: int = 10
    offset: int = 0
    lang: str | None = None
    parallel: str | None = None
    facets: bool = False
    require_all: bool = False
    group: str = "none"  # or "document": the best 2 blocks per document
    snippets: str = "plain"
    all_versions: bool = False  # also the documents a revision supersedes

    def query_string(self, **changes: Any) -> dict[str, str]:
        """The parameters that differ from the defaults (``changes`` applied),
        as a permalink carries them."""
        mine = replace(self, **changes)
        out = {"q": mine.q}
        if mine.limit != 10:
            out["limit"] = str(mine.limit)
        if mine.offset:
            out["offset"] = str(mine.offset)
        for name in ("lang", "parallel"):
            if getattr(mine, name):
                out[name] = getattr(mine, name)
        if mine.facets:
            out["facets"] = "1"
        if mine.require_all:
            out["all"] = "1"
        if mine.group != "none":
            out["group"] = mine.group
        if mine.all_versions:
            out["all_versions"] = "1"
        return out


def _int(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(
            400, "bad_parameter", f"{name} must be a whole number, not {raw!r}"
        ) from None
    if not low <= value <= high:
        raise ApiError(400, "bad_parameter", f"{name} must be between {low} and {high}")
    return value


def _flag(args: Mapping[str, str], name: str) -> bool:
    raw = args.get(name, "").lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ApiError(400, "bad_parameter", f"{name} is 1 or 0, not {raw!r}")


def lang_param(args: Mapping[str, str], name: str) -> str | None:
    raw = args.get(name, "").strip().lower()
    if not raw:
        return None
    if not _LANG.match(raw):
        raise ApiError(400, "bad_parameter", f"{name} is a language code (ru, en…), not {raw!r}")
    return raw


def query_param(args: Mapping[str, str], name: str = "q") -> str:
    """The query text: present, not blank, within the CLI's own bound."""
    q = args.get(name)
    if q is None or not q.strip():
        raise ApiError(400, "missing_query", f"give the query as ?{name}=…")
    if len(q) > MAX_QUERY_CHARS:
        raise ApiError(
            414,
            "query_too_long",
            f"the query is too long ({len(q)} characters, at most {MAX_QUERY_CHARS})",
        )
    return q


def search_params(args: Mapping[str, str], snippets: str = "plain") -> SearchParams:
    """:class:`SearchParams` of a query string, or :class:`ApiError` (400, 414)."""
    q = query_param(args)
    limit = _int(args, "limit", 10, 1, MAX_LIMIT)
    offset = _int(args, "offset", 0, 0, MAX_DEPTH - 1)
    if offset + limit > MAX_DEPTH:
        raise ApiError(400, "too_deep", f"offset + limit must be at most {MAX_DEPTH}")
    group = args.get("group", "none") or "none"
    if group not in ("none", "document"):
        raise ApiError(400, "bad_parameter", f"group is 'document' or 'none', not {group!r}")
    fmt = args.get("snippets", snippets) or snippets
    if fmt not in ("plain", "html"):
        raise ApiError(400, "bad_parameter", f"snippets is 'plain' or 'html', not {fmt!r}")
    return SearchParams(
        q=q,
        limit=limit,
        offset=offset,
        lang=lang_param(args, "lang"),
        parallel=lang_param(args, "parallel"),
        facets=_flag(args, "facets"),
        require_all=_flag(args, "all"),
        group=group,
        snippets=fmt,
        all_versions=_flag(args, "all_versions"),
    )


def context_param(args: Mapping[str, str], default: int = 1) -> int:
    return _int(args, "context", default, 0, MAX_CONTEXT)


class Service:
    """The library behind the server: warm indexes on a thread pool, a time
    budget per call, library errors as :class:`ApiError`."""

    def __init__(
        self, index_dir: Path | str, time_budget: float = TIME_BUDGET, threads: int = THREADS
    ) -> None:
        self.index_dir = Path(index_dir)
        self.time_budget = time_budget
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="searchkit-query")
        self._local = threading.local()
        self._indexes: list[Any] = []  # every thread's, closed at shutdown
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- threads

    def index(self) -> Any:
        """This thread's open :class:`~searchkit.Index` (opened on first use,
        and again after an open failed: the index may have been built since)."""
        ix = getattr(self._local, "index", None)
        if ix is None:
            from ..retrieval import Index

            ix = Index(self.index_dir)
            self._local.index = ix
            with self._lock:
                self._indexes.append(ix)
        return ix

    async def call(self, fn: Callable[[], T]) -> T:
        """``fn()`` on the pool within the time budget; library errors mapped."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pool, self._guarded, fn)
        try:
            return await asyncio.wait_for(future, self.time_budget)
        except TimeoutError:
            raise ApiError(
                503,
                "timeout",
                f"the query took longer than the server's budget ({self.time_budget:g} s); "
                "narrow it (more words, a phrase, a filter) or try again",
            ) from None

    def _guarded(self, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except SearchkitError as exc:
            raise self._api_error(exc) from None

    def _api_error(self, exc: SearchkitError) -> ApiError:
        message = self._private(str(exc))
        if isinstance(exc, QueryError):
            return ApiError(400, "bad_query", message)
        if isinstance(exc, NotFound):
            return ApiError(404, "not_found", message)
        if isinstance(exc, IndexError_):
            self._forget()  # open it again on the next call
            return ApiError(503, "index_unavailable", message)
        if isinstance(exc, UserError):
            return ApiError(400, "bad_request", message)
        raise exc  # a bug: the app logs it and answers 500 without details

    def _forget(self) -> None:
        """Close this thread's index, if it has one open."""
        ix = getattr(self._local, "index", None)
        self._local.index = None
        if ix is not None:
            with self._lock:
                if ix in self._indexes:
                    self._indexes.remove(ix)
            with contextlib.suppress(Exception):
                ix.close()

    def _private(self, message: str) -> str:
        """``message`` without the server's own paths (the index folder)."""
        for path in sorted({str(self.index_dir.resolve()), str(self.index_dir)}, key=len)[::-1]:
            message = message.replace(path, "the index")
        return message

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            for ix in self._indexes:
                with contextlib.suppress(Exception):  # a thread may still be using it
                    ix.close()
            self._indexes.clear()

    # ---------------------------------------------------------------- calls

    def search(self, p: SearchParams) -> tuple[Any, dict[int, Any]]:
        """The :class:`~searchkit.SearchResult` of ``p`` and, with ``p.parallel``,
        each hit's block in that language (by position)."""
        result = self.index().search(
            p.q,
            p.limit,
            offset=p.offset,
            lang=p.lang,
            per_document=2 if p.group == "document" else None,
            facets=p.facets,
            snippet_format=p.snippets,
            require_all=p.require_all,
            all_versions=p.all_versions,
        )
        side: dict[int, Any] = {}
        if p.parallel and result.hits:
            from ..retrieval.browse import parallels

            side = parallels(self.index_dir, result.hits, p.parallel)
        return result, side

    def show(
        self,
        document: str,
        para: str | None,
        context: int,
        lang: str | None = None,
        parallel: str | None = None,
    ) -> Any:
        """The :class:`~searchkit.Passage` of ``document`` (a citation when
        ``para`` is ``None``)."""
        from ..retrieval.browse import show

        self.index()  # the index is open (or the call answers 503)
        return show(
            self.index_dir,
            document,
            para,
            context=context,
            lang=lang,
            parallel_langs=(parallel,) if parallel else (),
        )

    def explain(self, query: str) -> dict[str, Any]:
        data: dict[str, Any] = self.index().explain(query).to_dict()
        return data

    def stats(self) -> dict[str, Any]:
        data: dict[str, Any] = self.index().stats().to_dict()
        data.pop("path", None)  # the server's disk is no business of a client
        return data

    def health(self) -> dict[str, Any]:
        snap = self.index().snapshot.refresh()
        self._local.index.snapshot = snap
        return {
            "status": "ok",
            "generation": snap.generation or None,
            "backend": getattr(snap, "backend", "whoosh"),
        }
