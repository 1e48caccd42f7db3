"""Reader for UN documents converted to plain text (the bundled seed's layout).

Layout understood (blank lines separate chunks; lines folded inside a chunk are joined)::

    **Body name in bold**                      -> Document.body_name
    CTOC/COP/2012/12                           -> Document.symbol (when printed)
    Distr.: General / 10 July 2012 / Russian / Original: English   -> masthead
    Шестая сессия / Вена, 15-19 октября 2012 года                   -> session, place
    Пункт 2 (с) предварительной повестки дня*                     -> agenda item
    **Bold title** (one or more)               -> title blocks
    Записка Секретариата, I. Введение          -> heading blocks
    1. Numbered paragraph ...                  -> paragraph "1"
    (a) lettered subparagraph ...              -> subparagraph "1 (a)"
    * СТОС/COP/2012/1.                         -> footnote "*"

A chunk that starts in lower case continues the paragraph before it (the text
was split by a page break, often around a footnote).
"""

from __future__ import annotations

import re

from ..model import Block, Document
from ..symbols import body_of, canonical
from .encoding import decode
from .quirks import clean

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
}  # fmt: skip

LANGUAGES = {
    "russian": "ru", "english": "en", "french": "fr", "spanish": "es", "arabic": "ar",
    "chinese": "zh", "русский": "ru", "английский": "en", "французский": "fr",
    "испанский": "es", "арабский": "ar", "китайский": "zh",
}  # fmt: skip

_DATE = re.compile(r"^(\d{1,2})\s+([A-Za-zА-Яа-яё]+)\s+(\d{4})(?:\s+года)?$")
_DISTR = re.compile(r"^(?:Distr\.?|Distribution)\s*:?\s*(.+)$", re.I)
_ORIGINAL = re.compile(r"^(?:Original|Язык оригинала)\s*:\s*(.+)$", re.I)
_SESSION = re.compile(r"\b(?:сессия|session)\b", re.I)
_AGENDA = re.compile(
    r"^(?:(?:Пункты?|Items?)\s+\S.*(?:повестки дня|agenda|list)|Agenda items?\s+\d.*)\W*$", re.I
)
_NUMBERED = re.compile(r"^(\d{1,4}(?:\.\d{1,3})*)\.\s+(\S.*)$", re.S)
_LETTERED = re.compile(r"^\(([a-zа-я]{1,2}|[ivx]{1,5})\)\s+(\S.*)$", re.S)
_FOOTNOTE = re.compile(r"^(\*{1,3}|\d{1,3})\s+(\S.*)$", re.S)
_BOLD = re.compile(r"^\*\*(.+?)\*\*$", re.S)
_HEADING_MAX = 160


def parse_date(text: str) -> str | None:
    """``"10 July 2012"`` / ``"10 июля 2012 года"`` -> ``"2012-07-10"``."""
    match = _DATE.match(text.strip())
    if not match:
        return None
    month = MONTHS.get(match.group(2).lower())
    if month is None:
        return None
    return f"{int(match.group(3)):04d}-{month:02d}-{int(match.group(1)):02d}"


def _chunks(text: str) -> list[list[str]]:
    """Blank-line separated chunks, each a list of stripped non-empty lines."""
    text = re.sub(r"\u00ad[ \t]*\n[ \t]*", "", text)  # a word hyphenated across lines
    chunks = []
    for raw in re.split(r"\n\s*\n", text):
        lines = [c for c in (clean(line) for line in raw.split("\n")) if c]
        if lines:
            chunks.append(lines)
    return chunks


def _join(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        out = out[:-1] + line if out.endswith("\u00ad") else f"{out} {line}"
    return re.sub(r"[ \t]+", " ", out)


_LABELLED = re.compile(r"^(?:[IVXLC]+|[A-Z]|[А-Я])\.\s+\S")  # "I. Введение", "A. Цели"


def _is_heading(chunk: str) -> bool:
    """A short chunk that does not end like a sentence, or a labelled one."""
    if len(chunk) > _HEADING_MAX:
        return False
    return not chunk.endswith((".", ";", ",", ":")) or bool(_LABELLED.match(chunk))


class _Builder:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.heading: str | None = None
        self.paragraph: str | None = None

    def add(self, kind: str, text: str, number: str | None = None) -> None:
        heading = None if kind in ("title", "masthead") else self.heading
        if kind == "heading":
            heading = None
        self.blocks.append(Block(kind, text, len(self.blocks), number, heading))

    def extend_last(self, text: str) -> bool:
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
                return True
            return False
        return False


def read(data: bytes, source: str) -> Document:
    """Read a converted plain-text UN document."""
    return read_text(decode(data, source), source)


def read_text(text: str, source: str) -> Document:
    """Read the decoded text of a document in the blank-line layout."""
    chunks = _chunks(text)
    meta: dict[str, str | None] = {}
    titles: list[str] = []
    build = _Builder()
    in_header = True
    for lines in chunks:
        if in_header and all(masthead_line(line, meta) for line in lines):
            continue
        chunk = _join(lines)
        bold = _BOLD.match(chunk)
        if bold:
            text = re.sub(r"\s+", " ", bold.group(1)).strip()
            if in_header and not meta.get("body_name") and not titles and not meta.get("date"):
                meta["body_name"] = text
                build.add("masthead", text)
            else:
                titles.append(text)
                build.add("title", text)
                build.heading = text
            continue
        numbered = _NUMBERED.match(chunk)
        if numbered:
            in_header = False
            build.paragraph = numbered.group(1)
            build.add("paragraph", numbered.group(2), numbered.group(1))
            continue
        lettered = _LETTERED.match(chunk)
        if lettered and build.paragraph:
            number = f"{build.paragraph} ({lettered.group(1)})"
            build.add("subparagraph", lettered.group(2), number)
            continue
        footnote = _FOOTNOTE.match(chunk)
        if footnote and (footnote.group(1).startswith("*") or not in_header):
            build.add("footnote", footnote.group(2), footnote.group(1))
            continue
        if chunk[:1].islower() and build.extend_last(chunk):
            continue
        if _is_heading(chunk):
            build.add("heading", chunk)
            build.heading = chunk
            continue
        in_header = False
        build.add("paragraph", chunk)
    symbol = meta.get("symbol")
    title = titles[-1] if titles else None
    agenda = meta.get("agenda_item")
    if agenda and len(titles) > 1:
        agenda = f"{agenda.rstrip('*').strip()}: {titles[0]}"
    return Document(
        source=source,
        blocks=tuple(build.blocks),
        symbol=symbol,
        body=body_of(symbol) if symbol else None,
        language=meta.get("language") or guess_language(" ".join(b.text for b in build.blocks)),
        title=title,
        date=meta.get("date"),
        distribution=meta.get("distribution"),
        original_language=meta.get("original_language"),
        session=meta.get("session"),
        agenda_item=agenda,
        body_name=meta.get("body_name"),
        extra={"place": place} if (place := meta.get("place")) else {},
    )


def masthead_line(line: str, meta: dict[str, str | None]) -> bool:
    """Record ``line`` in ``meta`` if it is a masthead line (distribution, original
    language, date, language, symbol, session, agenda item, place); True if it was."""
    if (m := _DISTR.match(line)) and "distribution" not in meta:
        meta["distribution"] = m.group(1).strip()
        return True
    if (m := _ORIGINAL.match(line)) and "original_language" not in meta:
        lang = m.group(1).strip().lower()
        meta["original_language"] = LANGUAGES.get(lang, lang)
        return True
    if "date" not in meta and (date := parse_date(line)):
        meta["date"] = date
        return True
    words = line.split()
    if "language" not in meta and words and all(w.lower() in LANGUAGES for w in words):
        meta["language"] = LANGUAGES[words[0].lower()]
        return True
    # "A/HRC/55/10*": the star marks a footnote (a reissue's, or the agenda's)
    symbol = canonical(line.rstrip("*")) if " " not in line else None
    if "symbol" not in meta and symbol and "/" in symbol:
        meta["symbol"] = symbol
        return True
    if "session" not in meta and _SESSION.search(line) and len(line) < 80:
        meta["session"] = line
        return True
    if "agenda_item" not in meta and _AGENDA.match(line):
        meta["agenda_item"] = line
        return True
    if "place" not in meta and "session" in meta and re.search(r"\d{4}", line) and len(line) < 80:
        meta["place"] = line
        return True
    return False


def guess_language(text: str) -> str:
    """``"ru"`` when most letters are Cyrillic, else ``"en"``."""
    sample = text[:5000]
    cyr = len(re.findall(r"[А-Яа-яЁё]", sample))
    lat = len(re.findall(r"[A-Za-z]", sample))
    return "ru" if cyr >= lat else "en"
