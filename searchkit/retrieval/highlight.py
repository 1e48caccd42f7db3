"""Snippets: the best fragment of a block with the matched words marked.

Matching words are found by analysing the block's original text with the same
analyzer as the index, so the marks fall on the inflected forms the reader sees
(``ввоза`` for a query ``ввоз``), in the original letters. A word of the text
matches a query word when it is the same surface form, when its most probable
lemma is one of the query word's lemmas, or when one of its lemmas is the query
word's most probable lemma — so the unrelated reading of a homonym is not
marked where it can be told apart (``стали`` the verb is marked for ``стать``,
``сталь`` the metal is not). ``=form`` marks only that form; ``prefix*`` marks
forms that start so.

Formats: plain (``[[…]]``), terminal colour (ANSI), HTML (escaped, only
``<mark>`` added) and JSON (fragment text plus match offsets into it).
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import accumulate
from typing import Any

from ..analysis import WordSpan, lemmas, word_spans
from ..analysis.words import WORD_RE

OPEN, CLOSE = "[[", "]]"
ANSI_OPEN, ANSI_CLOSE = "\x1b[1;33m", "\x1b[0m"
ELLIPSIS = "…"
FORMATS = ("plain", "color", "html", "json")


def _strength(form: str, term: Any) -> int:
    """2: the word fits the query word's own reading; 1: only through another
    reading of a homonym; 0: no match."""
    if term.exact:
        return 2 if form == term.surface else 0
    if term.prefix:
        return 2 if form.startswith(term.surface) else 0
    if form == term.surface:
        return 2
    readings = lemmas(form)
    if readings[0] == term.best:
        return 2
    return 1 if readings[0] in term.lemmas or term.best in readings else 0


def _matches(form: str, term: Any) -> bool:
    return _strength(form, term) > 0


def match_spans(text: str, terms: Sequence[Any] | set[str]) -> list[tuple[int, int]]:
    """Character spans of the words in ``text`` that match the query ``terms``.

    ``terms`` are :class:`searchkit.query.HighlightTerm` objects (a plain set of
    lemmas is accepted too: any shared lemma marks the word). For each query
    word, the words that fit its own reading are marked; only when the text
    has none are words marked that match through another reading of a homonym.
    """
    if isinstance(terms, set | frozenset):
        wanted = terms
        return [
            (start, end)
            for start, end, form, whole in word_spans(text)
            if not whole and wanted.intersection(lemmas(form))
        ]
    return Highlighter(terms).spans(text)


#: A piece of a raw word of the text that fits some term: its offsets in the
#: raw word, whether it is a whole hyphenated word, its place among the raw
#: word's parts (-1 for a whole word), its strength for each plain term, and
#: the (phrase, word) places it fits.
_Piece = tuple[int, int, bool, int, tuple[int, ...], tuple[tuple[int, int], ...]]
#: The text split into gaps and words: [gap, word, gap, word, ..., gap].
_SPLIT = re.compile(f"({WORD_RE.pattern})")


@lru_cache(maxsize=1 << 16)
def _raw_word(raw: str) -> tuple[tuple[WordSpan, ...], int, frozenset[str]]:
    """A raw word of a text split as :func:`word_spans` splits it, how many
    word positions it takes, and every form and lemma of its pieces (a raw
    word none of whose is a term's is skipped at once)."""
    split = tuple(word_spans(raw))
    keys = frozenset(key for _, _, form, _ in split for key in (form, *lemmas(form)))
    return split, sum(not whole for *_, whole in split), keys


class Highlighter:
    """:func:`match_spans` for one query's terms over the texts of its page.

    How each distinct raw word of a text fits each term is worked out once
    for the page, and only the words that fit something are placed: a
    text is split by the word pattern in one call, and offsets are sums of
    the lengths of what comes before (no match object per word)."""

    def __init__(self, terms: Sequence[Any]) -> None:
        self.single = [t for t in terms if t.phrase is None]
        groups: dict[int, list[Any]] = {}
        for t in terms:
            if t.phrase is not None:
                groups.setdefault(t.phrase, []).append(t)
        self.groups = list(groups.values())
        plain = [t for t in terms if not (t.exact or t.prefix)]
        #: A form can fit a term only by being its surface, or by sharing a
        #: lemma with it (or by a prefix, which is checked for every form).
        self._surfaces = {t.surface for t in terms if not t.prefix}
        self._lemmas = set().union(*(t.lemmas | {t.best} for t in plain)) if plain else set()
        self._prefixes = any(t.prefix for t in terms)
        self._keys = self._surfaces | self._lemmas
        self._zero = (0,) * len(self.single)
        self._raws: dict[str, tuple[tuple[_Piece, ...], int]] = {}

    def _may_fit(self, form: str) -> bool:
        return self._prefixes or form in self._surfaces or not self._lemmas.isdisjoint(lemmas(form))

    def _analyse(self, raw: str) -> tuple[tuple[_Piece, ...], int]:
        """The pieces of a raw word that fit some term, and how many word
        positions (parts) it takes."""
        split, count, keys = _raw_word(raw)
        if not self._prefixes and self._keys.isdisjoint(keys):
            return (), count
        pieces: list[_Piece] = []
        sub = 0
        for a, b, form, whole in split:
            place = -1 if whole else sub
            sub += not whole
            if not self._may_fit(form):
                continue
            strengths = tuple(_strength(form, t) for t in self.single)
            places = tuple(
                (g, k)
                for g, group in enumerate(self.groups)
                for k, t in enumerate(group)
                if not whole and _matches(form, t)
            )
            if any(strengths) or places:
                pieces.append((a, b, whole, place, strengths, places))
        return tuple(pieces), count

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the words in ``text`` that match the terms."""
        parts = _SPLIT.split(text)
        raws = parts[1::2]
        info = self._raws
        distinct = set(raws)
        hot = set()
        for raw in distinct:
            found = info.get(raw)
            if found is None:
                found = info[raw] = self._analyse(raw)
            if found[0]:
                hot.add(raw)
        if not hot:
            return []
        ends = list(accumulate(map(len, parts)))  # word i starts at ends[2 * i]
        uneven = bool(self.groups) and any(info[r][1] != 1 for r in distinct)
        places = list(accumulate((info[r][1] for r in raws), initial=0)) if uneven else None
        pieces = []  # (span, whole, place of the word among the text's words, piece)
        for i, raw in enumerate(raws):
            if raw in hot:
                start = ends[2 * i]
                base = places[i] if places is not None else i
                for piece in info[raw][0]:
                    span = (start + piece[0], start + piece[1])
                    pieces.append((span, piece[2], base + piece[3], piece))
        marked: set[tuple[int, int]] = set()
        for j in range(len(self.single)):
            best = max(piece[4][j] for _, _, _, piece in pieces)
            if best:
                marked.update(span for span, _, _, piece in pieces if piece[4][j] == best)
        for (start, end), whole, _, _ in pieces:
            if whole and (start, end) in marked:
                marked = {
                    s for s in marked if not (start <= s[0] and s[1] <= end) or s == (start, end)
                }
        spans = sorted(marked)
        if self.groups:
            words = places[-1] if places is not None else len(raws)
            for g, group in enumerate(self.groups):
                fits: list[dict[int, tuple[int, int]]] = [{} for _ in group]
                for span, _, place, piece in pieces:
                    for pg, k in piece[5]:
                        if pg == g:
                            fits[k][place] = span
                spans += _phrase_spans(fits, words, group[0].slop)
        return sorted(set(spans))


def _phrase_spans(
    fits: list[dict[int, tuple[int, int]]], words: int, slop: int | None
) -> list[tuple[int, int]]:
    """Spans of the words forming each occurrence of a phrase, given where
    each of its words fits (place among the text's words -> span): in order
    and adjacent; for ``~N`` in any order within the phrase length plus N
    words (each word the first free one that fits, from a word that fits
    any of them)."""
    n = len(fits)
    if not all(fits):  # a word of the phrase is not in the text
        return []
    found: list[tuple[int, int]] = []
    if slop is None:
        for i in fits[0]:
            if all(i + k in fits[k] for k in range(1, n)):
                found += [fits[k][i + k] for k in range(n)]
        return found
    ordered = [sorted(f) for f in fits]
    for i in sorted(set().union(*fits)):
        stop = min(words, i + n + slop)
        used: list[int] = []
        for k in range(n):
            row = ordered[k]
            hit = None
            for j in row[bisect_left(row, i) :]:
                if j >= stop:
                    break
                if j not in used:
                    hit = j
                    break
            if hit is None:
                break
            used.append(hit)
        else:
            found += [fits[k][j] for k, j in enumerate(used)]
    return found


def best_window(text: str, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """The ``width``-character window holding the most match spans."""
    if len(text) <= width or not spans:
        start, end = 0, min(len(text), width)
        if end < len(text):
            space = text.rfind(" ", 0, end)
            end = space if space > 0 else end
        return start, end
    best = (0, spans[0][0])
    for i, (start, _) in enumerate(spans):
        count = sum(1 for s, e in spans[i:] if e <= start + width)
        if count > best[0]:
            best = (count, start)
    start = max(0, best[1] - width // 4)
    end = min(len(text), start + width)
    start = max(0, end - width)
    inside = [(s, e) for s, e in spans if s >= start and e <= end]
    # Cut at word boundaries, never through a match.
    if start > 0:
        space = text.find(" ", start, inside[0][0] if inside else end)
        if space != -1:
            start = space + 1
    if end < len(text):
        space = text.rfind(" ", inside[-1][1] if inside else start, end)
        if space != -1:
            end = space
    return start, end


def mark(
    text: str,
    spans: Iterable[tuple[int, int]],
    start: int = 0,
    end: int | None = None,
    open_: str = OPEN,
    close: str = CLOSE,
    escape: Any = None,
) -> str:
    """``text[start:end]`` with each span wrapped in ``open_``/``close``."""
    end = len(text) if end is None else end
    esc = escape or (lambda s: s)
    out: list[str] = []
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(esc(text[pos:s]))
        out.append(f"{open_}{esc(text[s:e])}{close}")
        pos = e
    out.append(esc(text[pos:end]))
    return "".join(out)


def fragment(text: str, spans: list[tuple[int, int]], width: int = 240) -> dict[str, Any]:
    """The best fragment as JSON-ready data: ``text`` (with ``…`` at cuts) and
    ``matches``, offsets into that text."""
    start, end = best_window(text, spans, width)
    lead = ELLIPSIS if start > 0 else ""
    body = lead + text[start:end] + (ELLIPSIS if end < len(text) else "")
    shift = len(lead) - start
    matches = [[s + shift, e + shift] for s, e in spans if s >= start and e <= end]
    return {"text": body, "matches": matches}


def snippet(text: str, spans: list[tuple[int, int]], width: int = 240, fmt: str = "plain") -> Any:
    """The best fragment of ``text`` with matches marked, ``…`` at cuts.

    ``fmt`` is ``plain`` (``[[…]]``), ``color`` (ANSI bold yellow), ``html``
    (escaped text, matches in ``<mark>``) or ``json`` (see :func:`fragment`).
    """
    if fmt == "json":
        return fragment(text, spans, width)
    start, end = best_window(text, spans, width)
    if fmt == "html":
        opts: dict[str, Any] = {"open_": "<mark>", "close": "</mark>", "escape": html.escape}
    elif fmt == "color":
        opts = {"open_": ANSI_OPEN, "close": ANSI_CLOSE}
    elif fmt == "plain":
        opts = {}
    else:
        raise ValueError(f"unknown snippet format {fmt!r} (one of {', '.join(FORMATS)})")
    body = mark(text, spans, start, end, **opts)
    return (ELLIPSIS if start > 0 else "") + body + (ELLIPSIS if end < len(text) else "")
