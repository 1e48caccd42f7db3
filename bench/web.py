"""``python -m bench.web``: requests per second and latency through the HTTP API.

Starts ``searchkit serve`` in its own process on a free port of 127.0.0.1,
then ``--clients`` threads (each with one keep-alive connection) send
``GET /api/search?q=…`` for ``--seconds``, cycling through the bench query mix
(drawn from ../shared/corpus when present, else a fixed list for the bundled
corpus). Reports requests/s, p50/p95/p99 latency and errors per backend
(whoosh; Xapian when its bindings are installed), each over an index of the
same corpus built first. The clients run on the same machine as the server:
on few cores they compete with it, so compare figures of one run only.

``--trivial`` instead measures the framework alone: a route that answers
``{"ok": true}`` on Starlette, on a bare ASGI callable (both on uvicorn) and
on the standard library's threading HTTP server, the same clients.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
#: Queries over the bundled corpus (when ../shared/corpus is absent).
BUNDLED_QUERIES = (
    "торговля людьми",
    "право на самооборону",
    "незаконный ввоз мигрантов",
    '"рабочая группа"',
    "мигр*",
    "права человека lang:ru",
    "A/HRC/WG.6/34/ITA/3",
    "Совет Безопасности",
    "self-defence",
    "дети беженцы",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_ready(port: int, path: str = "/healthz", timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
        finally:
            conn.close()
    raise RuntimeError(f"no answer on port {port} within {timeout} s")


def load(port: int, paths: list[str], clients: int, seconds: float) -> dict[str, Any]:
    """``clients`` threads GET ``paths`` in turn for ``seconds``: rate, latency, errors."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = n
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            i += clients
            start = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            latencies[n].append(time.perf_counter() - start)
            if status != 200:
                errors[n] += 1
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    every = sorted(x for lat in latencies for x in lat)
    if not every:
        raise RuntimeError("no request answered")

    def pct(p: float) -> float:
        return round(every[min(len(every) - 1, int(p * len(every)))] * 1000, 1)

    return {
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": len(every),
        "rps": round(len(every) / wall, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.fmean(every) * 1000, 1),
        "errors": sum(errors),
        "statuses": statuses,
    }


def _queries() -> tuple[list[str], str]:
    if SHARED.is_dir():
        from .corpus import source_documents
        from .queries import make_queries

        return [q.text for q in make_queries(source_documents(SHARED))], "../shared/corpus"
    return list(BUNDLED_QUERIES), "bundled corpus"


def _backends() -> list[str]:
    try:
        import xapian  # noqa: F401
    except ImportError:
        return ["whoosh"]
    return ["whoosh", "xapian"]


def serve(index: Path, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    argv = ["serve", "--index", str(index), "--port", str(port), "--workers", str(workers)]
    return subprocess.Popen(
        [sys.executable, "-m", "searchkit", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stderr:
        proc.stderr.close()


def api(
    corpus: Path, clients: int, seconds: float, backends: list[str], workers: list[int]
) -> dict[str, Any]:
    queries, where = _queries()
    paths = [
        "/api/search?" + urlencode({"q": q, "limit": 10}) for q in queries
    ]  # the page size a page shows
    out: dict[str, Any] = {"corpus": where, "queries": len(queries), "runs": {}}
    work = Path(tempfile.mkdtemp(prefix="searchkit-web-bench-"))
    try:
        for backend in backends:
            index = work / f"index-{backend}"
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "searchkit",
                    "reindex",
                    str(corpus),
                    "--index",
                    str(index),
                    "--backend",
                    backend,
                    "--quiet",
                ],
                check=False,
                capture_output=True,
            )  # exit 1 when some file failed: the rest is indexed
            for n in workers:
                port = free_port()
                proc = serve(index, port, n)
                name = backend if n == 1 else f"{backend} ×{n} workers"
                try:
                    wait_ready(port)
                    load(port, paths, clients, min(3.0, seconds))  # warm the caches
                    out["runs"][name] = load(port, paths, clients, seconds)
                finally:
                    stop(proc)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


# ------------------------------------------------------------------ the framework alone

TRIVIAL_APPS = {
    "starlette": """
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
async def ok(request):
    return JSONResponse({"ok": True})
app = Starlette(routes=[Route("/ok", ok)])
""",
    "bare-asgi": """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"11")]})
    await send({"type": "http.response.body", "body": b'{"ok":true}'})
""",
}
STDLIB_SERVER = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", "11")
        self.end_headers()
        self.wfile.write(b'{"ok":true}')
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Ok).serve_forever()
"""


def trivial(clients: int, seconds: float) -> dict[str, Any]:
    runs: dict[str, Any] = {}
    work = Path(tempfile.mkdtemp(prefix="searchkit-web-trivial-"))
    try:
        for name, code in [*TRIVIAL_APPS.items(), ("stdlib-http.server", None)]:
            port = free_port()
            if code is None:
                argv = [sys.executable, "-c", STDLIB_SERVER, str(port)]
            else:
                (work / f"trivial_{name.replace('-', '_')}.py").write_text(code, encoding="utf-8")
                argv = [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    f"trivial_{name.replace('-', '_')}:app",
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                    "--no-access-log",
                ]
            proc = subprocess.Popen(argv, cwd=work, stderr=subprocess.PIPE)
            try:
                wait_ready(port, "/ok", 30)
                runs[name] = load(port, ["/ok"], clients, seconds)
            finally:
                stop(proc)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return runs


def table(runs: dict[str, Any]) -> str:
    lines = [f"{'':<20} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}"]
    for name, r in runs.items():
        lines.append(
            f"{name:<20} {r['rps']:>8} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['p99_ms']:>8} "
            f"{r['errors']:>7}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--corpus", type=Path, default=None, help="default ../shared/corpus, else corpus/"
    )
    parser.add_argument(
        "--backends", default=None, help="comma-separated; default every installed one"
    )
    parser.add_argument(
        "--workers", default="1", help="server processes, comma-separated to compare (1,2)"
    )
    parser.add_argument("--trivial", action="store_true", help="the framework alone (see above)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.trivial:
        result: dict[str, Any] = {"trivial": trivial(args.clients, args.seconds)}
        print(table(result["trivial"]))
    else:
        corpus = args.corpus or (SHARED if SHARED.is_dir() else ROOT / "corpus")
        backends = args.backends.split(",") if args.backends else _backends()
        workers = [int(n) for n in args.workers.split(",")]
        result = api(corpus, args.clients, args.seconds, backends, workers)
        print(f"{result['corpus']}: {result['queries']} queries, {args.clients} clients")
        print(table(result["runs"]))
    result["cpus"] = os.cpu_count()
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
