"""Context view, bilingual paragraphs, output formats, facets, configuration."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from searchkit import index_corpus, search
from searchkit.cli import app
from searchkit.errors import EXIT_NOT_FOUND, NotFound
from searchkit.retrieval.browse import parallel, show

from .conftest import SEED

runner = CliRunner()

RU = """CTOC/COP/2099/7

Distr.: General
1 March 2099
Russian
Original: English

I. Введение

1. Конференция рассмотрела вопрос о незаконном ввозе мигрантов.

2. Рабочая группа провела два совещания.

3. Секретариат подготовил доклад.
"""
EN = """CTOC/COP/2099/7

Distr.: General
1 March 2099
Original: English

I. Introduction

1. The Conference considered the smuggling of migrants.

2. The working group held two meetings.

3. The Secretariat prepared a report.
"""


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bilingual")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "cop7-ru.txt").write_text(RU, encoding="utf-8")
    (corpus / "cop7-en.txt").write_text(EN, encoding="utf-8")
    (corpus / SEED.name).write_bytes(SEED.read_bytes())
    report = index_corpus(corpus, root / "index")
    assert report.ok and len(report.added) == 3
    return root / "index"


def test_show_paragraph_with_context_and_masthead(bilingual: Path) -> None:
    passage = show(bilingual, "CTOC/COP/2099/7", "2", context=1)
    assert passage.citation == "CTOC/COP/2099/7, para. 2"
    assert passage.block.text == "Рабочая группа провела два совещания."
    assert [b.number for b in passage.before] == ["1"]
    assert [b.number for b in passage.after] == ["3"]
    assert passage.document.date == "2099-03-01"
    assert passage.document.language == "ru"  # Russian preferred when not asked


def test_show_footnote_heading_and_document_without_symbol(bilingual: Path) -> None:
    footnote = show(bilingual, SEED.name, "*")
    assert footnote.block.kind == "footnote" and footnote.block.text == "СТОС/COP/2012/1."
    assert footnote.citation == f"[symbol unknown: {SEED.name}], footnote *"
    heading = show(bilingual, "CTOC/COP/2099/7", "#0")
    assert heading.block.kind == "heading" and heading.block.text == "I. Введение"
    assert show(bilingual, SEED.name, "3", context=2).document.session == "Шестая сессия"


@pytest.mark.parametrize(
    ("symbol", "para", "message"),
    [
        ("CTOC/COP/2099/8", "1", "no document"),
        ("CTOC/COP/2099/7", "42", "no paragraph '42'"),
    ],
)
def test_show_unknown_symbol_or_paragraph(
    bilingual: Path, symbol: str, para: str, message: str
) -> None:
    with pytest.raises(NotFound, match=message):
        show(bilingual, symbol, para)
    result = runner.invoke(app, ["show", symbol, para, "--index", str(bilingual)])
    assert result.exit_code == EXIT_NOT_FOUND
    assert message in result.output


def test_parallel_paragraph(bilingual: Path) -> None:
    block = parallel(bilingual, "CTOC/COP/2099/7", "2", "en")
    assert block is not None and block.text == "The working group held two meetings."
    back = parallel(bilingual, "CTOC/COP/2099/7", "1", "ru")
    assert back is None  # asking for the language shown (ru) gives nothing new
    passage = show(bilingual, "CTOC/COP/2099/7", "#0", parallel_langs=("en",))
    assert passage.parallel["en"].text == "I. Introduction"  # headings pair by rank


def test_show_cli_prints_citation_and_parallel(bilingual: Path) -> None:
    result = runner.invoke(
        app, ["show", "CTOC/COP/2099/7", "2", "--parallel", "en", "--index", str(bilingual)]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == "CTOC/COP/2099/7, para. 2"
    assert "> 2. Рабочая группа провела два совещания." in lines
    assert "> [en] 2. The working group held two meetings." in lines
    assert "Date: 2099-03-01" in lines


def test_search_parallel(bilingual: Path) -> None:
    result = runner.invoke(
        app, ["search", "совещание", "--parallel", "en", "--index", str(bilingual), "--json"]
    )
    hits = json.loads(result.output)
    para2 = next(h for h in hits if h["symbol"] == "CTOC/COP/2099/7")
    # shown like the hit itself: the text, its number apart (in the citation)
    assert para2["text"] == "Рабочая группа провела два совещания."
    assert para2["parallel"]["en"] == "The working group held two meetings."
    plain = runner.invoke(
        app,
        [
            "search",
            "совещание symbol:CTOC/COP/2099/7",
            "--parallel",
            "en",
            "--index",
            str(bilingual),
        ],
    )
    assert "  [en] The working group held two meetings." in plain.output.splitlines()


def test_lang_filter_and_english_search(bilingual: Path) -> None:
    en = search(bilingual, "meeting", lang="en")
    assert [h.citation for h in en] == ["CTOC/COP/2099/7, para. 2"]
    assert "[[meetings]]" in en[0].snippet  # English stems: meeting ~ meetings
    assert not search(bilingual, "meeting", lang="ru").hits


def test_offset_pages_through_hits(bilingual: Path) -> None:
    everything = [h.citation for h in search(bilingual, "мигрант", limit=20)]
    assert len(everything) >= 4
    page2 = [h.citation for h in search(bilingual, "мигрант", limit=2, offset=2)]
    assert page2 == everything[2:4]


def test_group_by_document_keeps_two_per_document(bilingual: Path) -> None:
    result = runner.invoke(
        app,
        [
            "search",
            "мигрант",
            "--group-by",
            "document",
            "--format",
            "jsonl",
            "--index",
            str(bilingual),
        ],
    )
    hits = [json.loads(line) for line in result.output.splitlines()]
    per_source: dict[str, int] = {}
    for hit in hits:
        per_source[hit["source"]] = per_source.get(hit["source"], 0) + 1
    assert per_source == {SEED.name: 2, "cop7-ru.txt": 1}


def test_csv_format(bilingual: Path) -> None:
    result = runner.invoke(
        app, ["search", "совещание", "--format", "csv", "--index", str(bilingual)]
    )
    rows = list(csv.DictReader(io.StringIO(result.output)))
    cop = next(r for r in rows if r["citation"] == "CTOC/COP/2099/7, para. 2")
    assert cop["paragraph"] == "2" and "[[совещания]]" in cop["snippet"]
    assert len(rows) == len(search(bilingual, "совещание").hits)


def test_facets(bilingual: Path) -> None:
    result = search(bilingual, "мигрант", facets=True, limit=1)
    assert result.facets["lang"] == {"ru": result.total}
    assert result.facets["body"]["CTOC/COP"] == 1
    assert result.facets["year"] == {"2012": result.total - 1, "2099": 1}
    cli = runner.invoke(app, ["search", "мигрант", "--facets", "--index", str(bilingual)])
    assert "lang: ru" in cli.output and "body: " in cli.output


def test_plain_output_has_no_ansi_when_piped(bilingual: Path) -> None:
    result = runner.invoke(app, ["search", "мигрант", "--index", str(bilingual)])
    assert "\x1b[" not in result.output and "[[" in result.output


def test_environment_and_toml_configure_paths(
    bilingual: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEARCHKIT_INDEX", str(bilingual))
    assert runner.invoke(app, ["search", "совещание"]).exit_code == 0
    monkeypatch.delenv("SEARCHKIT_INDEX")
    missing = runner.invoke(app, ["search", "совещание"])
    assert missing.exit_code != 0 and "index" in missing.output
    (tmp_path / "searchkit.toml").write_text(
        f'[searchkit]\nindex = "{bilingual.as_posix()}"\nlimit = 1\n', encoding="utf-8"
    )
    one = runner.invoke(app, ["search", "мигрант", "--format", "jsonl"])
    assert one.exit_code == 0 and len(one.output.splitlines()) == 1
    monkeypatch.setenv("SEARCHKIT_INDEX", str(tmp_path / "nowhere"))
    assert runner.invoke(app, ["search", "мигрант"]).exit_code != 0  # env beats the file
    # and the command line beats both
    assert runner.invoke(app, ["search", "мигрант", "--index", str(bilingual)]).exit_code == 0


def test_bad_toml_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "searchkit.toml").write_text("[searchkit]\nlimt = 3\n", encoding="utf-8")
    result = runner.invoke(app, ["search", "ввоз"])
    assert result.exit_code != 0 and "unknown setting(s) limt" in result.output
