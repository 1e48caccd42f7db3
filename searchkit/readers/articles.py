"""Reader for plain text organised in chapters and articles (the UN Charter).

    Глава I: Цели и Принципы      -> heading (the chapter; blocks below sit under it)
    Статья 1                      -> starts article "1"
    text ... (any lines)          -> one block, kind "article", number "1"

The text before the first chapter (the preamble) is one paragraph without a
number. Article headings are recognised only in sequence (``Статья N`` after
``Статья N-1``), so a reference such as "Article 43" inside an article's text
does not start a new one; nor does one inside a line that a sentence does not
follow ("as provided in Article 12, may …" inside Article 11 is a reference,
though 12 is the number expected next). So a copy whose line breaks were lost
(everything on one line) reads exactly like the original.

Citations read ``<symbol or title>, Article 5`` (``статья 5`` in Russian).
"""

from __future__ import annotations

import re

from ..model import Block

_MARKER = re.compile(
    r"(?:(?<=\s)|^)(?:(?P<chapter>Глава|ГЛАВА|Chapter|CHAPTER|Chapitre|CHAPITRE|Capítulo|CAPÍTULO)"
    r"\s+(?P<roman>[IVXLC]+)\b"
    r"|(?P<article>Статья|СТАТЬЯ|Article|ARTICLE|Artículo|ARTÍCULO|المادة)\s+(?P<number>\d{1,3})\b"
    r"|الفصل\s+(?P<ar_chapter>ال[\u0621-\u064a\u0640]+(?:\s+عشر)?)"
    r"|第(?P<zh_chapter>[一二三四五六七八九十百零]+)章|第(?P<zh_article>[一二三四五六七八九十百零]+)条)"
)
_AR_ORDINALS = [
    "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع",
    "العاشر",
]  # fmt: skip
_ZH_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_TITLES = {
    "МЫ, НАРОДЫ ОБЪЕДИНЕННЫХ НАЦИЙ": ("Устав Организации Объединенных Наций", "ru"),
    "WE THE PEOPLES OF THE UNITED NATIONS": ("Charter of the United Nations", "en"),
    "NOUS, PEUPLES DES NATIONS UNIES": ("Charte des Nations Unies", "fr"),
    "NOSOTROS LOS PUEBLOS DE LAS NACIONES UNIDAS": ("Carta de las Naciones Unidas", "es"),
    "نحن شعوب الأمم المتحدة": ("ميثاق الأمم المتحدة", "ar"),
    "我联合国人民": ("联合国宪章", "zh"),
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


def chinese(numeral: str) -> int:
    """``"一百零一"`` -> 101 (the numbers of the Charter's articles and chapters)."""
    total = current = 0
    for char in numeral:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _ZH_DIGITS[char]
    return total + current


def arabic_ordinal(words: str) -> int:
    """``"الحادي عشر"`` -> 11: the Charter's chapters, first to nineteenth; 0 if unknown."""
    words = words.replace("\u0640", "")  # the tatweel that stretches a word
    head, _, tens = words.partition(" ")
    if head == "الحادي":
        head = "الأول"
    if head not in _AR_ORDINALS:
        return 0
    return _AR_ORDINALS.index(head) + 1 + (10 if tens.strip() == "عشر" else 0)


def _value(match: re.Match[str], group: str) -> int | None:
    """The number of a chapter (``group="chapter"``) or an article marker, else ``None``."""
    if group == "chapter":
        if match.group("roman"):
            return roman(match.group("roman"))
        if match.group("ar_chapter"):
            return arabic_ordinal(match.group("ar_chapter"))
        return chinese(match.group("zh_chapter")) if match.group("zh_chapter") else None
    if match.group("number"):
        return int(match.group("number"))
    return chinese(match.group("zh_article")) if match.group("zh_article") else None


def _chain(text: str, group: str) -> int:
    """How many markers of ``group`` appear numbered 1, 2, 3 … in sequence."""
    expected = 1
    for match in _MARKER.finditer(text):
        if _value(match, group) == expected:
            expected += 1
    return expected - 1


def article_chain(text: str) -> int:
    """How many articles ``1, 2, 3 …`` appear in sequence (0 when none)."""
    return _chain(text, "article")


def chapter_chain(text: str) -> int:
    """How many chapters ``I, II, III …`` appear in sequence (0 when none)."""
    return _chain(text, "chapter")


def known_title(text: str) -> tuple[str, str] | None:
    """``(title, language)`` when the text is a known instrument (the Charter)."""
    start = re.sub(r"\s+", " ", text[:200]).upper()
    for opening, value in _TITLES.items():
        if start.startswith(opening):
            return value
    return None


def _opens(text: str, match: re.Match[str]) -> bool:
    """Does the marker open a chapter or an article? Yes at a line's start; inside a
    line only when a sentence follows it: "as provided in Article 12, may make …"
    inside Article 11 is a reference, though 12 is the number expected next."""
    before = text[: match.start()].rstrip(" \t")
    if not before or before.endswith("\n"):
        return True
    after = text[match.end() :].lstrip(" \t")[:1]
    stops = ",;." if _value(match, "chapter") is not None else ",;:.)"  # "Chapter I: Purposes"
    return not (after in stops or after.islower())


def read_text(text: str) -> list[Block]:
    """Blocks of a chapters-and-articles text."""
    blocks: list[Block] = []
    chapter: str | None = None
    expected = 1
    cuts: list[tuple[int, int, str, str]] = []  # (start, end of marker, kind, value)
    next_chapter = 1
    for match in _MARKER.finditer(text):
        if not _opens(text, match):
            continue
        chapter_number = _value(match, "chapter")
        if chapter_number is not None:
            # in sequence; one chapter may be missing from a copy (the Arabic XVI)
            if next_chapter <= chapter_number <= next_chapter + 1:
                cuts.append((match.start(), match.end(), "chapter", match.group(0)))
                next_chapter = chapter_number + 1
        elif _value(match, "article") == expected:
            cuts.append((match.start(), match.end(), "article", str(expected)))
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
