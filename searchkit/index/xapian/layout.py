"""Where a Xapian index's shards are, and opening them, on disk or over TCP.

A local Xapian index folder::

    index/
      searchkit.json    {"backend": "xapian", "format": …, "generation": "g000002", "shards": 3}
      g000002/shard-0/  one Xapian (glass) database per shard
      g000002/shard-1/
      g000002/shard-2/
      shard-0.db        stub files naming the current generation's shards, which
      shard-1.db        ``searchkit serve-shard`` serves: a shard server opens the
      shard-2.db        stub on each connection, so it follows ``reindex --full``
      MAIN_WRITELOCK, lastrun.json

A file's blocks live in one shard, chosen by a stable hash of the file's
corpus path (:func:`shard_of`): an incremental reindex replaces a file in the
shard that holds it and commits each changed shard once (one Xapian commit
per shard, atomic). ``--full`` builds every shard of a new generation, then
moves the pointer and rewrites the stubs.

A remote index is a TOML descriptor that ``--index`` accepts in place of a
folder::

    [index]
    backend = "xapian"
    shards = ["tcp://127.0.0.1:33331", "tcp://127.0.0.1:33332"]
    timeout = 10   # seconds, optional

Each address is one shard server (``xapian-tcpsrv``, which ``searchkit
serve-shard`` starts); a search opens them all as one database, and Xapian
merges their matches with global statistics. A shard served by several
servers (replicas: copies of the shard kept in step) is a list of their
addresses, ``shards = [["tcp://a:33331", "tcp://b:33331"], …]``: a search
opens one of them (each process starts at a different one, to spread the
load), the next when one cannot be reached, and an address that failed is
tried last for :data:`DEAD_FOR` seconds.
"""

from __future__ import annotations

import contextlib
import os
import time
import tomllib
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import BackendUnavailable, ConfigError, IndexNotFound, ShardUnavailable
from .. import generations
from . import xapian

#: Metadata key of each shard's total length of a scored field (BM25F's averages).
LENGTH_KEY = "searchkit:length:"
#: A replica that could not be reached is tried after the others for this long (seconds).
DEAD_FOR = 30.0
#: Replicas that failed, and when.
_failed: dict[str, float] = {}


def shard_of(file: str, shards: int) -> int:
    """The shard that holds ``file`` (its corpus-relative path), stable across runs."""
    return zlib.crc32(file.encode("utf-8")) % shards


def shard_dir(root: Path, generation: str, k: int) -> Path:
    return root / generation / f"shard-{k}"


def stub_path(root: Path, k: int) -> Path:
    return root / f"shard-{k}.db"


def is_descriptor(path: Path) -> bool:
    """Is ``path`` a remote index descriptor (a ``.toml`` file)?"""
    return path.suffix == ".toml" and path.is_file()


def state_path(descriptor: Path) -> Path:
    """Where the lock and the last run's log of a remote index live: a folder
    beside its descriptor."""
    return descriptor.with_name(descriptor.name + ".state")


@dataclass
class Location:
    """Where an index's shards are: folders of one generation, or servers."""

    name: str  # what messages call the index
    shards: list[str] = field(default_factory=list)  # folders, or tcp://host:port
    remote: bool = False
    #: Each shard's servers (a remote index): the first is ``shards[k]``.
    replicas: list[list[str]] = field(default_factory=list)
    timeout: float = 10.0
    root: Path | None = None  # the local index folder
    generation: str | None = None


def locate(path: Path | str) -> Location:
    """The shards of the Xapian index at ``path`` (a folder or a descriptor)."""
    path = Path(path)
    if is_descriptor(path):
        return _descriptor(path)
    meta = generations.read_pointer(path)
    generation = meta["generation"]
    count = int(meta.get("shards", 1))
    shards = [str(shard_dir(path, generation, k)) for k in range(count)]
    return Location(str(path), shards, root=path, generation=generation)


def _descriptor(path: Path) -> Location:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"index descriptor {path}: {exc}") from exc
    section = data.get("index")
    if not isinstance(section, dict):
        raise ConfigError(f"index descriptor {path}: no [index] table")
    if section.get("backend", "xapian") != "xapian":
        raise ConfigError(f"index descriptor {path}: backend must be 'xapian'")
    shards = section.get("shards")
    replicas = (
        [[s] if isinstance(s, str) else s for s in shards or []] if isinstance(shards, list) else []
    )
    if not replicas or not all(
        isinstance(r, list) and r and all(isinstance(a, str) for a in r) for r in replicas
    ):
        raise ConfigError(
            f"index descriptor {path}: 'shards' must be a list of tcp://host:port "
            "(or, for a shard with replicas, a list of them)"
        )
    for addresses in replicas:
        for address in addresses:
            _address(address, path)
    timeout = section.get("timeout", 10)
    if not isinstance(timeout, int | float) or timeout <= 0:
        raise ConfigError(f"index descriptor {path}: 'timeout' must be a number of seconds")
    first = [r[0] for r in replicas]
    return Location(str(path), first, remote=True, timeout=float(timeout), replicas=replicas)


def _address(address: str, where: Path | str) -> tuple[str, int]:
    rest = address.removeprefix("tcp://")
    host, _, port = rest.rpartition(":")
    if not address.startswith("tcp://") or not host or not port.isdigit():
        raise ConfigError(f"index descriptor {where}: {address!r} is not tcp://host:port")
    return host.strip("[]"), int(port)


def open_shard(
    location: Location, k: int, writable: bool = False, replica: int | None = None
) -> Any:
    """Shard ``k`` as a Xapian database (``writable``: to change it). A remote
    shard with replicas: one that can be reached (``replica``: that one)."""
    x = xapian()
    if location.remote:
        addresses = location.replicas[k] if location.replicas else [location.shards[k]]
        if replica is not None:
            order = [addresses[replica]]
        else:  # each process starts at another replica; those that failed lately last
            start = (os.getpid() + k) % len(addresses)
            order = addresses[start:] + addresses[:start]
            now = time.monotonic()
            order.sort(key=lambda a: now - _failed.get(a, -DEAD_FOR) < DEAD_FOR)
        failure: ShardUnavailable | None = None
        for where in order:
            try:
                db = _open_remote(x, location, where, writable)
                db.searchkit_address = where  # which replica: named when it fails
                return db
            except ShardUnavailable as exc:
                _failed[where] = time.monotonic()
                failure = exc
        if len(order) > 1:
            raise ShardUnavailable(" and ".join(order), "no replica can be reached")
        assert failure is not None
        raise failure
    where = location.shards[k]
    try:
        if writable:
            return x.WritableDatabase(where, x.DB_CREATE_OR_OPEN)
        return x.Database(where)
    except x.DatabaseNotFoundError as exc:
        raise IndexNotFound(f"no index at {location.name}: shard {k} is missing") from exc
    except (x.NetworkError, x.DatabaseOpeningError, x.DatabaseLockError) as exc:
        raise ShardUnavailable(where, reason(exc)) from exc


def _open_remote(x: Any, location: Location, where: str, writable: bool) -> Any:
    host, port = _address(where, location.name)
    ms = int(location.timeout * 1000)
    try:
        if writable:
            return x.remote_open_writable(host, port, ms, ms)
        return x.remote_open(host, port, ms, ms)
    except (x.NetworkError, x.DatabaseOpeningError, x.DatabaseLockError) as exc:
        raise ShardUnavailable(where, reason(exc)) from exc


def replicated(location: Location) -> bool:
    """Has some shard of ``location`` more than one server?"""
    return any(len(r) > 1 for r in location.replicas)


def note_failures(parts: list[Any]) -> None:
    """After a request failed: the replicas among ``parts`` that no longer
    answer are tried last for a while (:data:`DEAD_FOR`)."""
    for part in parts:
        where = getattr(part, "searchkit_address", None)
        if where is None:
            continue
        try:
            part.keep_alive()
        except Exception:  # whatever went wrong, that server is out
            _failed[where] = time.monotonic()


def reason(exc: Exception) -> str:
    """A Xapian error's first line, for a one-line message."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def open_all(location: Location, partial: bool = False) -> tuple[Any, list[Any], list[str]]:
    """(every shard as one database, each shard on its own, the shards left out).

    With ``partial``, a shard that cannot be reached is left out (and named)
    instead of raising :class:`ShardUnavailable`, unless every one is down.
    """
    x = xapian()
    parts, missing = [], []
    for k in range(len(location.shards)):
        try:
            parts.append(open_shard(location, k))
        except ShardUnavailable:
            if not partial:
                raise
            missing.append(location.shards[k])
    if not parts:
        raise ShardUnavailable(", ".join(missing), "no shard of the index can be reached")
    combined = x.Database()
    for part in parts:
        combined.add_database(part)
    return combined, parts, missing


def field_totals(parts: list[Any]) -> dict[str, int]:
    """Each scored field's total length over the shards (from their metadata)."""
    from .terms import SCORED

    totals = dict.fromkeys(SCORED, 0)
    for part in parts:
        for name in SCORED:
            raw = part.get_metadata(LENGTH_KEY + name)
            totals[name] += int(raw) if raw else 0
    return totals


def write_stubs(root: Path, generation: str, shards: int) -> None:
    """Point each shard's stub file at ``generation`` (atomically, one by one)."""
    for k in range(shards):
        path = stub_path(root, k)
        tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
        tmp.write_text(f"auto {generation}/shard-{k}\n", encoding="utf-8")
        os.replace(tmp, path)
    with contextlib.suppress(OSError):
        generations.sync_tree(root, {stub_path(root, k).name for k in range(shards)})


def sync_stubs(root: Path) -> None:
    """Stubs naming the pointer's generation (after a run killed between the two)."""
    meta = generations.peek_pointer(root)
    if meta and meta.get("backend") == "xapian" and generations.current_generation(root):
        write_stubs(root, meta["generation"], int(meta.get("shards", 1)))


def tcpsrv() -> str:
    """The path of ``xapian-tcpsrv``, or :class:`BackendUnavailable`."""
    import shutil

    found = shutil.which("xapian-tcpsrv")
    if found is None:
        raise BackendUnavailable(
            "serve-shard needs xapian-tcpsrv (Debian/Ubuntu: apt-get install xapian-tools)"
        )
    return found
