"""``searchkit serve``: the web page and the JSON API (:mod:`searchkit.web`)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import SearchkitError
from .common import IndexOpt, app, fail, index_path


@app.command("serve")
def serve_cmd(
    index: IndexOpt = None,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to listen on [default 127.0.0.1: this machine only]."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="TCP port.")] = 8080,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Server processes [default 1].")
    ] = 1,
    threads: Annotated[
        int | None,
        typer.Option(
            "--threads",
            min=1,
            help="Queries answered at once per process, each on a warm index [default 4].",
        ),
    ] = None,
    time_budget: Annotated[
        float | None,
        typer.Option(
            "--time-budget",
            min=0.001,
            metavar="SECONDS",
            help="A query still running after this answers 503 'timeout' [default 10].",
        ),
    ] = None,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option(
            "--cors-origin",
            metavar="URL",
            help="Let pages of this origin call the API from a browser (repeatable; default none).",
        ),
    ] = None,
    access_log: Annotated[
        bool, typer.Option("--access-log", help="Log every request on stdout.")
    ] = False,
) -> None:
    """Serve the search page and the JSON API over HTTP (read-only; SIGTERM or Ctrl-C stops it).

    \b
      /                      the search page (Russian interface)
      /search?q=…            results; the URL is the permalink
      /show?citation=…       a paragraph in its context
      /api/search?q=…        JSON: limit, offset, lang, parallel, facets=1, all=1, group=document
      /api/show?citation=…   JSON: context, lang, parallel (or doc=…&para=…)
      /api/explain?q=…       JSON: how the query is read (as 'searchkit explain --json')
      /api/stats, /healthz   what the index holds; 200 with its generation, 503 when unreadable
    It never writes the index: reindex as usual (cron), the server follows.
    """
    from ..web.serve import serve

    try:
        code = serve(
            index_path(index),
            host,
            port,
            workers=workers,
            threads=threads,
            time_budget=time_budget,
            cors_origins=cors_origin or (),
            access_log=access_log,
        )
    except SearchkitError as exc:
        fail(exc)
    raise typer.Exit(code)
