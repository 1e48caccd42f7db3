"""Running queries: BM25F over the lemma fields, hits addressed by symbol + paragraph.

Ranking: whoosh's BM25F over ``content`` and ``heading_t`` (boosted), the title
only adding to blocks that match by themselves, a bonus for query words close
together (see :mod:`searchkit.query`), then a light re-ranking of the top hits
by block kind: numbered paragraphs first, tables of contents and mastheads last.
The scores are computed in bulk by :mod:`searchkit.scoring` (the same numbers
whoosh's matchers would give, much faster); a query it does not handle
(``"…"~N``) is ranked by whoosh's searcher.

Help for the user: a query typed in the Latin keyboard layout (``vbuhfyns``) is
searched as Russian (``мигранты``) when that is what the index knows, and a
word the index does not know gets a did-you-mean suggestion from the index
vocabulary; :class:`SearchResult` says both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from .analysis import SURFACE_MARK
from .docsets import matching
from .errors import QueryError
from .highlight import match_spans, snippet
from .indexer import open_index
from .model import Hit
from .query import (
    PROXIMITY_BOOST,
    PROXIMITY_SLOP,
    ParsedQuery,
    from_latin_layout,
    latin_layout_words,
    parse,
)
from .store import current_generation
from .stored import DEFAULT_KIND, block_document, block_fields

#: How many top hits are re-ranked by block kind.
RERANK_DEPTH = 50
#: Score factors by block kind (tables of contents hold every word of the
#: report but are never the paragraph a user wants to cite).
KIND_FACTORS = {"toc": 0.3, "contents": 0.3, "masthead": 0.5, "other": 0.8}
NUMBERED_FACTOR = 1.1


@dataclass
class SearchResult:
    """Hits for one query, and how the query was answered."""

    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    fallback: bool = False  # True when no block matched every word, so any-match was used
    offset: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    layout: str | None = None  # the query as searched, when typed in the Latin layout
    suggestion: str | None = None  # did you mean ...
    dropped: list[str] = field(default_factory=list)  # stop words left out of the query

    @property
    def notes(self) -> list[str]:
        """What the user should be told about how the query was answered."""
        out = []
        if self.layout:
            out.append(f"typed in the Latin keyboard layout; searched as {self.layout!r}")
        if self.fallback:
            out.append("no block has every word; showing blocks with some of them")
        if self.suggestion:
            out.append(f"did you mean: {self.suggestion}")
        return out

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, i: int) -> Hit:
        return self.hits[i]


def _to_hit(
    fields: dict[str, Any], score: float, parsed: ParsedQuery, snippet_format: str = "plain"
) -> Hit:
    text = fields.get("text") or ""
    spans = match_spans(text, parsed.highlight)
    return Hit(
        symbol=fields.get("symbol") or None,
        paragraph=fields.get("number") or None,
        kind=fields.get("kind", "paragraph"),
        heading=fields.get("heading"),
        title=fields.get("title"),
        score=round(float(score), 4),
        snippet=snippet(text, spans, fmt=snippet_format),
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
    snippet_format: str = "plain",
) -> SearchResult:
    """Search with an open whoosh searcher (see :class:`searchkit.Index`).

    ``snippet_format`` is how ``Hit.snippet`` marks matches: ``plain``
    (``[[…]]``), ``html`` (escaped, ``<mark>``) or ``color`` (ANSI).

    ``offset`` skips that many hits (paging); ``lang`` keeps one language;
    ``per_document`` keeps at most that many blocks of each document (the best
    ones); ``facets`` counts all matching blocks by body, year and language.
    """
    from whoosh.query import Term

    if snippet_format not in ("plain", "html", "color"):
        raise ValueError(f"snippet_format {snippet_format!r}: plain, html or color")
    reader = searcher.reader()
    parsed = parse(query, reader)
    result = SearchResult(query, offset=offset, dropped=list(parsed.dropped))
    switched = _layout_switch(reader, query, parsed)
    if switched is not None:
        query, parsed, result.layout = switched, parse(switched, reader), switched
    depth = max(offset + limit, RERANK_DEPTH)
    allowed = _filter_docs(searcher, Term("lang", lang)) if lang else None
    candidates: Iterator[tuple[float, dict[str, Any]]]
    blocks = _rank_in_bulk(searcher, parsed, depth, lang, allowed, per_document, facets, result)
    if blocks is not None:
        # re-ranked by the indexed kind and number; stored fields read only
        # for the blocks shown (and the copies _distinct drops on the way)
        factors = _kind_factors(searcher, [block for _, block in blocks])
        order = sorted(
            (
                (score * factor, block)
                for (score, block), factor in zip(blocks, factors, strict=True)
            ),
            key=lambda pair: -pair[0],
        )
        candidates = ((score, block_fields(searcher, block)) for score, block in order)
    else:
        ranked = _rank_with_whoosh(searcher, parsed, depth, allowed, per_document, facets, result)
        candidates = iter(
            sorted(((score * _kind_factor(f), f) for score, f in ranked), key=lambda p: -p[0])
        )
    result.suggestion = _suggest(searcher, query, parsed)
    result.hits = [
        _to_hit(fields, score, parsed, snippet_format)
        for score, fields in islice(_distinct(candidates), offset, offset + limit)
    ]
    return result


def _rank_in_bulk(
    searcher: Any,
    parsed: ParsedQuery,
    depth: int,
    lang: str | None,
    allowed: set[int] | None,
    per_document: int | None,
    facets: bool,
    result: SearchResult,
) -> list[tuple[float, int]] | None:
    """The best ``depth`` blocks scored by :mod:`searchkit.scoring`, with their
    proximity bonus, best first; ``None`` when the query needs whoosh (``"…"~N``)."""
    from . import scoring  # numpy: imported by the first search, not by every command

    matches = scoring.evaluate(searcher, parsed.core)
    if matches is None:
        return None
    engine = scoring.engine(searcher)
    mask = engine.mask(("lang", lang), allowed) if allowed is not None else None
    total, best = scoring.top(matches, depth, mask)
    if not total and parsed.any_core is not parsed.core:  # nothing has every word
        fallback = scoring.evaluate(searcher, parsed.any_core)
        if fallback is None:
            return None
        matches = fallback
        total, best = scoring.top(matches, depth, mask)
        result.fallback = total > 0
    result.total = total
    if facets:
        found = matches.mask if mask is None else matches.mask & mask
        for name, fieldname in FACETS.items():
            result.facets[name] = _facet_counts(engine.counts(fieldname, found))

    def document(block: int) -> str | None:  # its metadata only: no text decompressed
        return block_document(searcher, block).get("source") or None

    if per_document:  # a wider pool: proximity may change which block of a document is best
        best = scoring.top_per_group(matches, depth * 3, mask, document, per_document * 3)
    bonus = scoring.proximity(
        searcher, parsed.near, [d for _, d in best], PROXIMITY_SLOP, PROXIMITY_BOOST
    )
    ranked = sorted(
        ((score + bonus.get(d, 0.0), d) for score, d in best), key=lambda p: (-p[0], p[1])
    )
    if per_document:
        ranked = list(scoring.per_group(ranked, document, per_document))[:depth]
    return ranked


def _facet_counts(counts: dict[Any, int]) -> dict[str, int]:
    """Facet counts by value, most first; blocks without a value count as ``(none)``."""
    out: dict[str, int] = {}
    for value, n in counts.items():
        key = str(value) if value not in (None, "") else "(none)"
        out[key] = out.get(key, 0) + n
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def _rank_with_whoosh(
    searcher: Any,
    parsed: ParsedQuery,
    depth: int,
    allowed: set[int] | None,
    per_document: int | None,
    facets: bool,
    result: SearchResult,
) -> list[tuple[float, dict[str, Any]]]:
    """The best ``depth`` blocks as whoosh's searcher ranks them (any query,
    per-document collapsing, facet counts)."""
    from whoosh import sorting

    options: dict[str, Any] = {"limit": depth}
    if allowed is not None:
        options["filter"] = allowed
    if per_document:
        options["collapse"] = sorting.FieldFacet("source")
        options["collapse_limit"] = per_document
    if facets:
        options["groupedby"] = {
            name: sorting.FieldFacet(field, allow_overlap=False) for name, field in FACETS.items()
        }
        options["maptype"] = sorting.Count
    asked = parsed.query
    found = searcher.search(asked, **options)
    if found.is_empty() and parsed.any_query is not parsed.query:  # nothing has every word
        asked = parsed.any_query
        found = searcher.search(asked, **options)
        result.fallback = not found.is_empty()
    result.total = _total(searcher, found, asked, allowed)
    if facets:
        for name in FACETS:
            result.facets[name] = _facet_counts(found.groups(name))
    return [(hit.score, block_fields(searcher, hit.docnum)) for hit in found]


def _total(searcher: Any, found: Any, asked: Any, allowed: set[int] | None) -> int:
    """How many blocks match: counted by whoosh when it scored every match,
    else from the posting lists (the top hits skipped blocks that could not
    make the list, see :mod:`searchkit.docsets`)."""
    if found.has_exact_length():
        return len(found)
    docs = matching(searcher, asked)
    return len(docs & allowed) if allowed is not None else len(docs)


def _filter_docs(searcher: Any, term: Any) -> set[int]:
    """The documents matching a filter term, computed once per searcher snapshot
    (whoosh would rebuild the set for every search)."""
    cache: dict[Any, set[int]] = searcher.__dict__.setdefault("_searchkit_filters", {})
    key = (term.fieldname, term.text)
    if key not in cache:
        cache[key] = set(searcher.docs_for_query(term))
    return cache[key]


def _distinct(
    ranked: Iterable[tuple[float, dict[str, Any]]],
) -> Iterator[tuple[float, dict[str, Any]]]:
    """Drop a hit that repeats a better one word for word: the same block of the
    same document (by symbol, else title) in another copy of the file. Hits are
    (score, :func:`~searchkit.stored.block_fields`) pairs, read as needed."""
    seen: set[tuple[Any, ...]] = set()
    for score, hit in ranked:
        doc = hit.get("symbol") or hit.get("title") or hit.get("source")
        key = (doc, hit.get("lang"), hit.get("kind"), hit.get("number"), hit.get("text"))
        if key not in seen:
            seen.add(key)
            yield score, hit


def _kind_factor(hit: dict[str, Any]) -> float:
    return _factor(hit.get("kind", DEFAULT_KIND), hit.get("number"))


def _kind_factors(searcher: Any, blocks: list[int]) -> list[float]:
    """:func:`_kind_factor` of each block, from the indexed ``kind`` and
    ``number`` (no stored fields read)."""
    from . import scoring

    engine = scoring.engine(searcher)
    kind_codes, kinds = engine.values("kind")
    number_codes, numbers = engine.values("number")
    out = []
    for block in blocks:
        kind, number = kind_codes[block], number_codes[block]
        out.append(
            _factor(
                kinds[kind] if kind >= 0 else DEFAULT_KIND, numbers[number] if number >= 0 else ""
            )
        )
    return out


def _factor(kind: str, number: str | None) -> float:
    if kind in KIND_FACTORS:
        return KIND_FACTORS[kind]
    if kind in ("paragraph", "subparagraph", "article") and number:
        return NUMBERED_FACTOR
    return 1.0


def _known(reader: Any, word: Any) -> bool:
    """Does the index hold any reading or the surface form of ``word``?"""
    return any(
        reader.doc_frequency(f, lem) for lem in word.lemmas for f in ("content", "heading_t")
    ) or bool(reader.doc_frequency("content", SURFACE_MARK + word.norm))


def _layout_switch(reader: Any, query: str, parsed: ParsedQuery) -> str | None:
    """``query`` re-typed in the Russian layout, when its Latin words are unknown
    to the index and their Russian reading is known; else ``None``."""
    spans = latin_layout_words(query)
    if not spans or not parsed.words:
        return None
    if any(_known(reader, w) for w in parsed.words):
        return None
    out, pos = [], 0
    for start, end, word in spans:
        out += [query[pos:start], from_latin_layout(word)]
        pos = end
    switched = "".join([*out, query[pos:]])
    try:
        candidate = parse(switched, reader)
    except QueryError:  # the switched text may not parse (a stray quote from ' or ")
        return None
    if candidate.words and all(_known(reader, w) for w in candidate.words):
        return switched
    return None


def _closest_form(reader: Any, word: str, maxdist: int = 2) -> str | None:
    """The word form in the index closest to ``word`` (fewest edits, then most
    frequent), from the surface forms the ``content`` field holds."""
    mark = SURFACE_MARK
    best: tuple[int, int, str] | None = None
    for dist in range(1, maxdist + 1):
        for term in reader.terms_within("content", mark + word, dist, prefix=len(mark) + 1):
            if not term.startswith(mark):
                continue
            key = (dist, -reader.doc_frequency("content", term), term[len(mark) :])
            best = key if best is None or key < best else best
        if best is not None:
            return best[2]
    return None


def _suggest(searcher: Any, query: str, parsed: ParsedQuery) -> str | None:
    """The query with each word the index does not know replaced by the
    closest word form the index holds (``None`` when every word is known)."""
    reader = searcher.reader()
    changed, out, pos = False, [], 0
    for word in parsed.words:
        if _known(reader, word) or len(word.norm) < 4 or word.parts:
            continue
        found = _closest_form(reader, word.norm)
        if found is None:
            continue
        out += [query[pos : word.start], found]
        pos, changed = word.end, True
    return "".join([*out, query[pos:]]) if changed else None


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
) -> SearchResult:
    """Search the index at ``index_dir``; a list-like :class:`SearchResult` of hits.

    See :func:`run` for the keyword options.
    """
    from whoosh.scoring import BM25F

    ix = open_index(index_dir)
    with ix.searcher(weighting=BM25F()) as searcher:
        return run(
            searcher,
            query,
            limit,
            offset=offset,
            lang=lang,
            per_document=per_document,
            facets=facets,
            snippet_format=snippet_format,
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
