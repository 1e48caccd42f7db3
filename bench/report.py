"""Summaries, ratios and the printed tables of a bench run."""

from __future__ import annotations

import platform
import statistics
from typing import Any

MB = 1_000_000
GROUPS = {"words": ("w1", "w2", "w3"), "phrase": ("phrase",), "prefix": ("prefix",),
          "filter": ("filter",), "symbol": ("symbol",)}  # fmt: skip


def machine() -> dict[str, Any]:
    """nproc, CPU model, Python version: no paths, no host names."""
    from .engines import cpu_count

    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        model = platform.processor()
    return {
        "nproc": cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.machine()}",
        "load_at_start": load(),
    }


def load() -> list[float]:
    """1/5/15-minute load averages: other work on the machine skews every figure."""
    import os

    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def latency_summary(timings: list[list[Any]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for group, kinds in {**GROUPS, "all": tuple(k for ks in GROUPS.values() for k in ks)}.items():
        ms = [t[1] for t in timings if t[0] in kinds]
        if ms:
            out[group] = {
                "n": len(ms),
                "p50": round(percentile(ms, 50), 2),
                "p95": round(percentile(ms, 95), 2),
                "p99": round(percentile(ms, 99), 2),
                "with_hits": sum(1 for t in timings if t[0] in kinds and t[2] > 0),
                "refused": sum(1 for t in timings if t[0] in kinds and t[2] < 0),
            }
    return out


def indexing_summary(build: dict[str, Any], raw_bytes: int) -> dict[str, Any]:
    s = build["seconds"]
    return build | {
        "mb_s": round(raw_bytes / MB / s, 3),
        "blocks_s": round(build["blocks"] / s),
        "size_ratio": round(build["index_bytes"] / raw_bytes, 2),
    }


def _ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "–"
    return f"{a / b:.2f}×"


def tables(size: dict[str, Any]) -> str:
    """The printed tables for one corpus size."""
    lines = []
    corpus = size["corpus"]
    lines.append(
        f"\n## {size['label']}: {corpus['bytes'] / MB:.1f} MB, {corpus['files']} files, "
        f"{corpus.get('blocks', '?')} blocks"
    )
    lines.append("Indexing (full build; ratio = searchkit time / engine time)")
    lines.append(
        f"{'engine':18} {'seconds':>8} {'CPU s':>7} {'MB/s':>7} {'blocks/s':>9} "
        f"{'RSS MB':>7} {'wkr MB':>7} {'index MB':>9} {'×raw':>5} {'ratio':>7}"
    )
    sk = size["index"].get("searchkit", {}).get("seconds")
    for name, r in size["index"].items():
        if "skipped" in r:
            lines.append(f"{name:18} skipped: {r['skipped']}")
            continue
        lines.append(
            f"{name:18} {r['seconds']:8.1f} {r.get('cpu_s', float('nan')):7.1f} "
            f"{r['mb_s']:7.2f} {r['blocks_s']:9d} "
            f"{r['rss_mb']:7.0f} {r['worker_rss_mb']:7.0f} "
            f"{r['index_bytes'] / MB:9.1f} {r['size_ratio']:5.2f} "
            f"{_ratio(sk, r['seconds']):>7}"
        )
    fsync = size["index"].get("searchkit", {}).get("fsync_s")
    if fsync is not None:
        build = size["index"]["searchkit"]["seconds"]
        lines.append(
            f"durability: fsync took {fsync:.2f} s of searchkit's {build:.1f} s build "
            f"({100 * fsync / build:.1f}%)"
        )
    if "reindex" in size:
        r = size["reindex"]
        lines.append(
            f"incremental reindex after {r['changed']} of {corpus['files']} files changed "
            f"(1%): {r['seconds']:.1f} s, {r['blocks']} blocks rewritten, "
            f"RSS {r['rss_mb']:.0f} MB"
            + (f", fsync {r['fsync_s']:.2f} s" if "fsync_s" in r else "")
        )
    lines.append("Queries, warm searcher, ms (p50 / p95 / p99); ratio = searchkit p95 / engine p95")
    lines.append(
        f"{'engine':18} {'words 1-3':>20} {'phrase':>18} {'prefix p95':>10} "
        f"{'filter p95':>10} {'symbol p95':>10} {'all p95':>8} {'ratio':>7}"
    )
    skq = size["queries"].get("searchkit", {}).get("all", {}).get("p95")
    for name, q in size["queries"].items():
        if "skipped" in q:
            continue

        def trio(g: str, q: dict[str, Any] = q) -> str:
            x = q.get(g)
            return f"{x['p50']:.1f}/{x['p95']:.1f}/{x['p99']:.1f}" if x else "–"

        def p95(g: str, q: dict[str, Any] = q) -> str:
            return f"{q[g]['p95']:.1f}" if g in q else "–"

        lines.append(
            f"{name:18} {trio('words'):>20} {trio('phrase'):>18} {p95('prefix'):>10} "
            f"{p95('filter'):>10} {p95('symbol'):>10} {p95('all'):>8} "
            f"{_ratio(skq, q.get('all', {}).get('p95')):>7}"
        )
    if size.get("throughput"):
        lines.append(
            "Throughput, queries a second: one thread (the timed pass, every query new); "
            "then the mix twice over: client threads on one Index (taking turns), "
            "server processes, each with its own"
        )
        for name, t in size["throughput"].items():
            lines.append(
                f"{name:18} 1 thread {t['one_thread_qps']:7.1f}   "
                f"{t['threads']} threads {t['threads_qps']:7.1f}   "
                f"{t['processes']} processes {t['processes_qps']:7.1f}"
            )
    if "cold_start" in size:
        c = size["cold_start"]
        imports = c.get("imports_s")
        against = (
            f"; importing whoosh, numpy, pymorphy3 + dictionary: {imports:.2f} s, "
            f"ratio {c['median_s'] / imports:.2f}x"
            if imports
            else ""
        )
        lines.append(
            f"CLI cold start (process start to first hit, median of {c['runs']}): "
            f"{c['median_s']:.2f} s  (bare 'python -c pass': {c['python_s']:.2f} s{against})"
        )
    return "\n".join(lines)


def median(values: list[float]) -> float:
    return statistics.median(values)
