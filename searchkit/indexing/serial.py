"""A run in one process: read, analyse and write each file in turn, commit once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..index import writer as segment
from ..index._whoosh import cache_length_columns
from ..index.pool import paused_gc
from .report import IndexReport, ProgressFn
from .scan import Reading, corpus_listing, gone, prepare_file


class SerialRun:
    """One reindex pass over the corpus with one writer (opened lazily).

    The caller sets ``self.ix`` (the whoosh index to write); :meth:`write`
    scans the corpus, fills ``self.report`` and commits once (or, when
    nothing changed, writes nothing), leaving the writer closed.
    """

    def __init__(self, report: IndexReport, progress: ProgressFn | None, reading: Reading) -> None:
        self.report = report
        self.progress = progress
        self.reading = reading
        self.ix: Any = None
        self.writer: Any = None

    def _writer(self) -> Any:
        if self.writer is None:  # not before the first change: a run with none writes nothing
            cache_length_columns()
            self.writer = segment.open_writer(self.ix, limitmb=128)
        return self.writer

    def scan(self, corpus: Path, known: dict[str, str], incremental: bool) -> None:
        """Add, replace and delete what changed."""
        catalog, files = corpus_listing(corpus, known, incremental)
        schema = self.ix.schema
        seen = set()
        for done, (path, source) in enumerate(files, start=1):
            seen.add(source)
            if self.progress:
                self.progress(source, done, len(files))
            outcome = prepare_file(schema, catalog, path, source, known.get(source), self.reading)
            if outcome.status == "ok":
                writer = self._writer()
                if source in known:
                    writer.delete_by_term("file", source)
                for block in outcome.blocks:
                    segment.add_prepared(writer, block)
                outcome.written, outcome.blocks = len(outcome.blocks), []
            self.report.note(outcome, replaces=source in known)
        for source in gone(corpus, known, seen):
            self._writer().delete_by_term("file", source)
            self.report.deleted.append(source)

    def write(self, corpus: Path, known: dict[str, str], incremental: bool) -> None:
        """Scan and commit once; on any error or interrupt, cancel the writer."""
        try:
            with paused_gc():
                self.scan(corpus, known, incremental)
                if self.writer is not None:
                    segment.commit(self.writer)
        except BaseException:
            if self.writer is not None and not self.writer.is_closed:
                self.writer.cancel()
            raise
