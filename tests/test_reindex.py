"""Reindexing in one process: the report, one commit, the format check, --full, stats, lock."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner
from whoosh.query import Every

from searchkit import Index, search
from searchkit.cli import app
from searchkit.errors import (
    EXIT_INDEX,
    EXIT_LOCKED,
    CorpusError,
    IndexLocked,
    IndexNotFound,
    SchemaMismatch,
)
from searchkit.index.generations import current_generation
from searchkit.index.lock import write_lock
from searchkit.index.schema import FORMAT
from searchkit.index.snapshot import Snapshot, open_index
from searchkit.indexing import reindex
from searchkit.readers import READERS
from searchkit.retrieval.stats import index_stats

from .conftest import SEED
from .reindex_helpers import files, leftovers, state, toc_generations

runner = CliRunner()

PARA = "**Записка о мигрантах {n}**\n\n1. Рабочая группа обсудила незаконный ввоз мигрантов {n}.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    shutil.copy(SEED, root / "seed.txt")
    for n in range(3):
        (root / f"note{n}.txt").write_text(PARA.format(n=n), encoding="utf-8")
    return root


def test_report_lists_added_updated_deleted_unchanged_in_one_commit(
    corpus: Path, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    first = reindex(corpus, index)
    assert first.mode == "full"
    assert sorted(first.added) == ["note0.txt", "note1.txt", "note2.txt", "seed.txt"]
    assert first.ok and first.blocks > 4 and first.duration > 0
    before = toc_generations(index)
    snapshot = Snapshot(open_index(index).reader())
    held = sorted(b.key for b in snapshot.stored.all_blocks())
    old_toc = index / "g000001" / f"_MAIN_{before[0]}.toc"

    (corpus / "note0.txt").write_text(PARA.format(n="изменено"), encoding="utf-8")
    (corpus / "note1.txt").unlink()
    (corpus / "new.txt").write_text(PARA.format(n=9), encoding="utf-8")
    report = reindex(corpus, index)
    assert report.mode == "incremental"
    assert (report.added, report.updated, report.deleted) == (
        ["new.txt"],
        ["note0.txt"],
        ["note1.txt"],
    )
    assert sorted(report.unchanged) == ["note2.txt", "seed.txt"]
    assert report.blocks == 4  # two files of two blocks analysed; the others only hashed
    assert toc_generations(index) == [before[0] + 1]  # exactly one commit
    assert set(state(index)) == {"new.txt", "note0.txt", "note2.txt", "seed.txt"}
    assert {h.source for h in search(index, "изменено")} == {"note0.txt"}
    assert leftovers(index) == []
    # a searcher opened before the commit still reads its snapshot (its TOC is gone;
    # segments whoosh merged away would be too: see the --full test, where all are)
    assert not old_toc.exists()
    assert sorted(b.key for b in snapshot.stored.all_blocks()) == held
    assert any(k.startswith("note1.txt#") for k in held)
    snapshot.close()


def test_second_run_without_changes_changes_nothing(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    reindex(corpus, index)
    before = files(index)
    report = reindex(corpus, index)
    assert report.to_dict()["unchanged"] == sorted(p.name for p in corpus.iterdir())
    assert not (report.added or report.updated or report.deleted or report.failed)
    assert files(index) == before


def test_incompatible_format_is_a_clear_error_and_full_rebuilds(
    corpus: Path, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    reindex(corpus, index)
    pointer = index / "searchkit.json"
    meta = json.loads(pointer.read_text())
    pointer.write_text(json.dumps({**meta, "format": "0.0"}))
    with pytest.raises(SchemaMismatch, match=r"format '0\.0'.*reindex --full"):
        open_index(index)
    result = runner.invoke(app, ["search", "мигрант", "--index", str(index)])
    assert result.exit_code == EXIT_INDEX and "reindex --full" in result.output
    result = runner.invoke(app, ["reindex", str(corpus), "--index", str(index)])
    assert result.exit_code == EXIT_INDEX and "reindex --full" in result.output
    result = runner.invoke(app, ["reindex", str(corpus), "--index", str(index), "--full"])
    assert result.exit_code == 0, result.output
    assert search(index, "мигрант").hits


# whoosh leaves the file of a damaged table of contents open when it gives up on it
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_damaged_index_and_old_layout_ask_for_full(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    reindex(corpus, index)
    toc = next((index / str(current_generation(index))).glob("_MAIN_*.toc"))
    toc.write_bytes(b"garbage")
    with pytest.raises(SchemaMismatch, match=r"cannot be opened.*reindex --full"):
        open_index(index)
    (index / "searchkit.json").write_text("{not json")
    with pytest.raises(SchemaMismatch, match=r"unreadable.*reindex --full"):
        open_index(index)
    # the first versions' layout: whoosh files in the folder, no generation named
    (index / "searchkit.json").write_text(json.dumps({"format": FORMAT}))
    with pytest.raises(SchemaMismatch, match="older on-disk layout"):
        open_index(index)
    with pytest.raises(SchemaMismatch, match="older on-disk layout"):
        reindex(corpus, index)  # only --full replaces an index it cannot read
    report = reindex(corpus, index, full=True)
    assert report.ok and len(state(index)) == 4
    reindex(corpus, index)
    assert leftovers(index) == []
    with pytest.raises(IndexNotFound, match="no index"):
        open_index(tmp_path / "nothing")


def test_full_swaps_atomically_and_old_searchers_keep_working(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    reindex(corpus, index)
    old = open_index(index).searcher()
    warm = Index(index)
    assert warm.search("мигрант").hits
    (corpus / "note2.txt").write_text(PARA.format(n="новейшая"), encoding="utf-8")
    report = reindex(corpus, index, full=True)
    assert report.mode == "full" and report.generation == "g000002"
    assert {h.source for h in search(index, "новейшая")} == {"note2.txt"}
    assert {h.source for h in warm.search("новейшая")} == {"note2.txt"}  # follows the swap
    reindex(corpus, index)  # the next run removes the replaced generation ...
    assert not (index / "g000001").exists() and leftovers(index) == []
    assert old.doc_count() > 0 and len(old.search(Every())) == old.doc_count()
    old.close()  # ... while a searcher that had it open kept its snapshot
    warm.close()


def test_stats_counts_documents_blocks_languages_and_last_run(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    (corpus / "empty.txt").write_text("")
    (corpus / "english.txt").write_text(
        "**Note on migrants**\n\n1. The working group discussed the smuggling of migrants.\n"
    )
    reindex(corpus, index)
    stats = index_stats(index)
    assert stats.documents == 5 and stats.files == 5
    with open_index(index).searcher() as searcher:
        assert stats.blocks == sum(1 for _ in searcher.all_stored_fields())
    assert stats.languages == {"ru": 4, "en": 1}
    assert stats.size_bytes > 10_000
    assert stats.last_run["result"] == "some files failed" and stats.last_run["failed"] == 1
    assert stats.last_run["failures"][0]["source"] == "empty.txt"
    result = runner.invoke(app, ["stats", "--index", str(index)])
    assert result.exit_code == 0
    assert "documents  5" in result.output and "ru 4, en 1" in result.output
    assert "some files failed" in result.output
    data = json.loads(runner.invoke(app, ["stats", "--index", str(index), "--json"]).output)
    assert data["blocks"] == stats.blocks and data["last_run"]["mode"] == "full"


def test_a_file_deleted_during_the_run_is_reported_and_the_rest_indexed(
    corpus: Path, tmp_path: Path
) -> None:
    def delete_the_next_file(source: str, done: int, total: int) -> None:
        if source == "note0.txt":
            (corpus / "note1.txt").unlink()

    report = reindex(corpus, tmp_path / "index", progress=delete_the_next_file)
    assert [(f.source, f.reason) for f in report.failed] == [
        ("note1.txt", "the file disappeared during the run")
    ]
    assert sorted(report.added) == ["note0.txt", "note2.txt", "seed.txt"]


def test_files_over_the_size_limit_are_skipped_unread(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    reindex(corpus, index)
    (corpus / "note0.txt").write_text(PARA.format(n="x" * 3000), encoding="utf-8")
    report = reindex(corpus, index, max_file_size=2000)
    assert report.failed[0].source == "note0.txt"
    assert "over the 2,000-byte limit (--max-size)" in report.failed[0].reason
    assert search(index, "мигрант 0").hits  # the indexed version stays searchable
    assert "note0.txt" in state(index)


def test_a_second_writer_waits_then_gives_up_with_exit_3(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    reindex(corpus, index)
    with write_lock(index):
        with pytest.raises(IndexLocked, match=r"another process is writing.*waited 0\.3s"):
            reindex(corpus, index, wait=0.3)
        result = runner.invoke(app, ["reindex", str(corpus), "--index", str(index)])
        assert result.exit_code == EXIT_LOCKED
        assert "another process is writing the index" in result.output
        assert search(index, "мигрант").hits  # searching never waits for the lock
    assert reindex(corpus, index).ok


def test_missing_corpus_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["reindex", str(tmp_path / "nope"), "--index", str(tmp_path)])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_an_empty_corpus_never_empties_the_index_by_accident(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    reindex(corpus, index)
    for path in corpus.iterdir():
        path.unlink()
    with pytest.raises(CorpusError, match="is empty; refusing to remove all 4 files"):
        reindex(corpus, index)
    assert len(state(index)) == 4
    assert reindex(corpus, index, full=True).ok and state(index) == {}


def test_a_reader_that_breaks_fails_only_its_file(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(data: bytes, source: str):  # a reader with a bug, registered like any other
        raise ValueError("unexpected markup")

    monkeypatch.setitem(READERS, ".odd", broken)
    (corpus / "strange.odd").write_text("1. текст")
    report = reindex(corpus, tmp_path / "index")
    assert [(f.source, f.reason) for f in report.failed] == [
        ("strange.odd", "the reader failed (ValueError: unexpected markup); please report this")
    ]
    assert len(report.added) == 4
