"""The JSON API: ``/api/search``, ``/api/show``, ``/api/explain``, ``/api/stats``, ``/healthz``.

Each answer is what the library returns, as ``searchkit search --json`` and
``show --json`` print it: a hit has the fields of :meth:`searchkit.Hit.to_dict`
(and ``parallel`` when asked). Errors are ``{"error": {"code", "message"}}``
with the status of :class:`~.service.ApiError`.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from .service import ApiError, Service, context_param, lang_param, query_param, search_params


class Json(JSONResponse):
    """UTF-8 JSON with the Cyrillic as it is (not ``\\u`` escapes)."""

    def render(self, content: Any) -> bytes:
        import json

        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def error_response(error: ApiError, headers: dict[str, str] | None = None) -> Json:
    return Json(error.to_dict(), status_code=error.status, headers=headers)


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def hit_dict(hit: Any, parallel: Any = None) -> dict[str, Any]:
    data: dict[str, Any] = hit.to_dict()
    if parallel is not None:
        data["parallel"] = {lang: block.text for lang, block in parallel.items()}
    return data


async def search(request: Request) -> Json:
    params = search_params(request.query_params)
    service = _service(request)
    start = time.perf_counter()
    result, side = await service.call(lambda: service.search(params))
    took = (time.perf_counter() - start) * 1000
    hits = []
    for i, hit in enumerate(result.hits):
        beside = ({params.parallel: side[i]} if i in side else {}) if params.parallel else None
        hits.append(hit_dict(hit, beside))
    body: dict[str, Any] = {
        "query": params.q,
        "total": result.total,
        "estimated": result.estimated,
        "offset": params.offset,
        "limit": params.limit,
        "hits": hits,
        "facets": result.facets,
        "folded": result.folded,
        "notes": result.notes,
        "suggestion": result.suggestion,
        "suggestion_applied": result.suggestion_applied,
        "unknown_abbreviations": [
            {"abbreviation": u.abbreviation, "names": u.names, "similar": u.similar}
            for u in result.unknown_abbreviations
        ],
        "partial": bool(result.unavailable),
        "took_ms": round(took, 1),
    }
    return Json(body)


async def show(request: Request) -> Json:
    args = request.query_params
    citation, doc, para = args.get("citation"), args.get("doc"), args.get("para")
    if citation:
        document, paragraph = citation, None
    elif doc and para:
        document, paragraph = doc, para
    else:
        raise ApiError(400, "missing_parameter", "give ?citation=… or ?doc=…&para=…")
    context = context_param(args)
    lang, parallel = lang_param(args, "lang"), lang_param(args, "parallel")
    service = _service(request)
    passage = await service.call(lambda: service.show(document, paragraph, context, lang, parallel))
    return Json(passage.to_dict())


async def explain(request: Request) -> Json:
    """How the query is read, as ``searchkit explain --json`` prints it."""
    q = query_param(request.query_params)
    service = _service(request)
    return Json(await service.call(lambda: service.explain(q)))


async def stats(request: Request) -> Json:
    service = _service(request)
    return Json(await service.call(service.stats))


async def health(request: Request) -> Json:
    service = _service(request)
    try:
        return Json(await service.call(service.health))
    except ApiError as exc:
        return Json({"status": "unavailable", "error": exc.to_dict()["error"]}, status_code=503)
