"""The ASGI application: routes, errors as JSON (or a page), security headers.

:func:`create_app` builds it over one index folder (or a remote index
descriptor). Read-only: nothing here writes the index. Only GET and HEAD
are served (405 otherwise); CORS is off unless origins are given.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import api, pages
from .service import THREADS, TIME_BUDGET, ApiError, Service

log = logging.getLogger("searchkit.web")

#: Headers on every answer: no framing, no sniffing, scripts and styles from here only.
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]

#: The environment variable a worker process reads its settings from (``--workers N``).
ENVIRONMENT = "SEARCHKIT_SERVE"


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every HTTP answer (a plain ASGI layer)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, sending)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    if _is_api(request):
        return api.error_response(exc)
    return pages.error_page(exc, request.query_params.get("q", ""))


_HTTP_CODES = {404: "no_such_route", 405: "method_not_allowed"}


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (no such route, a method other than GET/HEAD) in our shape."""
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    if status == 405:
        message = f"{request.method} is not served: only GET and HEAD"
    elif status == 404:
        message = f"nothing at {request.url.path[:200]}"
    else:
        message = str(exc.detail)
    error = ApiError(status, _HTTP_CODES.get(status, "http_error"), message)
    headers = {"allow": "GET, HEAD"} if status == 405 else None
    if _is_api(request) or status == 405:
        return api.error_response(error, headers)
    return pages.error_page(error)


async def _internal(request: Request, exc: Exception) -> Response:
    """A bug: logged whole on the server; the client learns nothing of its insides."""
    log.error("internal error on %s", request.url.path, exc_info=exc)
    error = ApiError(500, "internal", "internal error in searchkit (logged on the server)")
    if _is_api(request):
        return api.error_response(error)
    return pages.error_page(error)


def create_app(
    index_dir: Path | str,
    *,
    time_budget: float = TIME_BUDGET,
    threads: int = THREADS,
    cors_origins: Sequence[str] = (),
) -> Starlette:
    """The server's app over the index at ``index_dir``."""
    service = Service(index_dir, time_budget=time_budget, threads=threads)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        service.close()

    get = ["GET"]  # a GET route answers HEAD too
    routes = [
        Route("/", pages.home, methods=get),
        Route("/search", pages.results, methods=get),
        Route("/show", pages.passage, methods=get),
        Route("/api/search", api.search, methods=get),
        Route("/api/show", api.show, methods=get),
        Route("/api/explain", api.explain, methods=get),
        Route("/api/stats", api.stats, methods=get),
        Route("/healthz", api.health, methods=get),
        Mount("/static", StaticFiles(directory=pages.HERE / "static"), name="static"),
    ]
    middleware = [Middleware(SecurityHeaders)]
    if cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(cors_origins),
                allow_methods=["GET", "HEAD"],
                allow_headers=[],
            )
        )
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            Exception: _internal,
        },
        lifespan=lifespan,
    )
    app.state.service = service
    return app


def settings_to_environment(settings: dict[str, Any]) -> None:
    """Hand :func:`create_app`'s settings to worker processes (``--workers N``)."""
    os.environ[ENVIRONMENT] = json.dumps(settings)


def app_from_environment() -> Starlette:
    """The app of a worker process, from :data:`ENVIRONMENT` (uvicorn's factory)."""
    settings = json.loads(os.environ[ENVIRONMENT])
    return create_app(
        settings["index_dir"],
        time_budget=settings["time_budget"],
        threads=settings["threads"],
        cors_origins=settings["cors_origins"],
    )
