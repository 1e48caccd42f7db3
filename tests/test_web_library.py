"""The library calls both fronts (the CLI and the web server) stand on:
``explain``, ``index_stats`` / ``Index.stats``, ``evaluate_index``."""

from __future__ import annotations

from pathlib import Path

import pytest

import searchkit
from searchkit import Index, QueryError, evaluate_index, explain, index_stats, load_judgements


def test_explain_without_an_index_reads_the_words() -> None:
    result = explain("незаконного ввоза")
    assert [t["norm"] for t in result.tokens] == ["незаконного", "ввоза"]
    assert "ввоз" in result.tokens[1]["lemmas"]
    assert "ввоз" in result.plan


def test_explain_with_an_index_sees_its_prefix_forms(seed_index: Path) -> None:
    alone = explain("мигр*")
    known = explain("мигр*", seed_index)
    assert "мигрантов" in known.plan and "мигрантов" not in alone.plan
    with Index(seed_index) as ix:
        assert ix.explain("мигр*").plan == known.plan


def test_explain_refuses_a_bad_query_as_a_search_would() -> None:
    with pytest.raises(QueryError):
        explain('"незакрытая фраза')


def test_stats_of_a_warm_index_are_those_of_a_cold_call(seed_index: Path) -> None:
    cold = index_stats(seed_index)
    assert cold.documents == 1 and cold.blocks == 8 and cold.languages == {"ru": 1}
    with Index(seed_index) as ix:
        assert ix.stats() == cold


def test_evaluate_index_scores_a_judged_query(seed_index: Path, tmp_path: Path) -> None:
    judged = tmp_path / "judged.jsonl"
    judged.write_text(
        '{"query": "незаконный ввоз мигрантов", "relevant": '
        '[{"source": "000_a4c9014b07e334a9.txt", "paragraph": "2", "grade": 2}]}\n',
        encoding="utf-8",
    )
    report = evaluate_index(seed_index, load_judgements(judged), 10)
    assert report.to_dict()["queries"][0]["query"] == "незаконный ввоз мигрантов"
    assert report.mrr == 1.0 and 0 < report.ndcg <= 1  # paragraph 2 is the first hit


def test_the_new_names_are_public() -> None:
    for name in ("explain", "index_stats", "IndexStats", "evaluate_index", "load_judgements"):
        assert name in searchkit.__all__ and getattr(searchkit, name) is not None
