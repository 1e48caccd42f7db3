"""Symbols encoded in file names (UNPC plain text) and in UNPC symbol paths (.ids files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from searchkit.symbols import (
    canonical,
    find_symbols,
    is_job_number_name,
    language_from_file_name,
    symbol_from_file_name,
    symbol_from_ods_name,
    symbol_from_unpc_path,
)

#: Every file name in ../shared/corpus/un-documents, with the symbol it encodes.
UN_DOCUMENTS = {
    "pro/ru/ru_2009_ece_ex_2010_l_3.txt": "ECE/EX/2010/L.3",
    "pro/ru/ru_2009_ece_trans_sc_3_wp_3_2010_8.txt": "ECE/TRANS/SC.3/WP.3/2010/8",
    "pro/ru/ru_2009_ece_trans_wp_29_2010_29.txt": "ECE/TRANS/WP.29/2010/29",
    "pro/ru/ru_2010_ece_trade_c_wp_7_ge_6_2010_7.txt": "ECE/TRADE/C/WP.7/GE.6/2010/7",
    "pro/ru/ru_2010_ece_trans_wp_15_ac_1_2010_10.txt": "ECE/TRANS/WP.15/AC.1/2010/10",
    "pro/ru/ru_2010_jiu_rep_2010_5.txt": "JIU/REP/2010/5",
    "pro/ru/ru_2011_jiu_rep_2011_5.txt": "JIU/REP/2011/5",
    "pro/ru/ru_2012_jiu_rep_2012_11.txt": "JIU/REP/2012/11",
    "pro/ru/ru_2012_jiu_rep_2012_12.txt": "JIU/REP/2012/12",
    "ref/ru/2001_trans_wp_30_197_add_1.txt": "TRANS/WP.30/197/Add.1",
    "ref/ru/2002_hbp_2002_7.txt": "HBP/2002/7",
    "ref/ru/2003_trans_sc_3_wp_3_2003_7.txt": "TRANS/SC.3/WP.3/2003/7",
    "ref/ru/2004_trans_sc_2_2004_4_add_1.txt": "TRANS/SC.2/2004/4/Add.1",
    "ref/ru/2005_cep_ac_10_2005_4_add_1.txt": "CEP/AC.10/2005/4/Add.1",
    "ref/ru/2006_ece_ces_ge_20_2006_3.txt": "ECE/CES/GE.20/2006/3",
    "ref/ru/2009_ccpr_c_ukr_co_6_add_2.txt": "CCPR/C/UKR/CO/6/Add.2",
    "ref/ru/2009_ece_ces_ge_42_2009_9.txt": "ECE/CES/GE.42/2009/9",
    "ref/ru/2009_hri_core_aze_2008.txt": "HRI/CORE/AZE/2008",
    "source/en/en_2009_ece_trans_sc_3_wp_3_2010_5.txt": "ECE/TRANS/SC.3/WP.3/2010/5",
    "source/en/en_2009_ece_trans_wp_15_ac_1_2010_11.txt": "ECE/TRANS/WP.15/AC.1/2010/11",
    "source/en/en_2009_ece_trans_wp_15_ac_2_2010_6.txt": "ECE/TRANS/WP.15/AC.2/2010/6",
    "source/en/en_2009_ece_trans_wp_29_2010_40.txt": "ECE/TRANS/WP.29/2010/40",
    "source/en/en_2009_ece_trans_wp_29_2010_43.txt": "ECE/TRANS/WP.29/2010/43",
    "source/en/en_2009_ece_trans_wp_29_2010_48.txt": "ECE/TRANS/WP.29/2010/48",
    "source/en/en_2009_ece_trans_wp_29_2010_49.txt": "ECE/TRANS/WP.29/2010/49",
    "source/en/en_2009_ece_trans_wp_30_2010_3.txt": "ECE/TRANS/WP.30/2010/3",
    "source/en/en_2010_ece_mp_wat_29.txt": "ECE/MP.WAT/29",
    "source/en/en_2010_ece_trade_c_wp_7_ge_6_2010_8.txt": "ECE/TRADE/C/WP.7/GE.6/2010/8",
    "source/en/en_2011_jiu_rep_2011_2.txt": "JIU/REP/2011/2",
}


@pytest.mark.parametrize(("name", "symbol"), sorted(UN_DOCUMENTS.items()))
def test_every_corpus_file_name_decodes(name: str, symbol: str) -> None:
    decoded = symbol_from_file_name(name)
    assert decoded is not None
    assert decoded[0] == symbol
    assert decoded[1] == name.rsplit("/", 1)[1].removeprefix("ru_").removeprefix("en_")[:4]
    expected_language = {"ru_": "ru", "en_": "en"}.get(name.rsplit("/", 1)[1][:3])
    assert decoded[2] == expected_language


def test_table_covers_the_whole_folder(shared_corpus: Path) -> None:
    folder = shared_corpus / "un-documents"
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*.txt")}
    assert names == set(UN_DOCUMENTS)


@pytest.mark.parametrize(
    "name", ["000_a4c9014b07e334a9.txt", "raw_un_charter_ru.txt", "udhr_rus.xml", "2009_.txt"]
)
def test_other_names_encode_no_symbol(name: str) -> None:
    assert symbol_from_file_name(name) is None


@pytest.mark.parametrize(
    ("path", "symbol"),
    [
        ("a/conf_224/pc_iii_/l_1", "A/CONF.224/PC(III)/L.1"),
        ("e/cn_15/2015/5", "E/CN.15/2015/5"),
        ("e/cn_6/2015/ngo/259", "E/CN.6/2015/NGO/259"),
        ("s/res/2196__2015_", "S/RES/2196(2015)"),
        ("iccd/cric_13_/4", "ICCD/CRIC(13)/4"),
        ("unep_dtie_/hg/inc_6/24", "UNEP(DTIE)/HG/INC.6/24"),
        ("unep/chw_12/3/add_1", "UNEP/CHW.12/3/Add.1"),
        ("st/sg/ser_e/736", "ST/SG/SER.E/736"),
        ("a/69/308__part_ii_", "A/69/308(PART II)"),
    ],
)
def test_unpc_paths(path: str, symbol: str) -> None:
    assert symbol_from_unpc_path(path) == symbol
    assert canonical(symbol) == symbol  # the decoded form is already canonical


def test_every_devset_id_decodes(shared_corpus: Path) -> None:
    ids = (shared_corpus / "unpc-devset" / "UNv1.0.devset.ids").read_text(encoding="utf-8")
    paths = {line.split()[0].split("/", 1)[1] for line in ids.splitlines()}
    assert len(paths) == 732
    decoded = {p: symbol_from_unpc_path(p) for p in paths}
    assert [p for p, s in decoded.items() if s is None] == []
    # no two paths collapse onto one symbol
    assert len(set(decoded.values())) == len(paths)


def test_find_symbols_skips_abbreviations_without_numbers() -> None:
    text = (
        "борьба с ВИЧ/СПИДом (HIV/AIDS), правила RID/ADR/ADN, доклад УСВН/ОВР; "
        "см. ECE/TRANS/WP.29/GRE/2009/45 и TRANS/SC.3/WP.3/R.84/Rev.1."
    )
    assert find_symbols(text) == ["ECE/TRANS/WP.29/GRE/2009/45", "TRANS/SC.3/WP.3/R.84/Rev.1"]


@pytest.mark.parametrize(
    ("name", "symbol", "language"),
    [
        ("A_RES_70_10-EN.pdf", "A/RES/70/10", "en"),
        ("S_RES_2803 (2025)-EN.pdf", "S/RES/2803(2025)", "en"),
        ("E_2025_15.en.pdf", "E/2025/15", "en"),
        ("TD_B_43_6.en.pdf", "TD/B/43/6", "en"),
        ("S_PV.4507-EN.pdf", "S/PV.4507", "en"),
        ("docs/A_HRC_40_3_Add.1_R.docx", "A/HRC/40/3/Add.1", "ru"),
        ("A_C.3_75_L.2-FR.docx", "A/C.3/75/L.2", "fr"),
        ("E_CN.15_2012_L.3_Rev.1-RU.pdf", "E/CN.15/2012/L.3/Rev.1", "ru"),
    ],
)
def test_ods_file_names(name: str, symbol: str, language: str) -> None:
    assert symbol_from_ods_name(name) == symbol
    assert language_from_file_name(name) == language
    assert not is_job_number_name(name)


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("N0553261.pdf", None),
        ("G1913879.pdf", None),
        ("0553261e.doc", "en"),
        ("1913879R.docx", "ru"),
    ],
)
def test_job_number_names_give_no_symbol(name: str, language: str | None) -> None:
    assert is_job_number_name(name)
    assert symbol_from_ods_name(name) is None
    assert language_from_file_name(name) == language


@pytest.mark.parametrize(
    "name",
    ["ohchr_1_ru.pdf", "report.pdf", "23.10.2013 ECE-TRANS-WP29-GRPE-2013-13 0930.docx",
     "2009_ccpr_c_ukr_co_6_add_2.txt", "Annex_I.pdf"],
)  # fmt: skip
def test_other_names_are_not_ods_symbols(name: str) -> None:
    assert symbol_from_ods_name(name) is None


def test_language_of_other_names() -> None:
    assert language_from_file_name("ohchr_1_ru.pdf") == "ru"
    assert language_from_file_name("report.pdf") is None
