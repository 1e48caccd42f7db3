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

from ..analysis import iter_words, lemmas

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
            (w.start, w.end)
            for w in iter_words(text)
            if not w.whole and wanted.intersection(lemmas(w.text))
        ]
    words = list(iter_words(text))
    marked: set[tuple[int, int]] = set()
    for term in (t for t in terms if t.phrase is None):
        strengths = [_strength(w.text, term) for w in words]
        best = max(strengths, default=0)
        if best:
            marked.update(
                (w.start, w.end) for w, k in zip(words, strengths, strict=True) if k == best
            )
    for whole in (w for w in words if w.whole and (w.start, w.end) in marked):
        marked = {
            s
            for s in marked
            if not (whole.start <= s[0] and s[1] <= whole.end) or s == (whole.start, whole.end)
        }
    spans = sorted(marked)
    groups: dict[int, list[Any]] = {}
    for t in terms:
        if t.phrase is not None:
            groups.setdefault(t.phrase, []).append(t)
    if groups:
        words = [w for w in iter_words(text) if not w.whole]
        for group in groups.values():
            spans += _phrase_spans(words, group)
    return sorted(set(spans))


def _phrase_spans(words: list[Any], group: list[Any]) -> list[tuple[int, int]]:
    """Spans of the words forming each occurrence of a phrase (in order and
    adjacent; for ``~N`` any order within the phrase length plus N words)."""
    n, slop = len(group), group[0].slop
    found: list[tuple[int, int]] = []
    for i in range(len(words)):
        if slop is None:
            window = words[i : i + n]
            if len(window) == n and all(
                _matches(w.text, t) for w, t in zip(window, group, strict=True)
            ):
                found += [(w.start, w.end) for w in window]
            continue
        window, used = words[i : i + n + slop], []
        if not window or not any(_matches(window[0].text, t) for t in group):
            continue
        for t in group:
            hit = next((w for w in window if w not in used and _matches(w.text, t)), None)
            if hit is None:
                break
            used.append(hit)
        else:
            found += [(w.start, w.end) for w in used]
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
