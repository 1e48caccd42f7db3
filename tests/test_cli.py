"""The CLI, through typer's runner and as a real process."""

import json
import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from searchkit import index_corpus, search
from searchkit.cli import app
from searchkit.retrieval.browse import parallels, show

from .conftest import CORPUS

runner = CliRunner()


def test_search_prints_citation_first(seed_index: Path) -> None:
    result = runner.invoke(app, ["search", "консультация эксперт", "--index", str(seed_index)])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("[symbol unknown: 000_a4c9014b07e334a9.txt], para. 1")
    assert "[[консультаций]] правительственных [[экспертов]]" in result.output
    assert "Записка Секретариата" in result.output


def test_search_json_carries_every_field(seed_index: Path) -> None:
    result = runner.invoke(app, ["search", "мигрант", "--index", str(seed_index), "--json"])
    assert result.exit_code == 0
    hits = json.loads(result.output)
    assert hits
    for field in (
        "symbol",
        "paragraph",
        "kind",
        "heading",
        "title",
        "score",
        "snippet",
        "text",
        "source",
        "citation",
    ):
        assert field in hits[0], field
    assert any(h["paragraph"] == "3" for h in hits)


def test_no_results_exit_zero(seed_index: Path) -> None:
    result = runner.invoke(app, ["search", "фотосинтез", "--index", str(seed_index)])
    assert result.exit_code == 0
    assert "no results" in result.output


def test_missing_index_is_one_line_error_without_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "missing-index"
    proc = subprocess.run(
        [sys.executable, "-m", "searchkit", "search", "ввоз", "--index", str(missing)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    assert str(missing) in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_bad_query_is_a_clear_error(seed_index: Path) -> None:
    result = runner.invoke(app, ["search", '"ввоз', "--index", str(seed_index)])
    assert result.exit_code != 0
    assert "unbalanced quote" in result.output


def test_index_command_reports_and_skips_bad_files(tmp_path: Path, corpus_copy: Path) -> None:
    (corpus_copy / "empty.txt").write_text("")
    index_dir = tmp_path / "ix"
    result = runner.invoke(app, ["index", str(corpus_copy), "--index", str(index_dir)])
    assert result.exit_code == 1  # done, but a file failed
    assert "empty.txt" in result.output and "empty" in result.output
    assert "1 added" in result.output
    search = runner.invoke(app, ["search", "мигрант", "--index", str(index_dir)])
    assert search.exit_code == 0 and "para. 1" in search.output


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("searchkit ")


def test_bundled_corpus_is_the_main_job(tmp_path: Path) -> None:
    """`make search` indexes corpus/ and searches it: every file reads, each
    format its reader, the PDF pair and the Charter pair beside each other."""
    listed = set(re.findall(r"`([\w./-]+\.(?:txt|pdf))`", (CORPUS / "SOURCE.md").read_text()))
    files = {
        p.relative_to(CORPUS).as_posix()
        for p in CORPUS.rglob("*")
        if p.is_file() and p.name != "SOURCE.md"
    }
    assert files and files == listed  # SOURCE.md names every bundled file
    report = index_corpus(CORPUS, tmp_path / "index")
    assert report.ok and len(report.added) == len(files), report.failed
    hits = search(tmp_path / "index", "торговля людьми", limit=1)
    assert hits[0].symbol == "A/HRC/WG.6/34/ITA/3" and hits[0].source.endswith(".pdf")
    assert "Trafficking" in parallels(tmp_path / "index", hits, "en")[0].text
    cited = show(tmp_path / "index", "Устав ООН", "51", parallel_langs=("en",))
    assert "self-defence" in cited.parallel["en"].text
