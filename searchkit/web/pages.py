"""The page: ``/`` a search box, ``/search?q=…`` the hits (the URL is the
permalink: every option is in the query string), ``/show?citation=…`` a
paragraph in its context with the previous and next ones.

Russian interface text; no JavaScript needed (a small script only adds the
copy buttons). Every value is escaped by Jinja2's autoescape; the snippets
come from the library's ``html`` format, which escapes the text itself and
adds only ``<mark>``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from .service import (
    MAX_DEPTH,
    ApiError,
    SearchParams,
    Service,
    context_param,
    lang_param,
    query_param,
    search_params,
)

HERE = Path(__file__).resolve().parent

#: The language versions the UN publishes, as the page names them.
LANGUAGES = {
    "ru": "русский",
    "en": "английский",
    "fr": "французский",
    "es": "испанский",
    "zh": "китайский",
    "ar": "арабский",
}
#: Queries the start page and the nothing-found page offer (each finds a
#: cited paragraph of the bundled corpus).
EXAMPLES = (
    "права мигрантов",
    "торговля людьми",
    "право на самооборону",
    "несопровождаемые дети",
    "A/HRC/WG.6/34/ITA/3 пункт 36",
)
#: Facet names on the page.
FACETS = {"body": "Орган", "year": "Год", "lang": "Язык"}

ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def _plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural: 1 фрагмент, 2 фрагмента, 5 фрагментов."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


ENV.filters["plural"] = _plural
ENV.globals.update(LANGUAGES=LANGUAGES, EXAMPLES=EXAMPLES, urlencode=urlencode)


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(ENV.get_template(name).render(**context), status_code=status)


def error_page(error: ApiError, q: str = "") -> HTMLResponse:
    return render("error.html", error.status, error=error, q=q[:200], params=None)


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def home(request: Request) -> HTMLResponse:
    return render("index.html", params=None, home=True)


def _hit_link(hit: Any, parallel: str | None) -> str:
    """Where a hit's "в контексте" goes: its citation when the block is numbered
    (the citation names it; with the hit's language, since every language
    version carries the same symbol), else the file and the block's position."""
    args = (
        {"citation": hit.citation}
        if hit.paragraph
        else {"doc": hit.source, "para": f"#{hit.ordinal}"}
    )
    if hit.paragraph and hit.language:
        args["lang"] = hit.language
    if parallel:
        args["parallel"] = parallel
    return "/show?" + urlencode(args)


def _facet_links(p: SearchParams, facets: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """Each facet's values as links that narrow the search: a language by
    ``lang=``, a body or year by a filter added to the query."""
    out = []
    for name, counts in facets.items():
        values = []
        for key, count in list(counts.items())[:12]:
            if key == "(none)":
                continue
            if name == "lang":
                args = p.query_string(lang=key, offset=0)
                active = p.lang == key
            else:
                token = f"{name}:{key}"
                active = token in p.q.split()
                args = p.query_string(q=p.q if active else f"{p.q} {token}", offset=0)
            values.append(
                {"key": key, "count": count, "href": "/search?" + urlencode(args), "active": active}
            )
        if values:
            out.append({"name": FACETS.get(name, name), "values": values})
    return out


def _pages(p: SearchParams, total: int) -> list[dict[str, Any]]:
    """Links to nearby pages of hits (the page depth limit kept)."""
    last = min(total, MAX_DEPTH) - 1
    if last < p.limit:
        return []
    current = p.offset // p.limit
    count = last // p.limit + 1
    shown = sorted({0, count - 1, *range(max(0, current - 2), min(count, current + 3))})
    return [
        {
            "number": n + 1,
            "href": "/search?" + urlencode(p.query_string(offset=n * p.limit)),
            "current": n == current,
        }
        for n in shown
    ]


async def results(request: Request) -> HTMLResponse | RedirectResponse:
    args = request.query_params
    if not args.get("q", "").strip():
        return render("index.html", params=None, home=True)
    try:
        p = search_params(args, snippets="html")
    except ApiError as exc:
        return error_page(exc, args.get("q", ""))
    p = replace(p, snippets="html", facets=False)  # the links carry no facets=1
    if any(value == "" for _, value in args.multi_items()):  # the form sends empty fields
        return RedirectResponse("/search?" + urlencode(p.query_string()), status_code=303)
    asked = replace(p, facets=True)  # the page always shows them
    service = _service(request)
    try:
        result, side = await service.call(lambda: service.search(asked))
    except ApiError as exc:
        return error_page(exc, p.q)
    hits = [
        {
            "hit": hit,
            "snippet": Markup(hit.snippet),  # escaped by the library's html format
            "href": _hit_link(hit, p.parallel),
            "parallel": side.get(i),
            "partial_start": not hit.complete and (i == 0 or result.hits[i - 1].complete),
        }
        for i, hit in enumerate(result.hits)
    ]
    prev_href = next_href = None
    if p.offset > 0:
        prev_href = "/search?" + urlencode(p.query_string(offset=max(0, p.offset - p.limit)))
    if p.offset + p.limit < min(result.total, MAX_DEPTH) and len(result.hits) == p.limit:
        next_href = "/search?" + urlencode(p.query_string(offset=p.offset + p.limit))
    suggestion_href = None
    if result.suggestion:
        suggestion_href = "/search?" + urlencode(p.query_string(q=result.suggestion, offset=0))
    unknown = [
        {
            "abbreviation": u.abbreviation,
            "name": u.names[0] if u.names else None,
            "similar": [
                (
                    a,
                    name,
                    "/search?"
                    + urlencode(p.query_string(q=p.q.replace(u.abbreviation, a), offset=0)),
                )
                for a, name in u.similar
            ],
        }
        for u in result.unknown_abbreviations
    ]
    return render(
        "search.html",
        params=p,
        unknown=unknown,
        result=result,
        hits=hits,
        facets=_facet_links(p, result.facets),
        pages=_pages(p, result.total),
        prev_href=prev_href,
        next_href=next_href,
        suggestion_href=suggestion_href,
        without_filters=_without_filters(p),
    )


def _without_filters(p: SearchParams) -> str | None:
    """The same search without its language and ``field:value`` filters, if it has any."""
    words = [w for w in p.q.split() if ":" not in w or w.startswith("http")]
    if p.lang is None and len(words) == len(p.q.split()):
        return None
    if not words:
        return None
    return "/search?" + urlencode(p.query_string(q=" ".join(words), lang=None, offset=0))


async def passage(request: Request) -> HTMLResponse:
    args = request.query_params
    citation, doc, para = args.get("citation", ""), args.get("doc", ""), args.get("para", "")
    try:
        if citation:
            query_param(args, "citation")
            document, paragraph = citation, None
        elif doc and para:
            document, paragraph = doc, para
        else:
            raise ApiError(400, "missing_parameter", "укажите ссылку: ?citation=…")
        context = context_param(args, default=2)
        lang, parallel = lang_param(args, "lang"), lang_param(args, "parallel")
    except ApiError as exc:
        return error_page(exc)
    service = _service(request)
    try:
        found = await service.call(
            lambda: service.show(document, paragraph, max(context, 1), lang, parallel)
        )
    except ApiError as exc:
        return error_page(exc)
    source = found.document.source

    def link(block: Any, **extra: str) -> str:
        args = {"doc": source, "para": f"#{block.ordinal}"}
        if parallel:
            args["parallel"] = parallel
        args.update(extra)
        return "/show?" + urlencode(args)

    before = found.before[-context:] if context else ()
    after = found.after[:context]
    languages = [code for code in LANGUAGES if code != found.document.language]
    here = {"doc": source, "para": f"#{found.block.ordinal}"}
    return render(
        "show.html",
        params=None,
        passage=found,
        before=[(b, link(b)) for b in before],
        after=[(b, link(b)) for b in after],
        previous=link(found.before[-1]) if found.before else None,
        following=link(found.after[0]) if found.after else None,
        parallel=parallel,
        beside=found.parallel.get(parallel) if parallel else None,
        switch=[
            (code, "/show?" + urlencode({**here, "parallel": code}), code == parallel)
            for code in languages
        ],
        without_parallel="/show?" + urlencode(here),
    )
