"""Plain text: decide the layout from the text itself, then read it.

Three layouts are told apart by looking at the text, never at the folder:

- chapters and articles (``Глава I`` / ``Статья 1`` … in sequence, at least five
  articles): :mod:`.articles`;
- one sentence per line (almost no blank lines): :mod:`.sentences`;
- blank-line separated chunks (the bundled seed): :mod:`.text`.

A symbol, year and language encoded in a UNPC-style file name
(``ru_2012_jiu_rep_2012_2.txt``) fill what the text does not say.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ..model import Document
from ..symbols import body_of, canonical, symbol_from_file_name
from . import articles, sentences, text
from .encoding import decode
from .quality import guess_language
from .quirks import clean


def layout(content: str) -> str:
    """``"articles"``, ``"sentences"`` or ``"chunks"`` for decoded text."""
    if articles.article_chain(content) >= 5 and articles.chapter_chain(content) >= 1:
        return "articles"
    lines = content.strip().split("\n")
    filled = sum(1 for line in lines if line.strip())
    blank = len(lines) - filled
    if filled >= 5 and blank <= filled * 0.02:
        return "sentences"
    return "chunks"


def read(data: bytes, source: str) -> Document:
    """Read a plain-text file in whichever layout it uses."""
    content = decode(data, source)
    kind = layout(content)
    if kind == "chunks":
        document = text.read_text(content, source)
    elif kind == "articles":
        cleaned = clean(content)
        known = articles.known_title(cleaned)
        blocks = articles.read_text(cleaned)
        document = Document(
            source=source,
            blocks=tuple(blocks),
            title=known[0] if known else None,
            language=known[1] if known else guess_language(cleaned),
        )
    else:
        lines = content.split("\n")
        blocks = sentences.read_lines(lines)
        symbol = _printed_symbol(lines[:8])
        document = Document(
            source=source,
            blocks=tuple(blocks),
            symbol=symbol,
            body=body_of(symbol) if symbol else None,
            language=text.guess_language(" ".join(b.text for b in blocks[:50])),
            original_language=_original(lines[:8]),
        )
    return with_file_name(document, source)


def with_file_name(document: Document, source: str) -> Document:
    """Fill symbol, year and language from a UNPC-style file name."""
    decoded = symbol_from_file_name(source)
    if decoded is None:
        return document
    symbol, year, language = decoded
    changes: dict[str, Any] = {}
    if not document.symbol:
        changes.update(symbol=symbol, body=body_of(symbol))
    if not document.date:
        changes["date"] = year
    if language:
        changes["language"] = language
    return dataclasses.replace(document, **changes) if changes else document


def _printed_symbol(lines: list[str]) -> str | None:
    for line in lines:
        line = line.strip()
        if line and " " not in line and (symbol := canonical(line)) and "/" in symbol:
            return symbol
    return None


def _original(lines: list[str]) -> str | None:
    for line in lines:
        match = re.match(r"^Original:\s*([A-Za-z]+)", line.strip())
        if match and match.group(1).lower() in text.LANGUAGES:
            return text.LANGUAGES[match.group(1).lower()]
    return None
