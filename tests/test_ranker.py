"""The one ranker (searchkit.retrieval.ranker) gives whoosh's own scores and
counts, on real text: every query form, phrases and ``~N`` included."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from whoosh import sorting

from searchkit import index_corpus, search
from searchkit.index import snapshot as snapshot_module
from searchkit.index.snapshot import Snapshot, open_index
from searchkit.query import parse
from searchkit.retrieval import ranker as ranker_module
from searchkit.retrieval import ranking, results
from searchkit.retrieval.ranker import Ranker

from . import whoosh_oracle as oracle

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
    '"ввоз мигрантов"~3',
    '"мигрантов незаконному"~2 протокол',
    "ввоз OR торговля мигрантов",
    "конференция lang:ru",
    "cites:CTOC/COP/*",
    "CTOC/COP/*",
    "ввоз date:>2012-07-01",
    "мигрантов year:<2013",
]


@contextmanager
def opened(index: Path) -> Iterator[tuple[Snapshot, Any]]:
    """A snapshot of the index and, over the same reader, whoosh's searcher."""
    searcher = open_index(index).searcher(weighting=oracle.BoostedBM25F())
    try:
        yield Snapshot(searcher.reader()), searcher
    finally:
        searcher.close()


def assert_same_scores(index: Path, text: str) -> int:
    with opened(index) as (snap, searcher):
        plan = parse(text, snap)
        ours = Ranker(snap).required(plan)
        theirs = oracle.scores(searcher, oracle.required(plan))
        matched = {int(d) for d in ours.mask.nonzero()[0]}
        assert matched == set(theirs), text
        for docnum, score in theirs.items():
            assert ours.scores[docnum] == pytest.approx(score, rel=1e-9), text
        # the count too: whoosh's own walk of the matcher tree
        assert int(ours.mask.sum()) == len(set(searcher.docs_for_query(oracle.required(plan))))
        return len(matched)


@pytest.mark.parametrize("text", WORDS)
def test_scores_equal_whoosh_on_the_seed(seed_index: Path, text: str) -> None:
    assert assert_same_scores(seed_index, text) > 0


@pytest.fixture(scope="module")
def changed_index(tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path) -> Path:
    """The un-documents indexed in parallel segments, then one file changed:
    its old blocks are deleted, not yet merged away."""
    tmp = tmp_path_factory.mktemp("changed")
    corpus = tmp / "corpus"
    shutil.copytree(shared_corpus / "un-documents", corpus)
    index = tmp / "index"
    index_corpus(corpus, index)
    victim = sorted(p for p in corpus.rglob("*") if p.suffix in (".txt", ".html", ".xml"))[0]
    victim.write_bytes(victim.read_bytes() + b"\n\n")
    assert index_corpus(corpus, index).updated
    with open_index(index).searcher() as searcher:
        assert searcher.reader().has_deletions() and len(searcher.leaf_searchers()) > 1
    return index


@pytest.mark.parametrize(
    "text",
    [
        "государств",
        "права человека -дети",
        "развит* устойчив*",
        "государства-члены",
        "организации объединенных наций",
        '"прав человека"~2 дети',
        '"государства-члены должны"',
        '"социально-экономического развития"~3',
    ],
)
def test_scores_equal_whoosh_over_segments_with_deletions(changed_index: Path, text: str) -> None:
    assert assert_same_scores(changed_index, text) > 0


def test_proximity_bonus_equals_whoosh_span_scoring(
    shared_index: tuple[Path, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ranker adds the proximity bonus itself; whoosh scores the same
    query with span clauses. Both must give each top block the same score
    (feedback, which whoosh has no query for, left out)."""
    monkeypatch.setattr(ranking, "FEEDBACK_TERMS", 0)
    index, _ = shared_index
    with opened(index) as (snap, searcher):
        for text in ["незаконный ввоз мигрантов", "права человека", "целей устойчивого развития"]:
            plan = parse(text, snap)
            assert len(plan.near) > 1  # the query has word pairs to score by proximity
            result = results.SearchResult(text)
            _view, ranked = results._rank(snap, plan, 30, None, None, False, True, result)
            assert ranked
            theirs = oracle.scores(searcher, oracle.with_proximity(plan))
            assert result.total == len(theirs)
            boosted = 0
            plain = Ranker(snap).required(plan)
            for _tier, score, docnum in ranked:
                key = snap.stored.block(docnum).key
                assert score == pytest.approx(theirs[docnum], rel=1e-9), (text, key)
                boosted += score > plain.scores[docnum] + 1e-9
            assert boosted  # some top blocks have the words close together


@pytest.mark.parametrize(
    "text",
    [
        '"ввоз мигрантов"~3',
        '"мигрантов ввоз"~3',
        '"рабочей группы совещание"~5',
        '"права человека"~1',
        '"прав человека женщин"~4',
        '"human rights council"~2',
        '"=незаконного ввоз*"~3',
    ],
)
def test_near_is_ranked_by_the_ranker_as_whoosh_ranks_it(
    shared_index: tuple[Path, Any], seed_index: Path, text: str
) -> None:
    """``"…"~N`` matches, and scores, exactly the blocks whoosh's span
    queries do (unordered, within N words)."""
    found = assert_same_scores(shared_index[0], text) + assert_same_scores(seed_index, text)
    assert found > 0
    assert search(seed_index, '"ввоз мигрантов"~3').total > 0


def test_a_phrase_needs_its_words_in_order_and_adjacent(seed_index: Path) -> None:
    with opened(seed_index) as (snap, _searcher):
        ranker = Ranker(snap)
        for text, reverse in [
            ('"незаконного ввоза мигрантов"', '"мигрантов ввоза незаконного"'),
            ('"организованной преступности"', '"преступности организованной"'),
        ]:
            forward = ranker.required(parse(text, snap))
            backward = ranker.required(parse(reverse, snap))
            assert forward.mask.sum() > backward.mask.sum()
            for block in forward.mask.nonzero()[0][:20]:
                text_of = snap.stored.block(int(block)).text.lower()
                assert "ввоз" in text_of or "преступност" in text_of


def test_language_filter_keeps_only_that_language(shared_index: tuple[Path, Any]) -> None:
    index, _ = shared_index
    everything = search(index, "human rights", limit=50)
    english = search(index, "human rights", limit=50, lang="en")
    assert english.hits and all(h.language == "en" for h in english.hits)
    assert english.total <= everything.total


def test_decoded_postings_stay_within_the_cache_bound(
    seed_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot_module, "CACHE_POSTINGS", 50)
    monkeypatch.setattr(snapshot_module, "CACHE_POSITIONS", 40)
    monkeypatch.setattr(snapshot_module, "PARTIAL_DECODE", 0.0)  # decode whole position lists
    with opened(seed_index) as (snap, _searcher):
        for text in [*WORDS, '"мигрантов по суше"', '"рабочей группы"']:
            Ranker(snap).required(parse(text, snap))
            postings, positions = snap._postings, snap._positions
            assert postings.total <= 50 or len(postings.entries) == 1
            assert postings.total == sum(len(ids) for ids, _ in postings.entries.values())
            assert positions.total <= 40 or len(positions.entries) == 1
            assert positions.total == sum(len(p) for _, _, p in positions.entries.values())
        assert positions.entries  # the phrases did cache positions


def whoosh_facets(index: Path, text: str) -> tuple[int, dict[str, dict[str, int]]]:
    """(matching blocks, facet counts) as whoosh's searcher groups them."""
    with opened(index) as (snap, searcher):
        plan = parse(text, snap)
        found = searcher.search(
            oracle.required(plan),
            limit=20,
            groupedby={
                name: sorting.FieldFacet(field, allow_overlap=False)
                for name, field in results.FACETS.items()
            },
            maptype=sorting.Count,
        )
        facets = {name: results._facet_counts(found.groups(name)) for name in results.FACETS}
        return len(set(searcher.docs_for_query(oracle.required(plan)))), facets


@pytest.mark.parametrize(
    "text", ["государств", "права человека", '"устойчивого развития"', "human rights -women"]
)
def test_facets_equal_whoosh(shared_index: tuple[Path, Any], text: str) -> None:
    index, _ = shared_index
    bulk = search(index, text, limit=20, facets=True, require_all=True)
    total, facets = whoosh_facets(index, text)
    assert bulk.total == total > 0
    assert {name: bulk.facets[name] for name in results.FACETS} == facets
    assert sum(bulk.facets["type"].values()) == total  # read from the symbols, not indexed
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
    monkeypatch.setattr(snapshot_module, "PARTIAL_DECODE", share)
    index, _ = shared_index
    for text in [
        '"прав человека"',
        '"организации объединенных наций"',
        '"human rights council"',
        '"прав человека"~3',
    ]:
        assert assert_same_scores(index, text) > 0


def test_a_long_phrase_is_matched_by_merging_spans(
    seed_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past MAX_PHRASE words (or with a dashed word) the ranker merges spans
    instead of intersecting keys: the same blocks either way."""
    text = '"незаконному ввозу мигрантов проведет консультации"'
    keyed = assert_same_scores(seed_index, text)
    monkeypatch.setattr(ranker_module, "MAX_PHRASE", 2)
    assert assert_same_scores(seed_index, text) == keyed > 0


def test_filter_flags_stay_within_their_bound(
    seed_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot_module, "CACHE_MASKS", 2)
    with opened(seed_index) as (snap, _searcher):
        counts = []
        for year in range(2008, 2014):
            found = Ranker(snap).required(parse(f"мигрантов year:{year}..2099", snap))
            counts.append(int(found.mask.sum()))
            assert len(snap._masks) <= 2
    assert counts[0] == counts[4] > 0 == counts[5]  # the seed is from 2012


def test_total_is_every_match_not_just_the_page(seed_index: Path) -> None:
    result = search(seed_index, "конференция", limit=2)
    with opened(seed_index) as (_snap, searcher):
        theirs = len(set(searcher.docs_for_query(oracle.required(parse("конференция")))))
    assert len(result.hits) == 2
    assert result.total == theirs > 2
