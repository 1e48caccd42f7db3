"""Running queries: BM25F over the lemma fields, hits addressed by symbol + paragraph."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .highlight import match_spans, snippet
from .indexer import open_index
from .model import Hit
from .query import ParsedQuery, parse
from .store import current_generation


@dataclass
class SearchResult:
    """Hits for one query, and how the query was answered."""

    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    fallback: bool = False  # True when no block matched every word, so any-match was used
    offset: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

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


#: Facets counted by ``search(..., facets=True)``: name -> stored field.
FACETS = {"body": "body", "year": "year", "lang": "lang"}


def run(
    searcher: Any,
    query: str,
    limit: int = 10,
    *,
    offset: int = 0,
    lang: str | None = None,
    per_document: int | None = None,
    facets: bool = False,
) -> SearchResult:
    """Search with an open whoosh searcher (see :class:`searchkit.Index`).

    ``offset`` skips that many hits (paging); ``lang`` keeps one language;
    ``per_document`` keeps at most that many blocks of each document (the best
    ones); ``facets`` counts all matching blocks by body, year and language.
    """
    from whoosh import sorting
    from whoosh.query import Term

    parsed = parse(query)
    result = SearchResult(query, offset=offset)
    options: dict[str, Any] = {"limit": offset + limit}
    if lang:
        options["filter"] = Term("lang", lang)
    if per_document:
        options["collapse"] = sorting.FieldFacet("source")
        options["collapse_limit"] = per_document
    if facets:
        options["groupedby"] = {
            name: sorting.FieldFacet(field, allow_overlap=False) for name, field in FACETS.items()
        }
        options["maptype"] = sorting.Count
    found = searcher.search(parsed.query, **options)
    if found.is_empty() and parsed.any_query is not parsed.query:  # nothing has every word
        found = searcher.search(parsed.any_query, **options)
        result.fallback = not found.is_empty()
    result.total = len(found)
    if facets:
        for name in FACETS:
            counts = {str(k) if k not in (None, "") else "(none)": v
                      for k, v in found.groups(name).items()}
            result.facets[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    result.hits = [_to_hit(hit.fields(), hit.score, parsed) for hit in found[offset : offset + limit]]
    return result


def search(
    index_dir: Path | str,
    query: str,
    limit: int = 10,
    *,
    offset: int = 0,
    lang: str | None = None,
    per_document: int | None = None,
    facets: bool = False,
) -> SearchResult:
    """Search the index at ``index_dir``; a list-like :class:`SearchResult` of hits.

    See :func:`run` for the keyword options.
    """
    from whoosh.scoring import BM25F

    ix = open_index(index_dir)
    with ix.searcher(weighting=BM25F()) as searcher:
        return run(
            searcher, query, limit, offset=offset, lang=lang, per_document=per_document,
            facets=facets,
        )


class Index:
    """An open index with a warm searcher, for many queries in one process.

    >>> with Index("index") as ix:            # doctest: +SKIP
    ...     for hit in ix.search("ввоз мигрантов"):
    ...         print(hit.citation)
    """

    def __init__(self, index_dir: Path | str) -> None:
        self.path = Path(index_dir)
        self._open()

    def _open(self) -> None:
        from whoosh.scoring import BM25F

        self._generation = current_generation(self.path)
        self._ix = open_index(self.path)
        self._searcher = self._ix.searcher(weighting=BM25F())

    def search(self, query: str, limit: int = 10, **options: Any) -> SearchResult:
        """Like :func:`searchkit.search`; sees commits made since the index was opened."""
        if current_generation(self.path) != self._generation:  # 'reindex --full' swapped
            old = self._searcher
            self._open()
            old.close()
        else:
            self._searcher = self._searcher.refresh()
        return run(self._searcher, query, limit, **options)

    def close(self) -> None:
        self._searcher.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
