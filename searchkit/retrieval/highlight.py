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
from collections.abc import Iterable, Sequence
from typing import Any

from ..analysis import WordSpan, lemmas, word_spans

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


class Highlighter:
    """:func:`match_spans` for one query's terms over the texts of its page:
    how each distinct word form fits each term is worked out once."""

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
        self._zero = (0,) * len(self.single)
        self._strengths: dict[str, tuple[int, ...]] = {}
        self._fits: dict[tuple[str, int, int], bool] = {}

    def _may_fit(self, form: str) -> bool:
        return self._prefixes or form in self._surfaces or not self._lemmas.isdisjoint(lemmas(form))

    def _strengths_of(self, form: str) -> tuple[int, ...]:
        found = self._strengths.get(form)
        if found is None:
            found = (
                tuple(_strength(form, t) for t in self.single)
                if self._may_fit(form)
                else self._zero
            )
            self._strengths[form] = found
        return found

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the words in ``text`` that match the terms."""
        words = word_spans(text)
        marked: set[tuple[int, int]] = set()
        if self.single:
            zero = self._zero
            found = [(w, k) for w in words if (k := self._strengths_of(w[2])) is not zero]
            for j in range(len(self.single)):
                best = max((k[j] for _, k in found), default=0)
                if best:
                    marked.update((w[0], w[1]) for w, k in found if k[j] == best)
        for start, end, _, whole in words:
            if whole and (start, end) in marked:
                marked = {
                    s for s in marked if not (start <= s[0] and s[1] <= end) or s == (start, end)
                }
        spans = sorted(marked)
        if self.groups:
            parts = [w for w in words if not w[3]]
            for g in range(len(self.groups)):
                spans += self._phrase_spans(parts, g)
        return sorted(set(spans))

    def _fit(self, form: str, g: int, k: int) -> bool:
        """Does ``form`` fit the ``k``-th word of phrase ``g``?"""
        key = (form, g, k)
        found = self._fits.get(key)
        if found is None:
            found = self._may_fit(form) and _matches(form, self.groups[g][k])
            self._fits[key] = found
        return found

    def _phrase_spans(self, words: list[WordSpan], g: int) -> list[tuple[int, int]]:
        """Spans of the words forming each occurrence of phrase ``g`` (in order
        and adjacent; for ``~N`` any order within the phrase length plus N words)."""
        group = self.groups[g]
        n, slop = len(group), group[0].slop
        fits = [[self._fit(w[2], g, k) for w in words] for k in range(n)]
        if not all(any(row) for row in fits):  # a word of the phrase is not in the text
            return []
        found: list[tuple[int, int]] = []
        for i in range(len(words)):
            if slop is None:
                if i + n <= len(words) and all(fits[k][i + k] for k in range(n)):
                    found += [(w[0], w[1]) for w in words[i : i + n]]
                continue
            stop = min(len(words), i + n + slop)
            if i >= stop or not any(fits[k][i] for k in range(n)):
                continue
            used: list[int] = []
            for k in range(n):
                hit = next((j for j in range(i, stop) if j not in used and fits[k][j]), None)
                if hit is None:
                    break
                used.append(hit)
            else:
                found += [(words[j][0], words[j][1]) for j in used]
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
