"""Checks on the text a reader got: its language, and how much of it looks misread.

These need no dictionary: the language from its letters (Cyrillic, Arabic, Chinese)
or, for Latin text, its commonest words; the quality of a text layer from the
marks a bad OCR leaves in words.
"""

from __future__ import annotations

import re

_STOPWORDS = {
    "en": {"the", "of", "and", "to", "in", "that", "is", "for", "with", "on"},
    "fr": {"le", "la", "les", "des", "et", "du", "est", "dans", "une", "pour"},
    "es": {"el", "los", "las", "del", "y", "en", "que", "por", "una", "para"},
}


def guess_language(text: str) -> str:
    """The language of ``text`` by its letters (ru, ar, zh) or common words (en, fr, es)."""
    sample = text[:20000]
    counts = {
        "ru": len(re.findall(r"[А-Яа-яЁё]", sample)),
        "ar": len(re.findall(r"[\u0600-\u06ff]", sample)),
        "zh": len(re.findall(r"[\u4e00-\u9fff]", sample)),
        "latin": len(re.findall(r"[A-Za-z]", sample)),
    }
    best = max(counts, key=lambda k: counts[k])
    if best != "latin":
        return best
    words = re.findall(r"[a-zà-ÿ]+", sample.lower())
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    return max(scores, key=lambda k: scores[k])


_JUNK = re.compile(r"[^\W\d_][$&|\\^~{}@#_‘'`][^\W\d_]|[^\W\d_]\.[a-zа-яё]{2}")
_RUN_IN = re.compile(r"[a-zа-яё]{2}\d|^[b-df-hj-np-tv-xzB-DF-HJ-NP-TV-XZ]{4,}$")
# a Russian word an OCR spelt with Latin look-alikes or digits: "Poссийской", "3акон"
_MIXED = re.compile(r"[а-яё][a-z]|[a-z][а-яё]|^\d[а-яё]{2}|[а-яё]{2}\d", re.I)


def text_quality(texts: list[str]) -> float:
    """The share of words without the marks of a bad OCR: junk between letters
    (``Nat$a``, ``pre'‘.minary``, ``viol.atlona``), letters run into digits
    (``right8``), Latin words of four letters or more without a vowel, Russian
    words spelt with Latin look-alikes or digits (``Poссийской``, ``3акон``). About 1.00
    for a born-digital text layer; misread words of real letters (``Permwnt``)
    are not seen, so a scan's own OCR layer is flagged as such besides."""
    bad = total = 0
    for text in texts:
        for token in text.split():
            word = token.strip("()[]{}.,;:!?«»\"“”‘’'*")
            if not any(c.isalpha() for c in word):
                continue
            total += 1
            if "www" in word or "http" in word or "@" in word or "/" in word:
                continue
            mixed = any(_MIXED.search(part) for part in word.split("-"))
            if _JUNK.search(word) or ((_RUN_IN.search(word) or mixed) and not word.isupper()):
                bad += 1
    return 1 - bad / total if total else 0.0
