"""Which blocks a query of several words finds, and in what order: every word
first, then most of them; +word and --all; headings; stop words in OR;
did you mean; the work one huge word may cost. On real UN text."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from searchkit import QueryError, search
from searchkit.analysis import iter_words, lemmas
from searchkit.analysis.abbreviations import curated_names
from searchkit.cli import app
from searchkit.cli.render import PARTIAL_LINE
from searchkit.index.snapshot import open_snapshot
from searchkit.query import parse

pytestmark = pytest.mark.corpus
runner = CliRunner()


def _words_found(query: str, text: str) -> int:
    """How many of the query's words occur in ``text`` in some form."""
    held = {lem for w in iter_words(text) for lem in lemmas(w.text)}
    return sum(bool(set(w.readings) & held) for w in parse(query).clauses)


@pytest.fixture(scope="module")
def index(shared_index: tuple[Path, Any]) -> Path:
    return shared_index[0]


def test_blocks_with_every_word_come_first_then_the_page_fills(index: Path) -> None:
    query = "права детей образование"
    strict = search(index, query, limit=50, require_all=True)
    filled = search(index, query, limit=20)
    assert 0 < filled.all_words < 20 <= len(filled.hits) <= filled.total
    complete = [h for h in filled.hits if h.complete]
    assert len(complete) == filled.all_words
    assert filled.hits[: len(complete)] == complete  # every word first, then the rest
    assert all(not h.complete for h in filled.hits[len(complete) :])
    for hit in filled.hits[len(complete) :]:  # most of the words: two of the three
        assert _words_found(query, hit.text + " " + (hit.heading or "")) >= 2
    assert {h.ordinal for h in complete} <= {h.ordinal for h in strict.hits}
    assert strict.total < filled.total and all(h.complete or h.heading for h in strict.hits)


def test_the_cli_marks_where_the_blocks_with_every_word_end(index: Path) -> None:
    out = runner.invoke(app, ["search", "права детей образование", "--index", str(index)])
    assert out.exit_code == 0, out.output
    before, line, after = out.output.partition(PARTIAL_LINE)
    assert line and before.count("para.") >= 1 and after.count("para.") >= 1
    assert PARTIAL_LINE not in runner.invoke(app, ["search", "мигрантов", "-i", str(index)]).output
    strict = search(index, "права детей образование", require_all=True, limit=50)
    for hit in strict.hits:  # --all: every word, in the text or (then partial) the heading
        assert _words_found("права детей образование", hit.text + " " + (hit.heading or "")) == 3


def test_plus_makes_a_word_required(index: Path) -> None:
    free = search(index, "дети права образование", limit=50)
    required = search(index, "+дети права образование", limit=50)
    assert required.total < free.total
    for hit in required.hits:  # every hit has a form of дети (ребенок) in its text or heading
        assert _words_found("дети", hit.text + " " + (hit.heading or ""))
    assert any(not _words_found("дети", h.text + " " + (h.heading or "")) for h in free.hits)
    with pytest.raises(QueryError, match="lone '\\+'"):
        search(index, "дети + права")


def test_no_block_with_every_word_is_said_and_strict_finds_nothing(index: Path) -> None:
    query = "мигрантов фотосинтез"
    result = search(index, query)
    assert result.hits and result.all_words == 0 and result.fallback
    assert "no block has every word; showing blocks with some of them" in result.notes
    assert not search(index, query, require_all=True).hits


def test_a_heading_only_match_ranks_below_text_matches(index: Path) -> None:
    """A word found only in a block's section heading counts half: such a block
    comes after every block that has all the words in its own text."""
    query = "управление аудиторской деятельностью руководство"  # a JIU heading and a word
    hits = search(index, query, limit=30).hits
    words = len(parse(query).clauses)
    by_heading = [  # every word in the heading and the text together, not in the text alone
        h
        for h in hits
        if _words_found(query, h.text) < words == _words_found(query, f"{h.heading} {h.text}")
    ]
    complete = [i for i, h in enumerate(hits) if h.complete]
    assert by_heading and complete
    assert all(not h.complete for h in by_heading)
    assert max(complete) < min(hits.index(h) for h in by_heading)
    assert max(h.score for h in by_heading) > min(hits[i].score for i in complete)  # not by score


def test_a_stop_word_is_no_alternative_of_its_own(index: Path) -> None:
    plan = parse("права OR на OR образование")
    assert plan.dropped == ["на"]
    with_stop = search(index, "права OR на OR образование")
    assert with_stop.total == search(index, "права OR образование").total
    assert with_stop.total < 2000  # "на" alone would match most Russian blocks
    assert parse("на OR в").clauses  # nothing but stop words: kept


def test_a_huge_unknown_word_answers_quickly(index: Path) -> None:
    """A 1,000-letter word (the longest query allowed) is not lemmatised or
    spell-checked letter by letter: it took 11 s before. A generous alarm
    (20 s) catches a hang without timing the test."""
    word = ("междунардн" * 100)[:1000]

    def too_slow(*_: Any) -> None:
        raise TimeoutError("a 1,000-letter word took over 20 s")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(20)
    try:
        result = search(index, word)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert not result.hits and result.suggestion is None


def test_a_derivational_relative_matches_below_the_lemma(index: Path) -> None:
    with open_snapshot(index) as snap:
        plan = parse("дискриминационные законы", snap)
    assert "дискриминация" in plan.clauses[0].relatives  # type: ignore[union-attr]
    hits = search(index, "дискриминационные законы", limit=20).hits
    adjective = [i for i, h in enumerate(hits) if "дискриминационн" in h.text.lower()]
    by_relative = [
        i
        for i, h in enumerate(hits)
        if "дискриминаци" in h.text.lower() and "дискриминационн" not in h.text.lower()
    ]
    assert adjective and by_relative  # the relative finds blocks the lemma alone misses
    assert all(not hits[i].complete for i in by_relative)
    complete = [i for i in adjective if hits[i].complete]
    assert complete and max(complete) < min(by_relative)


def test_an_abbreviation_learned_from_the_text_is_expanded_both_ways(index: Path) -> None:
    """ВКРУ is defined in a JIU report ("высших контрольно-ревизионных
    учреждений (ВКРУ)") and in no curated list."""
    assert "вкру" not in curated_names()
    with open_snapshot(index) as snap:
        assert any("контрольно-ревизионн" in n for n in snap.names_for("вкру"))
    short = search(index, "ВКРУ", limit=30).hits
    assert any(
        "вкру" not in h.text.lower() and "контрольно-ревизионн" in h.text.lower() for h in short
    )
    assert short[0].complete and "вкру" in short[0].text.lower()  # the literal form first
    long = search(index, "высшие контрольно-ревизионные учреждения", limit=30).hits
    assert any(
        "вкру" in h.text.lower() and "контрольно-ревизионн" not in h.text.lower() for h in long
    )
    out = runner.invoke(app, ["abbreviations", "--index", str(index)])
    assert out.exit_code == 0 and "ВКРУ" in out.output and "контрольно-ревизионные" in out.output


def test_an_abbreviation_of_the_curated_list_is_expanded_both_ways(index: Path) -> None:
    plan = parse("МАГАТЭ")  # no index: the curated list alone
    alternatives = plan.clauses[0].alternatives  # type: ignore[union-attr]
    assert any("атомный" in str(a) for a in alternatives)
    full = parse("Международное агентство по атомной энергии")
    assert all(
        any(getattr(a, "form", "") == "магатэ" for a in c.alternatives)  # type: ignore[union-attr]
        for c in full.clauses
    )
    hits = search(index, "Международное агентство по атомной энергии", limit=30).hits
    assert any("МАГАТЭ" in h.text and "атомной энергии" not in h.text for h in hits)


def test_an_unknown_abbreviation_names_the_similar_ones_the_index_holds(index: Path) -> None:
    """Abbreviations one or two edits away, those the text defines and those
    of the curated list the text uses, each with a full name; nothing is
    searched in their place."""
    result = search(index, "ПРОНН")
    assert not result.hits and result.suggestion is None
    (unknown,) = result.unknown_abbreviations
    assert unknown.names == [] and unknown.similar[0] == (
        "ПРООН",
        "Программа развития Организации Объединенных Наций",
    )
    similar = dict(search(index, "УВКБЧ").unknown_abbreviations[0].similar)
    assert similar["УВКБ"].startswith("Управление Верховного комиссара")
    assert "по правам человека" in similar["УВКПЧ"]
    assert search(index, "ВКУР").unknown_abbreviations[0].similar[0][0] == "ВКРУ"  # learned
    assert not search(index, "ПРООН").unknown_abbreviations  # the index holds it
    assert search(index, "проонн").suggestion == "проон"  # typed in lower case: a word


def test_abbreviations_lists_each_full_name_in_its_dictionary_form(index: Path) -> None:
    """The text defines them in whatever case the sentence needs; the list
    gives the head noun phrase in the nominative, its dependents as written."""
    assert search(index, '"=Объединенной =инспекционной =группе (ОИГ)"').hits
    out = runner.invoke(app, ["abbreviations", "--index", str(index), "--json"])
    assert out.exit_code == 0, out.output
    names = {a["abbreviation"]: a["names"] for a in json.loads(out.output)}
    assert names["ОИГ"] == ["Объединенная инспекционная группа"]
    assert names["ПРООН"] == ["Программа развития Организации Объединенных Наций"]
    assert names["ЭКОСОС"] == ["Экономический и Социальный Совет"]
    assert names["СФК"] == ["Служба финансового контроля"]  # a body: singular
    lowered = {a: [n[:1].lower() + n[1:] for n in ns] for a, ns in names.items()}
    # spelled as the first block read writes them (a sentence may start with one)
    assert lowered["МСУГС"] == ["международные стандарты учета в государственном секторе"]
    assert lowered["УОКР"] == ["управление, ориентированное на конкретные результаты"]
    assert names["ВЕКЦА"] == ["Восточная Европа, Кавказ и Центральная Азия"]
    assert names["УСВН"][0] == "Управление служб внутреннего надзора"
    assert names["HRC"] == ["Human Rights Council"]  # English as written


def test_explain_shows_relatives_and_expansions_with_an_index(index: Path) -> None:
    out = runner.invoke(app, ["explain", "дискриминационные ВКРУ", "--index", str(index)])
    assert out.exit_code == 0, out.output
    assert "relatives: " in out.output and "дискриминация" in out.output
    assert '"высокий контрольный' in out.output or "контрольный" in out.output


def _held(text: str) -> set[str]:
    return {lem for w in iter_words(text) for lem in lemmas(w.text)}


def test_a_dashed_word_is_found_by_its_parts_apart_below_the_word_itself(index: Path) -> None:
    """``дети-беженцы`` is never written so in the corpus: blocks with both
    parts anywhere are found (partial matches, their parts marked); a dashed
    word the text does hold (``детей-инвалидов``) ranks those blocks first."""
    apart = search(index, "дети-беженцы", limit=20)
    assert apart.hits and not apart.all_words
    for hit in apart:
        assert {"ребенок", "беженец"} <= _held(hit.text), hit.citation
        assert not hit.complete and "[[" in hit.snippet
    together = search(index, "дети-инвалиды", limit=50)
    complete = [h for h in together if h.complete]
    partial = [h for h in together if not h.complete]
    assert complete and partial, "both kinds of match are on the page"
    assert together.hits.index(partial[0]) > together.hits.index(complete[-1])
    assert any("детей-инвалидов" in h.text for h in complete)
    assert all(re.search(r"(?i)(дет|ребен)\w*\W{1,3}инвалид", h.text) for h in complete)
    assert all({"ребенок", "инвалид"} <= _held(h.text) for h in partial)
