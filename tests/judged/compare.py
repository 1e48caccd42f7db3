"""Three-way relevance comparison on the judged development set.

Builds, over the same blocks, (1) searchkit's index, (2) an index analysed with
whoosh's stock Snowball Russian analyzer (``LanguageAnalyzer("ru")``: stop
words dropped, words stemmed) and (3) one without morphology (whoosh's
``SimpleAnalyzer``: words lower-cased), plus searchkit indexing only the most
probable lemma of each word; runs every judged query against each and prints
nDCG@10, MRR@10 and Recall@10.

    python -m tests.judged.compare ../shared/corpus [tests/judged/dev.jsonl]

The baselines are queried through whoosh's own ``MultifieldParser`` over the
block text and its heading (all words required, any word when nothing has
them all), ranked with BM25F — a stock whoosh setup.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from searchkit import analysis, index_corpus
from searchkit.eval import EvalReport, evaluate, evaluate_index, load_judgements

DEV = Path(__file__).with_name("dev.jsonl")


@dataclass
class BaselineHit:
    symbol: str | None
    paragraph: str | None
    source: str
    text: str
    kind: str


def stored_blocks(index_dir: Path) -> list[dict[str, Any]]:
    from searchkit.index.snapshot import open_snapshot

    with open_snapshot(index_dir) as snap:
        return [
            {
                "text": b.text,
                "heading": b.heading,
                "symbol": b.document.symbol,
                "number": b.number,
                "source": b.document.source,
                "kind": b.kind,
            }
            for b in snap.stored.all_blocks()
        ]


def build_baseline(blocks: list[dict[str, Any]], analyzer: Any, path: Path) -> Any:
    from whoosh import fields, index

    schema = fields.Schema(
        content=fields.TEXT(analyzer=analyzer),
        heading_t=fields.TEXT(analyzer=analyzer, field_boost=1.5),
        symbol=fields.STORED(),
        number=fields.STORED(),
        source=fields.STORED(),
        text=fields.STORED(),
        kind=fields.STORED(),
    )
    path.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(path), schema)
    with ix.writer(procs=1, limitmb=128) as w:
        for b in blocks:
            w.add_document(
                content=b.get("text") or "",
                heading_t=b.get("heading") or "",
                symbol=b.get("symbol"),
                number=b.get("number"),
                source=b.get("source", ""),
                text=b.get("text") or "",
                kind=b.get("kind", "paragraph"),
            )
    return ix


def baseline_runner(ix: Any) -> Any:
    from whoosh.qparser import MultifieldParser, OrGroup
    from whoosh.scoring import BM25F

    searcher = ix.searcher(weighting=BM25F())
    strict = MultifieldParser(["content", "heading_t"], ix.schema)
    loose = MultifieldParser(["content", "heading_t"], ix.schema, group=OrGroup)

    def run(query: str, k: int) -> list[BaselineHit]:
        found = searcher.search(strict.parse(query), limit=k)
        if found.is_empty():
            found = searcher.search(loose.parse(query), limit=k)
        return [
            BaselineHit(
                h.get("symbol") or None, h.get("number") or None, h["source"], h["text"], h["kind"]
            )
            for h in found
        ]

    return run


def compare(corpus: Path, judgements: Path = DEV) -> dict[str, EvalReport]:
    from whoosh.analysis import LanguageAnalyzer, SimpleAnalyzer

    judged = load_judgements(judgements)
    reports: dict[str, EvalReport] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        index_corpus(corpus, root / "searchkit")
        reports["searchkit (all lemmas)"] = evaluate_index(root / "searchkit", judged)
        saved = analysis.MAX_LEMMAS
        try:
            analysis.MAX_LEMMAS = 1
            analysis.lemmas.cache_clear()
            index_corpus(corpus, root / "one-lemma")
            reports["searchkit (best lemma only)"] = evaluate_index(root / "one-lemma", judged)
        finally:
            analysis.MAX_LEMMAS = saved
            analysis.lemmas.cache_clear()
        blocks = stored_blocks(root / "searchkit")
        for name, analyzer in (
            ("whoosh Snowball ru", LanguageAnalyzer("ru")),
            ("no morphology", SimpleAnalyzer()),
        ):
            ix = build_baseline(blocks, analyzer, root / name.replace(" ", "-"))
            reports[name] = evaluate(baseline_runner(ix), judged)
    return reports


def table(reports: dict[str, EvalReport]) -> str:
    rows = ["| engine | nDCG@10 | MRR@10 | Recall@10 |", "|---|---|---|---|"]
    for name, r in reports.items():
        rows.append(f"| {name} | {r.ndcg:.3f} | {r.mrr:.3f} | {r.recall:.3f} |")
    return "\n".join(rows)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "-v"]
    corpus = Path(args[0]) if args else Path("../shared/corpus")
    dev = Path(args[1]) if len(args) > 1 else DEV
    results = compare(corpus, dev)
    if "-v" in sys.argv:
        for name, report in results.items():
            print(f"## {name}\n{report.table()}\n")
    print(f"{len(load_judgements(dev))} judged queries\n")
    print(table(results))
