"""What the index holds and what the last reindex did.

``lastrun.json`` beside the index's pointer is a log of the last run that held
the write lock (time, mode, result, counts, failures), replaced atomically at
the end of each run. It is not a manifest: what is indexed is read from the
index itself.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import store
from .stored import block_document

if TYPE_CHECKING:
    from .indexer import IndexReport

LASTRUN = "lastrun.json"
#: At most this many failures are kept in the log (the count is always exact).
MAX_LOGGED_FAILURES = 100


@dataclass
class IndexStats:
    """Counts for one index; ``last_run`` is the last reindex's log (or ``None``)."""

    path: str
    generation: str
    files: int
    documents: int
    blocks: int
    languages: dict[str, int] = field(default_factory=dict)  # documents per language
    size_bytes: int = 0
    last_run: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def record_run(root: Path, report: IndexReport, error: str | None = None) -> None:
    """Log ``report`` (and an error that ended the run, if any) as the last run."""
    if error:
        result = "error"
    elif report.failed:
        result = "some files failed"
    else:
        result = "ok"
    entry = {
        "started": report.started,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": report.mode,
        "result": result,
        "error": error,
        "generation": report.generation,
        "duration": round(report.duration, 3),
        "blocks": report.blocks,
        **{
            name: len(getattr(report, name))
            for name in ("added", "updated", "deleted", "unchanged", "failed", "cleaned")
        },
        "failures": [asdict(f) for f in report.failed[:MAX_LOGGED_FAILURES]],
    }
    store.atomic_write_json(root / LASTRUN, entry)


def last_run(root: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((root / LASTRUN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def index_stats(index_dir: Path | str) -> IndexStats:
    """Files, documents, blocks, documents per language, size on disk, last run."""
    from .indexer import open_index

    root = Path(index_dir)
    ix = open_index(root)
    generation = store.current_generation(root) or ""
    languages: Counter[str] = Counter()
    with ix.searcher() as searcher:
        blocks = searcher.doc_count()
        files = sum(  # terms of deleted, not yet merged blocks stay in the lexicon
            1
            for t in searcher.lexicon("file")
            if searcher.document_number(file=t.decode("utf-8") if isinstance(t, bytes) else t)
            is not None
        )
        documents = 0
        for term in searcher.lexicon("source"):
            source = term.decode("utf-8") if isinstance(term, bytes) else term
            docnum = searcher.document_number(source=source)
            if docnum is None:
                continue
            documents += 1
            languages[block_document(searcher, docnum).get("lang") or "unknown"] += 1
    return IndexStats(
        path=str(root),
        generation=generation,
        files=files,
        documents=documents,
        blocks=blocks,
        languages=dict(languages.most_common()),
        size_bytes=store.disk_size(root),
        last_run=last_run(root),
    )
