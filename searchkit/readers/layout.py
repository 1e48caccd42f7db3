"""Lines on PDF pages to the masthead, front matter and paragraphs of a UN document.

The PDF reader (and OCR) give :class:`Line` objects: the text of one printed
line (or one cell of a table row) with its box, type size and weight, and the
footnote markers taken out of it. This module

1. drops page furniture at each page's head and foot (:mod:`.furniture`);
2. orders each page's lines: top to bottom, or column by column when the page
   is set in two columns;
3. takes the masthead (page 1, down to the last ``Distr.``/date/``Original``
   line on the right) and the front matter, then
4. joins the body's lines into paragraphs across line, column and page breaks,
   and the notes at the foot of each page (smaller type, starting with a marker)
   into footnotes, placed after the paragraph that runs over the page's end.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from .furniture import Line, Page, remove_furniture
from .masthead import Masthead, is_masthead_mark, read_masthead
from .unlayout import Front, Para, join_lines, read_front, vocabulary_of

LABEL = re.compile(
    r"^(?:\d{1,3}(?:\.\d{1,3})*\.|\((?:[a-zа-яё]{1,2}|[ivxlc]{1,6}|[A-Z])\)|[IVXLC]+\.|"
    r"(?:[a-zа-яё]|[ivx]{1,5})\)|"
    r"[A-ZА-Я]\.|[•▪●◦\-–—])\s*(?=\S)"
)
_PARA_NUMBER = re.compile(r"^(\d{1,3})\.\s*(?=[^\s\d])")  # "17. " (not "3.1.", "1.5 million")
_INITIAL = re.compile(r"^[A-ZА-Я]\.\s")
LEADER = re.compile(r"(?:\. ?){4,}|…{2,}")  # dot leaders of a list or contents
_NOTE_START = re.compile(r"^(\*{1,3}|\d{1,3})\s+(?=\S)")
_NOTES_HEADING = re.compile(r"^(?:Notes|Endnotes|Примечания|Сноски)$", re.I)
_PLACES = {
    "new york", "geneva", "vienna", "nairobi", "bangkok", "santiago", "beirut", "addis ababa",
    "нью-йорк", "женева", "вена", "найроби", "бангкок", "сантьяго", "бейрут", "аддис-абеба",
}  # fmt: skip


@dataclass(slots=True)
class Layout:
    masthead: Masthead
    front: Front
    body: list[Para]
    body_size: float


# --------------------------------------------------------------------------- order


def _rows(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped into rows (boxes overlapping vertically), top to bottom, left to right."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: (ln.y0, ln.x0)):
        if rows:
            row = rows[-1]
            top, bottom = min(r.y0 for r in row), max(r.y1 for r in row)
            overlap = min(bottom, line.y1) - max(top, line.y0)
            if overlap >= 0.5 * min(line.height, bottom - top):
                row.append(line)
                continue
        rows.append([line])
    return [sorted(row, key=lambda ln: ln.x0) for row in rows]


def _gutter(lines: list[Line], width: float) -> float | None:
    """The x of the space between two columns of text, if the page has two."""
    if len(lines) < 12:
        return None
    best: tuple[int, float] | None = None
    for step in range(int(width * 0.3), int(width * 0.7), 3):
        x = float(step)
        crossing = sum(1 for ln in lines if ln.x0 < x < ln.x1)
        if best is None or crossing < best[0]:
            best = (crossing, x)
    if best is None:
        return None
    crossing, x = best
    left = [ln for ln in lines if ln.x1 <= x]
    right = [ln for ln in lines if ln.x0 >= x]
    if len(left) < 6 or len(right) < 6 or crossing > 0.2 * (len(left) + len(right)):
        return None
    span = max(ln.x1 for ln in lines) - min(ln.x0 for ln in lines)
    wide = 0.3 * span
    if statistics.median(ln.x1 - ln.x0 for ln in left) < wide:
        return None
    if statistics.median(ln.x1 - ln.x0 for ln in right) < wide:
        return None
    return x


def order(page: Page) -> list[list[Line]]:
    """The page's rows in reading order; in two columns, left column then right
    column between lines that run across both."""
    gutter = _gutter(page.lines, page.width)
    if gutter is None:
        return _rows(page.lines)
    out: list[list[Line]] = []
    band: list[Line] = []

    def flush() -> None:
        left = [ln for ln in band if ln.x1 <= gutter]
        right = [ln for ln in band if ln.x0 >= gutter]
        out.extend([[ln] for ln in sorted(left, key=lambda ln: ln.y0)])
        out.extend([[ln] for ln in sorted(right, key=lambda ln: ln.y0)])
        band.clear()

    for line in sorted(page.lines, key=lambda ln: (ln.y0, ln.x0)):
        if line.x0 < gutter < line.x1:
            flush()
            out.append([line])
        else:
            band.append(line)
    flush()
    return out


def is_label(text: str) -> bool:
    """True when ``text`` is only a label: ``1.``, ``(a)``, ``II.``, a bullet."""
    text = text.strip()
    match = LABEL.match(text + " x")
    return match is not None and match.end() >= len(text)


def _merge_labels(row: list[Line]) -> list[Line]:
    """A label set apart by a tab (``(a)``, ``1.``) belongs to the text after it."""
    merged: list[Line] = []
    for line in row:
        prev = merged[-1] if merged else None
        if prev is not None and is_label(prev.text):
            merged[-1] = Line(
                prev.page, prev.x0, line.x1, min(prev.y0, line.y0), max(prev.y1, line.y1),
                line.size, f"{prev.text.strip()} {line.text}", line.bold,
                prev.marks + line.marks, prev.lead, line.x0, line.x0 - prev.x1 > 0.6 * line.size,
            )  # fmt: skip
        else:
            merged.append(line)
    return merged


# --------------------------------------------------------------------------- the document


def analyse(pages: list[Page]) -> Layout:
    """Masthead, front matter and body paragraphs of a document's pages."""
    remove_furniture(pages)
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[round(line.size, 1)] += len(line.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    rows_by_page = [[_merge_labels(row) for row in order(page)] for page in pages]
    masthead, rest = _masthead(pages[0], rows_by_page[0]) if pages else (Masthead(), [])
    if rows_by_page:
        rows_by_page[0] = rest
    # The front matter is read a printed line at a time, the two halves of a
    # joint document's ("General Assembly" | "Security Council") apart.
    segments = [(r, [ln]) for r, row in enumerate(rows_by_page[0][:60]) for ln in row]
    front_lines = [
        _para(seg, body_size, segments[i - 1][1] if i else None)
        for i, (_, seg) in enumerate(segments)
    ]
    for para in front_lines:  # the places of meetings have no digits to tell them
        if para.text.strip().lower() in _PLACES and "place" not in masthead.meta:
            masthead.meta["place"] = para.text.strip()
            para.text = ""
    front = read_front(front_lines, masthead.meta)
    if front.end < len(segments):
        rows_by_page[0] = rows_by_page[0][segments[front.end][0] :]
    else:
        rows_by_page[0] = rows_by_page[0][len({r for r, _ in segments}) :]
    vocabulary = vocabulary_of([ln.text for p in pages for ln in p.lines])
    body = _Assembler(body_size, vocabulary, pages).run(rows_by_page)
    return Layout(masthead, front, body, body_size)


def _masthead(page: Page, rows: list[list[Line]]) -> tuple[Masthead, list[list[Line]]]:
    """Page 1's masthead lines (down to the last mark in its right half) and the rest."""
    marks = [
        line
        for row in rows
        for line in row
        if line.y1 < page.height * 0.45
        and is_masthead_mark(line.text)
        and (line.x0 >= page.width * 0.4 or "/" in line.text)
    ]
    if not marks:
        return read_masthead([]), rows
    bottom = max(line.y1 for line in marks) + 2
    head = [row for row in rows if max(ln.y1 for ln in row) <= bottom]
    rest = [row for row in rows if max(ln.y1 for ln in row) > bottom]
    return read_masthead([line.text for row in head for line in row]), rest


def _para(row: list[Line], body_size: float, prev: list[Line] | None) -> Para:
    line = row[0]
    text = " ".join(ln.text for ln in row)
    gap = prev is None or (line.y0 - max(ln.y1 for ln in prev)) > 0.5 * line.size
    gap = gap or abs(prev[0].size - line.size) > 0.5 if prev else gap
    return Para(
        text=text,
        bold=all(ln.bold for ln in row),
        size=line.size / body_size,
        page=line.page,
        marks=[m for ln in row for m in ln.marks],
        gap=gap,
        wide=len(row) == 1 and (line.x1 - line.x0) > 300,
        kind="table" if len(row) > 1 else "",
    )


class _Assembler:
    """Join body lines into paragraphs, and foot-of-page notes into footnotes."""

    def __init__(self, body_size: float, vocabulary: set[str], pages: list[Page]) -> None:
        self.size = body_size
        self.vocabulary = vocabulary
        self.pages = pages
        self.out: list[Para] = []
        self.lines: list[Line] = []  # the paragraph being read
        self.kind = ""
        self.notes: list[Para] = []  # footnotes waiting for the paragraph to end
        self.aside: list[Para] = []  # small type at a page's foot, waiting likewise
        self.justified = True
        self.note: list[Line] | None = None
        self.note_number: str | None = None
        self.last_note = 0
        self.endnotes = False
        self.margin = 0.0
        self.page_margin = 0.0
        self.right = 0.0
        self.pitch = 1.2 * body_size
        self.last_number: int | None = None  # of the last paragraph opened by "N."

    def run(self, rows_by_page: list[list[list[Line]]]) -> list[Para]:
        self._measure(rows_by_page)
        for rows in rows_by_page:
            if not self.endnotes:
                heading = next(
                    (i for i, row in enumerate(rows) if _NOTES_HEADING.match(row[0].text.strip())),
                    None,
                )
                if heading is not None:  # "Notes": the rest of the document is endnotes
                    self._page(rows[: heading + 1])
                    self._flush()
                    self.endnotes = True
                    rows = rows[heading + 1 :]
                else:
                    self._page(rows)
                    continue
            for row in rows:
                self._note_line(row)
            self._flush_note()
        self._flush()
        return self.out

    def _page(self, rows: list[list[Line]]) -> None:
        aside = self.aside
        self.aside = []
        body, foot = self._split_foot(rows)
        self.aside, aside = aside, self.aside
        lefts = [row[0].x0 for row in body if abs(row[0].size - self.size) < 0.5]
        self.page_margin = min(lefts) if lefts else self.margin
        for i, row in enumerate(body):
            self._line(row, i == 0)
        self._flush_note()
        for row in foot:
            self._note_line(row)
        self._flush_note()
        self.aside.extend(aside)  # this page's small print waits for the open paragraph

    def _measure(self, rows_by_page: list[list[list[Line]]]) -> None:
        lefts: Counter[int] = Counter()
        rights: list[float] = []
        pitches: list[float] = []
        for rows in rows_by_page:
            prev = None
            for row in rows:
                line = row[0]
                if abs(line.size - self.size) < 0.5:
                    lefts[round(line.x0)] += 1
                    rights.append(row[-1].x1)
                    if prev is not None and 0 < line.y1 - prev.y1 < 3 * self.size:
                        pitches.append(line.y1 - prev.y1)
                    prev = line
        if lefts:
            self.margin = lefts.most_common(1)[0][0]
        if rights:
            rights.sort()
            self.right = rights[int(len(rights) * 0.9)]
            full = sum(1 for r in rights if r >= self.right - 1.5 * self.size)
            self.justified = full >= 0.55 * len(rights)
        if pitches:
            self.pitch = statistics.median(pitches)

    def _split_foot(self, rows: list[list[Line]]) -> tuple[list[list[Line]], list[list[Line]]]:
        """The page's body rows and the notes at its foot (smaller type, opened by a
        marker). Smaller type at the foot that is not a note (a verbatim record's
        box about corrections) waits, like the notes, for the paragraph to end."""
        if not rows:
            return rows, []
        i = len(rows)
        while i > 0 and all(ln.size < self.size * 0.93 for ln in rows[i - 1]):
            i -= 1
        start = None
        for j in range(i, len(rows)):
            if self._note_marker(rows[j][0]) is not None:
                start = j
                break
        if start is None and i == len(rows):
            start = self._same_size_notes(rows)
            i = len(rows) if start is None else start
        end = len(rows) if start is None else start
        if i < end and i > 0 and rows[i][0].y0 - rows[i - 1][-1].y1 > 0.8 * self.size:
            aside = [ln for row in rows[i:end] for ln in row]
            text = join_lines([ln.text for ln in aside], self.vocabulary)
            self.aside.append(Para(text, size=aside[0].size / self.size, page=aside[0].page))
            rows = rows[:i] + rows[end:]
            start = None if start is None else i
        if start is None:
            return rows, []
        return rows[:start], rows[start:]

    def _same_size_notes(self, rows: list[list[Line]]) -> int | None:
        """Notes in the body's type (older documents): below a gap, in the page's
        lower half, opened by a marker that a line above them uses."""
        marks = {m for row in rows for ln in row for m in ln.marks}
        if not marks:
            return None
        found = None
        for j in range(len(rows) - 1, 0, -1):
            line = rows[j][0]
            if line.y0 < rows[0][0].y0 + (rows[-1][0].y1 - rows[0][0].y0) / 2:
                break
            marker = self._note_marker(line)
            if marker in marks and line.y0 - rows[j - 1][-1].y1 > 0.8 * self.pitch:
                found = j
        return found

    def _note_marker(self, line: Line) -> str | None:
        if line.lead:
            return line.lead
        match = _NOTE_START.match(line.text)
        if not match:
            return None
        marker = match.group(1)
        if marker.isdigit() and self.last_note and int(marker) != self.last_note + 1:
            return None
        return marker

    def _note_line(self, row: list[Line]) -> None:
        line = row[0]
        marker = self._note_marker(line)
        text = " ".join(ln.text for ln in row)
        if marker is not None:
            self._flush_note()
            if not line.lead:
                text = text[len(marker) :].lstrip()
            self.note, self.note_number = [], marker
            if marker.isdigit():
                self.last_note = int(marker)
        if self.note is None:  # notes continued from the page before
            if self.notes:
                last = self.notes.pop()
                self.note, self.note_number = [], last.number
                self.note.append(Line(line.page, 0, 0, 0, 0, 0, last.text))
            elif self.out and self.out[-1].kind == "footnote":
                last = self.out.pop()
                self.note, self.note_number = [], last.number
                self.note.append(Line(line.page, 0, 0, 0, 0, 0, last.text))
            else:
                self._line(row, False)
                return
        self.note.append(Line(line.page, line.x0, line.x1, line.y0, line.y1, line.size, text))

    def _flush_note(self) -> None:
        if self.note:
            text = join_lines([ln.text for ln in self.note], self.vocabulary)
            para = Para(text, kind="footnote", number=self.note_number)
            (self.out if self.endnotes and not self.lines else self.notes).append(para)
        self.note = None

    def _centred(self, line: Line) -> bool:
        left, right = line.x0 - self.margin, self.right - line.x1
        return left > 2 * self.size and right > 2 * self.size and abs(left - right) < 2 * self.size

    def _breaks(self, prev: Line, line: Line, first_on_page: bool) -> bool:
        """Does ``line`` start a new paragraph after ``prev``?"""
        ended = prev.text.rstrip().endswith((".", ":", ";", "!", "?", "»", "”", '"'))
        if line.lead:
            return True
        number = _PARA_NUMBER.match(line.text)
        if number and not self._numbered(prev, line, int(number.group(1)), ended):
            pass  # a wrapped line that begins with a number: "17. Violations …"
        elif LABEL.match(line.text) and (ended or not _INITIAL.match(line.text)):
            return True  # "M. Jean Hubert" after an unfinished line is a name, not "A."
        if abs(prev.size - line.size) > 0.6 or prev.bold != line.bold:
            return True
        if self._centred(prev) != self._centred(line):
            return True
        short = self.justified and prev.x1 < self.right - 3 * self.size
        if LEADER.search(prev.text):
            return True
        if first_on_page:
            if self._centred(prev) or self._centred(line):
                return True
            held = prev.text_x if prev.text_x is not None else prev.x0
            indented = (
                line.x0 > self.page_margin + 0.8 * self.size and abs(line.x0 - held) > self.size
            )
            upper = line.text[:1].isupper()
            return indented or (ended and (short or upper))
        if line.y0 > prev.y1 and line.y1 - prev.y1 > 1.3 * self.pitch:
            return True
        indent = prev.text_x if prev.text_x is not None else prev.x0
        if line.x0 > indent + 0.8 * self.size and line.y0 > prev.y0:
            return True
        if line.y0 < prev.y0 and line.x0 > prev.x0 + 0.8 * self.size:
            return True  # the top of the next column, indented: a new paragraph
        return ended and short and line.text[:1].isupper()

    def _numbered(self, prev: Line, line: Line, number: int, ended: bool) -> bool:
        """Does ``line``, which begins with ``N.``, open paragraph N? One rule for
        every document: the number must continue the sequence (the next one, a
        restart at 1, or a skip of one or two) or the label stand apart from its
        text by a tab, not a word space; after a line that runs to the right
        margin without ending a sentence, it must do both."""
        last = self.last_number
        follows = last is None or number == 1 or last < number <= last + 3
        tab = line.label_tab
        if not ended and prev.x1 >= self.right - 2 * self.size:
            return follows and tab is not False
        return follows or tab is not False

    def _line(self, row: list[Line], first_on_page: bool) -> None:
        if len(row) > 1:
            self._flush()
            self.lines = [_row_line(row)]
            self.kind = "table"
            self._flush()
            return
        line = row[0]
        if (
            self.lines
            and self.kind != "table"
            and not self._breaks(self.lines[-1], line, first_on_page)
        ):
            self.lines.append(line)
            return
        self._flush()
        self.lines, self.kind = [line], ""
        if number := _PARA_NUMBER.match(line.text):
            self.last_number = int(number.group(1))

    def _flush(self) -> None:
        if self.lines:
            first = self.lines[0]
            text = join_lines([ln.text for ln in self.lines], self.vocabulary)
            para = Para(
                text,
                kind=self.kind,
                bold=all(ln.bold for ln in self.lines),
                size=first.size / self.size,
                page=first.page,
                marks=[m for ln in self.lines for m in ln.marks],
            )
            self.out.append(para)
        self.lines, self.kind = [], ""
        self.out.extend(self.aside)
        self.out.extend(self.notes)
        self.notes, self.aside = [], []


def _row_line(row: list[Line]) -> Line:
    first = row[0]
    return Line(
        first.page, first.x0, row[-1].x1, min(ln.y0 for ln in row), max(ln.y1 for ln in row),
        first.size, " | ".join(ln.text.strip() for ln in row), all(ln.bold for ln in row),
        [m for ln in row for m in ln.marks],
    )  # fmt: skip
