"""What a reindex run did: :class:`IndexReport`, filled in as files are read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

#: ``progress(source, done, total)``: called as each file is done.
ProgressFn = Callable[[str, int, int], None]


@dataclass
class Failure:
    source: str
    reason: str


@dataclass
class FileOutcome:
    """What reading and analysing one file gave (sent between processes).

    ``status`` is ``unchanged`` (same checksum: not read), ``failed`` (with
    ``reason``) or ``ok`` (``documents`` read into ``blocks`` analysed blocks,
    ``written`` of them once added to a segment).
    """

    status: str
    source: str
    format: str = ""
    reason: str = ""
    documents: int = 0
    blocks: list[Any] = field(default_factory=list)
    written: int = 0
    warning: str = ""  # read, but something about it the user should know (a noisy OCR layer)


@dataclass
class IndexReport:
    """What a reindex run did.

    ``mode`` is ``incremental`` or ``full`` (a full build lists every file it
    indexed as added); ``cleaned`` names leftovers of interrupted runs that were
    removed; ``generation`` is the index generation searched after the run.
    """

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    #: files read and indexed with a reason to look at them (a scanner's noisy OCR layer)
    warnings: list[Failure] = field(default_factory=list)
    blocks: int = 0
    documents: int = 0
    #: format -> [documents read, files failed] for the files read in this run
    formats: dict[str, list[int]] = field(default_factory=dict)
    duration: float = 0.0
    mode: str = "incremental"
    generation: str = ""
    cleaned: list[str] = field(default_factory=list)
    started: str = ""

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deleted)

    def note(self, outcome: FileOutcome, replaces: bool) -> None:
        """Count one file's outcome; ``replaces``: the index held an older version."""
        if outcome.status == "unchanged":
            self.unchanged.append(outcome.source)
        elif outcome.status == "failed":
            self.failed.append(Failure(outcome.source, outcome.reason))
            self.formats.setdefault(outcome.format, [0, 0])[1] += 1
        else:
            (self.updated if replaces else self.added).append(outcome.source)
            if outcome.warning:
                self.warnings.append(Failure(outcome.source, outcome.warning))
            self.blocks += outcome.written
            self.documents += outcome.documents
            self.formats.setdefault(outcome.format, [0, 0])[0] += outcome.documents

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.deleted)} deleted, "
            f"{len(self.unchanged)} unchanged, {len(self.failed)} failed; "
            f"{self.blocks} blocks written in {self.duration:.1f}s"
        ) + self._per_format()

    def _per_format(self) -> str:
        parts = [
            f"{name} {docs} document{'' if docs == 1 else 's'}" + (f", {bad} failed" if bad else "")
            for name, (docs, bad) in sorted(self.formats.items())
        ]
        return f" ({'; '.join(parts)})" if parts else ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
