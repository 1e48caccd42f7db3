"""Lemmas: every reading of a word form, and a text's terms with their positions.

Russian words get every pymorphy3 normal form (most probable first, at most
:data:`MAX_LEMMAS`, cached per word form); Latin words their English Snowball
stem; anything else (numbers, other scripts) stays as it is.
:func:`term_positions` is what the index stores of a text: each lemma (and,
with ``surface``, the normalised form marked ``=form``) at the word's
position. The same functions run at index, query and highlight time.
"""

from __future__ import annotations

import threading
from functools import cache, lru_cache
from typing import Any

from .words import CYRILLIC, LATIN, WORD_RE, iter_words, normalize

#: Bump when tokens produced for the same text change: old indexes must be rebuilt.
ANALYZER_VERSION = 2

#: Prefix of the surface-form terms in the ``content`` field.
SURFACE_MARK = "="

_morph_lock = threading.Lock()
_morph: Any = None


def morph() -> Any:
    """The shared pymorphy3 analyser, built on first use."""
    global _morph
    if _morph is None:
        with _morph_lock:
            if _morph is None:
                import pymorphy3

                _morph = pymorphy3.MorphAnalyzer(lang="ru")
    return _morph


#: At most this many distinct lemmas are indexed for one ambiguous word form.
MAX_LEMMAS = 3
#: A longer "word" (no Russian or English word is) is its own lemma: analysing
#: a 700-letter token would cost pymorphy3 a tenth of a second, for nothing.
MAX_WORD_CHARS = 40


@lru_cache(maxsize=200_000)
def lemmas(word: str) -> tuple[str, ...]:
    """All lemmas of a normalised word form, most probable first.

    Russian words get pymorphy3's normal forms (ё folded); Latin words their
    English Snowball stem; anything else (numbers, other scripts) stays as is.
    """
    if len(word) > MAX_WORD_CHARS:
        return (word,)
    if CYRILLIC.search(word):
        seen: dict[str, None] = {}
        for parse in morph().parse(word):
            seen.setdefault(parse.normal_form.replace("ё", "е"), None)
            if len(seen) >= MAX_LEMMAS:
                break
        return tuple(seen) or (word,)
    if LATIN.search(word) and word.isalpha():
        return (_english_stem(word),)
    return (word,)


@lru_cache(maxsize=100_000)
def _english_stem(word: str) -> str:
    from whoosh.lang.snowball.english import EnglishStemmer

    return _stemmer(EnglishStemmer).stem(word)


@cache
def _stemmer(cls: type) -> Any:
    return cls()


#: A lemma's derivational relatives share its stem of at least this many letters.
MIN_STEM = 5
_VERBAL_NOUN = ("ован", "еван", "ен", "ан")
#: Suffixes that make an adjective of a noun (дискриминац-ионн-ый, экономи-ческ-ий).
_ADJECTIVE = ("ион", "ическ", "альн", "ельн", "ичн", "ивн", "ен", "он", "ск", "н")


@lru_cache(maxsize=20_000)
def relative_stem(lemma: str) -> str | None:
    """The stem a lemma's derivational relatives share (``дискриминац`` for
    *дискриминация* and *дискриминационный*, ``загрязн`` for *загрязнение*
    and *загрязнять*): its Russian Snowball stem, less the suffix of a verbal
    noun (-ение, -ание, -ование), which its verb does not have, or of an
    adjective made of a noun (-ионный, -ический, -ный), which the noun does
    not have; an English
    lemma is a stem already. ``None`` when shorter than :data:`MIN_STEM`
    letters, which would relate unrelated words."""
    if CYRILLIC.search(lemma):
        from whoosh.lang.snowball.russian import RussianStemmer

        stem = _stemmer(RussianStemmer).stem(lemma)
        suffixes = (
            _VERBAL_NOUN
            if lemma.endswith(("ение", "ание"))
            else _ADJECTIVE
            if lemma.endswith(("ый", "ий", "ой"))
            else ()
        )
        for suffix in suffixes:
            if stem.endswith(suffix) and len(stem) - len(suffix) > MIN_STEM:
                stem = stem[: -len(suffix)]
                break
    else:
        stem = lemma
    return stem if len(stem) >= MIN_STEM and stem.isalpha() else None


def best_lemma(word: str) -> str:
    """The most probable lemma of a normalised word form."""
    return lemmas(word)[0]


def term_positions(
    text: str, surface: bool = False, only: frozenset[bytes] | set[bytes] | None = None
) -> dict[bytes, list[int]]:
    """What :func:`lemma_analyzer` makes of ``text``, grouped: each term (lemma,
    or ``=form`` when ``surface``) as UTF-8 bytes, and its word positions.

    The indexer's fast path (:mod:`searchkit.index.writer`): the same terms at
    the same positions as the whoosh analyzer, without a token object per
    word, and each distinct word of the text (hyphens included) analysed once
    per process (:func:`_word_terms`). ``only``: just these terms (a block's
    postings of a query's terms, read again from its text).
    """
    found: dict[bytes, list[int]] = {}
    pos = 0
    for raw in WORD_RE.findall(text):
        entries, width = _word_terms(raw, surface)
        for offset, terms in entries:
            at = pos + offset
            for term in terms:
                if only is not None and term not in only:
                    continue
                where = found.get(term)
                if where is None:
                    found[term] = [at]
                else:
                    where.append(at)
        pos += width
    return found


@lru_cache(maxsize=1 << 16)
def _word_terms(raw: str, surface: bool) -> tuple[tuple[tuple[int, tuple[bytes, ...]], ...], int]:
    """The terms one word of a text gives (its parts too, when hyphenated), at
    positions counted from the word's first, and how many positions it takes."""
    entries = []
    width = 0
    for word in iter_words(raw):
        terms = lemmas(word.text) + ((SURFACE_MARK + word.text,) if surface else ())
        entries.append((word.pos, tuple(term.encode("utf-8") for term in terms)))
        width += not word.whole
    return tuple(entries), width


def text_lemmas(text: str) -> set[str]:
    """The lemmas of ``text``'s words (and of the parts of its hyphenated
    words): the terms :func:`term_positions` gives, without positions, each
    distinct word analysed once per process."""
    return set().union(*map(_raw_lemmas, set(WORD_RE.findall(text))))


@lru_cache(maxsize=1 << 16)
def _raw_lemmas(raw: str) -> frozenset[str]:
    return frozenset(lem for word in iter_words(raw) for lem in lemmas(word.text))


def query_lemmas(word: str) -> tuple[str, ...]:
    """Lemmas of a word typed in a query (normalised first)."""
    norm, _ = normalize(word)
    return lemmas(norm) if norm else ()
