"""Relevance and operators on the real UN documents in ../shared/corpus
(skipped when absent): homonyms, ё/е, dashes, symbols, the judged
development set with a floor on nDCG@10 and MRR@10, and the comparison with
whoosh's stock analyzers."""

import sys
from pathlib import Path
from typing import Any

import pytest

from searchkit import search
from searchkit.analysis import lemmas
from searchkit.eval import evaluate_index, load_judgements

DEV = Path(__file__).parent / "judged" / "dev.jsonl"

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def real_index(shared_index) -> Path:
    return shared_index[0]


def test_homonym_prefers_the_typed_form(real_index: Path) -> None:
    hits = search(real_index, "стали", limit=5)
    assert hits.hits and all("стали" in h.text.lower() for h in hits[:3])
    for hit in hits:  # marked: forms of the verb стать, never сталь the metal
        assert all(lemmas(hit.text[s:e].lower())[0] == "стать" for s, e in hit.matches)


def _needs_real_readers(index: Path) -> None:
    if not search(index, "symbol:JIU/*").hits:
        pytest.skip("this index has no file-name symbols or UNPC sentences (readers of issue 3)")


def test_homonym_guilt(real_index: Path) -> None:
    _needs_real_readers(real_index)
    hits = search(real_index, "вина")
    assert "вина" in hits[0].text and "телеканала" in hits[0].text  # «вина» телеканала
    assert "[[вина]]" in hits[0].snippet


def test_yo_and_ye_are_one_letter(real_index: Path) -> None:
    hits = search(real_index, "правовое просвещение военнослужащих вооруженных сил")
    assert hits.hits and "Вооружённых Сил" in hits[0].text
    assert "[[Вооружённых]] [[Сил]]" in hits[0].snippet
    assert search(real_index, "=вооружённых").hits


@pytest.mark.parametrize("query", ["два-три", "два−три", "два–три", '"два три"'])
def test_hyphenated_words_any_dash_whole_and_parts(real_index: Path, query: str) -> None:
    hits = search(real_index, query)
    assert any("два−три" in h.text or "два-три" in h.text for h in hits[:3])


def test_hyphenated_word_found_by_its_part(real_index: Path) -> None:
    hits = search(real_index, '"коммунальных услуг" налогообложение')
    assert hits.hits and "жилищно-коммунальных услуг" in hits[0].text
    assert "жилищно-[[коммунальных]] [[услуг]]" in hits[0].snippet


def test_symbol_filter_and_bare_symbol(real_index: Path) -> None:
    _needs_real_readers(real_index)
    hits = search(real_index, "аудит symbol:JIU/REP/2010/5", limit=5)
    assert hits.hits and all(h.symbol == "JIU/REP/2010/5" for h in hits)
    prefixed = search(real_index, "symbol:JIU/REP/*", limit=5000)
    assert {h.symbol for h in prefixed} > {"JIU/REP/2010/5"}
    assert search(real_index, "аудит year:2010").hits
    assert all(h.date and h.date.startswith("2010") for h in search(real_index, "аудит year:2010"))


def test_numbered_paragraphs_before_tables_of_contents(real_index: Path, monkeypatch) -> None:
    _needs_real_readers(real_index)
    query = "последние тенденции финансирования гуманитарной деятельности"
    ranked = [h.kind for h in search(real_index, query, limit=50)]
    assert "toc" in ranked and ranked[0] != "toc"
    assert ranked.index("toc") > ranked.index("paragraph")
    monkeypatch.setattr(sys.modules["searchkit.retrieval.ranking"], "KIND_FACTORS", {})
    monkeypatch.setattr(sys.modules["searchkit.retrieval.ranking"], "DEMOTED_KINDS", ())
    alone = [h.kind for h in search(real_index, query, limit=50)]  # what BM25F alone does:
    assert alone.index("toc") < alone.index("paragraph")  # the contents page before paragraphs


# --------------------------------------------------------------------------- judged set

#: Floors a little under what the engine measures (README, "Relevance"):
#: a ranking change that loses more than that fails here.
NDCG_FLOOR = 0.85
MRR_FLOOR = 0.80


def test_judged_set_has_forty_queries_with_relevant_blocks() -> None:
    judged = load_judgements(DEV)
    assert len(judged) >= 40
    assert all(j.relevant for j in judged)


def test_judged_set_regression_floor(real_index: Path) -> None:
    _needs_real_readers(real_index)
    report = evaluate_index(real_index, load_judgements(DEV))
    assert report.ndcg >= NDCG_FLOOR, report.table()
    assert report.mrr >= MRR_FLOOR, report.table()


#: Floors on the topical set (README, "Relevance"), a little under what is
#: measured: nDCG@10 0.586, Recall@10 0.399 (3,636 judged blocks; recall falls
#: as judging finds more relevant blocks, not as the engine changes) against the
#: best baseline's 0.503 and 0.335.
TOPICAL_NDCG_FLOOR = 0.55
TOPICAL_RECALL_FLOOR = 0.37
#: searchkit leads the best baseline by at least this much nDCG@10 (measured 0.083).
TOPICAL_LEAD = 0.05


@pytest.fixture(scope="module")
def compared(shared_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Both judged sets, searchkit and its baselines, in one run (tests/judged/compare.py)."""
    from tests.judged.compare import compare

    return compare(shared_corpus, tmp_path_factory.mktemp("compare"))


@pytest.mark.slow
def test_topical_set_floors_and_the_lead_over_every_baseline(compared: dict[str, Any]) -> None:
    topical = compared["topical"]
    ours = topical["searchkit"]
    assert ours.ndcg >= TOPICAL_NDCG_FLOOR, ours.table()
    assert ours.recall >= TOPICAL_RECALL_FLOOR, ours.table()
    baselines = [r for name, r in topical.items() if not name.startswith("searchkit")]
    baselines.append(topical["searchkit any word"])
    assert len(baselines) == 4
    assert ours.ndcg >= max(b.ndcg for b in baselines) + TOPICAL_LEAD
    assert ours.recall > max(b.recall for b in baselines)


@pytest.mark.slow
def test_every_matching_feature_pays_its_way(compared: dict[str, Any]) -> None:
    """Each feature switched off alone loses nDCG@10 on the topical set (or at
    worst costs nothing on the one set and gains on the other)."""
    topical, dev = compared["topical"], compared["dev"]
    ours = topical["searchkit"].ndcg
    for name in (
        "searchkit: every word required",
        "searchkit: no relatives",
        "searchkit: no abbreviations",
        "searchkit: no feedback",
        "searchkit: words not weighed by idf",
    ):
        assert topical[name].ndcg < ours, name
        assert dev[name].ndcg <= dev["searchkit"].ndcg + 0.01, name


def test_dev_set_beats_stock_analyzers(compared: dict[str, Any]) -> None:
    dev = compared["dev"]
    for name in ("whoosh Snowball OR", "whoosh lemmas OR", "FTS5 lemmas OR"):
        assert dev["searchkit"].ndcg > dev[name].ndcg, name


def test_homonym_peace_or_world_typed_form_first(real_index: Path) -> None:
    hits = search(real_index, "мира", limit=3)
    assert all("мира" in h.text for h in hits)
    assert all("[[мира]]" in h.snippet for h in hits)


#: The Xapian backend ranks by its own weights (README, "Backends"): its
#: nDCG@10 stays within this of the whoosh backend's on both judged sets.
XAPIAN_NDCG_GAP = 0.02


@pytest.mark.slow
def test_the_xapian_backend_holds_the_floors_and_keeps_close(compared: dict[str, Any]) -> None:
    pytest.importorskip("xapian", reason="the Xapian bindings are not installed")
    for shards in ("1 shard", "2 shards"):
        name = f"searchkit on Xapian, {shards}"
        topical, dev = compared["topical"][name], compared["dev"][name]
        assert topical.ndcg >= TOPICAL_NDCG_FLOOR and topical.recall >= TOPICAL_RECALL_FLOOR, name
        assert dev.ndcg >= NDCG_FLOOR and dev.mrr >= MRR_FLOOR, name
        for judged in ("topical", "dev"):
            whoosh = compared[judged]["searchkit"].ndcg
            assert compared[judged][name].ndcg >= whoosh - XAPIAN_NDCG_GAP, (name, judged)
