"""The layout of UN documents, shared by the PDF and Word readers.

Both readers reduce a file to :class:`Para` objects (a line of the masthead or
front matter, or a whole paragraph, table row or footnote of the body) and hand
them to :func:`build_document`, which knows the UN's conventions:

- the masthead (organ, symbol, ``Distr.: General``, date, ``Russian``,
  ``Original: English``) is :mod:`.masthead`'s;
- the front matter (body name, session, place, agenda item and its title, the
  title in a larger type) is told apart by position and type size;
- the body: ``1.`` paragraphs, ``(a)`` / ``(i)`` subparagraphs, ``I.`` / ``A.``
  and bold headings, tables of contents, table rows, footnotes with their number.

Page furniture (running symbol, page numbers, job numbers) is the PDF layout's
(:func:`.furniture.is_furniture`): a Word file keeps it in headers and footers.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..model import Block, Document
from ..symbols import body_of, canonical, join_symbols, joint_parts, repair_ocr
from .masthead import ORGANS, SC_YEAR, Masthead, find_date
from .quality import guess_language
from .quirks import clean
from .text import masthead_line
from .verbatim import is_verbatim, speaker_of, turn_heading


@dataclass(slots=True)
class Para:
    """A piece of a document as a reader found it.

    ``kind`` is ``""`` (decide from the text), ``"footnote"`` (``number`` is its
    marker), ``"table"`` (a row, cells joined by `` | ``), ``"title"`` or
    ``"heading"`` (the file's styles say so). ``size`` is the type size relative
    to the body text; ``marks`` are the footnote markers taken out of the text.
    """

    text: str
    kind: str = ""
    number: str | None = None
    bold: bool = False
    size: float = 1.0
    page: int = 0
    marks: list[str] = field(default_factory=list)
    gap: bool = False  # space (or a change of type) before it, when the reader knows
    wide: bool = False  # runs the width of the text column (a line of a paragraph)


# --------------------------------------------------------------------------- front matter

_LABEL = re.compile(r"^(?:[IVXLC]+|[A-ZА-Я]|\d{1,3}(?:\.\d{1,3})*)\.?\s+\S")
_NUMBERED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\.(?:\s+|(?=[A-ZА-ЯЁ«\"“(]))(\S.*)$", re.S)
# "(a)", "(ii)", "(A)"; Russian texts print "a)", "ii)" (Latin, or Cyrillic look-alikes)
_LETTERED = re.compile(
    r"^(?:\(([a-zа-яё]{1,2}|[ivxlc]{1,6}|[A-Z])\)|([a-zа-яё]{1,2}|[ivxlc]{1,6})\))\s*(\S.*)$", re.S
)
_LATIN_TWINS = str.maketrans("асеохі", "aceoxi")
_HEADING_LABEL = re.compile(r"^(?:[IVXLC]+|[A-ZА-Я])\.\s+\S")  # "I. Введение", "A. Цели"
_FRONT_STOP = re.compile(
    r"^(?:Summary|Резюме|Contents|Содержание|Annexe?s?|Приложение|Introduction|Введение|"
    r"Note by the Secretariat|Записка Секретариата|Agenda|Повестка дня|"
    r"Résumé|Resumen|Table des matières|Sommaire|Índice|Anexo|Introducción)$",
    re.I,
)
_SENTENCE_END = (".", ";", ":", "!", "?", ",")


@dataclass(slots=True)
class Front:
    body_name: str | None = None
    agenda_title: str | None = None
    titles: list[str] = field(default_factory=list)
    title_marks: list[str] = field(default_factory=list)
    end: int = 0  # index of the first line of the body


def _title_style(line: Para, title_size: float) -> bool:
    return line.kind in ("title", "heading") or line.size >= title_size or _capitals(line.text)


def _starts_body(line: Para, text: str) -> bool:
    return bool(
        _NUMBERED.match(text)
        or _LETTERED.match(text)
        or _HEADING_LABEL.match(text)
        or _FRONT_STOP.match(text.rstrip("*"))
        or line.kind in ("footnote", "table")
    )


_MEETING = re.compile(
    r"^\d{1,5}\s*(?:st|nd|rd|th|-?е|-?го)?\s+(?:plenary\s+|пленарное\s+)?(?:meeting|заседание)$",
    re.I,
)


def _meta_line(text: str, meta: dict[str, str | None], after_meta: bool) -> bool:
    """Record a front-matter line that says the session, place, agenda item, date
    or meeting; a place only right after such a line (it is told by a year alone)."""
    trial = dict(meta)
    if masthead_line(text, trial):
        added = set(trial) - set(meta)
        if added == {"place"} and not after_meta:
            return False
        meta.update(trial)
        return True
    if "date" not in meta and len(text) < 80 and (date := find_date(text)):
        meta["date"] = date
        return True
    if "meeting" not in meta and _MEETING.match(text):
        meta["meeting"] = text
        return True
    return bool(SC_YEAR.match(text) or text.lower() in ORGANS)


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def read_front(lines: list[Para], meta: dict[str, str | None], title_size: float = 1.15) -> Front:
    """Read the front matter from the lines after the masthead.

    Lines before the first session, place or agenda line name the body; lines
    after the agenda line give its title; the lines in a larger type (or styled
    as titles) after them are the titles. ``end`` is where the body starts: a
    numbered paragraph or labelled heading, the text after the titles, or a
    running paragraph when there is no title.
    """
    texts = [clean(line.text) for line in lines]
    stop = len(lines)
    for i, (line, text) in enumerate(zip(lines, texts, strict=True)):
        if text and (
            _starts_body(line, text)
            or (
                not line.bold
                and not _title_style(line, title_size)
                and (len(text) > 100 or line.wide)
            )
            or i >= 40
        ):
            stop = i
            break
    scratch = dict(meta)
    metas: list[int] = []
    for i in range(stop):
        after_meta = bool(metas) and metas[-1] == i - 1
        plain = texts[i] and not _title_style(lines[i], title_size)
        if plain and _meta_line(texts[i], scratch, after_meta):
            metas.append(i)
    front = Front()
    names: list[str] = []
    agenda: list[str] = []
    title_parts: list[list[str]] = []
    in_agenda = False
    last_meta = metas[-1] if metas else -1
    end = stop
    for i in range(stop):
        line, text = lines[i], texts[i]
        if not text:
            continue
        if i in metas:
            _meta_line(text, meta, True)
            in_agenda = meta.get("agenda_item") == text
            continue
        titled = _title_style(line, title_size)
        if metas and i < metas[0]:
            names.append(text)
            continue
        if i < last_meta:
            if in_agenda:
                agenda.append(text)
            continue
        if not titled:
            if in_agenda and not title_parts and not line.wide:
                agenda.append(text)
                continue
            end = i
            break
        in_agenda = False
        if title_parts and not line.gap and line.size == lines[i - 1].size:
            title_parts[-1].append(text)
        else:
            title_parts.append([text])
        front.title_marks.extend(line.marks)
    front.end = end
    front.body_name = " ".join(names) or None
    front.agenda_title = " ".join(agenda) or None
    front.titles = [join_lines(part) for part in title_parts]
    return front


# --------------------------------------------------------------------------- lines

_WORD_END = re.compile(r"(\w+)[-\u00ad\ufffe]$")
_WORD_START = re.compile(r"^(\w+)")


class Vocabulary(set[str]):
    """The lower-case words of a document: hyphenated compounds whole and their
    parts; how often each is used; the first five letters of each (its stem)."""

    def __init__(self, words: list[str]) -> None:
        counts: Counter[str] = Counter()
        for word in words:
            counts[word] += 1
            if "-" in word:
                counts.update(word.split("-"))
        super().__init__(counts)
        self.counts = counts
        self.stems = Counter(w[:5] for w in counts if len(w) >= 5 and "-" not in w)


def join_lines(lines: list[str], vocabulary: set[str] | None = None) -> str:
    """Join the lines of one paragraph.

    A line ending in a soft hyphen is joined without it; one ending in ``-``
    keeps it (``трудящихся-`` + ``мигрантов`` is ``трудящихся-мигрантов``)
    unless it was a word broken at the line's end (:func:`_broken_word`); so is
    a word broken by a hyphen and a space within a scanned line (``Ки- тайской``).
    """
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        if out.endswith("\u00ad"):
            out = out[:-1] + line
        elif out.endswith(("-", "\ufffe")) and line[:1].isalnum():
            out = out[:-1] + ("" if _broken_word(out, line, vocabulary) else "-") + line
        else:
            out = f"{out} {line}"
    if vocabulary and "- " in out:
        out = _SPLIT_IN_LINE.sub(
            lambda m: (
                m.group(1) + m.group(2)
                if _broken_word(m.group(1) + "-", m.group(2), vocabulary)
                else m.group(0)
            ),
            out,
        )
    return clean(out.replace("\ufffe", "-"))


_SPLIT_IN_LINE = re.compile(r"(?<![\w-])(\w+)- (\w+)")
# the first parts of compounds: "социально-экономический", "co-operation", "non-governmental"
_COMPOUND_LEFT = re.compile(
    r"^(?:\w{3,}[оеО]|co|non|pre|post|anti|multi|self|well|long|short|cross|ex|re|semi|vice|"
    r"mid|inter|intra|sub|counter|over|under|socio|quasi|pan|ultra|extra)$",
    re.I,
)


def _broken_word(left: str, right: str, vocabulary: set[str] | None) -> bool:
    """Was ``left`` + ``right`` one word broken by a hyphen? When the word without
    it is used elsewhere in the document and the hyphenated one is not; or when
    neither piece is a word of the document on its own, the left is no first
    part of a compound, and the whole word's stem is the document's
    (``Ки-`` + ``тайской`` where the document speaks of ``Китай``)."""
    if not vocabulary:
        return False
    head, tail = _WORD_END.search(left), _WORD_START.match(right)
    if not head or not tail or not tail.group(1)[:1].islower():
        return False
    joined = (head.group(1) + tail.group(1)).lower()
    hyphenated = f"{head.group(1)}-{tail.group(1)}".lower()
    if hyphenated in vocabulary:
        return False
    if joined in vocabulary:
        return True
    counts = getattr(vocabulary, "counts", None)
    stems = getattr(vocabulary, "stems", None)
    if counts is None or stems is None or len(joined) < 7 or not joined.isalpha():
        return False
    first, rest = head.group(1).lower(), tail.group(1).lower()
    return (
        counts.get(first, 0) <= 1
        and counts.get(rest, 0) <= 1
        and not _COMPOUND_LEFT.match(first)
        # the stem is known from another word than the piece itself
        and stems.get(joined[:5], 0) > (1 if first[:5] == joined[:5] else 0)
    )


def vocabulary_of(texts: list[str]) -> Vocabulary:
    """The words of a document (:class:`Vocabulary`)."""
    return Vocabulary([w.lower() for text in texts for w in re.findall(r"\w+(?:-\w+)*", text)])


# --------------------------------------------------------------------------- body


_RULE = re.compile(r"[_\-–—=.·\s]{5,}")
_NOTES = re.compile(r"^(?:Notes|Endnotes|Примечания|Сноски)$", re.I)


def _is_heading(para: Para, text: str, following: str | None) -> bool:
    """A heading: labelled (``I.``, ``A.``), bold, larger or in capitals, short and
    not ending like a sentence; or short, plain and followed by a numbered paragraph."""
    if para.kind == "heading" or _NOTES.match(text):  # "Notes": the endnotes' heading
        return True
    if para.kind:
        return False
    if _HEADING_LABEL.match(text) and (
        len(text) <= 160 or (len(text) <= 250 and not text.endswith(_SENTENCE_END))
    ):
        return True  # a labelled chapter title may run long: "II. Promoting coherence …"
    if len(text) > 160:
        return False
    if text.rstrip("*").endswith(_SENTENCE_END):
        return False
    if para.bold or para.size > 1.05 or _capitals(text):
        return True
    return len(text) <= 100 and following is not None and _opens_section(following)


def _opens_section(text: str) -> bool:
    return bool(_NUMBERED.match(text) or _LETTERED.match(text) or _HEADING_LABEL.match(text))


def split_marker(text: str) -> tuple[str, list[str]]:
    """A title's or heading's footnote asterisks: ``"Доклад*"`` -> ``("Доклад", ["*"])``."""
    match = re.search(r"(?<=\w)(\*{1,3})$", text)
    if not match:
        return text, []
    return text[: match.start()].rstrip(), [match.group(1)]


_CONTENTS = re.compile(
    r"^(?:Contents|Содержание|Table of contents|Оглавление|Table des matières|Sommaire|"
    r"Índice|Indice|Contenido|المحتويات|目录)$",
    re.I,
)
# the column heads of a table of contents: "Paragraphs | Page", "Paragraphes Page"
_CONTENTS_COLUMNS = re.compile(
    r"^(?:Paragraphs?|Paragraphes|Párrafos|Пункты)\s*\|?\s*(?:Pages?|Página|Стр\.?|Страница)$",
    re.I,
)
# an entry of a table of contents ends with paragraph numbers or a page: "… | 18 - 23"
_TOC_ENTRY = re.compile(r"(?:\s|\|)\d{1,4}(?:\s*[-–]\s*\d{1,4})?$")
_TOC = re.compile(r"(?:\.\s?){4,}\s*\d|\s\d{1,3}\s?[–-]\s?\d{1,3}\s+\d{1,3}$")


_TOP_KINDS = ("title", "masthead", "heading")
_ROMANS = [
    "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv",
    "xv", "xvi", "xvii", "xviii", "xix", "xx",
]  # fmt: skip


class _Builder:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.marks: dict[int, list[str]] = {}
        self.heading: str | None = None
        self.paragraph: str | None = None
        self.letter: str | None = None
        self.roman: str | None = None
        self.last_number: int | None = None
        self.contents = False  # in a table of contents
        self.verbatim = False  # a verbatim record: speakers' turns head its blocks
        self.speaker: str | None = None
        self.pages = False  # the reader knows each paragraph's page
        self.page = 0

    def _numbered_heading(self, para: Para, text: str, number: str, following: str | None) -> bool:
        """``1. Сквозные вопросы`` in bold, or ``1. Official debt`` between
        paragraphs 6 and 7: a numbered heading, not paragraph 1."""
        if len(text) > 160 or text.rstrip("*").endswith(_SENTENCE_END) or para.kind:
            return False
        if para.bold or para.size > 1.05:
            return True
        if len(text) > 120:
            return False
        after = _NUMBERED.match(following or "")
        last = self.last_number
        if not after or not number.isdigit() or not after.group(1).isdigit() or last is None:
            return False
        return int(after.group(1)) == last + 1 and int(number) != last + 1

    def _turn_goes_on(self, text: str) -> bool:
        """Is ``text`` the rest of a turn's opening that a line break cut short
        ("The Acting President: May I take it that the" | "General Assembly …")?"""
        if not self.blocks or self.blocks[-1].kind != "paragraph":
            return False
        last = self.blocks[-1].text
        return not last.endswith(_SENTENCE_END) and speaker_of(last) is not None

    def _roman(self, label: str) -> bool:
        """Is ``(label)`` an item under the current letter: ``(i)``, ``(ii)`` …?"""
        if not self.letter:
            return False
        if self.roman and label == _ROMANS[(_ROMANS.index(self.roman) + 1) % len(_ROMANS)]:
            return True
        if len(label) == 1 and len(self.letter) == 1 and ord(label) == ord(self.letter) + 1:
            return False
        return label == "i"

    def add(
        self, kind: str, text: str, number: str | None = None, marks: list[str] | None = None
    ) -> None:
        heading = None if kind in _TOP_KINDS else self.heading
        if self.speaker and kind not in _TOP_KINDS:
            heading = turn_heading(self.speaker, self.page) if self.pages else self.speaker
        ordinal = len(self.blocks)
        self.blocks.append(Block(kind, text, ordinal, number, heading))
        if marks:
            self.marks[ordinal] = list(dict.fromkeys(marks))

    def extend_last(self, text: str, marks: list[str]) -> bool:
        """Append ``text`` to the last paragraph if it reads as its continuation."""
        for i in range(len(self.blocks) - 1, -1, -1):
            block = self.blocks[i]
            if block.kind == "footnote":
                continue
            if block.kind in ("paragraph", "subparagraph") and not block.text.endswith(
                (".", "!", "?", ":", ";")
            ):
                self.blocks[i] = Block(
                    block.kind, f"{block.text} {text}", block.ordinal, block.number, block.heading
                )
                self.marks.setdefault(i, []).extend(marks)
                return True
            return False
        return False

    def body(self, para: Para, ahead: list[str] | None = None) -> None:
        """Add one paragraph; ``ahead`` are the texts of the next few (to tell a
        heading by what follows it, and the lines of a table of contents)."""
        text = clean(para.text)
        if not text or _RULE.fullmatch(text):  # the rule above a page's footnotes
            return
        ahead = ahead or []
        following = ahead[0] if ahead else None
        numbered_next = next((t for t in ahead if _NUMBERED.match(t)), None)
        if para.kind == "footnote":
            self.add("footnote", text, para.number)
            return
        self.page = para.page
        if self.verbatim and not para.kind and (speaker := speaker_of(text)):
            self.speaker = speaker  # a turn: its blocks sit under the speaker, none a heading
            self.add("paragraph", text, None, para.marks)
            return
        if self.verbatim and not para.kind and self._turn_goes_on(text):
            last = self.blocks[-1]
            self.blocks[-1] = Block(
                last.kind, f"{last.text} {text}", last.ordinal, None, last.heading
            )
            self.marks.setdefault(last.ordinal, []).extend(para.marks)
            return
        if self.contents and len(text) > 200 and para.kind != "table":
            self.contents = False  # the body after the table of contents
        if _CONTENTS_COLUMNS.match(text):
            self.contents = True  # a table of contents, whatever its heading's language
            self.add("toc", text)
            return
        if self.contents and (
            _TOC_ENTRY.search(text)
            or (following and _TOC_ENTRY.search(following) and len(text) < 120)
        ):
            self.add("toc", text)
            return
        if para.kind == "table":
            self.add("other", text, None, para.marks)
            return
        if para.kind == "title":
            self.add("title", text)
            return
        numbered = _NUMBERED.match(text)
        if numbered and self._numbered_heading(para, text, numbered.group(1), numbered_next):
            text, marks = split_marker(text)
            self.add("heading", text, None, para.marks + marks)
            self.heading, self.speaker = text, None
            self.paragraph = self.letter = self.roman = None
            return
        if numbered and para.kind != "heading":
            if _TOC.search(text):
                self.add("toc", text)
                return
            self.paragraph, self.letter, self.roman = numbered.group(1), None, None
            if numbered.group(1).isdigit():
                self.last_number = int(numbered.group(1))
            self.add("paragraph", numbered.group(2), numbered.group(1), para.marks)
            return
        lettered = _LETTERED.match(text)
        if lettered and self.paragraph and not _TOC.search(text):
            label = (lettered.group(1) or lettered.group(2)).translate(_LATIN_TWINS)
            if self._roman(label):
                self.roman = label
                number = f"{self.paragraph} ({self.letter}) ({label})"
            else:
                self.letter, self.roman = label, None
                number = f"{self.paragraph} ({label})"
            self.add("subparagraph", lettered.group(3), number, para.marks)
            return
        if _TOC.search(text) and len(text) < 200:
            self.add("toc", text)
            return
        if text[:1].islower() and self.extend_last(text, para.marks):
            return
        if _is_heading(para, text, following):
            text, marks = split_marker(text)
            if _CONTENTS.match(text):
                self.contents = True
            self.add("heading", text, None, para.marks + marks)
            self.heading, self.speaker = text, None
            self.paragraph = self.letter = None
            return
        self.add("paragraph", text, None, para.marks)


def build_document(
    source: str,
    masthead: Masthead,
    front: Front,
    body: list[Para],
    fallback_symbol: str | None = None,
    fallback_language: str | None = None,
    pages: bool = False,
) -> Document:
    """The :class:`Document` of a file read into masthead, front matter and body
    (``pages``: the paragraphs know their pages, a verbatim record's turns say them)."""
    meta = masthead.meta
    build = _Builder()
    build.verbatim = is_verbatim([*masthead.symbols, fallback_symbol or ""], meta)
    build.pages = pages
    if front.body_name:
        build.add("masthead", front.body_name)
    for title in front.titles:
        title, marks = split_marker(title)
        build.add("title", title, None, marks + front.title_marks)
        front.title_marks = []
    if front.titles:
        build.heading = front.titles[0]
    for i, para in enumerate(body):
        ahead = [p for p in body[i + 1 : i + 5] if p.kind in ("", "table")]
        build.body(para, [clean(p.text) for p in ahead])
    symbol = join_symbols(masthead.symbols) if masthead.symbols else fallback_symbol
    if symbol and canonical(symbol) != symbol:
        symbol = canonical(symbol)
    texts = [b.text for b in build.blocks]
    extra: dict[str, str] = {}
    if symbol and (repaired := repair_ocr(symbol, fallback_symbol)) != symbol:
        against = (
            "as the file name gives it" if repaired == fallback_symbol else "UN symbol pattern"
        )
        extra["symbol_repaired"] = (
            f"symbol read as {symbol} (OCR) repaired to {repaired} ({against})"
        )
        symbol = repaired
    for key in ("place", "meeting"):
        if value := meta.get(key):
            extra[key] = value
    if masthead.organs:
        organs = [o for o in masthead.organs if o.lower() not in ("united", "nations")]
        if organs:
            extra["organ"] = "; ".join(dict.fromkeys(organs))
    if symbol and len(parts := joint_parts(symbol)) > 1:
        extra["symbols"] = ",".join(parts)
    if build.marks:
        extra["footnote_refs"] = ";".join(
            f"{ordinal}:{','.join(marks)}" for ordinal, marks in sorted(build.marks.items())
        )
    agenda = meta.get("agenda_item")
    if agenda and front.agenda_title:
        agenda = f"{agenda.rstrip('*').strip()}: {front.agenda_title}"
    return Document(
        source=source,
        blocks=tuple(build.blocks),
        symbol=symbol,
        body=body_of(symbol) if symbol else None,
        language=meta.get("language") or fallback_language or guess_language(" ".join(texts)),
        title=front.titles[0] if front.titles else None,
        date=meta.get("date"),
        distribution=meta.get("distribution"),
        original_language=meta.get("original_language"),
        session=meta.get("session"),
        agenda_item=agenda,
        body_name=front.body_name,
        extra=extra,
    )
