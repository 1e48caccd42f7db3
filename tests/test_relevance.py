"""Relevance and operators on the real UN documents in ../shared/corpus
(skipped when absent): homonyms, ё/е, dashes, symbols, the judged
development set with a floor on nDCG@10 and MRR@10, and the comparison with
whoosh's stock analyzers."""

import sys
from pathlib import Path

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
    assert next(h.kind for h in search(real_index, query)) == "toc"  # what BM25F alone does


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


@pytest.mark.slow
def test_engine_beats_stock_whoosh_analyzers(real_index: Path, tmp_path: Path) -> None:
    from whoosh.analysis import LanguageAnalyzer, SimpleAnalyzer

    from searchkit.eval import evaluate
    from tests.judged.compare import baseline_runner, build_baseline, stored_blocks

    _needs_real_readers(real_index)
    judged = load_judgements(DEV)
    ours = evaluate_index(real_index, judged)
    blocks = stored_blocks(real_index)
    for name, analyzer in (("snowball", LanguageAnalyzer("ru")), ("plain", SimpleAnalyzer())):
        other = evaluate(baseline_runner(build_baseline(blocks, analyzer, tmp_path / name)), judged)
        assert ours.ndcg > other.ndcg, f"{name}: {other.ndcg:.3f} >= searchkit {ours.ndcg:.3f}"


def test_homonym_peace_or_world_typed_form_first(real_index: Path) -> None:
    hits = search(real_index, "мира", limit=3)
    assert all("мира" in h.text for h in hits)
    assert all("[[мира]]" in h.snippet for h in hits)
