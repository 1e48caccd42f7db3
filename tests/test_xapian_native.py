"""The Xapian backend's own ranking: the plan compiled into one Xapian query
(a walker over the plan), tiers, counts, feedback, and one ``Index``
searched from several threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from searchkit import Index, reindex, search
from searchkit.index.snapshot import open_snapshot
from searchkit.query import parse
from searchkit.query import plan as p
from searchkit.retrieval import ranking as knobs

from .conftest import CORPUS

pytest.importorskip("xapian", reason="the Xapian bindings are not installed")

from searchkit.retrieval import xapian_native, xapian_rank


@pytest.fixture(scope="module")
def indexes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("native")
    out = {"whoosh": root / "whoosh", "xapian": root / "xapian"}
    assert reindex(CORPUS, out["whoosh"]).ok
    assert reindex(CORPUS, out["xapian"], backend="xapian", shards=2).ok
    return out


def test_the_compiler_answers_every_plan_node() -> None:
    """Each node type has its method on the Xapian compiler; a walker that
    lacks one says which."""
    for name in p.Walker.METHODS.values():
        assert callable(getattr(xapian_rank.Compiler, name)), name

    class Words(p.Walker[str]):
        def word(self, node: p.WordMatch) -> str:
            return node.form

    assert Words().walk(p.WordMatch(("мир",), "мир")) == "мир"
    with pytest.raises(TypeError, match="Words does not answer FormMatch"):
        Words().walk(p.FormMatch("мира"))
    with pytest.raises(TypeError, match="not a plan node"):
        Words().walk("мир")  # type: ignore[arg-type]


def test_a_rare_word_is_more_of_a_query_than_a_common_one(indexes: dict[str, Path]) -> None:
    with open_snapshot(indexes["xapian"]) as snap:
        plan = parse("мигрантов государства", snap)

        def idf(text: str) -> float:
            return knobs.idf(snap.doc_frequency("content", text), snap.population)

        rare, common = (p.clause_weight(c, idf, 99.0) for c in plan.clauses)
        assert rare > common > 0
        symbol = p.clause_weight(p.SymbolMatch("A/1"), idf, 99.0)
        assert symbol == 99.0


def test_blocks_with_every_word_come_first_then_the_rare_words(
    indexes: dict[str, Path],
) -> None:
    result = search(indexes["xapian"], "мигрантов государства", limit=50)
    assert 0 < result.all_words < len(result.hits)
    complete = [h.complete for h in result if h.kind not in knobs.DEMOTED_KINDS]
    assert complete == sorted(complete, reverse=True)
    partial = [h for h in result if not h.complete and h.kind not in knobs.DEMOTED_KINDS]
    assert partial and "мигрант" in partial[0].snippet.lower()  # the rare word, not "государства"


def test_counts_are_exact_up_to_the_limit_then_said_to_be_estimated(
    indexes: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = search(indexes["xapian"], "права", limit=5)
    whoosh = search(indexes["whoosh"], "права", limit=5)
    assert (exact.total, exact.estimated) == (whoosh.total, False) and exact.total > 20
    grouped = search(indexes["xapian"], "права", limit=5, per_document=1)
    assert grouped.total == exact.total and not grouped.estimated
    monkeypatch.setattr(xapian_native, "EXACT_COUNT", 3)
    rough = search(indexes["xapian"], "права", limit=2)
    assert rough.estimated and rough.total > 0
    faceted = search(indexes["xapian"], "права", limit=2, facets=True)  # facets: all counted
    assert not faceted.estimated and sum(faceted.facets["lang"].values()) == exact.total


def test_feedback_words_come_from_the_best_blocks(indexes: dict[str, Path]) -> None:
    result = search(indexes["xapian"], "незаконный ввоз мигрантов", limit=8)
    assert result.feedback and not set(result.feedback) & {"незаконный", "ввоз", "мигрант"}
    texts = " ".join(h.text.lower() for h in result.hits)
    assert any(word[:5] in texts for word in result.feedback)
    alone = search(indexes["xapian"], "мигрантов")
    assert alone.feedback == []  # a word alone is its own topic


def test_one_index_searched_from_four_threads_answers_as_from_one(
    indexes: dict[str, Path],
) -> None:
    queries = ["незаконный ввоз мигрантов", "права человека", "мигр*", '"рабочая группа"'] * 6
    with Index(indexes["xapian"]) as ix:
        alone = [[(h.source, h.ordinal) for h in ix.search(q)] for q in queries]
        with ThreadPoolExecutor(4) as pool:
            threaded = list(
                pool.map(lambda q: [(h.source, h.ordinal) for h in ix.search(q)], queries)
            )
    assert threaded == alone and all(alone)
