"""The query tools: ``explain``, ``abbreviations``, ``eval``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..errors import SearchkitError
from .common import IndexOpt, app, fail, index_path


@app.command("explain")
def explain_cmd(
    query: Annotated[str, typer.Argument(help="A query, as you would give it to search.")],
    index: IndexOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show how a query is understood: tokens, folded letters, every lemma
    reading, the parsed tree, filters and the plan that runs. With an index
    (--index, or the default one when it exists), also the prefix forms,
    derivational relatives and abbreviations the index knows."""
    from ..retrieval import explain

    index_dir = index_path(index)
    try:  # without --index, the default index only when there is one
        has_index = index is not None or (index_dir / "searchkit.json").is_file()
        result = explain(query, index_dir if has_index else None)
    except SearchkitError as exc:
        fail(exc)
    if json_out:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(result.text())


@app.command("abbreviations")
def abbreviations_cmd(
    index: IndexOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """The abbreviations the indexed text defines ("Full Name (ABBR)"), with
    their full names: a query in either form also finds the other."""
    from ..retrieval.stats import abbreviations

    try:
        found = abbreviations(index_path(index))
    except SearchkitError as exc:
        fail(exc)
    if json_out:
        typer.echo(json.dumps([a.to_dict() for a in found], ensure_ascii=False, indent=2))
        return
    for a in found:
        typer.echo(f"{a.abbreviation:<12} {' | '.join(a.names)}  ({a.blocks})")


@app.command("eval")
def eval_cmd(
    judgements: Annotated[Path, typer.Argument(help="Judged queries, JSON Lines (see README).")],
    index: IndexOpt = None,
    k: Annotated[int, typer.Option("--k", min=1, help="Cut-off rank.")] = 10,
    json_out: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Score the index on judged queries: nDCG@k, MRR@k, Recall@k, P@5, overall and per query."""
    from ..eval import evaluate_index, load_judgements

    try:
        report = evaluate_index(index_path(index), load_judgements(judgements), k)
    except SearchkitError as exc:
        fail(exc)
    if json_out:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(report.table())
