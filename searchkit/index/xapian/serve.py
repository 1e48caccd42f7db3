"""Serving one shard of a local Xapian index over TCP with ``xapian-tcpsrv``.

The server is given the shard's stub file (:func:`.layout.stub_path`), which
it opens anew for each connection: after ``reindex --full`` swaps in a new
generation, new connections read it while open ones finish on the old one
(whose files stay readable until they close). A ``--writable`` server takes
one writer at a time (Xapian's own lock); reindexing through it uses the
remote descriptor (:mod:`searchkit.indexing.xapian_run`).

``xapian-tcpsrv`` stops by signalling its whole process group (its forked
connection handlers), so :func:`serve_shard` runs it as a child in a process
group of its own: two servers started from one shell stop one at a time.
The parent says what it serves, passes on SIGINT, SIGTERM and SIGHUP, and
exits with the server's status; the server gets SIGTERM if the parent dies.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from ...errors import IndexNotFound, SchemaMismatch
from .. import generations
from . import layout


def command(index: Path, shard: int, port: int, host: str, writable: bool) -> list[str]:
    """The ``xapian-tcpsrv`` command line that serves ``shard`` of ``index``."""
    meta = generations.read_pointer(index)
    if meta.get("backend") != "xapian":
        raise SchemaMismatch(
            f"index at {index} is not a Xapian index (built with --backend xapian)"
        )
    shards = int(meta.get("shards", 1))
    if not 0 <= shard < shards:
        raise IndexNotFound(f"index at {index} has shards 0 to {shards - 1}, not {shard}")
    stub = layout.stub_path(index, shard)
    if not stub.is_file():
        layout.write_stubs(index, meta["generation"], shards)
    args = [layout.tcpsrv(), "--port", str(port), "--interface", host, "--quiet"]
    if writable:
        args.append("--writable")
    return [*args, str(stub.resolve())]


def serve_shard(
    index: Path, shard: int, port: int, host: str = "127.0.0.1", writable: bool = False
) -> int:
    """Run the shard server until it stops (see the module's docstring); its
    exit status."""
    index = Path(index)
    args = command(index, shard, port, host, writable)
    proc = subprocess.Popen(args, process_group=0, preexec_fn=_die_with_parent)
    forward = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}

    def passed_on(sig: int, frame: Any) -> None:
        proc.send_signal(sig)

    for sig in forward:
        signal.signal(sig, passed_on)
    mode = "writable (reindexing through it)" if writable else "read-only"
    print(
        f"serving shard {shard} of {index.resolve()} ({_blocks(index, shard)}) "
        f"on tcp://{host}:{port}, {mode}; xapian-tcpsrv pid {proc.pid}",
        file=sys.stderr,
        flush=True,
    )
    try:
        while True:
            try:
                code = proc.wait()
                break
            except InterruptedError:  # pragma: no cover - PEP 475 retries
                continue
    finally:
        for sig, handler in forward.items():
            signal.signal(sig, handler)
    return 0 if code in (-signal.SIGTERM, -signal.SIGINT, -signal.SIGHUP) else abs(code)


def _blocks(index: Path, shard: int) -> str:
    """How many blocks the shard holds, for the start-up line."""
    try:
        x = layout.xapian()
        db = x.Database(str(layout.stub_path(index, shard)))
        try:
            return f"{db.get_doccount()} blocks"
        finally:
            db.close()
    except Exception:  # the server itself will say what is wrong
        return "blocks unknown"


def _die_with_parent() -> None:
    """In the child: SIGTERM when the parent dies (Linux), so no server outlives it."""
    if sys.platform.startswith("linux"):
        import ctypes

        with_errno = ctypes.CDLL(None, use_errno=True)
        with_errno.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
