"""One measured job, run in its own process so wall time and peak RSS are its own.

``python -m bench.job '{"op": "build", "engine": "searchkit", "corpus": ..., "out": ...}'``
prints one JSON line. Ops: ``build`` (full index), ``reindex`` (searchkit's
incremental update), ``query`` (open once, warm up on another mix, time the mix),
``throughput`` (queries a second: the mix answered by client threads sharing
one open index, and by server processes each with its own).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any


def _rss_mb() -> dict[str, float]:
    """Peak RSS of this process and of its largest worker; CPU seconds of both.

    CPU time is what a job costs whatever else the machine runs; wall time is
    what a user waits for, and it depends on free cores.
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    return {
        "rss_mb": round(own.ru_maxrss / 1024, 1),
        "worker_rss_mb": round(kids.ru_maxrss / 1024, 1),
        "cpu_s": round(cpu, 2),
    }


def _time_fsync() -> list[float]:
    """Count the seconds searchkit's writers spend flushing files to disk
    (the durability of a commit); the list's one number grows as they do."""
    from searchkit.index import generations

    spent = [0.0]
    fsync = generations._fsync

    def timed(path: Path) -> None:
        t = time.perf_counter()
        fsync(path)
        spent[0] += time.perf_counter() - t

    generations._fsync = timed  # type: ignore[assignment]
    return spent


def run(spec: dict) -> dict:
    from . import engines

    op, name = spec["op"], spec["engine"]
    out = Path(spec["out"])
    if op in ("build", "reindex"):
        synced = _time_fsync() if name.startswith("searchkit") else None
        started = time.perf_counter()
        if op == "build":
            n = engines.build(name, Path(spec["corpus"]), out)
            result = {"blocks": n}
        else:
            from searchkit import index_corpus

            report = index_corpus(spec["corpus"], out)
            result = {
                "blocks": report.blocks,
                "changed": len(report.updated),
                "unchanged": len(report.unchanged),
                "failed": len(report.failed),
            }
        result["seconds"] = round(time.perf_counter() - started, 3)
        if synced is not None:
            result["fsync_s"] = round(synced[0], 3)
        result["index_bytes"] = engines.dir_size(out)
        return result | _rss_mb()
    if op == "query":
        from .queries import Query

        def load(key: str) -> list[Query]:
            return [Query(q["kind"], tuple(q["words"]), q.get("lang")) for q in spec[key]]

        queries = load("queries")
        started = time.perf_counter()
        query = engines.opener(name, out)
        opened = time.perf_counter() - started
        # Warm-up on another mix of the same kinds (lemma cache, OS page cache,
        # decoded postings of frequent words), never on the measured queries.
        for q in load("warmup") if "warmup" in spec else queries:
            query(q)
        timings = []
        for q in queries:
            t = time.perf_counter()
            hits = query(q)
            timings.append((q.kind, round((time.perf_counter() - t) * 1000, 3), hits))
        return {"open_seconds": round(opened, 3), "timings": timings} | _rss_mb()
    if op == "throughput":
        from .queries import Query

        def mix(key: str) -> list[Query]:
            return [Query(q["kind"], tuple(q["words"]), q.get("lang")) for q in spec[key]]

        queries, warmup = mix("queries"), mix("warmup")
        rounds = int(spec.get("rounds", 2))
        return {
            "queries": len(queries) * rounds,
            "threads": spec.get("threads", 4),
            "threads_qps": _threads_qps(name, out, queries, warmup, spec.get("threads", 4), rounds),
            "processes": spec.get("processes", 2),
            "processes_qps": _processes_qps(
                name, out, queries, warmup, spec.get("processes", 2), rounds
            ),
        }
    raise ValueError(f"unknown op {op!r}")


def _threads_qps(
    name: str, out: Path, queries: list, warmup: list, threads: int, rounds: int
) -> float:
    """Queries a second of ``threads`` client threads sharing one open index
    (warmed up on ``warmup``), each taking the next query of the mix
    (``rounds`` times over) until none is left."""
    import threading

    from . import engines

    query = engines.opener(name, out)
    for q in warmup:
        query(q)
    todo = iter(queries * rounds)
    take = threading.Lock()

    def client() -> None:
        while True:
            with take:
                q = next(todo, None)
            if q is None:
                return
            query(q)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return round(len(queries) * rounds / (time.perf_counter() - started), 1)


def _server(name: str, out: str, warmup: list, inbox: Any, outbox: Any) -> None:
    """A server process: open the index, warm up, then answer queries from
    ``inbox`` (one ``None`` stops it), each answer's hit count to ``outbox``."""
    from . import engines

    query = engines.opener(name, Path(out))
    for q in warmup:
        query(q)
    outbox.put("ready")
    while (q := inbox.get()) is not None:
        outbox.put(query(q))


def _processes_qps(
    name: str, out: Path, queries: list, warmup: list, processes: int, rounds: int
) -> float:
    """Queries a second of ``processes`` server processes, each with its own
    open index (warmed up), fed the mix (``rounds`` times over) by one client
    through a queue: from the first query sent to the last answer back."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    inbox, outbox = ctx.Queue(), ctx.Queue()
    servers = [
        ctx.Process(target=_server, args=(name, str(out), warmup, inbox, outbox))
        for _ in range(processes)
    ]
    for server in servers:
        server.start()
    for _ in servers:
        outbox.get()  # "ready"
    todo = queries * rounds
    started = time.perf_counter()
    for q in todo:
        inbox.put(q)
    for _ in todo:
        outbox.get()
    seconds = time.perf_counter() - started
    for _ in servers:
        inbox.put(None)
    for server in servers:
        server.join()
    return round(len(todo) / seconds, 1)


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.argv[1]))))
