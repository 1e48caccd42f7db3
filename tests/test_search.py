"""End-to-end through the library: index the bundled corpus, search it."""

from pathlib import Path

import pytest

from searchkit import Index, IndexNotFound, QueryError, index_corpus, search


def _cited(hits) -> list[tuple[str, str | None]]:
    return [(h.kind, h.paragraph) for h in hits]


def test_phrase_words_find_title_and_paragraph_one(seed_index: Path) -> None:
    hits = search(seed_index, "незаконный ввоз мигрант")
    top = _cited(hits[:5])
    assert ("paragraph", "1") in top
    assert any(kind == "title" for kind, _ in top)
    para1 = next(h for h in hits if h.paragraph == "1")
    assert "[[незаконного]] [[ввоза]] [[мигрантов]]" in para1.snippet
    assert para1.symbol is None
    assert para1.citation == "[symbol unknown: 000_a4c9014b07e334a9.txt], para. 1"
    assert para1.heading == "Записка Секретариата"
    assert para1.text.startswith("В своей резолюции 5/3")


def test_nominative_query_finds_inflected_forms(seed_index: Path) -> None:
    hits = search(seed_index, "рабочая группа")
    snippets = " ".join(h.snippet for h in hits)
    assert "[[Рабочей]] [[группы]]" in snippets
    assert "[[Рабочая]] [[группа]]" in snippets
    assert {h.paragraph for h in hits} >= {"1", "2", "3"}


def test_consultation_of_experts(seed_index: Path) -> None:
    hits = search(seed_index, "консультация эксперт")
    assert _cited(hits)[0] == ("paragraph", "1")
    assert "[[консультаций]] правительственных [[экспертов]]" in hits[0].snippet


@pytest.mark.parametrize("query", ["CTOC/COP/2012/1", "СТОС/COP/2012/1", "ctoc/cop/2012/1"])
def test_symbol_query_finds_footnote_typed_in_cyrillic(seed_index: Path, query: str) -> None:
    hits = search(seed_index, query)
    assert _cited(hits) == [("footnote", "*")]
    assert hits[0].text == "СТОС/COP/2012/1."


def test_no_match_is_an_empty_result(seed_index: Path) -> None:
    result = search(seed_index, "фотосинтез")
    assert len(result) == 0 and not result.fallback


def test_fallback_to_any_word_is_reported(seed_index: Path) -> None:
    result = search(seed_index, "фотосинтез мигрантов")
    assert result.fallback
    assert result.hits and all("[[мигрантов]]" in h.snippet for h in result)


def test_quoted_phrase_matches_across_inflection(seed_index: Path) -> None:
    hits = search(seed_index, '"незаконный ввоз мигрантов"')
    assert ("paragraph", "1") in _cited(hits)
    # word order matters in a phrase
    assert not search(seed_index, '"мигрантов ввоз незаконный"').hits


def test_missing_index_raises(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFound, match=str(tmp_path / "nope")):
        search(tmp_path / "nope", "ввоз")


@pytest.mark.parametrize("query", ['"ввоз', "", "   ", "ввоз\x00"])
def test_bad_query_raises_query_error(seed_index: Path, query: str) -> None:
    with pytest.raises(QueryError):
        search(seed_index, query)


def test_index_object_reuses_searcher(seed_index: Path) -> None:
    with Index(seed_index) as ix:
        first = ix.search("мигрант")
        second = ix.search("консультация")
    assert first.hits and second.hits


def test_incremental_update(tmp_path: Path, corpus_copy: Path) -> None:
    index_dir = tmp_path / "ix"
    first = index_corpus(corpus_copy, index_dir)
    assert len(first.added) == 1 and first.blocks == 8
    again = index_corpus(corpus_copy, index_dir)
    assert again.unchanged == first.added and again.blocks == 0
    (corpus_copy / "new.txt").write_text("1. Фотосинтез в зелёных листьях.\n", encoding="utf-8")
    (corpus_copy / "broken.txt").write_bytes(b"\x00\x00binary")
    third = index_corpus(corpus_copy, index_dir)
    assert third.added == ["new.txt"]
    assert [f.source for f in third.failed] == ["broken.txt"]
    assert search(index_dir, "фотосинтез")[0].source == "new.txt"
    assert search(index_dir, "зеленый лист")  # ё folded at index and query time
    (corpus_copy / "new.txt").unlink()
    fourth = index_corpus(corpus_copy, index_dir)
    assert fourth.deleted == ["new.txt"]
    assert not search(index_dir, "фотосинтез").hits
    assert search(index_dir, "мигрант").hits  # the rest stays searchable


def test_a_second_copy_of_a_document_is_not_shown_twice(tmp_path: Path, corpus_copy: Path) -> None:
    seed = next(corpus_copy.glob("*.txt"))
    (corpus_copy / "copy").mkdir()
    (corpus_copy / "copy" / seed.name).write_bytes(seed.read_bytes())
    index_corpus(corpus_copy, tmp_path / "ix")
    hits = search(tmp_path / "ix", "консультация эксперт")
    assert [h.paragraph for h in hits if h.complete] == ["1"]
    # a document that differs is still shown
    (corpus_copy / "copy" / seed.name).write_text(
        seed.read_text(encoding="utf-8").replace("Записка", "Доклад"), encoding="utf-8"
    )
    index_corpus(corpus_copy, tmp_path / "ix")
    both = search(tmp_path / "ix", "консультация эксперт", require_all=True)
    assert len(both.hits) == 1  # same title, text
    (corpus_copy / "copy" / seed.name).write_text(
        seed.read_text(encoding="utf-8").replace("экспертов", "экспертов и наблюдателей"),
        encoding="utf-8",
    )
    index_corpus(corpus_copy, tmp_path / "ix")
    assert len(search(tmp_path / "ix", "консультация эксперт", require_all=True).hits) == 2


@pytest.mark.parametrize("which", ["seed", "shared"])
def test_rerank_factors_from_the_index_equal_those_from_stored_fields(
    which: str, request: pytest.FixtureRequest
) -> None:
    """The bulk path re-ranks by the indexed kind and number (no stored
    fields read); every block gets the factor its stored fields give."""
    from searchkit.index.snapshot import open_snapshot
    from searchkit.retrieval import ranking

    path = request.getfixturevalue("seed_index" if which == "seed" else "shared_index")
    path = path[0] if isinstance(path, tuple) else path
    with open_snapshot(path) as snap:
        blocks = [int(b) for b in snap.live.nonzero()[0]]
        stored = [snap.stored.block(b) for b in blocks]
        expected = [ranking.kind_factor(b.kind, bool(b.number)) for b in stored]
        got = [ranking.kind_factor(kind, numbered) for kind, numbered in snap.shapes(blocks)]
        assert got == expected
        assert [kind for kind, _ in snap.shapes(blocks)] == [b.kind for b in stored]
        assert len(set(expected)) > 1  # numbered paragraphs and others
