"""Printed lines of a page, and the page furniture among them.

:class:`Line` is one printed line (or table cell) as the PDF reader or OCR gives
it; :func:`remove_furniture` drops, at each page's head and foot, what is not the
document's text: page numbers, job numbers (``GE.19-13879 (R) 210819``,
``12-27711*** (E) 170412``), bar codes, the running symbol, "Please recycle",
and any line repeated there on many pages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..symbols import canonical

#: Head and foot of a page, as a share of its height: where furniture may stand.
ZONE = 0.12


@dataclass(slots=True)
class Line:
    """One printed line (or table cell) of a page, in points from the page's top left."""

    page: int
    x0: float
    x1: float
    y0: float  # top
    y1: float  # bottom
    size: float
    text: str
    bold: bool = False
    marks: list[str] = field(default_factory=list)
    lead: str | None = None  # a raised marker that opens the line (a footnote's number)
    text_x: float | None = None  # where the text after a leading label starts
    label_tab: bool | None = None  # that label stands apart from its text by a tab

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(slots=True)
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]


# GE.19-13879, 05-53261, 14-28968* (a reissue), 12-27711*** (the third), GE.19-13879(E)
_JOB_TOKEN = re.compile(r"^(?:[A-Z]{1,2}\.)?\d{2}-\d{4,5}\*{0,3}(?:\([A-Z]\))?$")
# a job number with its language mark and dates glued to a line of text at the page's
# foot: "12-27711*** (E) 170412 Mohamed …", "97-85299 (E) This record contains …"
_JOB_GLUED = re.compile(
    r"^(?:[A-Z]{1,2}\.)?\d{2}-\d{4,5}\*{0,3} ?\([A-Z]\)(?: \d{6}){0,2} (?=\S)"
    r"| (?:[A-Z]{1,2}\.)?\d{2}-\d{4,5}\*{0,3} ?\([A-Z]\)(?: \d{6}){0,2}$"
)
# the note on a reissued document's symbol: "*** Third reissue for technical reasons"
_REISSUE = re.compile(
    r"^\**\s*(?:\w+\s+)?(?:reissued?|nouveau tirage|reimpres\w*|reedita\w*|переиздан\w*|"
    r"повторно\s+выпущен\w*)\b.{0,60}(?:technical|techniques?|técnicas|техническ\w+)",
    re.I,
)
_JOB_NUMBER = re.compile(r"^[A-Z]?\d{7}$")  # N0553261
_FURNITURE_TOKEN = re.compile(
    r"^(?:\([A-Z]\)|\d{6}|\d{1,4}|\d{1,4}/\d{1,4}|\*[\dA-Z]{5,}\*|/\.\.\.|/…|\.\.\.|…)$"
)
_FURNITURE_WORDS = {
    "page", "стр.", "страница", "english", "russian", "french", "spanish", "arabic", "chinese",
    "русский", "английский", "-", "–",
}  # fmt: skip
_RECYCLE = re.compile(r"please\s+recycle|вторичн\w+\s+переработк", re.I)


def is_furniture(text: str) -> bool:
    """True when every word of ``text`` is page furniture: a page number, a job
    number (``GE.19-13879 (R) 210819 230819``), a bar code (``*1913879*``), a
    symbol (the running header), ``Page``, a language name, ``/...``, or when it
    is the "Please recycle" line. Only lines at a page's head or foot are asked."""
    if _RECYCLE.search(text):
        return True
    tokens = text.split()
    for token in tokens:
        if _JOB_TOKEN.match(token) or _JOB_NUMBER.match(token) or _FURNITURE_TOKEN.match(token):
            continue
        if token.lower() in _FURNITURE_WORDS:
            continue
        if "/" in token and (symbol := canonical(token.rstrip("*"))) and "/" in symbol:
            continue
        return False
    return bool(tokens)


def _norm(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def remove_furniture(pages: list[Page]) -> None:
    """Drop furniture lines at the head and foot of every page (not page 1's head,
    which is the masthead)."""
    counts: Counter[str] = Counter()
    for page in pages:
        seen = {_norm(line.text) for line in page.lines if _in_zone(line, page)}
        counts.update(seen)
    repeated = {text for text, n in counts.items() if n >= max(3, 0.3 * len(pages))}
    running = _running_symbol(pages)
    for page in pages:
        kept = []
        for line in page.lines:
            if not line.text.strip():
                continue
            if _in_zone(line, page) and not (page.number == 0 and line.y1 < page.height / 2):
                if is_furniture(line.text) or _norm(line.text) in repeated:
                    continue
                if _REISSUE.match(line.text):
                    continue
                line.text = _JOB_GLUED.sub("", line.text)
                if running and line.y0 <= page.height * ZONE:
                    line.text = _strip_running_head(line.text, running)
            elif page.number == 0 and _in_zone(line, page) and _barcode_like(line.text):
                continue
            kept.append(line)
        page.lines = kept


# what follows the running symbol in an old record's head: "English", "Page 3", "-3-"
_HEAD_TAIL = re.compile(
    r"^(?:\s+(?:English|Russian|French|Spanish|(?:Page|Стр\.)\s*\d{1,3}|-\d{1,3}-|"
    r"\d{1,3}(?=\s+[A-ZА-ЯЁ«\"“]|$)))*\s+"
)


def _first_symbol(text: str) -> str | None:
    token = text.split(maxsplit=1)[0] if text.strip() else ""
    symbol = canonical(token.rstrip("*")) if "/" in token else None
    return symbol if symbol and "/" in symbol else None


def _running_symbol(pages: list[Page]) -> str | None:
    """The symbol that opens the head of two pages or more after the first (an old
    record's running head, glued to the text after it in its text layer)."""
    heads: Counter[str] = Counter()
    for page in pages[1:]:
        found = {
            symbol
            for line in page.lines
            if line.y0 <= page.height * ZONE and (symbol := _first_symbol(line.text))
        }
        heads.update(found)
    if not heads:
        return None
    symbol, n = heads.most_common(1)[0]
    return symbol if n >= max(2, 0.3 * (len(pages) - 1)) else None


def _strip_running_head(text: str, running: str) -> str:
    """``text`` without the running head it opens with: ``A/45/PV.10 Page 3 The …``."""
    if _first_symbol(text) != running:
        return text
    rest = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""
    tail = _HEAD_TAIL.match(" " + rest)
    return rest[tail.end() - 1 :] if tail else rest


def _barcode_like(text: str) -> bool:
    return re.fullmatch(r"\*[\dA-Z]{5,}\*", text.strip()) is not None


def _in_zone(line: Line, page: Page) -> bool:
    return line.y0 <= page.height * ZONE or line.y1 >= page.height * (1 - ZONE)
