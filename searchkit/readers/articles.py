"""Reader for plain text organised in chapters and articles (the UN Charter).

    Глава I: Цели и Принципы      -> heading (the chapter; blocks below sit under it)
    Статья 1                      -> starts article "1"
    text ... (any lines)          -> one block, kind "article", number "1"

The text before the first chapter (the preamble) is one paragraph without a
number. Article headings are recognised only in sequence (``Статья N`` after
``Статья N-1``), so a reference such as "Article 43" inside an article's text
does not start a new one; the same rule reads a copy whose line breaks were
lost (everything on one line) exactly like the original.

Citations read ``<symbol or title>, Article 5`` (``статья 5`` in Russian).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..model import Block

_MARKER = re.compile(
    r"(?:(?<=\s)|^)(?:(?P<chapter>Глава|ГЛАВА|Chapter|CHAPTER)\s+(?P<roman>[IVXLC]+)\b"
    r"|(?P<article>Статья|СТАТЬЯ|Article|ARTICLE)\s+(?P<number>\d{1,3})\b)"
)
_TITLES = {
    "МЫ, НАРОДЫ ОБЪЕДИНЕННЫХ НАЦИЙ": ("Устав Организации Объединенных Наций", "ru"),
    "WE THE PEOPLES OF THE UNITED NATIONS": ("Charter of the United Nations", "en"),
}


def roman(numeral: str) -> int:
    """``"XIV"`` -> 14."""
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for i, char in enumerate(numeral):
        value = values[char]
        following = values[numeral[i + 1]] if i + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def _chain(text: str, group: str, value: Callable[[str], int]) -> int:
    """How many markers of ``group`` appear numbered 1, 2, 3 … in sequence."""
    expected = 1
    for match in _MARKER.finditer(text):
        if match.group(group) and value(match.group(group)) == expected:
            expected += 1
    return expected - 1


def article_chain(text: str) -> int:
    """How many articles ``1, 2, 3 …`` appear in sequence (0 when none)."""
    return _chain(text, "number", int)


def chapter_chain(text: str) -> int:
    """How many chapters ``I, II, III …`` appear in sequence (0 when none)."""
    return _chain(text, "roman", roman)


def known_title(text: str) -> tuple[str, str] | None:
    """``(title, language)`` when the text is a known instrument (the Charter)."""
    start = re.sub(r"\s+", " ", text[:200]).upper()
    for opening, value in _TITLES.items():
        if start.startswith(opening):
            return value
    return None


def read_text(text: str) -> list[Block]:
    """Blocks of a chapters-and-articles text."""
    blocks: list[Block] = []
    chapter: str | None = None
    expected = 1
    cuts: list[tuple[int, int, str, str]] = []  # (start, end of marker, kind, value)
    next_chapter = 1
    for match in _MARKER.finditer(text):
        if match.group("chapter"):
            if roman(match.group("roman")) == next_chapter:
                cuts.append((match.start(), match.end(), "chapter", match.group(0)))
                next_chapter += 1
        elif int(match.group("number")) == expected:
            cuts.append((match.start(), match.end(), "article", match.group("number")))
            expected += 1

    def add(kind: str, body: str, number: str | None = None, heading: str | None = None) -> None:
        body = re.sub(r"\s+", " ", body).strip()
        if body:
            blocks.append(Block(kind, body, len(blocks), number, heading))

    first = cuts[0][0] if cuts else len(text)
    add("paragraph", text[:first])
    for i, (_start, end, kind, value) in enumerate(cuts):
        stop = cuts[i + 1][0] if i + 1 < len(cuts) else len(text)
        body = text[end:stop]
        if kind == "chapter":
            chapter = re.sub(r"\s+", " ", value + body).strip()
            add("heading", chapter)
        else:
            add("article", body, value, chapter)
    return blocks
