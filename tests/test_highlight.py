"""The highlighter's fast path (one split of a text, each distinct word fitted
once per page) marks exactly what the rules say, word by word.

``_reference`` is the rule written plainly over :func:`iter_words` (every word
against every query word); the page highlighter must give the same spans on
the seed document's blocks and on texts made to hit the edge cases (dashed
words, glued footnote letters, soft hyphens, phrases and ``~N``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from searchkit.analysis import iter_words
from searchkit.index.snapshot import open_snapshot
from searchkit.query import parse
from searchkit.retrieval.highlight import Highlighter, _strength, match_spans

QUERIES = [
    "консультация",
    "ввоз мигрантов",
    '"ввоза мигрантов по суше"',
    '"мигрантов ввоза"~3',
    "=консультаций протокол",
    "мигра* суше",
    "социально-экономический развитие",
    "ООН права человека",
    '"права человека" ООН',
    "стали сталь",
    "годы",
]

EDGES = [
    "Социально-экономическое развитие и социально экономическое развитие.",
    "В 2015 годыa и годы b; кон\u00adсуль\u00adтаций, консуль\u0301тации.",
    "Мигрантов ввоза, ввоза по суше мигрантов; ввоз — мигрантов–ввоз.",
    "Права человека (ООН), Организация Объединенных Наций — ООН-Хабитат.",
    "Он стали сильнее; сталь и стали; стать.",
    "",
    "— , .",
]


def _reference(text: str, terms: list[Any]) -> list[tuple[int, int]]:
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
    parts = [w for w in words if not w.whole]
    for group in groups.values():
        n, slop = len(group), group[0].slop
        for i in range(len(parts)):
            if slop is None:
                window = parts[i : i + n]
                if len(window) == n and all(
                    _strength(w.text, t) for w, t in zip(window, group, strict=True)
                ):
                    spans += [(w.start, w.end) for w in window]
                continue
            window, used = parts[i : i + n + slop], []
            if not any(_strength(window[0].text, t) for t in group):
                continue
            for t in group:
                hit = next((w for w in window if w not in used and _strength(w.text, t)), None)
                if hit is None:
                    break
                used.append(hit)
            else:
                spans += [(w.start, w.end) for w in used]
    return sorted(set(spans))


@pytest.fixture(scope="module")
def texts(seed_index: Path) -> list[str]:
    with open_snapshot(seed_index) as snap:
        return [snap.stored.block(b).text for b in range(snap.n)] + EDGES


@pytest.mark.parametrize("query", QUERIES)
def test_page_highlighter_marks_what_the_rules_mark(texts: list[str], query: str) -> None:
    terms = parse(query).highlight
    page = Highlighter(terms)  # one per page: its caches carry over from text to text
    marked = 0
    for text in texts:
        expected = _reference(text, terms)
        assert page.spans(text) == expected, text
        assert match_spans(text, terms) == expected
        marked += bool(expected)
    assert marked  # the query marks something in these texts: the comparison is not empty


def test_dashed_word_and_footnote_letter_offsets() -> None:
    text = EDGES[1]
    spans = match_spans(text, parse("годы консультация").highlight)
    assert [text[s:e] for s, e in spans] == [
        "годы",  # the glued footnote letter is left out of the mark
        "годы",
        "кон\u00adсуль\u00adтаций",  # soft hyphens and a stress mark inside the word
        "консуль\u0301тации",
    ]
    text = EDGES[0]
    spans = match_spans(text, parse("социально-экономический").highlight)
    # the whole dashed word is one mark (its parts are not marked inside it);
    # its parts apart are marked too, where they stand apart
    assert [text[s:e] for s, e in spans] == [
        "Социально-экономическое",
        "социально",
        "экономическое",
    ]
