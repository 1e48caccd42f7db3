"""The masthead of a UN document: organ, symbol, ``Distr.``, date, languages.

Read line by line with the plain-text reader's :func:`~.text.masthead_line`, plus
what only a printed masthead has: several symbol lines of a joint document,
``Distr.`` over ``GENERAL``, a weekday before the date of a meeting; dates in
English, Russian, French and Spanish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..symbols import canonical
from .quirks import clean
from .text import LANGUAGES, MONTHS, masthead_line

ORGANS = {
    "united nations", "организация объединенных наций", "general assembly",
    "генеральная ассамблея", "security council", "совет безопасности",
    "economic and social council", "экономический и социальный совет", "trusteeship council",
    "совет по опеке", "secretariat", "секретариат", "united", "nations", "official records",
    "официальные отчеты", "provisional", "предварительный", "distr.", "dist.",
}  # fmt: skip
_DISTR_VALUES = {"general", "limited", "restricted", "общий", "ограниченный"}
_DATE_IN = re.compile(r"\b(\d{1,2})(?:er)?\s+(?:de\s+)?([^\W\d_]+)\s+(?:de\s+)?((?:19|20)\d\d)\b")
SC_YEAR = re.compile(r"^[\w-]+\s+(?:year|год)$", re.I)  # "Eightieth year" of the Council
_SESSION_WORD = re.compile(r"\b(?:сессия|session)\b", re.I)


@dataclass(slots=True)
class Masthead:
    meta: dict[str, str | None] = field(default_factory=dict)
    symbols: list[str] = field(default_factory=list)
    organs: list[str] = field(default_factory=list)


def symbol_of_line(line: str) -> str | None:
    """The symbol a masthead line prints alone (``S/2014/258*``, ``A/45/311 /``)."""
    text = re.sub(r"\s*/\s*", "/", line.strip().rstrip("*").strip())
    text = re.sub(r"(?<=\d) (?=\d)", "", text).rstrip("/")  # an OCR'd "A /45/31 1 /"
    if not text or " " in text.replace(" (", "("):
        return None
    symbol = canonical(text)
    if symbol is None or "/" not in symbol or not text.split("/")[0][:1].isupper():
        return None
    return symbol if any(c.isdigit() for c in symbol) else None


def find_date(text: str) -> str | None:
    """The first ``10 July 2012`` / ``29 сентября 2005 года`` in ``text``, as ISO."""
    for match in _DATE_IN.finditer(text):
        month = MONTHS.get(match.group(2).lower())
        if month and 1 <= int(match.group(1)) <= 31:
            return f"{match.group(3)}-{month:02d}-{int(match.group(1)):02d}"
    return None


def read_masthead(lines: list[str]) -> Masthead:
    """Read the masthead's lines (in any order: they stand in two columns)."""
    head = Masthead()
    meta = head.meta
    pending_distr = False
    for raw in lines:
        line = clean(raw)
        if not line:
            continue
        low = line.lower()
        if pending_distr and low in _DISTR_VALUES:
            meta["distribution"] = line.capitalize()
            pending_distr = False
            continue
        if low in ("distr.", "dist.", "distr", "distribution"):
            pending_distr = "distribution" not in meta
            continue
        if symbol := symbol_of_line(line):
            head.symbols.append(symbol)
            continue
        if masthead_line(line, meta):
            continue
        if "date" not in meta and len(line) < 80 and (date := find_date(line)):
            meta["date"] = date
            continue
        if low in ORGANS or SC_YEAR.match(line):
            head.organs.append(line)
    if distribution := meta.get("distribution"):
        meta["distribution"] = distribution.capitalize() if distribution.isupper() else distribution
    return head


MASTHEAD_MARKS = re.compile(
    r"^(?:Distr\.?\b|Dist\.|Original|Язык оригинала\b)|^(?:GENERAL|LIMITED|RESTRICTED)$|"
    r"^(?:Provisional|Official Records|Предварительный отчет|Официальные отчеты)$",
    re.I,
)


def is_masthead_mark(line: str) -> bool:
    """A line only a masthead prints: ``Distr.: General``, a date, ``Original: …``,
    a language name, the symbol."""
    line = clean(line)
    if MASTHEAD_MARKS.match(line) or symbol_of_line(line):
        return True
    words = line.split()
    if words and all(w.lower() in LANGUAGES for w in words):
        return True
    return len(line) < 40 and find_date(line) is not None and not _SESSION_WORD.search(line)
