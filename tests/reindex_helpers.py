"""Looking at an index folder from the outside: its state, files, leftovers."""

from __future__ import annotations

import re
from pathlib import Path

from searchkit.index.generations import current_generation
from searchkit.index.snapshot import open_snapshot
from searchkit.indexing.scan import indexed_files

LOG = "lastrun.json"


def state(index: Path) -> dict[str, str]:
    """source -> checksum, as the index holds it (opened afresh)."""
    with open_snapshot(index) as snap:
        return indexed_files(snap)


def blocks_per_source(index: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with open_snapshot(index) as snap:
        for block in snap.stored.all_blocks():
            counts[block.document.source] = counts.get(block.document.source, 0) + 1
    return counts


def toc_generations(index: Path) -> list[int]:
    gen_dir = index / (current_generation(index) or "?")
    return sorted(
        int(m.group(1)) for p in gen_dir.iterdir() if (m := re.match(r"^_MAIN_(\d+)\.toc$", p.name))
    )


def files(index: Path) -> dict[str, bytes]:
    """Every file under the index folder but the last-run log, with its bytes."""
    return {
        p.relative_to(index).as_posix(): p.read_bytes()
        for p in sorted(index.rglob("*"))
        if p.is_file() and p.name != LOG
    }


def leftovers(index: Path) -> list[str]:
    """Names in the index folder that a finished, clean run would not leave."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    current = current_generation(index)
    extra = [
        p.name
        for p in index.iterdir()
        if p.name not in {"searchkit.json", LOG, "MAIN_WRITELOCK", current}
    ]
    gen_dir = index / str(current)
    toc = TOC.read(FileStorage(str(gen_dir)), "MAIN")
    live = {s.segment_id() for s in toc.segments}
    for p in gen_dir.iterdir():
        if p.name in {"MAIN_WRITELOCK", f"_MAIN_{toc.generation}.toc"}:
            continue
        if p.name.split(".")[0] not in live:
            extra.append(f"{current}/{p.name}")
    return sorted(extra)
