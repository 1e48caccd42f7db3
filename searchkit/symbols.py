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
_MIXED_CASE = {"ADD": "Add", "REV": "Rev", "CORR": "Corr", "AMEND": "Amend", "SUMMARY": "Summary"}

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"
_LETTER = "A-Za-z" + "".join(CYRILLIC_LOOKALIKES)
# A part is letters/digits with optional dots, dashes and a parenthesised group: CN.15, L.3, PC(III)
_PART = rf"[{_LETTER}0-9][{_LETTER}0-9.\-]*(?:\([{_LETTER}0-9.]+\))?"
_SYMBOL_RE = re.compile(
    rf"(?<![\w/])(?:[{_LETTER}]{{1,12}}(?:\.\d+)?)(?:\s?/\s?{_PART})+(?![\w/])"
)


def fold_lookalikes(text: str) -> str:
    """Replace Cyrillic look-alike letters with their Latin twins."""
    return text.translate(_TO_LATIN)


def _canonical_part(part: str) -> str:
    # "add.1" -> "Add.1", "cn.15" -> "CN.15", "l.3" -> "L.3"
    head, dot, tail = part.partition(".")
    word = _MIXED_CASE.get(head.upper())
    if word is not None and dot:
        return f"{word}.{tail.upper()}"
    return part.upper()


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
    if not re.fullmatch(rf"[A-Za-z]{{1,12}}(?:\.\d+)?(?:/{_PART})+", text):
        return None
    if re.search(r"[^\x00-\x7f]", text):
        return None
    return "/".join(_canonical_part(p) for p in text.split("/"))


def find_symbols(text: str) -> list[str]:
    """Canonical symbols cited in ``text``, in order of first appearance, no repeats."""
    seen: dict[str, None] = {}
    for match in _SYMBOL_RE.finditer(text):
        raw = match.group(0)
        first = raw.split("/", 1)[0].strip()
        # The first part must be capitals (Latin or look-alike): "и/или" is not a symbol.
        if not first.split(".")[0].isupper():
            continue
        symbol = canonical(raw)
        if symbol is not None:
            seen.setdefault(symbol, None)
    return list(seen)


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
