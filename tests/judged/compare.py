"""searchkit against its baselines, and its own parts one at a time, on both
judged sets, in one run over the same blocks.

    python -m tests.judged.compare ../shared/corpus [--json FILE] [--per-query]

Systems (every one searches the blocks searchkit's readers produce):

* ``searchkit``             as this version ships it
* ``searchkit any word``    the query's words joined with ``OR``
* ``whoosh Snowball OR``    whoosh 2.7.4, its stock ``LanguageAnalyzer("ru")``
                            (Snowball stemmer, stop words), ``OrGroup``, BM25F
                            over the block text and its heading (×1.5)
* ``whoosh lemmas OR``      the same fed searchkit's most probable lemma of
                            each word (pymorphy3), the query's lemmas ``OR``'d
* ``FTS5 lemmas OR``        SQLite FTS5 ``bm25`` over the same lemmas

* ``searchkit on Xapian``   the same on the Xapian backend: one shard, and two
                            (when the Xapian bindings are installed)

and the ablations: searchkit with one of its matching features switched off
(every word required; no derivational relatives; no abbreviations; a heading
match counting as a match of the block itself; no pseudo-relevance feedback;
blocks without every word not weighed by the share of the query they cover), and
with the semantic neighbours switched on (when ``searchkit[semantic]`` is
installed; off by default). Metrics: nDCG@10,
Recall@10, P@5, MRR@10 (:mod:`searchkit.eval`).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from searchkit import Index, reindex
from searchkit.analysis import semantic
from searchkit.eval import EvalReport, Judged, evaluate, load_judgements
from searchkit.query import compile as query_compile
from searchkit.retrieval import ranking

from .pool import DEPTH, TOPICAL, PBlock, Runs, lemma_text, query_words, read_blocks

DEV = Path(__file__).with_name("dev.jsonl")
SETS = {"topical": TOPICAL, "dev": DEV}

#: searchkit with one feature off: (name, [(module, knob, value)]).
ABLATIONS: list[tuple[str, list[tuple[Any, str, Any]]]] = [
    ("searchkit: every word required", [(ranking, "MIN_SHARE", 1.0)]),
    ("searchkit: no relatives", [(query_compile, "MAX_RELATIVES", 0)]),
    ("searchkit: no abbreviations", [(query_compile, "MAX_ALTERNATIVES", 0)]),
    ("searchkit: heading counts as text", [(ranking, "HEADING_IS_TEXT", True)]),
    ("searchkit: no feedback", [(ranking, "FEEDBACK_TERMS", 0)]),
    ("searchkit: words not weighed by idf", [(ranking, "COVERAGE", 0.0)]),
]
#: searchkit with a feature that is off by default switched on (when installed).
EXTRAS: list[tuple[str, list[tuple[Any, str, Any]]]] = (
    [("searchkit + semantic neighbours", [(semantic, "MAX_NEIGHBOURS", semantic.WHEN_ON)])]
    if semantic.available()
    else []
)


@contextmanager
def patched(changes: Sequence[tuple[Any, str, Any]]) -> Iterator[None]:
    saved = [(module, name, getattr(module, name)) for module, name, _ in changes]
    try:
        for module, name, value in changes:
            setattr(module, name, value)
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)


class Systems(Runs):
    """The pool's runs, whoosh fed lemmas, and searchkit on Xapian."""

    def __init__(self, corpus: Path, blocks: list[PBlock], workdir: Path) -> None:
        super().__init__(corpus, blocks, workdir)
        self.lemma_whoosh = self._build_lemma_whoosh(workdir / "whoosh-lemmas")
        self.xapian: dict[int, Index] = {}
        if importlib.util.find_spec("xapian") is not None:
            for shards in (1, 2):
                path = workdir / f"xapian-{shards}"
                reindex(corpus, path, backend="xapian", shards=shards)
                self.xapian[shards] = Index(path)

    def close(self) -> None:
        super().close()
        for ix in self.xapian.values():
            ix.close()

    def _build_lemma_whoosh(self, path: Path) -> Any:
        from whoosh import fields, index
        from whoosh.analysis import SpaceSeparatedTokenizer

        schema = fields.Schema(
            content=fields.TEXT(analyzer=SpaceSeparatedTokenizer()),
            heading_t=fields.TEXT(analyzer=SpaceSeparatedTokenizer(), field_boost=1.5),
            bid=fields.STORED(),
        )
        path.mkdir(parents=True, exist_ok=True)
        ix = index.create_in(str(path), schema)
        with ix.writer(procs=1, limitmb=128) as w:
            for b in self.blocks:
                w.add_document(
                    content=lemma_text(b.text), heading_t=lemma_text(b.heading or ""), bid=b.bid
                )
        return ix

    def whoosh_lemmas_or(self, query: str) -> list[int]:
        from whoosh import query as q
        from whoosh.scoring import BM25F

        lemmas = dict.fromkeys(lemma_text(w) for w in query_words(query))
        terms = [q.Term(f, lem) for lem in lemmas if lem for f in ("content", "heading_t")]
        with self.lemma_whoosh.searcher(weighting=BM25F()) as s:
            return [h["bid"] for h in s.search(q.Or(terms), limit=DEPTH)]

    def runner(self, run: Callable[[str], list[int]]) -> Callable[[str, int], list[PBlock]]:
        return lambda query, k: [self.blocks[b] for b in run(query)[:k]]


def compare(corpus: Path, workdir: Path) -> dict[str, dict[str, EvalReport]]:
    """set name -> system -> its report."""
    systems = Systems(corpus, read_blocks(corpus), workdir)
    judged: dict[str, list[Judged]] = {name: load_judgements(path) for name, path in SETS.items()}
    runs: dict[str, Callable[[str], list[int]]] = {
        "searchkit": systems.searchkit,
        "searchkit any word": lambda q: systems.searchkit(" OR ".join(query_words(q))),
        "whoosh Snowball OR": systems.whoosh_or,
        "whoosh lemmas OR": systems.whoosh_lemmas_or,
        "FTS5 lemmas OR": systems.fts5_or,
    }
    for shards, ix in systems.xapian.items():
        name = f"searchkit on Xapian, {shards} shard{'s' if shards > 1 else ''}"
        runs[name] = lambda q, ix=ix: systems.searchkit(q, ix)
    out: dict[str, dict[str, EvalReport]] = {name: {} for name in SETS}
    try:
        for name, queries in judged.items():
            for system, run in runs.items():
                out[name][system] = evaluate(systems.runner(run), queries)
            for system, changes in ABLATIONS + EXTRAS:
                with patched(changes):
                    out[name][system] = evaluate(systems.runner(systems.searchkit), queries)
    finally:
        systems.close()
    return out


def table(reports: dict[str, EvalReport]) -> str:
    rows = [
        "| system | nDCG@10 | Recall@10 | P@5 | MRR@10 |",
        "|---|---|---|---|---|",
    ]
    for name, r in reports.items():
        rows.append(f"| {name} | {r.ndcg:.3f} | {r.recall:.3f} | {r.p5:.3f} | {r.mrr:.3f} |")
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.judged.compare", description=__doc__)
    ap.add_argument("corpus", type=Path, nargs="?", default=Path("../shared/corpus"))
    ap.add_argument("--json", type=Path, help="also write every report here")
    ap.add_argument("--per-query", action="store_true", help="print each query's scores")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="searchkit-compare-") as tmp:
        results = compare(args.corpus, Path(tmp))
    for name, reports in results.items():
        print(f"\n## {name} ({len(next(iter(reports.values())).scores)} queries)\n")
        print(table(reports))
        if args.per_query:
            print(f"\n{reports['searchkit'].table()}")
    if args.json:
        data = {n: {s: r.to_dict() for s, r in rs.items()} for n, rs in results.items()}
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
