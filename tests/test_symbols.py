import pytest

from searchkit.symbols import (
    body_of,
    canonical,
    find_symbols,
    join_symbols,
    joint_parts,
    looks_like_symbol,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("CTOC/COP/2012/1", "CTOC/COP/2012/1"),
        ("СТОС/COP/2012/1.", "CTOC/COP/2012/1"),  # Cyrillic С Т О С typed for C T O C
        ("a/res/70/1", "A/RES/70/1"),
        (" E / CN.15 / 2012 / L.3 / rev.1 ", "E/CN.15/2012/L.3/Rev.1"),
        ("CCPR/C/UKR/CO/6/ADD.2", "CCPR/C/UKR/CO/6/Add.2"),
        ("A/CONF.224/PC(III)/L.1", "A/CONF.224/PC(III)/L.1"),
        ("CTOC/COP/WG.7/2012/2/Corr.1", "CTOC/COP/WG.7/2012/2/Corr.1"),
    ],
)
def test_canonical(raw: str, expected: str) -> None:
    assert canonical(raw) == expected


@pytest.mark.parametrize("raw", ["", "ввоз", "5/3", "ЕЭК/ООН", "и/или", "A B/C"])
def test_not_a_symbol(raw: str) -> None:
    assert canonical(raw) is None or not looks_like_symbol(raw)


def test_find_symbols_in_text() -> None:
    text = (
        "* СТОС/COP/2012/1. См. также A/RES/70/1 и E/CN.15/2012/L.3/Rev.1; "
        "резолюция 5/3 и/или A/RES/70/1 ещё раз."
    )
    assert find_symbols(text) == ["CTOC/COP/2012/1", "A/RES/70/1", "E/CN.15/2012/L.3/Rev.1"]


def test_body_of() -> None:
    assert body_of("CTOC/COP/2012/1") == "CTOC/COP"
    assert body_of("A/RES/70/1") == "A/RES"
    assert body_of("E/CN.15/2012/L.3") == "E/CN.15"


def test_joint_symbol_is_found_whole_and_by_part() -> None:
    text = "распространить письмо (A/80/500-S/2025/656) и A/45/311–S/21356"
    assert find_symbols(text) == [
        "A/80/500-S/2025/656",
        "A/80/500",
        "S/2025/656",
        "A/45/311-S/21356",
        "A/45/311",
        "S/21356",
    ]
    assert joint_parts("A/80/500-S/2025/656") == ["A/80/500-S/2025/656", "A/80/500", "S/2025/656"]
    assert joint_parts("ST/SGB/2003-13") == ["ST/SGB/2003-13"]  # a dash inside one symbol
    assert join_symbols(["A/80/500", "S/2025/656", "A/80/500"]) == "A/80/500-S/2025/656"


def test_resolution_year_after_a_space_belongs_to_the_symbol() -> None:
    text = "resolution S/RES/2803 (2025), A/RES/2625 (XXV) and the report A/70/1 (2015)"
    assert find_symbols(text) == ["S/RES/2803(2025)", "A/RES/2625(XXV)", "A/70/1"]
    assert canonical("S/RES/2803 (2025)") == "S/RES/2803(2025)"
