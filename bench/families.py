"""``python -m bench.families [--mb 20] [--backend whoosh|xapian]``: what
document families cost a search.

Builds a scaled corpus from ../shared/corpus (as ``python -m bench`` does),
indexes it, then measures in one process: working out the families of a
fresh snapshot (once per commit), and the query mix with superseded versions
folded (the default) against ``all_versions=True`` (no folding), query by
query, which of the two runs first alternating between rounds.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from searchkit import Index, reindex
from searchkit.retrieval.families import families_of

from . import corpus as gen
from .queries import make_queries

ROOT = Path(__file__).resolve().parent.parent


def _ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
    return f"p50 {statistics.median(values) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--backend", default="whoosh")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    docs = gen.source_documents(args.shared)
    queries = make_queries(docs)
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        size = gen.write_corpus(docs, args.mb, corpus)
        report = reindex(corpus, index, backend=args.backend)
        print(f"{size['files']} files, {report.blocks} blocks ({args.backend})")
        with Index(index) as ix:
            snap = ix.snapshot
            start = time.perf_counter()
            families = families_of(snap)
            families.folded_blocks()
            built = time.perf_counter() - start
            print(
                f"families of a fresh snapshot: {built * 1000:.1f} ms "
                f"({len(families.grouped)} families of more than one, "
                f"{len(families.superseded)} superseded versions)"
            )
            for q in queries:  # warm both paths
                ix.search(q.text, lang=q.lang)
            folded: list[float] = []
            every: list[float] = []
            pair = ((False, folded), (True, every))
            for round_ in range(4):  # which runs first alternates: the second finds warm caches
                for q in queries:
                    for all_versions, times in pair if round_ % 2 else pair[::-1]:
                        start = time.perf_counter()
                        ix.search(q.text, lang=q.lang, all_versions=all_versions)
                        times.append(time.perf_counter() - start)
        print(f"folded (default): {_ms(folded)}")
        print(f"all_versions:     {_ms(every)}")
        print(f"ratio of medians: {statistics.median(folded) / statistics.median(every):.3f}")


if __name__ == "__main__":
    main()
