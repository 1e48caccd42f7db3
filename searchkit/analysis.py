"""Text analysis shared by indexing, querying and highlighting.

Pipeline (whoosh style, ``Tokenizer | Filter``)::

    WordTokenizer  -> words with character offsets into the original text;
                      hyphenated words give the whole word and each part
    (normalise)    -> NFC, lower case, ё→е, soft hyphens dropped, Latin look-alikes
                      inside Cyrillic words folded (``cреду`` → ``среду``), a footnote
                      letter glued to a Russian word cut off (``годыa`` → ``годы``)
    LemmaFilter    -> Russian words: every pymorphy3 lemma (cached per word form);
                      Latin words: English Snowball stem; numbers unchanged
                      with ``surface``: also the normalised form, marked ``=form``, at
                      the same position (``=form`` queries, did-you-mean vocabulary)

Tokens keep ``startchar``/``endchar`` into the original text; filters change
``text`` only, so the highlighter can mark the inflected form the reader sees.
The same functions run at index time and at query time.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from whoosh.analysis import Filter, Tokenizer
from whoosh.analysis.acore import Token

#: Bump when tokens produced for the same text change: old indexes must be rebuilt.
ANALYZER_VERSION = 2

#: Dashes that join the parts of a word written without spaces: hyphen-minus,
#: hyphen, non-breaking hyphen, figure dash, en dash, em dash, minus sign.
_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_WORD = r"[^\W_]"  # a letter or digit, any script
_WORD_RE = re.compile(rf"(?:{_WORD}|\u00ad|\u0301|\u0306)+(?:[{_HYPHENS}](?:{_WORD}|\u00ad)+)*")
_PART_RE = re.compile(rf"(?:{_WORD}|\u00ad|\u0301|\u0306)+")
_HYPHEN_RE = re.compile(f"[{_HYPHENS}]")
_CYR = re.compile(r"[а-яё]")
_LAT = re.compile(r"[a-z]")

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
    if _CYR.search(text) and _LAT.search(text):
        # "годыa", "икаоb": a single Latin letter glued to a Russian word is a footnote mark.
        if len(text) > 2 and text[-1] in "abcdefgh" and not _LAT.search(text[:-1]):
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
    for match in _WORD_RE.finditer(text):
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


# --------------------------------------------------------------------------- lemmas

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


@lru_cache(maxsize=200_000)
def lemmas(word: str) -> tuple[str, ...]:
    """All lemmas of a normalised word form, most probable first.

    Russian words get pymorphy3's normal forms (ё folded); Latin words their
    English Snowball stem; anything else (numbers, other scripts) stays as is.
    """
    if _CYR.search(word):
        seen: dict[str, None] = {}
        for parse in morph().parse(word):
            seen.setdefault(parse.normal_form.replace("ё", "е"), None)
            if len(seen) >= MAX_LEMMAS:
                break
        return tuple(seen) or (word,)
    if _LAT.search(word) and word.isalpha():
        return (_english_stem(word),)
    return (word,)


@lru_cache(maxsize=100_000)
def _english_stem(word: str) -> str:
    from whoosh.lang.snowball.english import EnglishStemmer

    return _stemmer(EnglishStemmer).stem(word)


@cache
def _stemmer(cls: type) -> Any:
    return cls()


def best_lemma(word: str) -> str:
    """The most probable lemma of a normalised word form."""
    return lemmas(word)[0]


def term_positions(text: str, surface: bool = False) -> dict[bytes, list[int]]:
    """What :func:`lemma_analyzer` makes of ``text``, grouped: each term (lemma,
    or ``=form`` when ``surface``) as UTF-8 bytes, and its word positions.

    The indexer's fast path (``searchkit.parallel``): the same terms at the
    same positions as the whoosh analyzer, without a token object per word,
    and each distinct word of the text (hyphens included) analysed once per
    process (:func:`_word_terms`).
    """
    found: dict[bytes, list[int]] = {}
    pos = 0
    for raw in _WORD_RE.findall(text):
        entries, width = _word_terms(raw, surface)
        for offset, terms in entries:
            at = pos + offset
            for term in terms:
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


# --------------------------------------------------------------------------- whoosh glue


class WordTokenizer(Tokenizer):
    """whoosh tokenizer over :func:`iter_words` (keeps offsets and positions)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for word in iter_words(value):
            token.text = word.text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[word.start : word.end]
            if positions:
                token.pos = start_pos + word.pos
            if chars:
                token.startchar = start_char + word.start
                token.endchar = start_char + word.end
            yield token


class LemmaFilter(Filter):
    """Replace each word with its lemmas, at the same position.

    With ``surface=True`` the normalised surface form is also emitted at the
    same position, marked ``=form``, so ``=form`` words can take part in
    phrases and proximity searches over the one ``content`` field.
    """

    def __init__(self, surface: bool = False) -> None:
        self.surface = surface

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.surface == self.surface  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), self.surface))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            surface = token.text
            for lemma in lemmas(surface):
                token.text = lemma
                yield token
            if self.surface:
                token.text = SURFACE_MARK + surface
                yield token


#: Prefix of the surface-form tokens in the ``content`` field.
SURFACE_MARK = "="


def lemma_analyzer(surface: bool = False) -> Any:
    """Analyzer of the lemma fields: words → lemmas (and ``=form`` when ``surface``)."""
    return WordTokenizer() | LemmaFilter(surface)


def query_lemmas(word: str) -> tuple[str, ...]:
    """Lemmas of a word typed in a query (normalised first)."""
    norm, _ = normalize(word)
    return lemmas(norm) if norm else ()
