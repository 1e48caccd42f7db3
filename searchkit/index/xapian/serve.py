"""Serving one shard of a local Xapian index over TCP with ``xapian-tcpsrv``.

The server is given the shard's stub file (:func:`.layout.stub_path`), which
it opens anew for each connection: after ``reindex --full`` swaps in a new
generation, new connections read it while open ones finish on the old one
(whose files stay readable until they close). A ``--writable`` server takes
one writer at a time (Xapian's own lock); reindexing through it uses the
remote descriptor (:mod:`searchkit.indexing.xapian_run`).
"""

from __future__ import annotations

import os
from pathlib import Path

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
    """Replace this process with the shard server (it runs until stopped)."""
    args = command(Path(index), shard, port, host, writable)
    os.execv(args[0], args)
    return 0  # not reached
