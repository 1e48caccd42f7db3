"""The commands that read: ``search``, ``show``, ``stats``."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ..errors import EXIT_USAGE, SearchkitError
from .common import ColorOpt, Format, GroupBy, IndexOpt, app, color_on, fail, index_path, settings
from .family import AllVersionsOpt, document_only


@app.command("search")
def search_cmd(
    query: Annotated[str, typer.Argument(help="What to look for (Russian or English).")],
    index: IndexOpt = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="Hits to show [default 10].")
    ] = None,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many hits.")] = 0,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    json_out: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    group_by: Annotated[
        GroupBy, typer.Option("--group-by", help="'document': the best 2 blocks per document.")
    ] = GroupBy.none,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Only this language (ru, en…).")
    ] = None,
    parallel: Annotated[
        str | None,
        typer.Option("--parallel", help="Also print each hit's paragraph in this language."),
    ] = None,
    facets: Annotated[
        bool, typer.Option("--facets", help="Count matching blocks by body, year, language.")
    ] = False,
    require_all: Annotated[
        bool,
        typer.Option(
            "--all", help="Only blocks with every word (default: then those with most of them)."
        ),
    ] = False,
    no_color: ColorOpt = False,
    snippets: Annotated[
        str, typer.Option("--snippets", help="Mark matches as plain [[…]] or html <mark>.")
    ] = "plain",
    partial: Annotated[
        bool,
        typer.Option(
            "--partial",
            help="A sharded index: answer from the shards that can be reached "
            "(said on stderr) instead of exiting 4 when one is down.",
        ),
    ] = False,
    all_versions: AllVersionsOpt = False,
) -> None:
    """Search the index; print one hit per block, cited as 'SYMBOL, para. N'.

    \b
    Query language (README, 'Query language'):
      ввоз мигрантов        any inflected form (ё = е): blocks with every word
                            first, then those with most of them (--all: only every)
      +ввоз мигрантов       +word: every hit has that word
      "незаконный ввоз"     phrase across inflection;  "ввоз мигрантов"~3  near
      =мигрантов            that exact form (also inside phrases)
      мигрант OR беженец    either;  -беженец / NOT беженец  exclude;  ( ) group
      мигр*                 prefix (at most 200 word forms)
      symbol:CTOC/COP/*  body:CTOC/COP  cites:A/RES/70/1  lang:ru  kind:paragraph
      year:2010..2012  year:>=2012  date:2012-01  date:>=2012-01-15
      CTOC/COP/2012/1       a bare symbol: the document and blocks citing it
      family:A/HRC/55/10    the document, its revisions, corrigenda, addenda
    A query typed in the Latin layout (vbuhfyns) is searched as Russian; unknown
    words get a did-you-mean, which is searched when nothing else matches; an
    unknown abbreviation (ПРООН) gets the similar ones the index holds instead.
    'searchkit explain QUERY' shows how a query is read.
    """
    if snippets not in ("plain", "html"):
        typer.echo("searchkit: error: --snippets is plain or html", err=True)
        raise typer.Exit(EXIT_USAGE)
    from ..retrieval import search
    from . import render

    index_dir = index_path(index)
    fmt = Format.json if json_out else fmt
    color = fmt is Format.text and color_on(no_color)
    if color and snippets == "plain":
        snippets = "color"  # the highlighter marks matches in ANSI itself
    try:
        result = search(
            index_dir,
            query,
            limit or settings().limit,
            offset=offset,
            lang=lang,
            per_document=2 if group_by is GroupBy.document else None,
            facets=facets,
            snippet_format=snippets,
            require_all=require_all,
            partial=partial,
            all_versions=all_versions,
        )
        side = {}
        if parallel:
            from ..retrieval.browse import parallels

            found = parallels(index_dir, result.hits, parallel)
            side = {i: {parallel: b} for i, b in found.items()}
    except SearchkitError as exc:
        fail(exc)
    if result.unavailable and fmt is not Format.text:  # text prints it with the other notes
        typer.echo(result.notes[0], err=True)
    if fmt is Format.json:
        typer.echo(render.hits_json(result.hits, side))
    elif fmt is Format.jsonl:
        if result.hits:
            typer.echo(render.hits_jsonl(result.hits, side))
    elif fmt is Format.csv:
        typer.echo(render.hits_csv(result.hits))
    else:
        for note in result.notes:
            typer.echo(note, err=True)
        if not result.hits:
            typer.echo(f"no results for {query!r}")
        else:
            typer.echo(render.hits_text(result.hits, color, side).rstrip("\n"))
    if facets:
        typer.echo(render.facets_text(result.facets), err=fmt is not Format.text)


@app.command("show")
def show_cmd(
    symbol: Annotated[
        str,
        typer.Argument(
            help="Document symbol, title, known short name (Устав ООН) or file; "
            "or a whole citation as search prints it."
        ),
    ],
    para: Annotated[
        str | None,
        typer.Argument(
            help="Paragraph as printed ('3', '3 (a)', '*'), '#ORDINAL' or a kind ('title')."
        ),
    ] = None,
    index: IndexOpt = None,
    context: Annotated[
        int, typer.Option("--context", "-C", min=0, help="Blocks to show before and after.")
    ] = 1,
    lang: Annotated[str | None, typer.Option("--lang", help="Which language version.")] = None,
    parallel: Annotated[
        str | None, typer.Option("--parallel", help="Also print this language's version.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the passage as JSON.")] = False,
    no_color: ColorOpt = False,
) -> None:
    """Show a paragraph in its context, with the document's masthead and its citation;
    a symbol alone: the document's masthead and its family (revisions, corrigenda…).

    \b
      searchkit show A/HRC/WG.6/34/ITA/3 5 --parallel en
      searchkit show A/HRC/WG.6/34/ITA/3
      searchkit show "Устав Организации Объединенных Наций, статья 51"
      searchkit show "Устав ООН" 51
    """
    from ..retrieval.browse import show
    from .render import passage_text

    try:
        document_only(index_path(index), symbol, para, lang, json_out)  # a symbol: its family
        passage = show(
            index_path(index),
            symbol,
            para,
            context=context,
            lang=lang,
            parallel_langs=(parallel,) if parallel else (),
        )
    except SearchkitError as exc:
        fail(exc)
    if json_out:
        typer.echo(json.dumps(passage.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(passage_text(passage, color_on(no_color)))
    if parallel and parallel not in passage.parallel:
        typer.echo(f"no {parallel} version of this paragraph in the index", err=True)


@app.command("stats")
def stats_cmd(
    index: IndexOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """What the index holds (documents, blocks, languages, size) and how the last reindex went."""
    from ..retrieval.stats import index_stats

    index_dir = index_path(index)
    try:
        stats = index_stats(index_dir)
    except SearchkitError as exc:
        fail(exc)
    if json_out:
        typer.echo(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2))
        return
    langs = ", ".join(f"{lang} {n}" for lang, n in stats.languages.items()) or "none"
    where = f"generation {stats.generation}" if stats.generation else "remote shards"
    typer.echo(f"index      {stats.path} ({where})")
    shards = f", {stats.shards} shards" if stats.shards > 1 else ""
    typer.echo(f"backend    {stats.backend}{shards}")
    typer.echo(f"files      {stats.files}")
    typer.echo(f"documents  {stats.documents}")
    typer.echo(f"blocks     {stats.blocks}")
    typer.echo(f"languages  {langs}")
    if stats.size_known:
        typer.echo(f"size       {stats.size_bytes / 1024 / 1024:.1f} MB")
    else:
        typer.echo("size       unknown here (the shard servers hold the index)")
    for name, n in stats.shard_blocks.items() if stats.shards > 1 or not stats.size_known else ():
        typer.echo(f"shard      {name}: {n} blocks")
    run = stats.last_run
    if run is None:
        typer.echo("last run   unknown (no lastrun.json)")
    else:
        counts = ", ".join(
            f"{run.get(k, 0)} {k}" for k in ("added", "updated", "deleted", "unchanged", "failed")
        )
        tail = f": {run['error']}" if run.get("error") else ""
        typer.echo(
            f"last run   {run.get('finished')} {run.get('mode')} {run.get('result')}{tail}"
            f" ({counts})"
        )
