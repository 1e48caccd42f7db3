"""Document identity: the *work* that pairs language versions, and naming a
document the way users do (a citation as printed, a title, a short name)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from searchkit import index_corpus, search
from searchkit import works as known
from searchkit.cli import app
from searchkit.errors import EXIT_NOT_FOUND, NotFound
from searchkit.retrieval.browse import show, split_citation

from .conftest import SEED

runner = CliRunner()

# A short charter in the shape of the real one: no symbol, chapters and articles,
# the text run together on one line, as the scraped copies are.
CHARTER_RU = (
    "МЫ, НАРОДЫ ОБЪЕДИНЕННЫХ НАЦИЙ, ПРЕИСПОЛНЕННЫЕ РЕШИМОСТИ избавить грядущие поколения "
    "от бедствий войны. Глава I: Цели и Принципы Статья 1 Организация преследует цели "
    "поддержания мира. Статья 2 Члены Организации разрешают споры мирными средствами. "
    "Глава II: Члены Организации Статья 3 Первоначальными Членами являются государства. "
    "Статья 4 Прием в Члены Организации открыт для миролюбивых государств. "
    "Статья 5 Генеральная Ассамблея может приостанавливать права Члена Организации."
)
CHARTER_EN = (
    "WE THE PEOPLES OF THE UNITED NATIONS DETERMINED to save succeeding generations from "
    "the scourge of war. Chapter I: Purposes and Principles Article 1 The Purposes are to "
    "maintain peace. Article 2 Members shall settle their disputes by peaceful means. "
    "Chapter II: Membership Article 3 The original Members shall be the states. "
    "Article 4 Membership is open to all other peace-loving states. "
    "Article 5 The General Assembly may suspend the rights of a Member."
)
NOTE_RU = "Записка секретариата\n\n1. Совещание экспертов состоится в Вене.\n"
NOTE_EN = "Note by the secretariat\n\n1. The expert meeting will be held in Vienna.\n"


@pytest.fixture(scope="module")
def works(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("works")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "charter_ru.txt").write_text(CHARTER_RU, encoding="utf-8")
    (corpus / "charter_en.txt").write_text(CHARTER_EN, encoding="utf-8")
    (corpus / "note_ru.txt").write_text(NOTE_RU, encoding="utf-8")
    (corpus / "note_en.txt").write_text(NOTE_EN, encoding="utf-8")
    (corpus / SEED.name).write_bytes(SEED.read_bytes())
    # Two files without symbol or known title: the catalogue says they are one work.
    (corpus / "catalog.csv").write_text(
        "file,language,work\nnote_ru.txt,ru,expert-note\nnote_en.txt,en,expert-note\n",
        encoding="utf-8",
    )
    report = index_corpus(corpus, root / "index")
    assert report.ok, report.failed
    return root / "index"


def test_known_titles_and_short_names_name_one_work() -> None:
    charter = "Charter of the United Nations"
    assert known.work_of("Устав Организации Объединенных Наций") == charter
    assert known.work_of("Charter of the United Nations") == charter
    for name in ["Устав ООН", "устав  оон.", "UN Charter", "Charter"]:
        assert known.resolve(name) == charter, name
    assert known.resolve("Всеобщая декларация прав человека") == "A/RES/217(III)"
    assert known.resolve("Доклад Генерального секретаря") is None
    assert known.work_of(None) is None
    assert known.language_of("UN Charter") == "en" and known.language_of("Устав ООН") == "ru"
    assert known.language_of("A/RES/217(III)") is None  # the key names every version


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A/RES/70/1, para. 3", ("A/RES/70/1", "3")),
        ("A/RES/70/1, para. 3 (a)", ("A/RES/70/1", "3 (a)")),
        (
            "Устав Организации Объединенных Наций, статья 51",
            ("Устав Организации Объединенных Наций", "51"),
        ),
        ("Charter of the United Nations, Article 51", ("Charter of the United Nations", "51")),
        ("CTOC/COP/2012/1, footnote 2", ("CTOC/COP/2012/1", "2")),
        ("CTOC/COP/2012/1, title", ("CTOC/COP/2012/1", "title")),
        ("A/HRC/WG.6/34/ITA/3", None),  # a symbol alone names no paragraph
        ("мир, безопасность", None),  # a comma is not enough: "безопасность" is no kind
    ],
)
def test_split_citation(text: str, expected: tuple[str, str] | None) -> None:
    assert split_citation(text) == expected


def test_documents_carry_their_work(works: Path) -> None:
    charter = show(works, "Устав", "1")
    assert charter.document.work == "Charter of the United Nations"
    assert charter.document.title == "Устав Организации Объединенных Наций"
    english = show(works, "Charter of the United Nations", "1")
    assert english.document.work == charter.document.work
    assert english.document.title == "Charter of the United Nations"
    note = show(works, "expert-note", "1", lang="en")
    assert note.document.work == "expert-note"
    assert note.block.text == "The expert meeting will be held in Vienna."
    seed = show(works, SEED.name, "3")
    assert seed.document.work is None  # no symbol, no known title, no catalogue row


@pytest.mark.parametrize(
    ("document", "para", "lang", "text"),
    [
        ("Устав ООН", "4", None, "Прием в Члены Организации открыт для миролюбивых государств."),
        ("UN Charter", "4", None, "Membership is open to all other peace-loving states."),
        ("UN Charter", "4", "ru", "Прием в Члены Организации открыт"),
        ("Устав Организации Объединенных Наций", "2", None, "Члены Организации разрешают"),
        ("charter_en.txt", "3", None, "The original Members shall be the states."),
    ],
)
def test_show_by_title_short_name_or_file(
    works: Path, document: str, para: str, lang: str | None, text: str
) -> None:
    passage = show(works, document, para, lang=lang)
    assert passage.block.number == para
    assert passage.block.text.startswith(text)


def test_show_a_printed_citation(works: Path) -> None:
    hit = search(works, "приостанавливать права")[0]
    assert hit.citation == "Устав Организации Объединенных Наций, статья 5"
    passage = show(works, hit.citation)  # what search printed is what show takes
    assert passage.citation == hit.citation
    assert passage.block.text == hit.text
    en = show(works, "Charter of the United Nations, Article 5")
    assert en.document.language == "en"  # the English title names the English version
    assert en.block.text == "The General Assembly may suspend the rights of a Member."
    footnote = show(works, f"[symbol unknown: {SEED.name}], footnote *")
    assert footnote.block.kind == "footnote"
    title = show(works, f"[symbol unknown: {SEED.name}], title")
    assert title.block.kind == "title"


def test_show_without_paragraph_needs_a_citation(works: Path) -> None:
    with pytest.raises(NotFound, match="no citation"):
        show(works, "Устав ООН")
    result = runner.invoke(app, ["show", "Устав ООН", "--index", str(works)])
    assert result.exit_code == EXIT_NOT_FOUND
    assert "no citation" in result.output


def test_parallel_article_of_a_document_without_symbol(works: Path) -> None:
    passage = show(works, "Устав ООН", "3", parallel_langs=("en",))
    assert passage.parallel["en"].text.startswith("The original Members shall be the states.")
    result = runner.invoke(
        app,
        [
            "show",
            "Устав Организации Объединенных Наций, статья 3",
            "--parallel",
            "en",
            "--index",
            str(works),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "Устав Организации Объединенных Наций, статья 3"
    assert any(
        line.startswith("> [en] ") and "original Members" in line
        for line in result.output.splitlines()
    )


def test_search_parallel_pairs_by_work(works: Path) -> None:
    result = runner.invoke(
        app,
        ["search", "миролюбивых государств", "--parallel", "en", "--index", str(works), "--json"],
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.output)
    article = next(h for h in hits if h["citation"].endswith("статья 4"))
    assert "peace-loving" in article["parallel"]["en"]
    note = runner.invoke(
        app, ["search", "совещание экспертов", "--parallel", "en", "--index", str(works), "--json"]
    )
    first = json.loads(note.output)[0]
    assert first["parallel"]["en"] == "The expert meeting will be held in Vienna."
