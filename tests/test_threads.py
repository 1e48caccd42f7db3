"""One open Index searched from several threads at once answers every query
as it answers it alone (the searches take turns on the snapshot)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from searchkit import Index

QUERIES = [
    "ввоз мигрантов",
    '"незаконного ввоза мигрантов"',
    "консультаций",
    "мигра*",
    "протокол против незаконного ввоза",
    "суше морю воздуху",
]


def _answer(ix: Index, query: str) -> list[tuple[str, int, float, str]]:
    return [(h.source, h.ordinal, h.score, h.snippet) for h in ix.search(query, 10)]


def test_threads_sharing_an_index_get_the_answers_of_one(seed_index: Path) -> None:
    with Index(seed_index) as alone:
        expected = {q: _answer(alone, q) for q in QUERIES}
    assert all(expected.values())
    with Index(seed_index) as shared, ThreadPoolExecutor(4) as pool:
        work = QUERIES * 8  # cold caches: the threads decode the same lists at once
        answers = list(pool.map(lambda q: (q, _answer(shared, q)), work))
    assert len(answers) == len(work)
    for query, answer in answers:
        assert answer == expected[query], query


def test_an_open_index_sees_each_commit_at_once(corpus_copy: Path, tmp_path: Path) -> None:
    """A search right after a commit answers from it (refresh checks the
    pointer's and the generation folder's stamps before trusting its snapshot)."""
    from searchkit import index_corpus

    index = tmp_path / "index"
    assert index_corpus(corpus_copy, index).ok
    note = "1. Особая новейшая формулировка о {word}.\n"
    with Index(index) as ix:
        assert not ix.search("новейшая").hits
        for i, word in enumerate(["лососях", "форелях", "осетрах"]):
            (corpus_copy / f"note{i}.txt").write_text(note.format(word=word), encoding="utf-8")
            assert index_corpus(corpus_copy, index).ok  # an incremental commit
            assert {h.source for h in ix.search("новейшая")} == {
                f"note{j}.txt" for j in range(i + 1)
            }
            assert ix.search(word).hits[0].source == f"note{i}.txt"
