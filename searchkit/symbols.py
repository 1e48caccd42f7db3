"""UN document symbols: recognition in text and canonical form.

Symbols are identifiers, not words: ``A/RES/70/1``, ``CTOC/COP/2012/1``,
``E/CN.15/2012/L.3/Rev.1``. The canonical form uses Latin capitals, ``/`` between
parts, no spaces, and the UN's mixed-case suffixes (``Add.1``, ``Rev.2``,
``Corr.1``). Cyrillic letters that look like Latin ones (``СТОС`` typed for
``CTOC``) are folded inside a symbol only.

This is the one module that knows symbol syntax; readers and the query layer call it.
"""

from __future__ import annotations

import re

#: Cyrillic letters that are commonly typed in place of their Latin twins.
CYRILLIC_LOOKALIKES = {
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S",
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "х": "x", "у": "y", "і": "i", "ј": "j", "ѕ": "s",
}  # fmt: skip
_TO_LATIN = str.maketrans(CYRILLIC_LOOKALIKES)

#: Suffix words written in mixed case in canonical symbols.
_MIXED_CASE = {
    "ADD": "Add", "REV": "Rev", "CORR": "Corr", "AMEND": "Amend", "SUMMARY": "Summary",
    "MISC": "Misc", "SUB": "Sub",
}  # fmt: skip

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"
_LETTER = "A-Za-z" + "".join(CYRILLIC_LOOKALIKES)
# A part is letters/digits with optional dots, dashes and a parenthesised group: CN.15, L.3, PC(III)
_PART = rf"[{_LETTER}0-9][{_LETTER}0-9.\-\u2010\u2011\u2013]*(?:\([{_LETTER}0-9.]+\))?"
# The canonical form also allows a first part with a group (UNEP(DTIE)) and spaces in a group.
_CANON_RE = re.compile(
    r"[A-Za-z]{1,12}(?:\.\d+)?(?:\([A-Za-z0-9.]+\))?"
    r"(?:/[A-Za-z0-9][A-Za-z0-9.\-]*(?:\([A-Za-z0-9. ]+\))?)+"
)
# A resolution's year or session printed after a space: "S/RES/2803 (2025)", "A/RES/2625 (XXV)".
_YEAR_SUFFIX = r"(?:\s\((?:(?:19|20)\d\d|[IVXLC]{1,6})\))"
_SYMBOL_RE = re.compile(
    rf"(?<![\w/])(?:[{_LETTER}]{{1,12}}(?:\.\d+)?)(?:\s?/\s?{_PART})+{_YEAR_SUFFIX}?(?![\w/])"
)
# The "-" that joins the symbols of one document issued under several: "A/80/500-S/2025/656".
_JOINT = re.compile(r"-(?=[A-Z]{1,12}(?:\.\d+)?/[A-Za-z0-9])")


def fold_lookalikes(text: str) -> str:
    """Replace Cyrillic look-alike letters with their Latin twins."""
    return text.translate(_TO_LATIN)


#: Parts the UN prints in mixed case, whole: "S/Agenda/10026", "UNEP/OzL.Pro.31/9".
_PRINTED_CASE = {"AGENDA": "Agenda", "OZL.PRO": "OzL.Pro"}


def _canonical_part(part: str) -> str:
    # "add.1" -> "Add.1", "cn.15" -> "CN.15", "l.3" -> "L.3", "308 (part ii)" -> "308(PART II)"
    part, paren, group = part.partition("(")
    if paren:
        group = "(" + re.sub(r"\s+", " ", group).strip().upper()
    part = part.strip()
    head, dot, tail = part.partition(".")
    word = _MIXED_CASE.get(head.upper())
    if word is not None and dot:
        return f"{word}.{tail.upper()}{group}"
    upper = part.upper()
    for printed_upper, printed in _PRINTED_CASE.items():
        if upper == printed_upper or upper.startswith(printed_upper + "."):
            return printed + upper[len(printed_upper) :] + group
    return upper + group


#: Letters an OCR reads for digits: I, l and | for 1, O for 0, S for 5, B for 8.
_OCR_DIGITS = str.maketrans({"I": "1", "l": "1", "|": "1", "O": "0", "o": "0", "S": "5", "B": "8"})


def _digit_slip(a: str, b: str) -> bool:
    """``a`` and ``b`` differ only where an OCR mistook a digit for a letter."""
    return len(a) == len(b) and all(
        x == y or (y.isdigit() and x.translate(_OCR_DIGITS) == y) for x, y in zip(a, b, strict=True)
    )


def repair_ocr(symbol: str, expected: str | None = None) -> str:
    """``symbol`` with an OCR's letters-for-digits put right: against ``expected``
    (the symbol a file's name gives) when the two differ only there
    (``A/38/2I0`` and ``A/38/210``), else in the number parts of the symbol's
    pattern, where a letter stands among digits (``S/PV.45O7`` -> ``S/PV.4507``).

    >>> repair_ocr("A/38/2I0", "A/38/210")
    'A/38/210'
    >>> repair_ocr("S/2O14/258")
    'S/2014/258'
    >>> repair_ocr("E/CN.15/2012/L.3")
    'E/CN.15/2012/L.3'
    """
    if expected and expected != symbol and _digit_slip(symbol, expected):
        return expected
    head, *parts = symbol.split("/")
    fixed = []
    for part in parts:
        pieces = []
        for piece in part.split("."):
            digits = piece.translate(_OCR_DIGITS)
            if digits != piece and digits.isdigit() and sum(c.isdigit() for c in piece) >= 1:
                piece = digits
            pieces.append(piece)
        fixed.append(".".join(pieces))
    return "/".join([head, *fixed])


def canonical(symbol: str) -> str | None:
    """Return the canonical form of ``symbol``, or ``None`` if it is not one.

    >>> canonical("СТОС/COP/2012/1.")
    'CTOC/COP/2012/1'
    >>> canonical(" e/cn.15/2012/l.3/rev.1 ")
    'E/CN.15/2012/L.3/Rev.1'
    """
    text = fold_lookalikes(symbol.strip()).rstrip(".,;:")
    for dash in _DASHES:
        text = text.replace(dash, "-")
    text = re.sub(r"\s*/\s*", "/", text)
    text = re.sub(r"\s*\(\s*", "(", text)
    if not _CANON_RE.fullmatch(text):
        return None
    if re.search(r"[^\x00-\x7f]", text):
        return None
    return "/".join(_canonical_part(p) for p in text.split("/"))


def find_symbols(text: str) -> list[str]:
    """Canonical symbols cited in ``text``, in order of first appearance, no repeats.

    A joint symbol (``A/80/500-S/2025/656``) is given whole and then part by part,
    so a search for either part finds the text; a resolution's year printed after
    a space belongs to it (``S/RES/2803 (2025)`` is ``S/RES/2803(2025)``), other
    symbols end before such a bracket (``A/70/1 (2015)`` cites ``A/70/1``).
    """
    seen: dict[str, None] = {}
    for match in _SYMBOL_RE.finditer(text):
        raw = match.group(0)
        if " (" in raw and "/RES/" not in fold_lookalikes(raw).upper().replace(" ", ""):
            raw = raw[: raw.rindex(" (")]
        first = raw.split("/", 1)[0].strip()
        # The first part must be capitals (Latin or look-alike): "и/или" is not a symbol.
        if not first.split(".")[0].isupper():
            continue
        # Every document symbol has a number somewhere; "HIV/AIDS", "RID/ADR/ADN" and
        # "УСВН/ОВР" (Russian abbreviations) are not symbols.
        if not any(c.isdigit() for c in raw):
            continue
        symbol = canonical(raw)
        if symbol is not None:
            seen.setdefault(symbol, None)
            for part in joint_parts(symbol)[1:]:
                seen.setdefault(part, None)
    return list(seen)


def joint_parts(symbol: str) -> list[str]:
    """A canonical symbol and, when it is a joint one, each of its parts.

    >>> joint_parts("A/80/500-S/2025/656")
    ['A/80/500-S/2025/656', 'A/80/500', 'S/2025/656']
    >>> joint_parts("A/HRC/40/3")
    ['A/HRC/40/3']
    """
    parts = _JOINT.split(symbol)
    if len(parts) < 2 or not all("/" in p and canonical(p) == p for p in parts):
        return [symbol]
    return [symbol, *parts]


def join_symbols(symbols: list[str]) -> str:
    """The joint form of the symbols one document is issued under, in printed order."""
    unique = list(dict.fromkeys(symbols))
    return "-".join(unique)


def looks_like_symbol(text: str) -> bool:
    """True when the whole of ``text`` is a single UN symbol."""
    symbol = canonical(text)
    return symbol is not None and "/" in symbol and text.strip().split("/")[0][:1].isupper()


def body_of(symbol: str) -> str:
    """The issuing body: the parts before the first that starts with a digit.

    ``CTOC/COP/2012/1`` -> ``CTOC/COP``; ``A/RES/70/1`` -> ``A/RES``.
    """
    parts = symbol.split("/")
    head: list[str] = []
    for part in parts:
        if part[:1].isdigit():
            break
        head.append(part)
    return "/".join(head or parts[:1])


# --- Symbols encoded in file names ------------------------------------------------

#: Symbol parts that take their number after a dot (``WP.29``, ``Add.1``, ``CN.15``).
DOTTED = frozenset(
    [
        "ADD",
        "REV",
        "CORR",
        "AMEND",
        "L",
        "WG",
        "CN",
        "C",
        "AC",
        "SC",
        "GE",
        "PC",
        "WP",
        "CONF",
        "CRP",
        "INF",
        "MISC",
        "SUB",
    ]
)
#: Parts joined by a dot to the letters that follow (``ECE/MP.WAT/29``).
DOTTED_WORD = frozenset({"MP"})

_FILE_NAME = re.compile(
    r"^(?:(?P<lang>ar|en|es|fr|ru|zh)_)?(?P<year>(?:19|20)\d\d)_(?P<path>[a-z0-9_]+)$"
)


def symbol_from_file_name(name: str) -> tuple[str, str, str | None] | None:
    """Decode a UNPC-style file name into ``(symbol, year, language)``.

    ``_`` stands for both ``/`` and ``.``; a number after a part that UN symbols
    write with a dot (``Add.``, ``Rev.``, ``WP.``, ``CN.``, ``C.``, ``AC.`` ...) is
    joined to it with a dot, everything else is a new part:

    >>> symbol_from_file_name("2009_ccpr_c_ukr_co_6_add_2.txt")
    ('CCPR/C/UKR/CO/6/Add.2', '2009', None)
    >>> symbol_from_file_name("ru_2012_jiu_rep_2012_2.txt")
    ('JIU/REP/2012/2', '2012', 'ru')

    Returns ``None`` when the name does not follow that pattern.
    """
    stem = name.rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    match = _FILE_NAME.match(stem.lower())
    if not match:
        return None
    tokens = [t for t in match.group("path").split("_") if t]
    if not tokens or not tokens[0].isalpha():
        return None
    parts: list[str] = []
    for token in tokens:
        prev = parts[-1].upper() if parts else ""
        if (prev in DOTTED and token.isdigit()) or (prev in DOTTED_WORD and token.isalpha()):
            parts[-1] = f"{parts[-1]}.{token}"
        else:
            parts.append(token)
    symbol = canonical("/".join(parts))
    if symbol is None:
        return None
    return symbol, match.group("year"), match.group("lang")


def symbol_from_unpc_path(path: str) -> str | None:
    """Decode a UN Parallel Corpus symbol path (``.ids`` files, XML file names).

    There ``/`` is kept, ``.`` became ``_`` and parentheses became ``_``:

    >>> symbol_from_unpc_path("a/conf_224/pc_iii_/l_1")
    'A/CONF.224/PC(III)/L.1'
    >>> symbol_from_unpc_path("s/res/2196__2015_")
    'S/RES/2196(2015)'
    """
    parts = []
    for part in path.strip().strip("/").split("/"):
        # "2196__2015_" -> "2196 (2015)", "pc_iii_" -> "pc(iii)", "308__part_ii_" -> "308 (part ii)"
        part = re.sub(
            r"__([a-z0-9_]+?)_$", lambda m: "(" + m.group(1).replace("_", " ") + ")", part
        )
        part = re.sub(r"_([a-z0-9]+)_$", r"(\1)", part)
        part = re.sub(r"_([a-z0-9]+)_(?=/|$)", r"(\1)", part)
        parts.append(part.replace("_", "."))
    return canonical("/".join(parts))


# --- Symbols in the file names of the UN's document system (ODS) ---------------------

#: ODS language codes: two letters (``-EN``, ``.ru``), or one after ``_``/``-`` (``_R``).
_LANGUAGE_CODES = {"ar", "en", "es", "fr", "ru", "zh"}
_LANGUAGE_LETTERS = {"A": "ar", "C": "zh", "E": "en", "F": "fr", "R": "ru", "S": "es"}
_NAME_LANGUAGE = re.compile(r"(?:[-_.]([A-Za-z]{2})|[-_]([ACEFRS]))$")
#: A file named by its job number: ``N0553261``, ``G1913879``, ``0553261e``.
_JOB_NUMBER_NAME = re.compile(r"^[A-Z]?\d{7}(?P<letter>[acefrsACEFRS])?$")
_DOCUMENT_SUFFIXES = (".pdf", ".docx", ".doc", ".txt", ".html", ".htm", ".xml", ".rtf", ".odt")


def _stem(name: str) -> str:
    stem = name.replace("\\", "/").rsplit("/", 1)[-1]
    lower = stem.lower()
    for suffix in _DOCUMENT_SUFFIXES:
        if lower.endswith(suffix):
            return stem[: -len(suffix)]
    return stem


def _split_language(stem: str) -> tuple[str, str | None]:
    match = _NAME_LANGUAGE.search(stem)
    if match:
        if match.group(1) and match.group(1).lower() in _LANGUAGE_CODES:
            return stem[: match.start()], match.group(1).lower()
        if match.group(2):
            return stem[: match.start()], _LANGUAGE_LETTERS[match.group(2)]
    job = _JOB_NUMBER_NAME.match(stem)
    if job and job.group("letter"):
        return stem[:-1], _LANGUAGE_LETTERS[job.group("letter").upper()]
    return stem, None


def language_from_file_name(name: str) -> str | None:
    """The language an ODS-style file name gives: ``-RU``, ``.ru``, ``_R``, ``0553261e``."""
    return _split_language(_stem(name))[1]


def is_job_number_name(name: str) -> bool:
    """True for a file named by its job number (``N0553261.pdf``): it holds no symbol."""
    stem, _ = _split_language(_stem(name))
    return bool(_JOB_NUMBER_NAME.match(stem))


def symbol_from_ods_name(name: str) -> str | None:
    """The symbol an ODS-style file name encodes, with ``_`` for ``/``.

    >>> symbol_from_ods_name("A_RES_70_10-EN.pdf")
    'A/RES/70/10'
    >>> symbol_from_ods_name("S_RES_2803 (2025)-EN.pdf")
    'S/RES/2803(2025)'
    >>> symbol_from_ods_name("TD_B_43_6.en.pdf")
    'TD/B/43/6'

    A name must start with the capital letters of a UN body and hold a number;
    job-number names (``N0553261.pdf``) and other names give ``None``.
    """
    stem, _ = _split_language(_stem(name))
    if _JOB_NUMBER_NAME.match(stem) or "_" not in stem:
        return None
    first = stem.split("_", 1)[0]
    if not re.fullmatch(r"[A-Z]{1,12}(?:\.\d+)?", first) or not any(c.isdigit() for c in stem):
        return None
    symbol = canonical(stem.replace("_", "/"))
    return symbol if symbol and "/" in symbol else None
