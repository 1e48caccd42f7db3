"""Plan → hits (retrieval): the one ranker, every ranking knob, highlighting, browsing, stats.

* :mod:`.results`    a query's page of hits (:func:`run`, :class:`SearchResult`)
* :mod:`.ranker`     plans scored over every block with numpy (BM25F, phrases, ~N)
* :mod:`.ranking`    every weight and factor of the ranking
* :mod:`.selection`  the best blocks of a ranked plan, per document, the proximity bonus
* :mod:`.feedback`   pseudo-relevance feedback
* :mod:`.xapian_rank` a plan as one weighted Xapian query (searchkit's ranking in Xapian's matcher)
* :mod:`.xapian_native` that query run: the page ranked by Xapian, counts and facets
* :mod:`.highlight`  matched words marked, the best fragment cut
* :mod:`.suggest`    keyboard layout, did you mean
* :mod:`.browse`     a paragraph in its context, the same paragraph in another language
* :mod:`.stats`      what an index holds

:func:`search` answers one query; an :class:`Index` keeps one snapshot of the
index open (and its decoded posting lists) for many.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..index.snapshot import Snapshot, open_snapshot
from .results import SearchResult, run

if TYPE_CHECKING:  # a search needs neither
    from ..query.explain import Explanation
    from .stats import IndexStats


def search(
    index_dir: Path | str,
    query: str,
    limit: int = 10,
    *,
    offset: int = 0,
    lang: str | None = None,
    per_document: int | None = None,
    facets: bool = False,
    snippet_format: str = "plain",
    require_all: bool = False,
    partial: bool = False,
    all_versions: bool = False,
) -> SearchResult:
    """Search the index at ``index_dir``; a list-like :class:`SearchResult` of hits.

    See :func:`.results.run` for the keyword options. ``partial``: a sharded
    index answers from the shards it can reach (``SearchResult.unavailable``
    names the others) instead of raising :class:`ShardUnavailable`.
    ``all_versions``: also the documents a revision in the index supersedes.
    """
    options: dict[str, Any] = {
        "offset": offset,
        "lang": lang,
        "per_document": per_document,
        "facets": facets,
        "snippet_format": snippet_format,
        "require_all": require_all,
        "all_versions": all_versions,
    }

    def once() -> SearchResult:
        with open_snapshot(index_dir, partial) as snap:
            return run(snap, query, limit, **options)

    return _answered(once)


def explain(query: str, index_dir: Path | str | None = None) -> Explanation:
    """How ``query`` is read (``searchkit explain``): tokens, lemma readings,
    the parsed tree, filters and the plan. With ``index_dir``, also what only
    that index knows (prefix forms, derivational relatives, abbreviations)."""
    from ..query.explain import explain as explained

    if index_dir is None:
        return explained(query)
    with open_snapshot(index_dir) as snap:
        return explained(query, snap)


#: A search that commits outran (a Xapian index) is answered again, at most so often.
RETRIES = 3


def _answered(once: Callable[[], SearchResult]) -> SearchResult:
    """``once()``, again on a fresh snapshot while commits outran the one it
    read (:func:`~searchkit.index.xapian.snapshot.moved`) or a replica of a
    shard stopped answering (:func:`~searchkit.index.xapian.snapshot.failover`),
    at most :data:`RETRIES` times."""
    from ..index.xapian.snapshot import failover, moved

    for attempt in range(RETRIES):
        try:
            return once()
        except Exception as exc:
            if attempt + 1 == RETRIES or not (moved(exc) or failover(exc)):
                raise
    raise AssertionError("not reached")


class Index:
    """An open index with a warm snapshot, for many queries in one process.

    >>> with Index("index") as ix:            # doctest: +SKIP
    ...     for hit in ix.search("ввоз мигрантов"):
    ...         print(hit.citation)

    Each search first moves to the index's latest commit (and to the new
    generation after ``reindex --full``); the posting lists decoded for one
    commit are kept until the next.
    """

    def __init__(self, index_dir: Path | str, partial: bool = False) -> None:
        self.path = Path(index_dir)
        self.snapshot: Snapshot = open_snapshot(self.path, partial)
        #: A Xapian database is not for two threads at once: its searches take turns.
        xapian = getattr(self.snapshot, "backend", "whoosh") == "xapian"
        self._turns = threading.Lock() if xapian else contextlib.nullcontext()

    def search(self, query: str, limit: int = 10, **options: Any) -> SearchResult:
        """Like :func:`searchkit.retrieval`; sees commits made since the index was opened."""

        def once() -> SearchResult:
            self.snapshot = self.snapshot.refresh()
            return run(self.snapshot, query, limit, **options)

        with self._turns:
            return _answered(once)

    def explain(self, query: str) -> Explanation:
        """Like :func:`explain`, with this index's vocabulary at its latest commit."""
        from ..query.explain import explain as explained

        self.snapshot = self.snapshot.refresh()
        return explained(query, self.snapshot)

    def stats(self) -> IndexStats:
        """Like :func:`~searchkit.retrieval.stats.index_stats`, at the latest commit."""
        from .stats import snapshot_stats

        self.snapshot = self.snapshot.refresh()
        return snapshot_stats(self.snapshot, self.path)

    def close(self) -> None:
        self.snapshot.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["Index", "SearchResult", "explain", "run", "search"]
