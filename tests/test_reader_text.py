"""The plain-text reader on the bundled seed and on small variants of it."""

from pathlib import Path

import pytest

from searchkit.errors import ReaderError
from searchkit.readers import Catalog, read_path
from searchkit.readers.text import parse_date, read

from .conftest import CORPUS, SEED


@pytest.fixture(scope="module")
def seed():
    return read_path(SEED, SEED.name)


def test_seed_masthead(seed) -> None:
    assert seed.symbol is None  # the conversion lost it; never invented
    assert seed.language == "ru"
    assert seed.date == "2012-07-10"
    assert seed.distribution == "General"
    assert seed.original_language == "en"
    assert seed.session == "Шестая сессия"
    assert seed.extra["place"] == "Вена, 15-19 октября 2012 года"
    assert seed.agenda_item.startswith("Пункт 2 (с) предварительной повестки дня")
    assert seed.body_name.startswith("Конференция участников Конвенции")
    assert seed.title.startswith("Доклад о работе совещания Рабочей группы")
    assert len(seed.checksum) == 64


def test_seed_blocks(seed) -> None:
    kinds = [(b.kind, b.number) for b in seed.blocks]
    assert kinds == [
        ("masthead", None),
        ("title", None),
        ("title", None),
        ("heading", None),
        ("paragraph", "1"),
        ("paragraph", "2"),
        ("footnote", "*"),
        ("paragraph", "3"),
    ]
    assert [b.ordinal for b in seed.blocks] == list(range(len(seed.blocks)))
    para1 = seed.blocks[4]
    assert para1.heading == "Записка Секретариата"
    assert para1.text.startswith("В своей резолюции 5/3")
    assert para1.text.endswith("в отношении Протокола о незаконном ввозе мигрантов.")
    assert "\n" not in seed.blocks[1].text  # folded bold lines joined
    assert seed.blocks[6].text == "СТОС/COP/2012/1."


def test_folded_lines_joined_and_page_break_continuation() -> None:
    data = (
        "CTOC/COP/2012/99\n\nDistr.: General\n3 March 2012\nRussian\nOriginal: English\n\n"
        "I. Введение\n\n"
        "1. Первая часть абзаца\nпродолжается здесь\n\n"
        "* Сноска.\n\n"
        "и заканчивается после сноски.\n\n"
        "2. Второй пункт:\n\n(a) подпункт один;\n\n(b) подпункт два.\n"
    ).encode()
    doc = read(data, "x.txt")
    assert doc.symbol == "CTOC/COP/2012/99"
    assert doc.body == "CTOC/COP"
    assert doc.date == "2012-03-03"
    blocks = [(b.kind, b.number, b.text) for b in doc.blocks]
    assert blocks[0] == ("heading", None, "I. Введение")
    assert blocks[1] == (
        "paragraph",
        "1",
        "Первая часть абзаца продолжается здесь и заканчивается после сноски.",
    )
    assert ("footnote", "*", "Сноска.") in blocks
    assert ("subparagraph", "2 (a)", "подпункт один;") in blocks
    assert ("subparagraph", "2 (b)", "подпункт два.") in blocks
    assert all(b.heading == "I. Введение" for b in doc.blocks[1:])


@pytest.mark.parametrize(
    ("text", "iso"),
    [("10 July 2012", "2012-07-10"), ("1 июня 2012 года", "2012-06-01"), ("July 2012", None)],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (b"   \n", "empty"), (b"\x00\x01\x02binary\x00", "binary")],
)
def test_bad_files_raise_reader_error(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(ReaderError, match=reason) as info:
        read_path(path, "bad.txt")
    assert "bad.txt" in str(info.value)


def test_windows_1251_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "cp.txt"
    path.write_bytes("1. Незаконный ввоз мигрантов.\n".encode("cp1251"))
    doc = read_path(path, "cp.txt")
    assert doc.blocks[0].text == "Незаконный ввоз мигрантов."


def test_catalog_fills_what_the_text_lacks(tmp_path: Path) -> None:
    (tmp_path / "catalog.csv").write_text(
        f"file,symbol,language,date\n{SEED.name},ctoc/cop/2012/12,ru,2099-01-01\n",
        encoding="utf-8",
    )
    catalog = Catalog.load(tmp_path)
    doc = read_path(SEED, SEED.name, catalog)
    assert doc.symbol == "CTOC/COP/2012/12"
    assert doc.body == "CTOC/COP"
    assert doc.date == "2012-07-10"  # printed in the text: the text wins


def test_catalog_with_bad_symbol_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "catalog.csv").write_text("file,symbol\na.txt,not a symbol\n", encoding="utf-8")
    with pytest.raises(ReaderError, match="line 2"):
        Catalog.load(tmp_path)


def test_bundled_corpus_has_the_seed() -> None:
    assert SEED.is_file()
    assert SEED.parent == CORPUS
