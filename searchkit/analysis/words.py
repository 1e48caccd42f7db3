"""Words: splitting text into words with offsets, and normalising each one.

:func:`iter_words` finds the words of a text with their character offsets
into the original and their positions (a hyphenated word gives each part at
its own position, then the whole word at the first part's); :func:`normalize`
folds one word: NFC, lower case, ё→е, soft hyphens and stress marks dropped,
Latin look-alike letters inside a Cyrillic word folded (``cреду`` → ``среду``),
a footnote letter glued to a Russian word cut off (``годыa`` → ``годы``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

#: Dashes that join the parts of a word written without spaces: hyphen-minus,
#: hyphen, non-breaking hyphen, figure dash, en dash, em dash, minus sign.
_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_WORD = r"[^\W_]"  # a letter or digit, any script
# Runs of letters matched at once ("(?:[^\W_]+|…)+", not "(?:[^\W_]|…)+"): the
# same words, found 1.5x faster.
WORD_RE = re.compile(rf"(?:{_WORD}+|[\u00ad\u0301\u0306])+(?:[{_HYPHENS}](?:{_WORD}+|\u00ad)+)*")
_PART_RE = re.compile(rf"(?:{_WORD}+|[\u00ad\u0301\u0306])+")
_HYPHEN_RE = re.compile(f"[{_HYPHENS}]")
CYRILLIC = re.compile(r"[а-яё]")
LATIN = re.compile(r"[a-z]")

# Latin letters that look like Cyrillic ones, folded inside Cyrillic words.
_LATIN_TO_CYR = str.maketrans("aceopxykmhtbi", "асеорхукмнтви")


@dataclass(frozen=True, slots=True)
class Word:
    """One analysed word: offsets into the original text, position, normal form."""

    pos: int
    start: int
    end: int
    text: str  # normalised surface form
    whole: bool = False  # True for the whole hyphenated word emitted beside its parts


def normalize(word: str) -> tuple[str, int]:
    """Normalise one word; also return how many trailing characters were cut.

    Returns the normalised text and the number of characters removed from the
    end of the original (a glued footnote letter), so offsets can be adjusted.
    """
    text = unicodedata.normalize("NFC", word).lower().replace("\u00ad", "").replace("\u0301", "")
    text = text.replace("ё", "е")
    cut = 0
    if CYRILLIC.search(text) and LATIN.search(text):
        # "годыa", "икаоb": a single Latin letter glued to a Russian word is a footnote mark.
        if len(text) > 2 and text[-1] in "abcdefgh" and not LATIN.search(text[:-1]):
            text = text[:-1]
            cut = 1
        text = text.translate(_LATIN_TO_CYR)
    return text, cut


#: :func:`normalize` remembered for the word forms seen most (a corpus repeats
#: its words; a lookup costs a fifth of normalising again).
_normal = lru_cache(maxsize=1 << 16)(normalize)


def iter_words(text: str) -> Iterator[Word]:
    """Split ``text`` into words with offsets; hyphenated words also by parts.

    A hyphenated word yields its parts at consecutive positions, then the whole
    word at the position of its first part, so phrases over parts still line up.
    """
    pos = 0
    for match in WORD_RE.finditer(text):
        raw = match.group(0)
        start = match.start()
        if _HYPHEN_RE.search(raw):
            first = pos
            for part in _PART_RE.finditer(raw):
                norm, cut = _normal(part.group(0))
                if norm:
                    yield Word(pos, start + part.start(), start + part.end() - cut, norm)
                    pos += 1
            norm, cut = _normal(raw)
            for h in _HYPHENS[1:]:
                norm = norm.replace(h, "-")
            yield Word(first, start, match.end() - cut, norm, whole=True)
        else:
            norm, cut = _normal(raw)
            if norm:
                yield Word(pos, start, match.end() - cut, norm)
                pos += 1


#: A word of a text for the highlighter: (start, end, normal form, whole).
WordSpan = tuple[int, int, str, bool]


@lru_cache(maxsize=1 << 16)
def _spans_of(raw: str) -> tuple[WordSpan, ...]:
    return tuple((w.start, w.end, w.text, w.whole) for w in iter_words(raw))


def word_spans(text: str) -> list[WordSpan]:
    """What :func:`iter_words` finds in ``text``, as (start, end, normal form,
    whole) tuples without positions, each distinct word of a text split once
    per process (the highlighter reads every word of the hits shown)."""
    out: list[WordSpan] = []
    append = out.append
    for match in WORD_RE.finditer(text):
        found = _spans_of(match.group(0))
        start = match.start()
        if len(found) == 1:
            a, b, norm, whole = found[0]
            append((start + a, start + b, norm, whole))
        else:
            out.extend((start + a, start + b, norm, whole) for a, b, norm, whole in found)
    return out
