"""The benchmark code runs end to end on a tiny corpus (so it cannot rot); no timings asserted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.corpus import source_documents, touch_percent, write_corpus
from bench.queries import MIX, make_queries
from searchkit.readers import read_path


@pytest.mark.corpus
def test_query_mix_is_fixed_and_complete(shared_corpus: Path) -> None:
    docs = source_documents(shared_corpus)
    first, again = make_queries(docs), make_queries(docs)
    assert first == again and len(first) == sum(MIX.values()) >= 200
    assert {q.kind for q in first} == set(MIX)
    assert make_queries(docs, seed=1) != first


@pytest.mark.corpus
def test_scaled_corpus_repeats_documents_under_new_symbols(
    shared_corpus: Path, tmp_path: Path
) -> None:
    docs = source_documents(shared_corpus)
    info = write_corpus(docs, 6, tmp_path / "c")  # more than the ~4.6 MB of source text
    assert info["bytes"] >= 6_000_000
    second = sorted((tmp_path / "c" / "r0002").glob("*.txt"))[0]
    document = read_path(second, "x.txt")
    assert document.symbol is not None and document.symbol.endswith("/R2")
    assert len(document.blocks) > 1
    changed = touch_percent(tmp_path / "c", 1.0)
    assert len(changed) == round(info["files"] / 100)


@pytest.mark.slow
@pytest.mark.corpus
def test_bench_runs_on_a_tiny_corpus(shared_corpus: Path, tmp_path: Path, capsys) -> None:
    code = main(
        [
            "--sizes",
            "0.2",
            "--engines",
            "searchkit,searchkit-serial,whoosh-snowball,fts5-lemmas",
            "--shared",
            str(shared_corpus),
            "--out",
            str(tmp_path / "out"),
            "--workdir",
            str(tmp_path / "work"),
        ]
    )
    assert code == 0
    (result,) = (tmp_path / "out").glob("*.json")
    data = json.loads(result.read_text(encoding="utf-8"))
    size = data["sizes"][0]
    blocks = size["corpus"]["blocks"]
    assert blocks > 100
    for name in ("searchkit", "searchkit-serial", "whoosh-snowball", "fts5-lemmas"):
        assert size["index"][name]["blocks"] == blocks, name
    for name in ("searchkit", "whoosh-snowball", "fts5-lemmas"):
        assert size["queries"][name]["all"]["n"] == sum(MIX.values())
        assert size["queries"][name]["words"]["with_hits"] > 0
    assert size["reindex"]["changed"] >= 1
    assert size["cold_start"]["median_s"] > 0
    speed = size["throughput"]["searchkit"]
    assert speed["queries"] == 2 * sum(MIX.values())
    assert min(speed["one_thread_qps"], speed["threads_qps"], speed["processes_qps"]) > 0
    assert str(tmp_path) not in result.read_text(encoding="utf-8")  # results name no paths
    out = capsys.readouterr().out
    assert "Indexing" in out and "Queries" in out and "vocabulary is real but repeated" in out
    assert "Throughput" in out


@pytest.mark.slow
@pytest.mark.corpus
def test_profile_runs_on_a_tiny_corpus(shared_corpus: Path, capsys) -> None:
    from bench.profile import main as profile

    assert profile(["--mb", "0.1", "--top", "3", "--shared", str(shared_corpus)]) == 0
    out = capsys.readouterr().out
    assert "## commit" in out and "queries, warm searcher" in out and "ncalls" in out
