"""Counting matches from posting lists (searchkit.docsets) agrees with whoosh."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from whoosh.scoring import BM25F

from searchkit import index_corpus, search
from searchkit.docsets import matching
from searchkit.indexer import open_index
from searchkit.query import parse

QUERIES = [
    "мигрантов",
    "незаконный ввоз мигрантов",
    "организации объединенных наций",
    "ввоз -торговля",
    "ввоз OR торговля людьми",
    '"незаконного ввоза мигрантов"',
    "конференция lang:ru",
    "протокол year:2012",
    "мигр*",
    "symbol:CTOC/COP/2012/*",
]


def whoosh_count(index: Path, text: str) -> tuple[int, int]:
    """(searchkit's count, whoosh's own walk of the matcher tree) for one query."""
    with open_index(index).searcher(weighting=BM25F()) as searcher:
        parsed = parse(text, searcher.reader())
        ours = matching(searcher, parsed.query)
        assert all(not searcher.reader().is_deleted(n) for n in ours)
        return len(ours), len(set(searcher.docs_for_query(parsed.query)))


@pytest.mark.parametrize("text", QUERIES)
def test_count_matches_whoosh_on_the_seed(seed_index: Path, text: str) -> None:
    ours, theirs = whoosh_count(seed_index, text)
    assert ours == theirs


def test_count_matches_whoosh_over_segments_with_deletions(
    tmp_path: Path, shared_corpus: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(shared_corpus / "un-documents", corpus)  # 30 files: parallel segments
    index = tmp_path / "index"
    index_corpus(corpus, index)
    victim = sorted(p for p in corpus.rglob("*") if p.suffix in (".txt", ".html", ".xml"))[0]
    victim.write_bytes(victim.read_bytes() + b"\n\n")  # changed: its old blocks are deleted
    report = index_corpus(corpus, index)
    assert report.updated
    with open_index(index).searcher() as searcher:
        assert searcher.reader().has_deletions()
        assert len(searcher.leaf_searchers()) > 1
    for text in ["государств", "организации объединенных наций", "права человека -дети"]:
        ours, theirs = whoosh_count(index, text)
        assert ours == theirs > 0


def test_total_is_every_match_not_just_the_page(seed_index: Path) -> None:
    result = search(seed_index, "конференция", limit=2)
    ours, _ = whoosh_count(seed_index, "конференция")
    assert len(result.hits) == 2
    assert result.total == ours > 2
