"""Document families: the symbol model, corrigendum instructions, and search,
show, facets and reindex over small documents with real mastheads."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from searchkit import Index, QueryError, reindex, search, show, show_document
from searchkit.cli import app
from searchkit.families import (
    bases,
    corrected_targets,
    document_type,
    is_reissue_note,
    names_block,
    only_languages,
    parse,
    supersedes,
)

from . import familygen as gen
from .conftest import SHARED_CORPUS

runner = CliRunner()


# --------------------------------------------------------------------------- the model


def test_a_symbol_is_a_base_and_a_stacked_suffix_chain() -> None:
    s = parse("ST/SG/AC.10/1/Rev.15/Corr.1")
    assert s is not None
    assert (s.base, s.chain) == ("ST/SG/AC.10/1", (("Rev", 15), ("Corr", 1)))
    assert s.relation == "corrects" and s.parent == "ST/SG/AC.10/1/Rev.15"
    assert parse("A/HRC/55/10/Add.1/Rev.1").chain == (("Add", 1), ("Rev", 1))  # type: ignore[union-attr]
    assert parse("E/CN.15/2012/L.3/Rev.1").base == "E/CN.15/2012/L.3"  # type: ignore[union-attr]
    assert parse("A/60/PV.25").chain == ()  # type: ignore[union-attr]
    assert parse("A/HRC/55/10*").symbol == "A/HRC/55/10"  # type: ignore[union-attr]
    assert parse("E/2025/15/Summary").relation == "summarises"  # type: ignore[union-attr]
    assert parse("not a symbol") is None


def test_a_draft_and_the_resolution_adopted_from_it_are_two_families() -> None:
    assert bases("A/RES/70/1") == ["A/RES/70/1"]
    assert bases("A/70/L.1") == ["A/70/L.1"]
    assert bases("A/70/L.1/Rev.1") == ["A/70/L.1"]


def test_a_joint_symbol_belongs_to_the_family_of_each_part() -> None:
    assert bases("A/80/500-S/2025/656") == ["A/80/500", "S/2025/656"]
    assert bases("A/45/311-S/21356") == ["A/45/311", "S/21356"]


def test_a_revision_supersedes_the_text_and_lower_revisions_never_an_addendum() -> None:
    rev2 = parse("A/HRC/55/10/Rev.2")
    older = ["A/HRC/55/10", "A/HRC/55/10/Rev.1", "A/HRC/55/10/Corr.1", "A/HRC/55/10/Rev.1/Corr.1"]
    assert all(supersedes(rev2, parse(s)) for s in older)  # type: ignore[arg-type]
    for other in ["A/HRC/55/10/Add.1", "A/HRC/55/10/Rev.3", "A/HRC/55/10/Rev.2", "A/HRC/55/11"]:
        assert not supersedes(rev2, parse(other)), other  # type: ignore[arg-type]
    # a revision of an addendum replaces the addendum only
    add_rev = parse("A/HRC/55/10/Add.1/Rev.1")
    assert supersedes(add_rev, parse("A/HRC/55/10/Add.1"))  # type: ignore[arg-type]
    assert not supersedes(add_rev, parse("A/HRC/55/10"))  # type: ignore[arg-type]
    # a corrigendum supersedes nothing
    assert not supersedes(parse("A/HRC/55/10/Corr.1"), parse("A/HRC/55/10"))  # type: ignore[arg-type]


def test_manifest_symbols_parse_and_say_their_type() -> None:
    manifest = SHARED_CORPUS / "un-pdf" / "MANIFEST.tsv"
    if not manifest.is_file():
        pytest.skip("../shared/corpus/un-pdf/MANIFEST.tsv is absent")
    with manifest.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    types = {}
    for row in rows:
        symbol = row["symbol"].replace(" (", "(")
        assert bases(symbol), symbol
        types[symbol] = document_type(symbol)
    assert types["S/PV.4507"] == "verbatim record"
    assert types["A/60/PV.25"] == "verbatim record"
    assert types["S/RES/2803(2025)"] == "resolution"
    assert types["A/80/500-S/2025/656"] == "document"


def test_document_types_come_from_the_symbol() -> None:
    assert document_type("A/RES/70/1") == "resolution"
    assert document_type("A/70/L.1") == "draft"
    assert document_type("E/CN.15/2012/L.3/Rev.1") == "draft"
    assert document_type("A/C.3/70/SR.12") == "summary record"
    assert document_type("CTOC/COP/2012/INF/1") == "information"
    assert document_type("JIU/REP/2012/2") == "report"
    assert document_type("A/HRC/55/10/Corr.1") == "corrigendum"
    assert document_type(None) is None


@pytest.mark.parametrize(
    ("text", "targets"),
    [
        ("Пункт 2\nВместо существующего текста читать\n2. …", ("2",)),
        ("Пункты 3 и 4\nВместо «2015» читать «2016»", ("3", "4")),
        ("Paragraph 5 (b), second line\nFor 2015 read 2016", ("5 (b)",)),
        ("Paragraphs 3 and 7\nFor the existing text read", ("3", "7")),
        ("Paragraphe 2\nAu lieu de 2015 lire 2016", ("2",)),
        ("Párrafo 7 (c)\nDonde dice 2015 debe decir 2016", ("7 (c)",)),
        ("第3段\n将“2015”改为“2016”", ("3",)),
        ("الفقرة 5\nيستعاض عن 2015 بـ 2016", ("5",)),
        ("Footnote 4\nFor 2015 read 2016", ("footnote 4",)),
        ("Сноска 4: вместо 2015 читать 2016", ("footnote 4",)),
    ],
)
def test_a_corrigendum_names_what_it_corrects_in_each_language(text: str, targets: tuple) -> None:
    assert corrected_targets(text) == targets


def test_a_paragraph_cited_inside_the_corrected_text_is_no_target() -> None:
    text = (
        "Пункт 5\nВместо существующего текста читать\n"
        "5. В соответствии с положениями пункта 3 статьи 32 Конвенции…"
    )
    assert corrected_targets(text) == ("5",)
    assert corrected_targets("Annex I, paragraph 3\nFor 2015 read 2016") == ("3",)


def test_a_corrigendum_without_a_readable_target_corrects_the_whole_document() -> None:
    assert corrected_targets("The title of the document should read as follows.") is None
    assert corrected_targets("Пункт 2") is None  # no instruction: not a correction


def test_a_target_names_the_paragraph_and_its_subparagraphs() -> None:
    assert names_block("3", "paragraph", "3") and names_block("3", "subparagraph", "3 (a)")
    assert not names_block("3", "paragraph", "30") and not names_block("3", "footnote", "3")
    assert names_block("footnote 4", "footnote", "4")
    assert names_block("5 (b)", "subparagraph", "5 (b)")


def test_language_only_notes_and_reissue_notes() -> None:
    assert only_languages("Только на русском языке") == ("ru",)
    assert only_languages("Russian only") == ("ru",)
    assert only_languages("Anglais seulement") == ("en",)
    assert only_languages("Sólo en español") == ("es",)
    assert only_languages("Corrigendum") == ()
    assert is_reissue_note("* Reissued for technical reasons on 20 June 1996.")
    assert is_reissue_note("* Переиздано по техническим причинам 6 марта 2024 года.")
    assert is_reissue_note("* Nouveau tirage pour raisons techniques (5 mars 2024).")
    assert not is_reissue_note("The report was issued on 20 June 1996.")


# --------------------------------------------------------------------------- an index


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("families") / "corpus"
    gen.write_hrc_family(root)
    gen.write_resolution_and_draft(root)
    gen.write_reissue(root)
    gen.write_joint(root)
    return root


@pytest.fixture(scope="module")
def index(corpus: Path) -> Path:
    path = corpus.parent / "index"
    report = reindex(corpus, path)
    assert report.ok, report.failed
    return path


def _symbols(hits: list) -> list[str]:
    return [h.symbol for h in hits]


def test_superseded_versions_are_folded_under_the_latest_revision(index: Path) -> None:
    found = search(index, "пожаров", limit=50)
    assert "A/HRC/55/10" not in _symbols(found.hits)
    assert "A/HRC/55/10/Rev.1" not in _symbols(found.hits)
    assert "A/HRC/55/10/Rev.2" in _symbols(found.hits)
    assert "A/HRC/55/10/Add.1" in _symbols(found.hits)  # an addendum stands beside
    every = search(index, "пожаров", limit=50, all_versions=True)
    assert {"A/HRC/55/10", "A/HRC/55/10/Rev.1"} <= set(_symbols(every.hits))
    # counted once: the folded blocks are not in the total either
    folded = [h for h in every.hits if h.symbol in ("A/HRC/55/10", "A/HRC/55/10/Rev.1")]
    assert every.total - found.total == len(folded) > 0
    assert found.folded == len(folded) and every.folded == 0
    assert any("superseded versions left out" in note for note in found.notes)


def test_a_revision_says_what_it_supersedes(index: Path) -> None:
    hit = next(h for h in search(index, "засух") if h.symbol == "A/HRC/55/10/Rev.2")
    assert hit.supersedes == ("A/HRC/55/10", "A/HRC/55/10/Rev.1")
    rev1 = next(
        h for h in search(index, "наводнений", all_versions=True) if h.symbol.endswith("Rev.1")
    )
    assert rev1.supersedes == ("A/HRC/55/10",)
    original = next(h for h in search(index, "предварительную оценку", all_versions=True))
    assert original.symbol == "A/HRC/55/10" and original.supersedes == ()
    assert original.superseded_by == ("A/HRC/55/10/Rev.2", "A/HRC/55/10/Rev.1")
    assert rev1.superseded_by == ("A/HRC/55/10/Rev.2",)
    assert hit.superseded_by == ()


def test_folding_is_per_language(index: Path) -> None:
    """Rev.2 exists in English too; the English hit is Rev.2's. Rev.1 is Russian
    only: it is folded under the Russian Rev.2."""
    hits = search(index, "droughts", lang="en").hits
    assert _symbols(hits) == ["A/HRC/55/10/Rev.2"]


def test_a_corrigendum_in_one_language_marks_that_language_only(index: Path) -> None:
    ru = [
        h
        for h in search(index, "восстановлению территорий", lang="ru")
        if h.symbol.endswith("Rev.2")
    ]
    assert [(h.paragraph, h.corrected_by) for h in ru] == [("2", ("A/HRC/55/10/Rev.2/Corr.1",))]
    en = search(index, "restore territories", lang="en").hits
    assert en[0].symbol == "A/HRC/55/10/Rev.2" and en[0].paragraph == "2"
    assert en[0].corrected_by == ()
    other = next(h for h in search(index, "степях") if h.symbol.endswith("Rev.2"))
    assert other.paragraph == "1" and other.corrected_by == ()


def test_a_corrigendum_of_a_joint_documents_part_marks_its_paragraph(index: Path) -> None:
    hits = search(index, "incidents affecting civilians").hits
    joint = next(h for h in hits if h.symbol == "A/80/500-S/2025/656")
    assert joint.paragraph == "3" and joint.corrected_by == ("S/2025/656/Corr.1",)
    other = next(h for h in search(index, "humanitarian access") if h.symbol == joint.symbol)
    assert other.corrected_by == ()


def test_family_filter_keeps_a_family_and_symbol_stays_exact(index: Path) -> None:
    family = search(index, "family:A/HRC/55/10 пожаров", limit=50, all_versions=True)
    assert set(_symbols(family.hits)) == {
        "A/HRC/55/10",
        "A/HRC/55/10/Rev.1",
        "A/HRC/55/10/Rev.2",
        "A/HRC/55/10/Rev.2/Corr.1",
        "A/HRC/55/10/Add.1",
    }
    # from any member: the same family
    same = search(index, "family:A/HRC/55/10/Rev.2/Corr.1 пожаров", limit=50, all_versions=True)
    assert set(_symbols(same.hits)) == set(_symbols(family.hits))
    exact = search(index, "symbol:A/HRC/55/10 пожаров", limit=50)
    assert set(_symbols(exact.hits)) == {"A/HRC/55/10"}  # named: shown though superseded
    assert set(_symbols(search(index, "family:S/2025/656 mission").hits)) == {"A/80/500-S/2025/656"}


def test_a_family_filter_that_is_no_symbol_is_a_query_error(index: Path) -> None:
    with pytest.raises(QueryError, match="family: 'пожар' is not a UN symbol"):
        search(index, "family:пожар пожаров")
    assert search(index, "family:A/HRC/99/1 пожаров").hits == []
    out = runner.invoke(app, ["search", "family:пожар x", "--index", str(index)])
    assert out.exit_code == 2 and "is not a UN symbol" in out.output


def test_a_draft_and_its_resolution_stay_apart(index: Path) -> None:
    both = search(index, "тирании нищеты").hits
    assert sorted(_symbols(both)) == ["A/70/L.1", "A/RES/70/1"]
    assert all(h.supersedes == () for h in both)
    assert _symbols(search(index, "family:A/RES/70/1 нищеты").hits) == ["A/RES/70/1"]
    family = show_document(index, "A/RES/70/1").family
    assert family is not None and [m.symbol for m in family.members] == ["A/RES/70/1"]


def test_a_reissue_replaces_its_first_printing(index: Path) -> None:
    hits = search(index, "commodities").hits
    assert len(hits) == 1 and "small island" in hits[0].text
    assert hits[0].supersedes == ("TD/B/43/6",)
    assert len(search(index, "commodities", all_versions=True).hits) == 2
    assert "small island" in show(index, "TD/B/43/6", "1").block.text
    first = show(index, "td/td_b_43_6_en.txt", "1")
    assert "small island" not in first.block.text and first.superseded_by == ("TD/B/43/6*",)
    family = show_document(index, "TD/B/43/6").family
    assert family is not None
    assert [(m.symbol, m.relation, m.date) for m in family.members] == [
        ("TD/B/43/6", "original", "1996-06-12"),
        ("TD/B/43/6*", "reissues", "1996-06-20"),
    ]


def test_show_a_document_gives_its_family(index: Path) -> None:
    view = show_document(index, "A/HRC/55/10/Rev.2", lang="en")
    assert view.document.symbol == "A/HRC/55/10/Rev.2" and view.document.language == "en"
    data = view.to_dict()["family"]
    assert data["base"] == "A/HRC/55/10"
    members = {m["symbol"]: m for m in data["members"]}
    assert list(members) == [
        "A/HRC/55/10",
        "A/HRC/55/10/Add.1",
        "A/HRC/55/10/Rev.1",
        "A/HRC/55/10/Rev.2",
        "A/HRC/55/10/Rev.2/Corr.1",
    ]
    assert members["A/HRC/55/10/Rev.2"]["languages"] == ["en", "ru"]
    assert members["A/HRC/55/10/Rev.2/Corr.1"] | {} == {
        "symbol": "A/HRC/55/10/Rev.2/Corr.1",
        "relation": "corrects",
        "date": "2024-04-10",
        "languages": ["ru"],
        "of": "A/HRC/55/10/Rev.2",
        "superseded_by": [],
    }
    assert members["A/HRC/55/10"]["superseded_by"] == ["A/HRC/55/10/Rev.2", "A/HRC/55/10/Rev.1"]
    assert members["A/HRC/55/10/Add.1"]["relation"] == "adds"
    joint = show_document(index, "S/2025/656").to_dict()["family"]
    assert joint["base"] == "S/2025/656"
    assert [m["symbol"] for m in joint["members"]] == ["A/80/500-S/2025/656", "S/2025/656/Corr.1"]


def test_showing_a_superseded_paragraph_says_what_replaces_it(index: Path) -> None:
    old = show(index, "A/HRC/55/10", "2")
    assert old.superseded_by == ("A/HRC/55/10/Rev.2", "A/HRC/55/10/Rev.1")
    new = show(index, "A/HRC/55/10/Rev.2", "2", lang="ru")
    assert new.superseded_by == () and new.corrected_by == ("A/HRC/55/10/Rev.2/Corr.1",)


def test_facets_count_document_types(index: Path) -> None:
    facets = search(index, "нищеты OR пожаров", facets=True, limit=50).facets
    assert facets["type"]["draft"] == 1 and facets["type"]["resolution"] == 1
    assert facets["type"]["corrigendum"] >= 1 and facets["type"]["document"] >= 1


# --------------------------------------------------------------------------- the CLI


def test_cli_marks_revisions_and_corrections_and_shows_every_version(index: Path) -> None:
    out = runner.invoke(
        app, ["search", "засух", "--index", str(index), "--no-color", "--lang", "ru"]
    )
    assert out.exit_code == 0, out.output
    assert "[supersedes A/HRC/55/10, A/HRC/55/10/Rev.1]" in out.output
    assert "[corrected by A/HRC/55/10/Rev.2/Corr.1]" in out.output
    folded = runner.invoke(app, ["search", "предварительную оценку", "--index", str(index)])
    assert "A/HRC/55/10, para. 3" not in folded.output
    every = ["search", "предварительную оценку", "--index", str(index), "--all-versions"]
    shown = runner.invoke(app, [*every, "--no-color"]).output
    assert "A/HRC/55/10, para. 3" in shown
    assert "[superseded by A/HRC/55/10/Rev.2, A/HRC/55/10/Rev.1]" in shown
    reissue = runner.invoke(app, ["search", "commodities", "--index", str(index), "--no-color"])
    assert "[reissue of TD/B/43/6]" in reissue.output


def test_cli_show_a_document_prints_its_family_as_text_and_json(index: Path) -> None:
    out = runner.invoke(app, ["show", "A/HRC/55/10", "--index", str(index)])
    assert out.exit_code == 0, out.output
    assert "Family A/HRC/55/10:" in out.output
    assert "Superseded by: A/HRC/55/10/Rev.2, A/HRC/55/10/Rev.1" in out.output
    assert any(
        line.split()[:3] == ["A/HRC/55/10/Rev.2/Corr.1", "corrects", "A/HRC/55/10/Rev.2"]
        for line in out.output.splitlines()
    )
    data = json.loads(
        runner.invoke(app, ["show", "A/HRC/55/10", "--index", str(index), "--json"]).output
    )
    assert data["family"]["base"] == "A/HRC/55/10"
    assert {"symbol", "relation", "date", "languages"} <= set(data["family"]["members"][0])
    para = runner.invoke(app, ["show", "A/HRC/55/10", "2", "--index", str(index)])
    assert "Superseded by: A/HRC/55/10/Rev.2, A/HRC/55/10/Rev.1" in para.output
    missing = runner.invoke(app, ["show", "A/HRC/99/1", "--index", str(index)])
    assert missing.exit_code == 5 and "A/HRC/99/1" in missing.output


# --------------------------------------------------------------------------- reindex


def test_an_incremental_reindex_that_adds_a_revision_folds_the_original(tmp_path: Path) -> None:
    corpus, path = tmp_path / "corpus", tmp_path / "index"
    title = "Доклад Рабочей группы по лесным пожарам"
    gen.write(
        corpus, "a.txt", gen.document("A/HRC/55/10", "ru", "5 March 2024", title, gen.ORIGINAL_RU)
    )
    assert reindex(corpus, path).ok
    with Index(path) as ix:  # a long-lived searcher follows the commit
        assert _symbols(ix.search("пожаров").hits)[0] == "A/HRC/55/10"
        gen.write(
            corpus,
            "b.txt",
            gen.document("A/HRC/55/10/Rev.1", "ru", "20 March 2024", title, gen.REV1_RU),
        )
        report = reindex(corpus, path)
        assert (report.added, report.unchanged) == (["b.txt"], ["a.txt"])
        hits = ix.search("пожаров", limit=50).hits
        assert set(_symbols(hits)) == {"A/HRC/55/10/Rev.1"}
        assert hits[0].supersedes == ("A/HRC/55/10",)
    assert set(_symbols(search(path, "пожаров", limit=50))) == {"A/HRC/55/10/Rev.1"}
    (corpus / "b.txt").unlink()  # the revision withdrawn: the original is back
    assert reindex(corpus, path).deleted == ["b.txt"]
    assert set(_symbols(search(path, "пожаров", limit=50))) == {"A/HRC/55/10"}


# --------------------------------------------------------------------------- backends, real PDF


def test_families_on_the_xapian_backend(corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("xapian", reason="the Xapian bindings are not installed")
    path = tmp_path / "xindex"
    assert reindex(corpus, path, backend="xapian", shards=2).ok
    found = search(path, "пожаров", limit=50)
    assert "A/HRC/55/10" not in _symbols(found.hits) and "A/HRC/55/10/Rev.2" in _symbols(found.hits)
    every = search(path, "пожаров", limit=50, all_versions=True)
    assert every.total - found.total == sum(
        h.symbol in ("A/HRC/55/10", "A/HRC/55/10/Rev.1") for h in every.hits
    )
    rev2 = next(h for h in found.hits if h.symbol == "A/HRC/55/10/Rev.2" and h.paragraph == "2")
    assert rev2.corrected_by == ("A/HRC/55/10/Rev.2/Corr.1",)
    assert len(search(path, "commodities").hits) == 1
    assert _symbols(search(path, "family:A/RES/70/1 нищеты").hits) == ["A/RES/70/1"]
    assert search(path, "тирании нищеты", facets=True).facets["type"] == {
        "draft": 1,
        "resolution": 1,
    }
    family = show_document(path, "A/HRC/55/10").family
    assert family is not None and len(family.members) == 5


def test_a_real_joint_pdf_and_a_corrigendum_of_its_council_part(tmp_path: Path) -> None:
    pdf = SHARED_CORPUS / "un-pdf" / "A_80_500-EN.pdf"
    if not pdf.is_file():
        pytest.skip("../shared/corpus/un-pdf/A_80_500-EN.pdf is absent")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy2(pdf, corpus / pdf.name)
    # a corrigendum whose target cannot be read: it corrects the letter as a whole
    corr = (
        gen.masthead("S/2025/656/Corr.1", "en", "20 October 2025", "Corrigendum")
        + "Corrigendum\n\nThe date of the letter should be 16 October 2025.\n"
    )
    gen.write(corpus, "s_2025_656_corr1.txt", corr)
    assert reindex(corpus, tmp_path / "index").ok
    view = show_document(tmp_path / "index", "S/2025/656")
    assert view.document.symbol == "A/80/500-S/2025/656"
    assert view.family is not None and view.family.base == "S/2025/656"
    assert [m.symbol for m in view.family.members] == ["A/80/500-S/2025/656", "S/2025/656/Corr.1"]
    assert show(tmp_path / "index", "A/80/500", "title").corrected_by == ("S/2025/656/Corr.1",)
    hits = search(tmp_path / "index", "family:S/2025/656 Termination Day", limit=50).hits
    letter = [h for h in hits if h.symbol == "A/80/500-S/2025/656"]
    assert letter and all(h.corrected_by == ("S/2025/656/Corr.1",) for h in letter)
    assert {h.symbol for h in hits} <= {"A/80/500-S/2025/656", "S/2025/656/Corr.1"}
