"""A Xapian index served over TCP as a cluster: shard servers that stop one
at a time and say what they serve, replicas that take over when a server
dies, writes kept in step on every replica, and what ``stats`` says of a
remote index. Real ``searchkit serve-shard`` / ``xapian-tcpsrv`` processes
on 127.0.0.1."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from searchkit import Index, reindex, search
from searchkit.errors import ShardUnavailable
from searchkit.retrieval.stats import index_stats

from .conftest import CORPUS

pytest.importorskip("xapian", reason="the Xapian bindings are not installed")
pytestmark = pytest.mark.skipif(
    shutil.which("xapian-tcpsrv") is None,
    reason="xapian-tcpsrv is not installed (apt-get install xapian-tools)",
)
CLI = [sys.executable, "-m", "searchkit"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(port: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.05)
    raise AssertionError(f"no server on port {port}")


class Server:
    """One ``searchkit serve-shard`` process (``group``: started in that
    process group, as from one non-interactive shell)."""

    def __init__(
        self, index: Path, shard: int, writable: bool = False, group: int | None = None
    ) -> None:
        self.port = _free_port()
        args = [*CLI, "serve-shard", str(index), "--shard", str(shard), "--port", str(self.port)]
        self.proc = subprocess.Popen(
            [*args, *(["--writable"] if writable else [])],
            stderr=subprocess.PIPE,
            text=True,
            process_group=0 if group is None else group,
        )
        _wait_listening(self.port, self.proc)
        self.address = f"tcp://127.0.0.1:{self.port}"

    def stop(self, sig: int = signal.SIGTERM) -> str:
        """Stop it with ``sig`` and wait; what it printed."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            _, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err


def _descriptor(path: Path, shards: list[list[Server]]) -> Path:
    rows = ", ".join("[" + ", ".join(f'"{s.address}"' for s in row) + "]" for row in shards)
    path.write_text(f'[index]\nbackend = "xapian"\nshards = [{rows}]\n', encoding="utf-8")
    return path


def _blocks(result) -> list[tuple[str, int]]:
    return [(h.source, h.ordinal) for h in result]


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("cluster") / "index"
    assert reindex(CORPUS, index, backend="xapian", shards=2).ok
    return index


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    try:
        yield started
    finally:
        for server in started:
            server.stop(signal.SIGKILL)


def test_two_servers_from_one_shell_stop_one_at_a_time(
    sharded: Path, servers: list[Server], tmp_path: Path
) -> None:
    """``xapian-tcpsrv`` stops by signalling its process group: each server
    has its own, so stopping one leaves the other serving."""
    first = Server(sharded, 0)
    servers.append(first)
    servers.append(Server(sharded, 1, group=first.proc.pid))  # the same group, as from `sh`
    remote = _descriptor(tmp_path / "cluster.toml", [[servers[0]], [servers[1]]])
    both = search(remote, "мигрантов", limit=1000)
    printed = servers[0].stop()
    assert f"serving shard 0 of {sharded.resolve()}" in printed
    assert f"on tcp://127.0.0.1:{servers[0].port}, read-only" in printed
    assert servers[0].proc.returncode == 0 and servers[1].proc.poll() is None
    half = search(remote, "мигрантов", partial=True, limit=1000)
    assert half.unavailable == [servers[0].address]
    assert half.hits and set(_blocks(half)) < set(_blocks(both))


def test_serve_shard_says_what_it_serves(sharded: Path, servers: list[Server]) -> None:
    servers.append(Server(sharded, 1, writable=True))
    printed = servers[0].stop(signal.SIGINT)  # Ctrl-C
    held = index_stats(sharded).shard_blocks
    blocks = list(held.values())[1]
    assert f"serving shard 1 of {sharded.resolve()} ({blocks} blocks)" in printed
    assert "writable" in printed and "Traceback" not in printed
    assert servers[0].proc.returncode == 0


def test_stats_of_a_remote_index_names_its_servers_and_blocks(
    sharded: Path, servers: list[Server], tmp_path: Path
) -> None:
    servers += [Server(sharded, 0), Server(sharded, 1)]
    remote = _descriptor(tmp_path / "cluster.toml", [[servers[0]], [servers[1]]])
    stats = index_stats(remote)
    assert not stats.size_known and stats.size_bytes == 0
    assert list(stats.shard_blocks) == [servers[0].address, servers[1].address]
    assert sum(stats.shard_blocks.values()) == stats.blocks == index_stats(sharded).blocks
    out = subprocess.run([*CLI, "stats", "--index", str(remote)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "size       unknown here (the shard servers hold the index)" in out.stdout
    assert "0.0 MB" not in out.stdout
    for server, n in stats.shard_blocks.items():
        assert f"shard      {server}: {n} blocks" in out.stdout


def test_a_replica_killed_mid_session_is_taken_over_by_the_other(
    sharded: Path, servers: list[Server], tmp_path: Path
) -> None:
    """Two servers per shard (the same copy of it): kill the one a long-lived
    Index is connected to and its next search is answered by the other,
    with the same hits and no error; with both gone, a one-line error."""
    rows = [[Server(sharded, k), Server(sharded, k)] for k in range(2)]
    servers += [s for row in rows for s in row]
    remote = _descriptor(tmp_path / "cluster.toml", rows)
    expected = search(sharded, "права человека", limit=20)
    with Index(remote) as ix:
        assert _blocks(ix.search("права человека", limit=20)) == _blocks(expected)
        used = [part.searchkit_address for part in ix.snapshot.parts]
        for server in servers:
            if server.address in used:
                server.stop(signal.SIGKILL)  # the servers this Index is connected to
        got = ix.search("права человека", limit=20)
        assert _blocks(got) == _blocks(expected) and not got.unavailable
        now = [part.searchkit_address for part in ix.snapshot.parts]
        assert not set(now) & set(used)
    out = subprocess.run(
        [*CLI, "search", "права человека", "--index", str(remote)], capture_output=True, text=True
    )
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    for server in rows[0]:
        server.stop(signal.SIGKILL)
    with pytest.raises(ShardUnavailable, match="no replica can be reached"):
        search(remote, "права человека")
    out = subprocess.run(
        [*CLI, "search", "права человека", "--index", str(remote)], capture_output=True, text=True
    )
    assert out.returncode == 4 and out.stderr.count("\n") == 1, out.stderr
    assert rows[0][0].address in out.stderr and rows[0][1].address in out.stderr


def test_a_reindex_through_replicas_writes_every_copy(
    servers: list[Server], tmp_path: Path, corpus_copy: Path
) -> None:
    """Two copies of an index, each shard's writable servers named together:
    a reindex through the descriptor changes both copies alike."""
    a, b = tmp_path / "a", tmp_path / "b"
    assert reindex(corpus_copy, a, backend="xapian", shards=2).ok
    shutil.copytree(a, b)
    rows = [[Server(a, k, writable=True), Server(b, k, writable=True)] for k in range(2)]
    servers += [s for row in rows for s in row]
    remote = _descriptor(tmp_path / "write.toml", rows)
    (corpus_copy / "new.txt").write_text("1. Криптовалютный арбитраж.\n", encoding="utf-8")
    report = reindex(corpus_copy, remote)
    assert report.ok and report.added == ["new.txt"]
    for server in servers:
        server.stop()
    for copy in (a, b):
        assert [h.source for h in search(copy, "криптовалютный")] == ["new.txt"]
        assert _blocks(search(copy, "мигрантов", limit=100)) == _blocks(
            search(a, "мигрантов", limit=100)
        )


def test_a_descriptor_with_a_bad_replica_list_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[index]\nshards = [["tcp://127.0.0.1:1", 5]]\n', encoding="utf-8")
    out = subprocess.run(
        [*CLI, "search", "мир", "--index", str(bad)], capture_output=True, text=True
    )
    assert out.returncode == 2 and "a list of them" in out.stderr and "Traceback" not in out.stderr
    empty = tmp_path / "empty.toml"
    empty.write_text("[index]\nshards = [[]]\n", encoding="utf-8")
    out = subprocess.run(
        [*CLI, "search", "мир", "--index", str(empty)], capture_output=True, text=True
    )
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_the_killed_server_leaves_no_process_behind(sharded: Path, servers: list[Server]) -> None:
    """SIGKILL of ``serve-shard`` (which no handler sees): its xapian-tcpsrv
    goes too (it is told when its parent dies)."""
    servers.append(Server(sharded, 0))
    assert servers[0].proc.stderr is not None
    line = servers[0].proc.stderr.readline()
    found = re.search(r"xapian-tcpsrv pid (\d+)", line)  # its own stderr may follow
    assert found, (line, servers[0].proc.poll())
    pid = int(found[1])
    servers[0].stop(signal.SIGKILL)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid), line


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] not in "ZX"
    except FileNotFoundError:
        return False
    except OSError:  # not Linux
        os.kill(pid, 0)
        return True
