"""The index's write lock: one writer at a time, searches never wait.

The lock is whoosh's own file lock (``fcntl.flock`` on POSIX) on the file
``MAIN_WRITELOCK`` at the root of the index folder. The kernel drops an flock
when its holder dies, even by SIGKILL, so a killed job never leaves a stale
lock behind; the lock file itself staying on disk means nothing. Readers take
no lock at all.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import IndexLocked, IndexWriteError

LOCK_NAME = "MAIN_WRITELOCK"


@contextmanager
def write_lock(index_root: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the index's write lock; wait up to ``wait`` seconds for it.

    Raises :class:`IndexLocked` naming the index when another process still
    holds it after ``wait`` seconds.
    """
    from whoosh.filedb.filestore import FileStorage

    lock = FileStorage(str(index_root)).lock(LOCK_NAME)
    deadline = time.monotonic() + max(wait, 0.0)
    while not _try(lock, index_root):
        if time.monotonic() >= deadline:
            waited = f"waited {wait:g}s" if wait > 0 else "did not wait (--wait 0)"
            raise IndexLocked(
                f"another process is writing the index at {index_root} ({waited}); "
                "try again later or pass --wait SECONDS"
            )
        time.sleep(0.1)
    try:
        yield
    finally:
        lock.release()


def _try(lock: Any, index_root: Path) -> bool:
    try:
        index_root.mkdir(parents=True, exist_ok=True)
        return bool(lock.acquire(blocking=False))
    except OSError as exc:
        raise IndexWriteError(
            f"cannot lock the index at {index_root}: {exc.strerror or exc}"
        ) from exc
