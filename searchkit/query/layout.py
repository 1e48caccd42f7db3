"""A query typed with the Latin keyboard layout: ``vbuhfyns`` is ``мигранты``."""

from __future__ import annotations

import re

from .syntax import lex

_QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_YCUKEN = "йцукенгшщзхъфывапролджэячсмитьбюё"
_LATIN_WORD = re.compile(r"[a-zA-Z;',.\[\]`]+")
_TO_RU = str.maketrans(_QWERTY + _QWERTY.upper(), _YCUKEN + _YCUKEN.upper())


def from_latin_layout(word: str) -> str:
    """``word`` as if typed with the Russian layout (``vbuhfyns`` → ``мигранты``)."""
    return word.translate(_TO_RU)


def latin_layout_words(text: str) -> list[tuple[int, int, str]]:
    """Plain Latin words of the query (not fields, symbols or operators), as spans."""
    out = []
    for tok in lex(text):
        bare = tok.text.lstrip("=").rstrip("*")
        if tok.kind == "PHRASE":
            for m in re.finditer(r"\S+", tok.text):
                if _LATIN_WORD.fullmatch(m.group(0)):
                    out.append((tok.start + m.start(), tok.start + m.end(), m.group(0)))
        elif tok.kind == "WORD" and ":" not in tok.text and _LATIN_WORD.fullmatch(bare):
            start = tok.start + (len(tok.text) - len(tok.text.lstrip("=")))
            out.append((start, start + len(bare), bare))
    return out


def retyped(text: str) -> str | None:
    """``text`` with its Latin words re-typed in the Russian layout (``None``
    when it has none)."""
    spans = latin_layout_words(text)
    if not spans:
        return None
    out, pos = [], 0
    for start, end, word in spans:
        out += [text[pos:start], from_latin_layout(word)]
        pos = end
    return "".join([*out, text[pos:]])
