"""The pooling script: blind, deduplicated, deterministic, incremental pools and the merge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchkit.eval import load_judgements
from tests.judged import pool

DOC1 = (
    "1. Комитет по аудиту состоит из независимых членов, назначаемых руководящим органом.\n\n"
    "2. Внешние ревизоры назначаются на срок шесть лет без права повторного назначения.\n\n"
    "3. Политика защиты информаторов запрещает преследование сотрудников за сообщения.\n"
)
DOC2 = (
    "1. Управление служб внутреннего надзора расследует сообщения о мошенничестве.\n\n"
    "2. Комитет по аудиту ежегодно рассматривает доклады внешних ревизоров организации.\n"
)
TOPICS = [
    {"query": "комитет по аудиту", "need": "Состав комитетов по аудиту.", "stems": ["аудит"]},
    {"query": "защита осведомителей", "need": "Защита информаторов.", "stems": ["информатор"]},
]


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    for name, text in (("a/doc1.txt", DOC1), ("b/doc1.txt", DOC1), ("a/doc2.txt", DOC2)):
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")
    topical = tmp_path / "topical.jsonl"
    lines = ["# header kept"] + [json.dumps(t | {"relevant": []}) for t in TOPICS]
    topical.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return corpus, topical


def items(out: Path) -> list[dict]:
    return [
        json.loads(line)
        for f in sorted(out.glob("pool-*.jsonl"))
        for line in f.read_text(encoding="utf-8").splitlines()
    ]


def test_pool_is_blind_deduplicated_and_deterministic(setup, tmp_path: Path) -> None:
    corpus, topical = setup
    stats = pool.build_pools(corpus, topical, tmp_path / "p1", batch=1)
    got = items(tmp_path / "p1")
    assert sorted(p.name for p in (tmp_path / "p1").glob("pool-*")) == [
        "pool-01.jsonl",
        "pool-02.jsonl",
    ]
    audit = [i for i in got if i["query"] == "комитет по аудиту"]
    texts = [i["text"] for i in audit]
    assert len(texts) == len(set(texts))  # a/doc1 and b/doc1 are one item
    assert any("ежегодно рассматривает" in t for t in texts)
    assert not any("Управление служб" in t or "Внешние ревизоры" in t for t in texts)
    for i in got:
        assert i["grade"] is None
        assert not {"run", "runs", "rank", "score"} & set(i)
        key = i["key"]
        assert len(key["text"]) >= pool.KEY_MIN or key["text"] == i["text"].strip()
    shared = next(i for i in audit if "независимых членов" in i["text"])
    assert shared["key"]["source"] == "/doc1.txt"  # names both copies
    pool.build_pools(corpus, topical, tmp_path / "p2", batch=1)
    assert items(tmp_path / "p2") == got
    assert stats[0][2] == len(audit)


def test_merge_then_repool_asks_only_unread(setup, tmp_path: Path) -> None:
    corpus, topical = setup
    pool.build_pools(corpus, topical, tmp_path / "p", batch=12)
    got = items(tmp_path / "p")
    first = [i for i in got if i["query"] == "комитет по аудиту"]
    for i in first:
        i["grade"] = 2 if "Комитет по аудиту" in i["text"] else 0
    graded = tmp_path / "graded.jsonl"
    graded.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in got) + "\n")
    counts = pool.merge(topical, [graded])
    assert counts["added"] == len(first)
    assert counts["ungraded"] == len(got) - len(first)
    assert topical.read_text(encoding="utf-8").startswith("# header kept\n")
    assert pool.merge(topical, [graded])["unchanged"] == len(first)

    again = pool.build_pools(corpus, topical, tmp_path / "q", batch=12)
    assert again[0][2] == 0  # every block of the first query has been read
    assert again[1][2] == len([i for i in got if i["query"] == "защита осведомителей"])

    lines = topical.read_text(encoding="utf-8").splitlines()
    only = tmp_path / "only.jsonl"
    only.write_text(lines[1] + "\n", encoding="utf-8")
    (judged,) = load_judgements(only)  # the merged entries are what evaluate reads
    assert sum(r.grade == 2 for r in judged.relevant) == 2


def test_merge_refuses_a_bad_grade(setup, tmp_path: Path) -> None:
    corpus, topical = setup
    pool.build_pools(corpus, topical, tmp_path / "p", batch=12)
    got = items(tmp_path / "p")
    got[0]["grade"] = 3
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(got[0], ensure_ascii=False) + "\n")
    with pytest.raises(SystemExit, match="grade must be 0, 1, 2"):
        pool.merge(topical, [bad])
