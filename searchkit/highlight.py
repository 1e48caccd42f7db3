"""Snippets: the best fragment of a block with the matched words marked.

Matching words are found by analysing the block's original text with the same
analyzer as the index, so the marks fall on the inflected forms the reader sees
(``ввоза`` for a query ``ввоз``), in the original letters.
"""

from __future__ import annotations

from collections.abc import Iterable

from .analysis import iter_words, lemmas

OPEN, CLOSE = "[[", "]]"


def match_spans(text: str, query_lemmas: set[str]) -> list[tuple[int, int]]:
    """Character spans of the words in ``text`` whose lemmas meet ``query_lemmas``."""
    spans: list[tuple[int, int]] = []
    for word in iter_words(text):
        if word.whole:
            continue
        if query_lemmas.intersection(lemmas(word.text)):
            spans.append((word.start, word.end))
    return spans


def best_window(text: str, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """The ``width``-character window holding the most match spans."""
    if len(text) <= width or not spans:
        return 0, min(len(text), width)
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


def mark(text: str, spans: Iterable[tuple[int, int]], start: int = 0, end: int | None = None,
         open_: str = OPEN, close: str = CLOSE) -> str:
    """``text[start:end]`` with each span wrapped in ``open_``/``close``."""
    end = len(text) if end is None else end
    out: list[str] = []
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(text[pos:s])
        out.append(f"{open_}{text[s:e]}{close}")
        pos = e
    out.append(text[pos:end])
    return "".join(out)


def snippet(text: str, spans: list[tuple[int, int]], width: int = 240) -> str:
    """The best fragment of ``text`` with matches in ``[[...]]`` and ``…`` at cuts."""
    start, end = best_window(text, spans, width)
    body = mark(text, spans, start, end)
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")
