"""Reader for UN text with one sentence per line (the UN Parallel Corpus's plain text).

A numbered paragraph starts with ``N. `` on its first sentence only; its later
sentences follow as unnumbered lines, so whole paragraphs are rebuilt::

    I. Введение                                   -> heading
    А. Цели и задачи                              -> heading
    I. Введение 1−13 1 / B. ... . 22 - 67 8       -> "toc" (table of contents line)
    7. First sentence.                            -> paragraph "7" ...
    Second sentence of paragraph 7.               -> ... continued
    (a) / a) lettered item                        -> subparagraph "7 (a)"
    * footnote text                               -> footnote "*"
    Width 650 mm 1 200 mm 1 400 mm                -> "other" (a table row)
    Economic and Social Council Distr.            -> masthead (English files keep it)

A number counts as a paragraph number only when it follows the previous one
(``last + 1`` to ``last + 3``), restarts at 1, or goes on with the numbering
a restart interrupted (``37.``, a list ``1.`` ``2.``, then ``38.``):
``13. Переходные положения`` quoted inside an amendment is not paragraph 13.
Outside numbered paragraphs, each line is its own block: short lines without
final punctuation are headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Block
from .quirks import clean

_NUMBERED = re.compile(r"^(\d{1,3})\.\s+(\S.*)$")
_HEADING = re.compile(r"^(?:[IVXLC]{1,6}|[A-ZА-ЯЁ])\.\s+\S.{0,150}$")
_LETTERED = re.compile(r"^\(?([a-zа-я]|[ivx]{1,4})\)\s+(\S.*)$")
_FOOTNOTE = re.compile(r"^(\*{1,3})\s*(\S.*)$")
_TOC = re.compile(
    r"(?:\d+\s*[-–—]\s*\d+\s+\d+|\.{3,}\s*\d+(?:\s+\d+)?|\s\.\s+\d+\s*[-–—]\s*\d+.*)$"
)
_MASTHEAD = re.compile(
    r"^(?:United Nations|Economic and Social Council|General Assembly|Security Council|"
    r"Организация Объединенных Наций|Экономический и Социальный Совет|Генеральная Ассамблея|"
    r"Совет Безопасности)\b.{0,20}$|\bDistr\.|^Original:|^GE\.\d",
    re.I,
)
_END = (".", ";", ":", ",", "!", "?", "»", '"', ")")


@dataclass
class _Open:
    kind: str
    number: str | None
    heading: str | None
    lines: list[str] = field(default_factory=list)
    soft: bool = False  # a heading guessed from its shape only (no "I."/"A." label)


def is_table_row(line: str) -> bool:
    """Many numbers and few words, no sentence end: a row of a table."""
    tokens = line.split()
    numbers = sum(1 for t in tokens if re.fullmatch(r"[\d.,%()–-]+", t))
    return numbers >= 3 and numbers * 2 >= len(tokens) and not line.endswith(".")


def read_lines(lines: list[str]) -> list[Block]:
    """Blocks for a document given as one sentence per line."""
    lines = [c for c in (clean(line) for line in lines) if c]
    slots: list[_Open] = []
    heading: str | None = None
    current: _Open | None = None  # the paragraph later lines continue
    paragraph: str | None = None  # number of the current numbered paragraph
    numbering: tuple[int, ...] = (0,)  # the last number of each numbering (see _count)
    in_masthead = True

    def new(kind: str, text: str, number: str | None = None) -> _Open:
        slot = _Open(kind, number, None if kind in ("heading", "masthead", "toc") else heading)
        slot.lines.append(text)
        slots.append(slot)
        return slot

    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if in_masthead and i < 6 and _MASTHEAD.search(line):
            new("masthead", line)
            continue
        in_masthead = False
        if _TOC.search(line) and len(line) < 250 and not line.endswith("."):
            new("toc", line)
            current = None
            continue
        numbered = _NUMBERED.match(line)
        if numbered and _plausible(int(numbered.group(1)), numbering):
            numbering = _count(int(numbered.group(1)), numbering)
            paragraph = numbered.group(1)
            current = new("paragraph", numbered.group(2), paragraph)
            continue
        if _HEADING.match(line) and not line.endswith(".") and not numbered:
            new("heading", line)
            heading, current, paragraph = line, None, None
            continue
        lettered = _LETTERED.match(line)
        if lettered:
            number = f"{paragraph} ({lettered.group(1)})" if paragraph else None
            current = new("subparagraph", lettered.group(2), number)
            continue
        footnote = _FOOTNOTE.match(line)
        if footnote:
            new("footnote", footnote.group(2), footnote.group(1))
            current = None
            continue
        if is_table_row(line):
            new("other", line)
            continue
        headingish = _headingish(line)
        # Inside a paragraph only a plain title-like line before the next number is a heading
        # ("Денежная единица: манат Территория: 86 600 кв.км" still belongs to its paragraph).
        titled = (
            headingish and not re.search(r"[\d:;]", line) and _numbered_next(following, numbering)
        )
        if (headingish and current is None) or titled:
            new("heading", line).soft = True
            heading, current, paragraph = line, None, None
            continue
        if current is not None:
            current.lines.append(line)
            continue
        new("paragraph", line)
    _demote_lists(slots)
    return [
        Block(s.kind, " ".join(s.lines), ordinal, s.number, s.heading)
        for ordinal, s in enumerate(slots)
    ]


def _demote_lists(slots: list[_Open]) -> None:
    """Three or more shape-only headings in a row are a list or a table (abbreviations,
    cells), not headings: make them ``other`` blocks under the heading before them."""
    i = 0
    while i < len(slots):
        j = i
        while j < len(slots) and slots[j].kind == "heading" and slots[j].soft:
            j += 1
        if j - i >= 3:
            before = next((s.lines[0] for s in reversed(slots[:i]) if s.kind == "heading"), None)
            demoted = {" ".join(s.lines) for s in slots[i:j]}
            for slot in slots[i:j]:
                slot.kind, slot.heading = "other", before
            for slot in slots[j:]:
                if slot.heading not in demoted:
                    break
                slot.heading = before
        i = max(j, i + 1)


def _headingish(line: str) -> bool:
    """Short, starts with a capital, no final punctuation, brackets and quotes balanced
    (a sentence cut inside a bracket, "… учреждений (ВПП", is not a heading)."""
    return (
        len(line) <= 120
        and not line.endswith(_END)
        and (line[:1].isupper() or line[:1].isdigit())
        and line.count("(") == line.count(")")
        and line.count("«") == line.count("»")
        and line.count('"') % 2 == 0
    )


def _follows(number: int, numbering: tuple[int, ...]) -> int | None:
    """Which numbering ``number`` goes on (the closest one), if any."""
    going_on = [i for i, last in enumerate(numbering) if last < number <= last + 3]
    return min(going_on, key=lambda i: number - numbering[i]) if going_on else None


def _plausible(number: int, numbering: tuple[int, ...]) -> bool:
    return number == 1 or _follows(number, numbering) is not None


def _count(number: int, numbering: tuple[int, ...]) -> tuple[int, ...]:
    """The numbering after ``number``. A restart at 1 opens a second numbering
    beside the main one, which may go on after it: paragraph ``37.``, a list
    ``1.`` ``2.``, then ``38.`` (JIU reports interleave numbered benchmarks with
    their paragraphs). Two are kept: the main (highest) and the latest."""
    i = _follows(number, numbering)
    if i is None:  # a restart at 1
        return (max(numbering), 1)
    return tuple(number if j == i else last for j, last in enumerate(numbering))


def _numbered_next(line: str, numbering: tuple[int, ...]) -> bool:
    match = _NUMBERED.match(line)
    return match is not None and _plausible(int(match.group(1)), numbering)
