"""Abbreviations and the full names they stand for.

UN text defines an abbreviation at its first use, ``Программа развития
Организации Объединенных Наций (ПРООН)`` or ``ПРООН (Программа развития …)``,
and uses one form or the other afterwards. :func:`definitions` finds such
pairs in a text: an abbreviation in parentheses after its full name, or a full
name in parentheses after its abbreviation, where the abbreviation's letters
occur in order in the full name, the first at the start of its first word
(the Schwartz–Hearst rule: ``МАГАТЭ`` = *М*еждународное *а*\\ *г*\\ ентство по
*ат*\\ омной *э*\\ нергии). A small curated list of UN bodies and programmes
(``un_bodies.tsv``, Russian and English) adds the pairs a corpus may never
spell out.

:func:`name_key` turns a full name into the key it is looked up by: its
words' most probable lemmas, stop words left out, "Организации Объединенных
Наций" and "United Nations" written as the abbreviation they are usually
shortened to, so that ``Программа развития ООН`` and ``Программа развития
Организации Объединенных Наций`` have one key. :func:`dictionary_form` gives a full name as a
dictionary would list it (``Совет по правам человека`` for the ``Совете по
правам человека`` of the text).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from .morphology import best_lemma, morph
from .stopwords import STOP_WORDS
from .words import iter_words

#: An abbreviation: 2 to 12 capitals (Cyrillic or Latin), digits or dashes,
#: optionally a second such word ("УНП ООН", "ЕЭК ООН").
_ABBR = r"[A-ZА-ЯЁ][A-ZА-ЯЁ0-9\-]{1,11}(?: [A-ZА-ЯЁ][A-ZА-ЯЁ0-9\-]{1,6})?"
_LONG_THEN_SHORT = re.compile(rf"\(\s*({_ABBR})\s*\)")
_SHORT_THEN_LONG = re.compile(rf"(?<![\w-])({_ABBR})\s*\(([^()]{{6,160}})\)")
_NAME_WORD = re.compile(r"[^\W_]+(?:[-‐][^\W_]+)*")
#: At most this many words before "(ABBR)" are tried as its full name.
MAX_NAME_WORDS = 12
#: Written as their abbreviation in keys (lemmatised on first use).
_CANONICAL = {"Организации Объединенных Наций": "оон", "United Nations": "un"}
_DATA = Path(__file__).with_name("un_bodies.tsv")


def definitions(text: str) -> list[tuple[str, str]]:
    """(abbreviation, full name) pairs ``text`` defines, in order."""
    found: list[tuple[str, str]] = []
    for match in _LONG_THEN_SHORT.finditer(text):
        abbr = match.group(1)
        name = _name_before(text[: match.start()], abbr)
        if name:
            found.append((abbr, name))
    for match in _SHORT_THEN_LONG.finditer(text):
        abbr, inside = match.group(1), match.group(2).strip()
        if _fits(abbr, inside) and not _is_abbreviation(inside):
            found.append((abbr, inside))
    return found


def _is_abbreviation(text: str) -> bool:
    return re.fullmatch(_ABBR, text) is not None


def _name_before(before: str, abbr: str) -> str | None:
    """The shortest run of words ending ``before`` that ``abbr`` abbreviates
    (its first word no stop word)."""
    tail = before[-400:]
    words = list(_NAME_WORD.finditer(tail))
    if not words or tail[words[-1].end() :].strip(" ,"):
        return None  # the abbreviation must follow the name directly
    first_letter = next(c for c in abbr if c.isalpha()).lower()
    for first in reversed(words[-MAX_NAME_WORDS:]):
        word = first.group(0).lower()
        if word[0] != first_letter or word in STOP_WORDS:
            continue
        name = tail[first.start() :].strip(" ,")
        if len(name) > len(abbr) and _fits(abbr, name):
            return name
    return None


def _fits(abbr: str, name: str) -> bool:
    """Do the letters of ``abbr`` occur in ``name`` in order, the first one
    starting its first word (Schwartz–Hearst, read backwards), at least half
    of them starting a word (``МАГАТЭ``: *М*еждународное *а*гентство по
    *а*томной *э*нергии), and is ``name`` a name, not a sentence that happens
    to hold the letters (at most two words more than the letters, "Организации
    Объединенных Наций" one word)?"""
    letters = [c.lower() for c in abbr if c.isalpha()]
    text = name.lower()
    if len(letters) < 2 or not text or text[0] != letters[0]:
        return False
    i = len(text) - 1
    starts = 0
    for k in range(len(letters) - 1, -1, -1):
        c = letters[k]
        while i >= 0 and (text[i] != c or (k == 0 and i > 0 and text[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return False
        starts += i == 0 or not text[i - 1].isalnum()
        i -= 1
    return 2 * starts >= len(letters) and len(name_key(name).split()) <= len(letters) + 2


def name_key(name: str) -> str:
    """The key a full name is looked up by (see the module's docstring)."""
    lems = [best_lemma(w.text) for w in iter_words(name) if not w.whole]
    lems = [lem for lem in lems if lem not in STOP_WORDS]
    out: list[str] = []
    i = 0
    while i < len(lems):
        for phrase, short in _canonical().items():
            if tuple(lems[i : i + len(phrase)]) == phrase:
                out.append(short)
                i += len(phrase)
                break
        else:
            out.append(lems[i])
            i += 1
    return " ".join(out)


@cache
def _canonical() -> dict[tuple[str, ...], str]:
    return {
        tuple(best_lemma(w.text) for w in iter_words(name) if not w.whole): short
        for name, short in _CANONICAL.items()
    }


_MODIFIER = {"ADJF", "PRTF"}
_CONJUNCTIONS = {"и", "или"}
_VERBAL = ("ние", "тие")  # verbal nouns, seldom plural: разоружение, развитие


def dictionary_form(name: str) -> str:
    """``name`` with its head noun phrase in the nominative, the way a
    dictionary lists it: the first noun and the adjectives and participles
    before it that agree with it (``Объединенной инспекционной группе`` →
    ``Объединенная инспекционная группа``), a participle after a comma
    (``управление, ориентированное на …``) and the nouns joined to the head
    by a comma or *и* (``водоснабжение, санитария и гигиена``). What depends
    on the head (``развития``, ``по правам человека``) is left as it is, and
    so is a name that does not start with a noun phrase. The number is kept
    (``международные стандарты``); where the form allows both, a capitalised
    name (a body's) is read in the singular (``Службы финансового контроля``
    → ``Служба …``) and so is a verbal noun (``разоружения, демобилизации и
    реинтеграции``), any other as a nominative (``цели развития``)."""
    words = list(_NAME_WORD.finditer(name))
    if not words or not re.search("[а-яё]", name, re.IGNORECASE):
        return name
    phrase = _Phrase(name, words)
    head = phrase.group(0, None)
    if head is None:
        return name
    h, noun, forms = head
    case = noun.tag.case
    if case == "nomn":
        return name
    if phrase.nominative_already(h, case):
        return name
    forms.update(phrase.coordinated(h, case)[0])
    out, pos = [], 0
    for i, form in sorted(forms.items()):
        if form is None:
            return name
        word = words[i]
        out += [name[pos : word.start()], _spelled_as(form.word, word.group(0))]
        pos = word.end()
    return "".join([*out, name[pos:]])


class _Phrase:
    """The words of a full name with their readings, for :func:`dictionary_form`."""

    def __init__(self, name: str, words: list[re.Match[str]]) -> None:
        self.name, self.words = name, words
        self.singular = name[0].isupper()
        self.texts = [w.group(0) for w in words]
        self.parses = [  # an abbreviation inside a name (ПРООН) is no noun to inflect
            [] if t.isupper() and len(t) > 1 else morph().parse(t.lower()) for t in self.texts
        ]

    def nouns(self, i: int, case: str | None = None) -> list[Any]:
        found = [
            r
            for r in self.parses[i]
            if r.tag.POS == "NOUN" and r.tag.case and case in (None, r.tag.case)
        ]
        if self.singular or all(r.normal_form.endswith(_VERBAL) for r in found):
            return sorted(found, key=lambda r: r.tag.number != "sing")
        return sorted(found, key=lambda r: r.tag.case != "nomn")

    def conjunction(self, i: int) -> bool:
        return self.texts[i].lower() in _CONJUNCTIONS

    def group(self, start: int, case: str | None) -> tuple[int, Any, dict[int, Any]] | None:
        """The longest noun phrase starting at word ``start`` (modifiers, maybe
        joined by *и*, then a noun in ``case``, any when ``None``): its noun's
        position, the noun's reading and the nominative of each of its words."""
        best = None
        for h in range(start, len(self.words)):
            if self.conjunction(h):
                if h == start:
                    break
                continue
            for noun in self.nouns(h, case):
                mods = [
                    _agreeing(self.parses[i], noun)
                    for i in range(start, h)
                    if not self.conjunction(i)
                ]
                if all(mods):
                    positions = [i for i in range(start, h) if not self.conjunction(i)]
                    forms = {h: noun.inflect({"nomn"})}
                    forms.update(
                        (i, _nominative(r, noun)) for i, r in zip(positions, mods, strict=True)
                    )
                    best = (h, noun, forms)
                    break
            if not any(r.tag.POS in _MODIFIER for r in self.parses[h]):
                break
        return best

    def nominative_already(self, h: int, case: str) -> bool:
        """Is the head at ``h``, read in ``case``, rather a nominative joined
        to nouns that are nominative more probably than in ``case``
        (``Положения и правила о персонале``)?"""
        if not self.nouns(h, "nomn"):
            return False
        _, joined = self.coordinated(h, "nomn")
        return bool(joined) and all(
            max(r.score for r in self.nouns(i, "nomn"))
            > max((r.score for r in self.nouns(i, case)), default=0.0)
            for i in joined
        )

    def coordinated(self, h: int, case: str) -> tuple[dict[int, Any], list[int]]:
        """The nominative of the words after the head noun at ``h`` that go
        with it: a participle after a comma, nouns (with their modifiers)
        after a comma or *и* in the head's case; and where those nouns are."""
        noun = next(iter(self.nouns(h, case)), None)
        forms: dict[int, Any] = {}
        joined: list[int] = []
        i = h + 1
        if noun is None or i >= len(self.words):
            return forms, joined
        if self._comma(i):
            participle = _agreeing(self.parses[i], noun)
            if participle is not None and not self.nouns(i, case):
                return {i: _nominative(participle, noun)}, joined
        while i < len(self.words):
            if self.conjunction(i):
                i += 1
            elif not self._comma(i):
                break
            group = self.group(i, case) if i < len(self.words) else None
            if group is None:
                break
            end, _, more = group
            forms.update(more)
            joined.append(end)
            i = end + 1
        return forms, joined

    def _comma(self, i: int) -> bool:
        return "," in self.name[self.words[i - 1].end() : self.words[i].start()]


def _agreeing(readings: list[Any], noun: Any) -> Any:
    """The reading of a modifier that agrees with ``noun`` (case, number, and
    gender in the singular), or ``None``."""
    tag = noun.tag
    gendered = tag.number == "sing" and tag.gender
    for r in readings:
        agrees = r.tag.case == tag.case and r.tag.number == tag.number
        if r.tag.POS in _MODIFIER and agrees and (not gendered or r.tag.gender == tag.gender):
            return r
    return None


def _nominative(modifier: Any, noun: Any) -> Any:
    tag = noun.tag
    grammemes = {"nomn", tag.number}
    if tag.number == "sing" and tag.gender:
        grammemes.add(tag.gender)
    return modifier.inflect(grammemes)


def _spelled_as(form: str, original: str) -> str:
    """``form`` (lower case, maybe with ё) in the letter case of ``original``,
    part by part for a dashed word (``Юго-Восточная``)."""
    if "ё" not in original.lower():
        form = form.replace("ё", "е")
    parts, originals = form.split("-"), original.split("-")
    if len(parts) != len(originals):
        parts, originals = [form], [original]
    return "-".join(
        part.upper()
        if orig.isupper() and len(orig) > 1
        else part[:1].upper() + part[1:]
        if orig[:1].isupper()
        else part
        for part, orig in zip(parts, originals, strict=True)
    )


def abbreviation_key(abbr: str) -> str:
    """The key an abbreviation is looked up by: lower case, ё as е, one space."""
    return " ".join(abbr.lower().replace("ё", "е").split())


#: A word typed in capitals is read as an abbreviation when it has at most
#: this many characters (ЮНСИТРАЛ); a longer one is a word typed in capitals.
MAX_TYPED_ABBREVIATION = 8
_TYPED = re.compile(rf"[A-ZА-ЯЁ][A-ZА-ЯЁ0-9\-]{{1,{MAX_TYPED_ABBREVIATION - 1}}}")


def looks_like_abbreviation(raw: str) -> bool:
    """Is ``raw`` (one word as typed) written like an abbreviation: 2 to
    :data:`MAX_TYPED_ABBREVIATION` capitals, digits or dashes, at least two
    of them letters?"""
    return _TYPED.fullmatch(raw) is not None and sum(c.isalpha() for c in raw) >= 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """The edits (insert, delete, replace, swap two neighbours) from ``a`` to
    ``b``; ``limit + 1`` once past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, prev2[j - 2] + 1)
            row.append(cost)
        if min(row) > limit:
            return limit + 1
        prev2, prev = prev, row
    return min(prev[-1], limit + 1)


@cache
def curated() -> tuple[tuple[str, str, str], ...]:
    """(abbreviation, language, full name) of the UN bodies and programmes
    shipped with searchkit (``un_bodies.tsv``)."""
    return tuple((abbr, lang, name) for abbr, lang, name, _key in _rows())


@cache
def _rows() -> tuple[tuple[str, str, str, str | None], ...]:
    """The rows of ``un_bodies.tsv``, each with its stored lookup key (``None``
    when the file gives none)."""
    rows = []
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cells = [cell.strip() for cell in line.split("\t")]
            abbr, lang, name = cells[:3]
            rows.append((abbr, lang, name, cells[3] if len(cells) > 3 and cells[3] else None))
    return tuple(rows)


@cache
def curated_names() -> dict[str, tuple[str, ...]]:
    """Abbreviation key -> the curated full names."""
    out: dict[str, list[str]] = {}
    for abbr, _lang, name in curated():
        out.setdefault(abbreviation_key(abbr), []).append(name)
    return {k: tuple(v) for k, v in out.items()}


@cache
def curated_abbreviations() -> dict[str, tuple[str, ...]]:
    """Full-name key -> the curated abbreviations (the keys are stored in the
    file: lemmatising a hundred names would cost a cold search ~13 ms)."""
    out: dict[str, list[str]] = {}
    for abbr, _lang, name, key in _rows():
        out.setdefault(key or name_key(name), []).append(abbr)
    return {k: tuple(v) for k, v in out.items()}


def rewrite_keys() -> int:
    """Store each curated name's current :func:`name_key` in ``un_bodies.tsv``
    (after the analyser or its dictionary changed); how many keys changed."""
    lines, changed = [], 0
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cells = [cell.strip() for cell in line.split("\t")]
            key = name_key(cells[2])
            changed += len(cells) < 4 or cells[3] != key
            line = "\t".join([*cells[:3], key])
        lines.append(line)
    _DATA.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return changed


if __name__ == "__main__":
    print(f"{rewrite_keys()} keys rewritten in {_DATA.name}")
