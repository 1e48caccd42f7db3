"""Semantic neighbours from navec's Russian word vectors (searchkit[semantic]):
the vectors natasha ships, the nearest lemmas of an index, and the query
expansion they give when switched on (off by default)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from searchkit import search
from searchkit.analysis import semantic
from searchkit.index.snapshot import open_snapshot
from searchkit.query import parse

pytestmark = pytest.mark.skipif(
    not semantic.available(),
    reason="the word vectors are not installed: pip install 'searchkit[semantic]'",
)


def test_the_vectors_come_from_the_installed_wheel() -> None:
    path = semantic.vectors_path()
    assert path is not None and path.name == Path(semantic.VECTORS).name
    assert path.stat().st_size > 20_000_000  # 250,000 words × 300 dimensions, quantised


def test_nearest_lemmas_are_of_the_same_part_of_speech_and_another_family() -> None:
    lemmas = [
        "коррупция", "взяточничество", "коррупционный", "мошенничество", "около",
        "более", "бедность", "мигрант", "беженец", "торговля", "судан", "йемен",
    ]  # fmt: skip
    space = semantic.Space(lemmas)
    assert len(space) == len(lemmas)
    near = dict(space.nearest("коррупция", 5, 0.3))
    assert "взяточничество" in near and "коррупционный" not in near  # its own family
    assert all(0.3 <= sim <= 1.0 for sim in near.values())
    assert list(near.values()) == sorted(near.values(), reverse=True)
    assert "около" not in dict(space.nearest("беженец", 10, 0.0))  # nouns for a noun
    assert "беженец" in dict(space.nearest("мигрант", 3, 0.3))
    assert space.nearest("судан", 5, 0.0) == ()  # a place: no neighbours
    assert space.nearest("несловоо", 5, 0.0) == ()


@pytest.fixture(scope="module")
def index(shared_index: tuple[Path, Any]) -> Path:
    return shared_index[0]


@pytest.mark.corpus
def test_off_by_default_and_a_partial_match_when_on(
    index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """взяточничество is written once in the shared corpus; коррупция often."""
    with open_snapshot(index) as snap:
        assert semantic.MAX_NEIGHBOURS == 0
        assert parse("взяточничество", snap).clauses[0].relatives == ()  # type: ignore[union-attr]
        alone = search(index, "взяточничество", limit=20)
        monkeypatch.setattr(semantic, "MAX_NEIGHBOURS", semantic.WHEN_ON)
        near = parse("взяточничество", snap).clauses[0].relatives  # type: ignore[union-attr]
        assert "коррупция" in near
        assert parse("Судан", snap).clauses[0].relatives == ()  # type: ignore[union-attr]
    grown = search(index, "взяточничество", limit=20)
    assert grown.total > alone.total >= 1
    assert [h.citation for h in grown.hits[: alone.all_words]] == [
        h.citation for h in alone.hits[: alone.all_words]
    ]  # the word itself first
    later = grown.hits[grown.all_words :]
    assert any("коррупци" in h.text.lower() for h in later)
    assert all(not h.complete for h in later)
