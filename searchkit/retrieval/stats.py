"""What an index holds: files, documents, blocks, languages, size, the last run."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..analysis.abbreviations import dictionary_form
from ..index import generations
from ..index.runlog import last_run
from ..index.snapshot import Snapshot, open_snapshot
from ..index.xapian import layout


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
    backend: str = "whoosh"
    shards: int = 1
    #: A Xapian index: the blocks each shard holds, by folder or server address.
    shard_blocks: dict[str, int] = field(default_factory=dict)
    #: ``size_bytes`` is what the folder holds (False: remote shards, whose
    #: servers hold the index; the size is not known here).
    size_known: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Abbreviation:
    """An abbreviation the indexed text defines, its full names (most used
    first, each in its dictionary form) and how many blocks define it."""

    abbreviation: str
    names: list[str]
    blocks: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def abbreviations(index_dir: Path | str) -> list[Abbreviation]:
    """Every abbreviation the index learned from its text, most defined first;
    the full names as a dictionary lists them (``Совет по правам человека``,
    not the ``Совете по правам человека`` of the text)."""
    found = []
    with open_snapshot(index_dir) as snap:
        for key in snap.lexicon("abbr"):
            blocks = snap.count("abbr", key)
            names = list(dict.fromkeys(dictionary_form(n) for n in snap.names_for(key)))
            if blocks and names:
                found.append(Abbreviation(key.upper(), names, blocks))
    return sorted(found, key=lambda a: (-a.blocks, a.abbreviation))


def index_stats(index_dir: Path | str) -> IndexStats:
    """Files, documents, blocks, documents per language, size on disk, last run."""
    with open_snapshot(index_dir) as snap:
        return snapshot_stats(snap, index_dir)


def snapshot_stats(snap: Snapshot, index_dir: Path | str) -> IndexStats:
    """:func:`index_stats` of an open snapshot of the index at ``index_dir``."""
    root = Path(index_dir)
    remote = layout.is_descriptor(root)  # the servers hold the index
    languages: Counter[str] = Counter()
    generation = snap.generation or ""
    backend, shards = getattr(snap, "backend", "whoosh"), getattr(snap, "shards", 1)
    blocks = snap.live_count()
    shard_blocks = {}
    if backend == "xapian":
        xsnap: Any = snap
        names = [xsnap.location.shards[k] for k in xsnap.present]
        shard_blocks = {
            name: int(part.get_doccount()) for name, part in zip(names, xsnap.parts, strict=True)
        }
    files = sum(  # terms of deleted, not yet merged blocks stay in the lexicon
        1 for file in snap.lexicon("file") if snap.first_block("file", file) is not None
    )
    documents = 0
    for source in snap.lexicon("source"):
        block = snap.first_block("source", source)
        if block is None:
            continue
        documents += 1
        languages[snap.stored.document(block).language or "unknown"] += 1
    return IndexStats(
        path=str(root),
        generation=generation,
        files=files,
        documents=documents,
        blocks=blocks,
        languages=dict(languages.most_common()),
        size_bytes=0 if remote else generations.disk_size(root),
        last_run=last_run(layout.state_path(root) if layout.is_descriptor(root) else root),
        backend=backend,
        shards=shards,
        shard_blocks=shard_blocks,
        size_known=not remote,
    )
