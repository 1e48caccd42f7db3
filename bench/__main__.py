"""``python -m bench [--sizes 10,50] [--engines ...]``: index and query benchmarks.

Builds a scaled corpus per size from ../shared/corpus, indexes it with searchkit
and each peer (one process per job, for honest wall time and peak RSS), runs the
query mix against each, reindexes after 1% of files changed, times a cold CLI
search, prints tables and writes ``bench/results/<date>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import corpus as gen
from . import engines, report
from .queries import make_queries

ROOT = Path(__file__).resolve().parent.parent
NOTE = (
    "Scaled corpora repeat the real documents of ../shared/corpus under distinct symbols "
    "(…/R2, …/R3): the vocabulary is real but repeated, so term dictionaries grow more slowly "
    "than in a real archive of that size."
)


def job(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one bench job in a fresh Python process; return its JSON report."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.job", json.dumps(spec)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"{spec['op']} {spec['engine']} failed: {tail}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


#: What a cold search cannot avoid: Python importing whoosh, numpy and
#: pymorphy3 and loading the Russian dictionary.
IMPORTS = "import whoosh.index, numpy, pymorphy3; pymorphy3.MorphAnalyzer(lang='ru')"


def cold_start(index_dir: Path, query: str, runs: int = 5) -> dict[str, Any]:
    """Median wall time of ``searchkit search QUERY -n 1`` in a new process,
    beside bare Python and Python importing what a search needs (:data:`IMPORTS`)."""
    cli = [sys.executable, "-m", "searchkit", "search", query, "--index", str(index_dir), "-n", "1"]
    # As installed: Python may write bytecode (an installed package has it;
    # PYTHONDONTWRITEBYTECODE would make every run compile searchkit's modules
    # again), and one untimed run writes it.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(cli, capture_output=True, check=False, env=env)
    times, bare, imports = [], [], []
    for _ in range(runs):
        t = time.perf_counter()
        proc = subprocess.run(cli, capture_output=True, text=True, check=False, env=env)
        times.append(time.perf_counter() - t)
        if proc.returncode != 0:
            raise RuntimeError(f"cold start search failed: {proc.stderr.strip()[-200:]}")
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, env=env)
        bare.append(time.perf_counter() - t)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", IMPORTS], check=True, env=env)
        imports.append(time.perf_counter() - t)
    return {
        "runs": runs,
        "median_s": round(report.median(times), 3),
        "python_s": round(report.median(bare), 3),
        "imports_s": round(report.median(imports), 3),
        "query": query,
    }


#: Throughput: client threads sharing one open index, and server processes.
THREADS, PROCESSES = 4, 2

#: ``--sizes real``: the real corpus as it is (no copies: real vocabulary, cold caches).
REAL = "real"


def run_size(
    mb: float | str, args: argparse.Namespace, docs: list[gen.SourceDoc], qs: list, warmup: list
) -> dict:
    work = Path(args.workdir)
    if mb == REAL:
        label = tag = REAL
        corpus_dir = work / "corpus-real"
        shutil.rmtree(corpus_dir, ignore_errors=True)
        shutil.copytree(args.shared, corpus_dir)  # a copy: the reindex step changes files
        info = gen.corpus_info(corpus_dir)
    else:
        label, tag = f"{mb:g} MB", f"{mb:g}"
        corpus_dir = work / f"corpus-{tag}"
        shutil.rmtree(corpus_dir, ignore_errors=True)
        info = gen.write_corpus(docs, float(mb), corpus_dir)
    raw = info["bytes"]
    size: dict[str, Any] = {"label": label, "corpus": info, "index": {}, "queries": {}}
    for name in args.engines:
        why = engines.available(name)
        if why:
            size["index"][name] = size["queries"][name] = {"skipped": why}
            print(f"[{label}] {name}: skipped ({why})", file=sys.stderr)
            continue
        out = engines.index_path(work, name, tag)
        shutil.rmtree(out, ignore_errors=True) if out.is_dir() else out.unlink(missing_ok=True)
        print(f"[{label}] indexing with {name}…", file=sys.stderr, flush=True)
        built = job({"op": "build", "engine": name, "corpus": str(corpus_dir), "out": str(out)})
        size["index"][name] = report.indexing_summary(built, raw)
        info.setdefault("blocks", built["blocks"])
        if built["blocks"] != info["blocks"]:
            size["index"][name]["warning"] = (
                f"indexed {built['blocks']} blocks, not {info['blocks']}"
            )
        if name == "searchkit-serial":
            continue  # the indexing baseline; queries are the same index as searchkit's
        print(f"[{label}] querying {name}…", file=sys.stderr, flush=True)
        answered = job(
            {
                "op": "query",
                "engine": name,
                "out": str(out),
                "queries": [q.to_dict() for q in qs],
                "warmup": [q.to_dict() for q in warmup],
            }
        )
        size["queries"][name] = report.latency_summary(answered["timings"]) | {
            "open_seconds": answered["open_seconds"],
            "rss_mb": answered["rss_mb"],
        }
        if name.startswith("searchkit"):
            print(f"[{label}] throughput of {name}…", file=sys.stderr, flush=True)
            spent = sum(t[1] for t in answered["timings"]) / 1000
            size.setdefault("throughput", {})[name] = {
                "one_thread_qps": round(len(answered["timings"]) / spent, 1)
            } | job(
                {
                    "op": "throughput",
                    "engine": name,
                    "out": str(out),
                    "queries": [q.to_dict() for q in qs],
                    "warmup": [q.to_dict() for q in warmup],
                    "threads": THREADS,
                    "processes": PROCESSES,
                }
            )
    if "searchkit" in args.engines:
        out = engines.index_path(work, "searchkit", tag)
        size["cold_start"] = cold_start(out, qs[len(qs) // 3].text)
        changed = gen.touch_percent(corpus_dir, 1.0)
        print(f"[{label}] reindexing after {len(changed)} files changed…", file=sys.stderr)
        size["reindex"] = job(
            {"op": "reindex", "engine": "searchkit", "corpus": str(corpus_dir), "out": str(out)}
        )
    if not args.keep:
        for path in work.glob(f"*-{tag}*"):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()
    return size


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument(
        "--sizes",
        default="10,50",
        help="corpus sizes in MB, e.g. 10,50,200; 'real' for the real corpus as it is",
    )
    ap.add_argument(
        "--engines",
        default=",".join(engines.ENGINES),
        help=f"comma-separated subset of {','.join(engines.ENGINES)}",
    )
    ap.add_argument(
        "--shared",
        default=str(ROOT.parent / "shared" / "corpus"),
        help="the real corpus (default ../shared/corpus)",
    )
    ap.add_argument("--workdir", default=None, help="where corpora and indexes go (a temp dir)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results"), help="results folder")
    ap.add_argument("--seed", type=int, default=2026, help="seed of the query mix")
    ap.add_argument("--keep", action="store_true", help="keep corpora and indexes")
    args = ap.parse_args(argv)
    args.engines = [e for e in args.engines.split(",") if e]
    unknown = set(args.engines) - set(engines.ENGINES)
    if unknown:
        ap.error(f"unknown engines: {', '.join(sorted(unknown))}")
    sizes: list[float | str] = [s if s == REAL else float(s) for s in args.sizes.split(",") if s]
    shared = Path(args.shared)
    if not shared.is_dir():
        ap.error(f"no corpus at {args.shared} (the real UN documents, ../shared/corpus)")
    tmp = None
    if args.workdir is None:
        tmp = tempfile.mkdtemp(prefix="searchkit-bench-")
        args.workdir = tmp
    docs = gen.source_documents(shared)
    qs = make_queries(docs, args.seed)
    warmup = make_queries(docs, args.seed + 1)  # same kinds, other words
    results: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": report.machine(),
        "note": NOTE,
        "source": {"documents": len(docs), "paragraphs": sum(len(d.paragraphs) for d in docs)},
        "queries": {
            "n": len(qs),
            "seed": args.seed,
            "kinds": {
                k: sum(1 for q in qs if q.kind == k) for k in dict.fromkeys(q.kind for q in qs)
            },
        },
        "sizes": [],
    }
    print(f"# searchkit bench — {results['when']}\n{NOTE}")
    m = results["machine"]
    print(
        f"machine: {m['nproc']} CPUs, {m['cpu']}, Python {m['python']}, {m['system']}; "
        f"load average at start {m['load_at_start']}"
    )
    print(f"query mix: {len(qs)} queries (seed {args.seed}): {results['queries']['kinds']}")
    try:
        for mb in sizes:
            size = run_size(mb, args, docs, qs, warmup)
            size["load_after"] = report.load()
            results["sizes"].append(size)
            print(report.tables(size), flush=True)
    finally:
        if tmp and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwritten: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
