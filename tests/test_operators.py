"""Every query operator, run against real text: the bundled seed document
(always) and ../shared/corpus (skipped when absent)."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from searchkit import QueryError, index_corpus, search
from searchkit.cli import app
from searchkit.query import compile as query_mod
from searchkit.query import parse
from searchkit.retrieval.highlight import match_spans, snippet

from .conftest import CORPUS


def _paras(result) -> list[str | None]:
    return [h.paragraph for h in result]


# --------------------------------------------------------------------------- seed document


def test_phrase_matches_across_inflection_in_order(seed_index: Path) -> None:
    hits = search(seed_index, '"незаконный ввоз мигрантов"')
    assert {"1", "2", "3"} <= set(_paras(hits))
    para3 = next(h for h in hits if h.paragraph == "3")
    assert "[[незаконному]] [[ввозу]] [[мигрантов]]" in para3.snippet
    assert not search(seed_index, '"мигрантов незаконный"').hits


def test_proximity_any_order(seed_index: Path) -> None:
    assert not search(seed_index, '"мигрантов ввоз"').hits
    near = search(seed_index, '"мигрантов ввоз"~2')
    assert "3" in _paras(near)
    assert not search(seed_index, '"консультаций мигрантов"~1').hits


def test_exact_form_only_that_form(seed_index: Path) -> None:
    hits = search(seed_index, "=консультаций")
    assert _paras(hits) == ["1"]
    assert "[[консультаций]]" in hits[0].snippet
    assert _paras(search(seed_index, "=консультации")) == ["2"]  # the other form


def test_exact_form_inside_phrase(seed_index: Path) -> None:
    # "незаконного ввоза" (genitive) is in paragraph 1; "незаконному ввозу" elsewhere
    hits = search(seed_index, '"=незаконного ввоз мигрантов"')
    assert "1" in _paras(hits) and "3" not in _paras(hits)
    para1 = next(h for h in hits if h.paragraph == "1")
    assert "[[незаконного]] [[ввоза]] [[мигрантов]]" in para1.snippet
    assert "3" in _paras(search(seed_index, '"незаконный ввоз мигрантов"'))


def test_or_not_and_parentheses(seed_index: Path) -> None:
    either = set(_paras(search(seed_index, "консультация OR совещание")))
    assert {"1", "2", "3"} <= either
    without = _paras(search(seed_index, "мигрант -консультация"))
    assert "3" in without and "1" not in without and "2" not in without
    assert _paras(search(seed_index, "мигрант NOT консультация")) == without
    grouped = _paras(search(seed_index, "(консультация OR совещание) бюро", require_all=True))
    assert set(grouped) == {"1", "3"}


def test_prefix_expansion_and_its_bound(seed_index: Path, monkeypatch) -> None:
    hits = search(seed_index, "консульт*")
    assert {"1", "2"} <= set(_paras(hits))
    assert "[[консультаций]]" in next(h for h in hits if h.paragraph == "1").snippet
    monkeypatch.setattr(query_mod, "MAX_EXPANSION", 3)
    with pytest.raises(QueryError, match=r"prefix пр\* matches more than 3 word forms") as info:
        search(seed_index, "ввоз пр*")
    assert info.value.position == 5


def test_field_filters(seed_index: Path) -> None:
    assert _paras(search(seed_index, "cites:CTOC/COP/2012/1")) == ["*"]
    assert [h.kind for h in search(seed_index, "мигрант kind:title")] == ["title", "title"]
    assert not search(seed_index, "мигрант lang:en").hits
    assert not search(seed_index, "мигрант symbol:CTOC/COP/*").hits  # the seed has no symbol
    assert not search(seed_index, "мигрант year:2010..2011").hits


def test_latin_lookalikes_in_query_are_folded(seed_index: Path) -> None:
    hits = search(seed_index, "мигрaнтов")  # Latin "a"
    assert hits.hits and "[[мигрантов]]" in hits[0].snippet


def test_keyboard_layout_is_recognised_and_said(seed_index: Path) -> None:
    result = search(seed_index, "vbuhfyns")
    assert result.layout == "мигранты"
    assert result.hits and "[[мигрантов]]" in result.hits[0].snippet
    assert any("Latin keyboard layout" in note for note in result.notes)


def test_did_you_mean_is_searched_when_nothing_matches(seed_index: Path) -> None:
    result = search(seed_index, "мигрантав")
    assert result.suggestion == "мигрантов" and result.suggestion_applied
    assert result.hits and all("[[мигрантов]]" in h.snippet for h in result.hits)
    assert result.hits == search(seed_index, "мигрантов").hits
    assert "no results for 'мигрантав'; showing results for 'мигрантов'" in result.notes
    assert search(seed_index, "мигрантов").suggestion is None
    kept = search(seed_index, "мигрантав ввоз")  # a word matches: searched as typed
    assert kept.suggestion == "мигрантов ввоз" and not kept.suggestion_applied
    assert "did you mean: мигрантов ввоз" in kept.notes


@pytest.fixture(scope="module")
def bundled_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus (the CTOC note, the Charter, the HRC report)."""
    path = tmp_path_factory.mktemp("bundled") / "index"
    assert index_corpus(CORPUS, path).ok
    return path


def test_an_unknown_abbreviation_is_not_corrected_into_a_common_word(bundled_index: Path) -> None:
    """The bundled corpus holds neither ПРООН nor its full name; the closest
    word form it holds is *прочь* (ПРООН was once answered with its hits)."""
    result = search(bundled_index, "ПРООН")
    assert result.suggestion is None and not result.suggestion_applied and not result.hits
    (unknown,) = result.unknown_abbreviations
    assert unknown.abbreviation == "ПРООН"
    assert unknown.names == ["Программа развития Организации Объединенных Наций"]
    note = "abbreviation 'ПРООН' (Программа развития Организации Объединенных Наций)"
    assert f"{note} is not in the index" in result.notes
    out = CliRunner().invoke(app, ["search", "ПРООН", "--index", str(bundled_index)])
    assert out.exit_code == 0 and f"{note} is not in the index" in out.output
    assert "прочь" not in out.output
    # the HRC report defines СПЧ "в Совете по правам человека (СПЧ)": a letter
    # for a letter first, the full name in its dictionary form
    similar = search(bundled_index, "СПП").unknown_abbreviations[0].similar
    assert similar[0] == ("СПЧ", "Совет по правам человека")
    assert similar[1][0].startswith("СП") and similar[1][0][-1].isdigit()
    # a word in capitals that is no abbreviation still gets its did-you-mean
    assert search(bundled_index, "ТОРГОВЛЯ ЛЮДЯМИИ").suggestion == "ТОРГОВЛЯ людьми"
    assert not search(bundled_index, "ТОРГОВЛЯ ЛЮДЯМИИ").unknown_abbreviations


def test_snippet_formats(seed_index: Path) -> None:
    hit = search(seed_index, "=консультаций", snippet_format="html")[0]
    assert "<mark>консультаций</mark>" in hit.snippet and "[[" not in hit.snippet
    hits = search(seed_index, '"незаконного ввоза"', snippet_format="html").hits
    hit = next(h for h in hits if '"' in h.text)
    assert "&quot;" in hit.snippet  # the text's own quotes are escaped
    text = 'a <b> "x" консультаций & y'
    spans = match_spans(text, parse("консультация").highlight)
    assert snippet(text, spans, fmt="html") == (
        "a &lt;b&gt; &quot;x&quot; <mark>консультаций</mark> &amp; y"
    )
    data = snippet(text, spans, fmt="json")
    ((s, e),) = data["matches"]
    assert data["text"][s:e] == "консультаций"
    assert "\x1b[1;33mконсультаций\x1b[0m" in snippet(text, spans, fmt="color")
    long = "слово " * 100 + "консультаций" + " слово" * 100
    cut = snippet(long, match_spans(long, parse("консультация").highlight), fmt="json")
    assert cut["text"].startswith("…") and cut["text"].endswith("…")
    ((s, e),) = cut["matches"]
    assert cut["text"][s:e] == "консультаций"
    json.dumps(cut, ensure_ascii=False)


def test_phrase_marks_only_its_occurrence_and_keeps_stop_words(seed_index: Path) -> None:
    hits = search(seed_index, '"ввоза мигрантов по суше"')
    assert _paras(hits) == ["1"] or "1" in _paras(hits)
    para1 = next(h for h in hits if h.paragraph == "1")
    assert "[[ввоза]] [[мигрантов]] [[по]] [[суше]]" in para1.snippet
    # "по" is a stop word in plain word lists, never in a phrase: positions stay right
    assert not search(seed_index, '"ввоза мигрантов суше"').hits
    text = "Права человека. Каждый имеет право на такой жизненный уровень."
    spans = match_spans(text, parse('"право на такой жизненный уровень"').highlight)
    assert [text[s:e] for s, e in spans] == ["право", "на", "такой", "жизненный", "уровень"]
    near = match_spans(text, parse('"уровень право"~5').highlight)
    assert [text[s:e] for s, e in near] == ["право", "уровень"]


_PIECES = [
    "ввоз",
    "мигрантов",
    "=ввоза",
    "мигр*",
    "OR",
    "NOT",
    "AND",
    "-",
    "(",
    ")",
    '"',
    "~2",
    " ",
    " ",
    "year:2012",
    "symbol:CTOC/*",
    "kind:title",
    "vbuhfyns",
    "мигрантав",
    "по",
    "СТОС/COP/2012/1",
    "cites:",
    "date:..",
    "\u2212",
    "стали",
    "*",
    "=",
]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_any_query_searches_or_raises_query_error(seed_index: Path, text: str) -> None:
    try:
        result = search(seed_index, text)
    except QueryError:
        return
    assert all(h.text for h in result)


@pytest.mark.parametrize(
    ("query", "text", "marked"),
    [
        ("стали", "Они стали работать со сталью и стал лучше.", ["стали", "стал"]),
        ("сталь", "Они стали работать со сталью.", ["сталью"]),
        ("сталь", "Производство стали выросло.", ["стали"]),  # no better reading in the text
        ("=стали", "Они стали работать со сталью, стал лучше.", ["стали"]),
        ("стал*", "Они стали работать со сталью.", ["стали", "сталью"]),
    ],
)
def test_homonym_highlighting_prefers_the_fitting_reading(query, text, marked) -> None:
    spans = match_spans(text, parse(query).highlight)
    assert [text[s:e] for s, e in spans] == marked
