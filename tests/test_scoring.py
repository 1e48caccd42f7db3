"""Bulk BM25F (searchkit.scoring) gives whoosh's own scores, on real text."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path
from typing import Any

import pytest
from whoosh.scoring import BM25F

from searchkit import index_corpus, scoring, search
from searchkit.indexer import open_index
from searchkit.query import parse
from searchkit.stored import block_fields

search_module = importlib.import_module("searchkit.search")  # the module, not the function

WORDS = [
    "мигрантов",
    "незаконный ввоз мигрантов",
    "организации объединенных наций",
    "ввоз -торговля",
    "конференция участников протокола",
    "мигр*",
    "статья 3",
    "=ввоза",
    "протокол year:2012",
    "мигрантов date:2012-07..2012-12",
    '"незаконного ввоза мигрантов"',
    '"незаконного ввоз*" протокол',
    '"организованной преступности" -протокол',
]


def whoosh_scores(searcher: Any, query: Any) -> dict[int, float]:
    """Every matching block and its score, as whoosh's matchers compute them."""
    return {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}


def assert_same_scores(index: Path, text: str) -> int:
    with open_index(index).searcher(weighting=BM25F()) as searcher:
        parsed = parse(text, searcher.reader())
        ours = scoring.evaluate(searcher, parsed.core)
        assert ours is not None, f"{text!r} should be scored in bulk"
        theirs = whoosh_scores(searcher, parsed.core)
        matched = {int(d) for d in ours.mask.nonzero()[0]}
        assert matched == set(theirs)
        for docnum, score in theirs.items():
            assert ours.scores[docnum] == pytest.approx(score, rel=1e-9)
        return len(matched)


@pytest.mark.parametrize("text", WORDS)
def test_scores_equal_whoosh_on_the_seed(seed_index: Path, text: str) -> None:
    assert assert_same_scores(seed_index, text) > 0


def test_scores_equal_whoosh_over_segments_with_deletions(
    tmp_path: Path, shared_corpus: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(shared_corpus / "un-documents", corpus)
    index = tmp_path / "index"
    index_corpus(corpus, index)
    victim = sorted(p for p in corpus.rglob("*") if p.suffix in (".txt", ".html", ".xml"))[0]
    victim.write_bytes(victim.read_bytes() + b"\n\n")
    assert index_corpus(corpus, index).updated
    with open_index(index).searcher() as searcher:
        assert searcher.reader().has_deletions() and len(searcher.leaf_searchers()) > 1
    for text in ["государств", "права человека -дети", "развит* устойчив*", "государства-члены"]:
        assert assert_same_scores(index, text) > 0


def test_proximity_bonus_equals_whoosh_span_scoring(shared_index: tuple[Path, Any]) -> None:
    """The bulk ranker adds the proximity bonus itself; whoosh scores the same
    query with span clauses. Both must give each top block the same score."""
    index, _ = shared_index
    with open_index(index).searcher(weighting=BM25F()) as searcher:
        for text in ["незаконный ввоз мигрантов", "права человека", "целей устойчивого развития"]:
            parsed = parse(text, searcher.reader())
            assert parsed.near  # the query has word pairs to score by proximity
            result = search_module.SearchResult(text)
            ranked = search_module._rank_in_bulk(
                searcher, parsed, 30, None, None, None, False, result
            )
            assert ranked
            theirs = whoosh_scores(searcher, parsed.query)
            assert result.total == len(theirs)
            boosted = 0
            for score, docnum in ranked:
                key = block_fields(searcher, docnum)["key"]
                assert score == pytest.approx(theirs[docnum], rel=1e-9), (text, key)
                boosted += score > scoring.evaluate(searcher, parsed.core).scores[docnum] + 1e-9
            assert boosted  # some top blocks have the words close together


def test_near_is_left_to_whoosh(seed_index: Path) -> None:
    with open_index(seed_index).searcher(weighting=BM25F()) as searcher:
        parsed = parse('"ввоз мигрантов"~3', searcher.reader())
        assert scoring.evaluate(searcher, parsed.core) is None
    assert search(seed_index, '"ввоз мигрантов"~3').total > 0  # whoosh still answers it


def test_a_phrase_needs_its_words_in_order_and_adjacent(seed_index: Path) -> None:
    with open_index(seed_index).searcher(weighting=BM25F()) as searcher:
        for text, reverse in [
            ('"незаконного ввоза мигрантов"', '"мигрантов ввоза незаконного"'),
            ('"организованной преступности"', '"преступности организованной"'),
        ]:
            forward = scoring.evaluate(searcher, parse(text, searcher.reader()).core)
            backward = scoring.evaluate(searcher, parse(reverse, searcher.reader()).core)
            assert forward is not None and backward is not None
            assert forward.mask.sum() > backward.mask.sum()
            for block in forward.mask.nonzero()[0][:20]:
                assert "ввоз" in block_fields(searcher, int(block))["text"].lower() or (
                    "преступност" in block_fields(searcher, int(block))["text"].lower()
                )


def test_language_filter_keeps_only_that_language(shared_index: tuple[Path, Any]) -> None:
    index, _ = shared_index
    everything = search(index, "human rights", limit=50)
    english = search(index, "human rights", limit=50, lang="en")
    assert english.hits and all(h.language == "en" for h in english.hits)
    assert english.total <= everything.total


def test_decoded_postings_stay_within_the_cache_bound(
    seed_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scoring, "CACHE_POSTINGS", 50)
    monkeypatch.setattr(scoring, "CACHE_POSITIONS", 40)
    monkeypatch.setattr(scoring, "PARTIAL_DECODE", 0.0)  # phrases decode whole position lists
    with open_index(seed_index).searcher(weighting=BM25F()) as searcher:
        for text in [*WORDS, '"мигрантов по суше"', '"рабочей группы"']:
            assert scoring.evaluate(searcher, parse(text, searcher.reader()).core) is not None
            eng = scoring.engine(searcher)
            postings, positions = eng._postings, eng._positions
            assert postings.total <= 50 or len(postings.entries) == 1
            assert postings.total == sum(len(ids) for ids, _ in postings.entries.values())
            assert positions.total <= 40 or len(positions.entries) == 1
            assert positions.total == sum(len(p) for _, _, p in positions.entries.values())
        assert positions.entries  # the phrases did cache positions


def whoosh_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make searchkit.search answer every query through whoosh's searcher."""
    monkeypatch.setattr(search_module, "_rank_in_bulk", lambda *args: None)


@pytest.mark.parametrize(
    "text", ["государств", "права человека", '"устойчивого развития"', "human rights -women"]
)
def test_facets_equal_whoosh(
    shared_index: tuple[Path, Any], monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    index, _ = shared_index
    bulk = search(index, text, limit=20, facets=True)
    whoosh_only(monkeypatch)
    slow = search(index, text, limit=20, facets=True)
    assert bulk.total == slow.total > 0
    assert bulk.facets == slow.facets
    assert sum(bulk.facets["lang"].values()) == bulk.total


@pytest.mark.parametrize("text", ["государств", "права человека", "human rights"])
def test_one_block_per_document_is_its_best(shared_index: tuple[Path, Any], text: str) -> None:
    index, _ = shared_index
    grouped = search(index, text, limit=10, per_document=1)
    everything = search(index, text, limit=300)
    assert len(grouped) == 10 and len({h.source for h in grouped}) == 10
    best: dict[str, float] = {}
    for hit in everything:  # each document's best block among the top 300
        best.setdefault(hit.source, hit.score)
    for hit in grouped:
        assert hit.score == best[hit.source]
    assert [h.score for h in grouped] == sorted((h.score for h in grouped), reverse=True)


@pytest.mark.parametrize("share", [0.0, 1.0])  # decode every position / candidates only
def test_phrases_match_whoosh_however_positions_are_decoded(
    shared_index: tuple[Path, Any], monkeypatch: pytest.MonkeyPatch, share: float
) -> None:
    monkeypatch.setattr(scoring, "PARTIAL_DECODE", share)
    index, _ = shared_index
    for text in ['"прав человека"', '"организации объединенных наций"', '"human rights council"']:
        assert assert_same_scores(index, text) > 0


def test_filter_flags_stay_within_their_bound(
    seed_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scoring, "CACHE_MASKS", 2)
    with open_index(seed_index).searcher(weighting=BM25F()) as searcher:
        counts = []
        for year in range(2008, 2014):
            parsed = parse(f"мигрантов year:{year}..2099", searcher.reader())
            found = scoring.evaluate(searcher, parsed.core)
            assert found is not None
            counts.append(int(found.mask.sum()))
            assert len(scoring.engine(searcher)._masks) <= 2
    assert counts[0] == counts[4] > 0 == counts[5]  # the seed is from 2012
