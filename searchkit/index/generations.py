"""The index folder on disk: generations behind an atomically replaced pointer.

Layout of an index folder::

    index/
      searchkit.json     the pointer: {"format": "1.2", "generation": "g000002"}
      g000002/           a whoosh index (one document per block)
      MAIN_WRITELOCK     the write lock (see .lock)
      lastrun.json       what the last reindex did (a log, see .runlog)

An incremental reindex commits inside the current generation: whoosh writes
new segment files, then a new table of contents (``_MAIN_<n>.toc``) under a
temporary name and renames it, so readers see the old commit or the new one.
``reindex --full`` builds a new generation folder beside the current one and
then replaces ``searchkit.json`` with ``os.replace``: searchers see the old
index or the new one, never a half-built one, and a searcher that already
opened the old generation keeps its open files. The format version lives in
the same pointer file, so it always describes the generation it names.

whoosh itself never calls ``fsync``. searchkit's writers do
(:func:`searchkit.index.writer.commit`): a commit's new segment files are
flushed to disk before its table of contents is written, and the table of
contents and the folder after, before the commit is reported; a new
generation's files are flushed before the pointer moves to it, and the
pointer file and the index folder around the swap (:func:`atomic_write_json`).
So a power cut right after a reported commit keeps it.

Whatever a killed writer leaves (segment files no table of contents names,
temporary table-of-contents files, whoosh's ``MAIN.tmp`` folder, a half-built
generation, the generation a ``--full`` replaced) is removed by
:func:`clean_leftovers` at the start of the next reindex, under the lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from ..errors import IndexNotFound, SchemaMismatch
from ._whoosh import committed_segments
from .schema import FORMAT, XAPIAN_FORMAT

#: The format each backend's indexes must have (the pointer's ``backend``; whoosh when absent).
FORMATS = {"whoosh": FORMAT, "xapian": XAPIAN_FORMAT}

POINTER = "searchkit.json"
WHOOSH_NAME = "MAIN"
_GENERATION = re.compile(r"^g(\d{6})$")
_TOC = re.compile(rf"^_{WHOOSH_NAME}_(\d+)\.toc$")
_TOC_TEMP = re.compile(rf"^_{WHOOSH_NAME}_\d+\.toc\..+$")
_SEGMENT = re.compile(rf"^({WHOOSH_NAME}_[0-9a-z]+)\.[A-Za-z0-9_.]+$")
_TEMP = re.compile(r"^\..+\.tmp\d*$")

REBUILD = "rebuild it with 'searchkit reindex --full'"


def atomic_write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    with contextlib.suppress(OSError):  # a folder that cannot be opened cannot be synced
        _fsync(path.parent)


def read_pointer(root: Path) -> dict[str, Any]:
    """The pointer of the index at ``root``; checks it names a generation of this format.

    Raises :class:`IndexNotFound` when there is no index, :class:`SchemaMismatch`
    when the pointer is unreadable, names no generation or another format.
    """
    path = root / POINTER
    if not path.is_file():
        raise IndexNotFound(f"no index at {root} (run 'searchkit reindex' first)")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        raise SchemaMismatch(
            f"index at {root}: {POINTER} is unreadable ({exc}); {REBUILD}"
        ) from exc
    backend = meta.get("backend", "whoosh")
    if backend not in FORMATS:
        raise SchemaMismatch(f"index at {root} uses backend {backend!r}, unknown here; {REBUILD}")
    if meta.get("format") != FORMATS[backend]:
        raise SchemaMismatch(
            f"index at {root} has format {meta.get('format')!r}, this searchkit needs "
            f"{FORMATS[backend]!r}; {REBUILD}"
        )
    if not _GENERATION.match(str(meta.get("generation", ""))):
        raise SchemaMismatch(f"index at {root} uses an older on-disk layout; {REBUILD}")
    return meta


def read_json_object(path: Path) -> dict[str, Any] | None:
    """The JSON object in ``path`` (``None`` when missing, unreadable or not an object)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def peek_pointer(root: Path) -> dict[str, Any] | None:
    """The pointer as it is, unchecked (``None`` when missing or unreadable)."""
    return read_json_object(root / POINTER)


def backend_of(root: Path) -> str:
    """The backend of the index at ``root`` (``whoosh`` when it says none)."""
    meta = peek_pointer(root)
    return str(meta.get("backend", "whoosh")) if meta else "whoosh"


def current_generation(root: Path) -> str | None:
    """The generation the pointer names, without checking it (``None`` if none)."""
    generation = (peek_pointer(root) or {}).get("generation")
    return generation if isinstance(generation, str) and _GENERATION.match(generation) else None


def next_generation(root: Path) -> str:
    numbers = [int(m.group(1)) for p in root.iterdir() if (m := _GENERATION.match(p.name))]
    return f"g{max(numbers, default=0) + 1:06d}"


def sync_tree(path: Path, names: set[str] | None = None) -> None:
    """Flush the files in folder ``path`` (only ``names``, when given) and the
    folder itself to disk (whoosh does not)."""
    for entry in path.iterdir():
        if entry.is_file() and (names is None or entry.name in names):
            _fsync(entry)
    _fsync(path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def switch_to(root: Path, generation: str, backend: str = "whoosh", **extra: Any) -> None:
    """Make ``generation`` the current one, atomically, once its files are on disk
    (``extra``: what else the pointer records, e.g. a Xapian index's shard count)."""
    for dirpath, _dirs, _files in os.walk(root / generation):
        sync_tree(Path(dirpath))
    meta: dict[str, Any] = {"format": FORMATS[backend], "generation": generation}
    if backend != "whoosh":
        meta["backend"] = backend
    atomic_write_json(root / POINTER, {**meta, **extra})


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _live_segments(gen_dir: Path) -> tuple[int, set[str]] | None:
    """(latest TOC generation, segment ids it names), or ``None`` when unreadable
    (an unreadable TOC is left for ``reindex --full`` to replace)."""
    return committed_segments(str(gen_dir), WHOOSH_NAME)


def clean_leftovers(root: Path) -> list[str]:
    """Remove what interrupted writers left behind; call only under the write lock.

    Returns the removed names, relative to ``root``. Keeps the current
    generation's committed files, the pointer, the lock and the last-run log.
    """
    removed: list[str] = []
    if not root.is_dir():
        return removed
    current = current_generation(root)
    for entry in sorted(root.iterdir()):
        name = entry.name
        stale_generation = _GENERATION.match(name) and name != current
        # whoosh files directly in the folder: an index from the older flat layout
        flat_whoosh = current and (
            _TOC.match(name)
            or _TOC_TEMP.match(name)
            or _SEGMENT.match(name)
            or name == f"{WHOOSH_NAME}.tmp"
        )
        if stale_generation or flat_whoosh or _TEMP.match(name):
            _remove(entry)
            removed.append(name)
    if current and (root / current).is_dir():
        gen_dir = root / current
        live = _live_segments(gen_dir)
        if live is not None:
            toc_gen, segments = live
            for entry in sorted(gen_dir.iterdir()):
                name = entry.name
                toc = _TOC.match(name)
                segment = _SEGMENT.match(name)
                if (
                    (toc and int(toc.group(1)) != toc_gen)
                    or _TOC_TEMP.match(name)
                    or (segment and segment.group(1) not in segments)
                    or name == f"{WHOOSH_NAME}.tmp"
                ):
                    _remove(entry)
                    removed.append(f"{current}/{name}")
    return removed


def disk_size(path: Path) -> int:
    """Bytes used by the files under ``path``."""
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.stat(os.path.join(dirpath, name)).st_size
    return total
