"""``lastrun.json``: what the last reindex did, beside the index's pointer.

A log of the last run that held the write lock (time, mode, result, counts,
failures), replaced atomically at the end of each run. It is not a manifest:
what is indexed is read from the index itself.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .generations import atomic_write_json, read_json_object

LASTRUN = "lastrun.json"
#: At most this many failures are kept in the log (the count is always exact).
MAX_LOGGED_FAILURES = 100
#: The report's lists whose lengths the log keeps.
COUNTED = ("added", "updated", "deleted", "unchanged", "failed", "cleaned")


def record_run(root: Path, report: dict[str, Any], error: str | None = None) -> None:
    """Log a run's report (``IndexReport.to_dict()``) and the error that
    ended it, if any, as the last run."""
    if error:
        result = "error"
    elif report["failed"]:
        result = "some files failed"
    else:
        result = "ok"
    entry = {
        "started": report["started"],
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": report["mode"],
        "result": result,
        "error": error,
        "generation": report["generation"],
        "duration": round(report["duration"], 3),
        "blocks": report["blocks"],
        **{name: len(report[name]) for name in COUNTED},
        "failures": report["failed"][:MAX_LOGGED_FAILURES],
    }
    atomic_write_json(root / LASTRUN, entry)


def last_run(root: Path) -> dict[str, Any] | None:
    """The last run's log, or ``None`` when there is none or it is unreadable."""
    return read_json_object(root / LASTRUN)
