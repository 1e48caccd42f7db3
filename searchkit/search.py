"""Running queries: BM25F over the lemma fields, hits addressed by symbol + paragraph."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .highlight import match_spans, snippet
from .indexer import open_index
from .model import Hit
from .query import ParsedQuery, parse


@dataclass
class SearchResult:
    """Hits for one query, and how the query was answered."""

    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    fallback: bool = False  # True when no block matched every word, so any-match was used

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, i: int) -> Hit:
        return self.hits[i]


def _to_hit(fields: dict[str, Any], score: float, parsed: ParsedQuery) -> Hit:
    text = fields.get("text") or ""
    spans = match_spans(text, parsed.lemmas)
    return Hit(
        symbol=fields.get("symbol") or None,
        paragraph=fields.get("number") or None,
        kind=fields.get("kind", "paragraph"),
        heading=fields.get("heading"),
        title=fields.get("title"),
        score=round(float(score), 4),
        snippet=snippet(text, spans),
        text=text,
        source=fields.get("source", ""),
        ordinal=int(fields.get("ordinal", 0)),
        language=fields.get("lang") or None,
        date=fields.get("date") or None,
        matches=tuple(spans),
    )


def run(searcher: Any, query: str, limit: int = 10) -> SearchResult:
    """Search with an open whoosh searcher (see :class:`searchkit.Index`)."""
    parsed = parse(query)
    result = SearchResult(query)
    found = searcher.search(parsed.query, limit=limit)
    if found.is_empty() and parsed.any_query is not parsed.query:  # nothing has every word
        found = searcher.search(parsed.any_query, limit=limit)
        result.fallback = not found.is_empty()
    result.total = len(found)
    result.hits = [_to_hit(hit.fields(), hit.score, parsed) for hit in found]
    return result


def search(index_dir: Path | str, query: str, limit: int = 10) -> SearchResult:
    """Search the index at ``index_dir``; a list-like :class:`SearchResult` of hits."""
    from whoosh.scoring import BM25F

    ix = open_index(index_dir)
    with ix.searcher(weighting=BM25F()) as searcher:
        return run(searcher, query, limit)


class Index:
    """An open index with a warm searcher, for many queries in one process.

    >>> with Index("index") as ix:            # doctest: +SKIP
    ...     for hit in ix.search("ввоз мигрантов"):
    ...         print(hit.citation)
    """

    def __init__(self, index_dir: Path | str) -> None:
        from whoosh.scoring import BM25F

        self.path = Path(index_dir)
        self._ix = open_index(self.path)
        self._searcher = self._ix.searcher(weighting=BM25F())

    def search(self, query: str, limit: int = 10) -> SearchResult:
        self._searcher = self._searcher.refresh()  # see commits made since opening
        return run(self._searcher, query, limit)

    def close(self) -> None:
        self._searcher.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
