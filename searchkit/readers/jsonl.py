"""JSONL records: the bring-your-own-parser path for any other format.

One JSON object per line, one block each::

    {"symbol": "A/RES/70/1", "language": "ru", "paragraph": "1.1", "kind": "paragraph",
     "heading": "Цель 1", "text": "…", "title": "…", "date": "2015-09-25"}

Only ``text`` is required. ``paragraph`` (or ``number``) is the number as cited;
``kind`` defaults to ``paragraph``. Consecutive lines with the same ``symbol``
and ``language`` form one document; a file with several documents gives each
the source ``<file>#<symbol>:<language>``. Blank lines are skipped; a line that
is not a JSON object with text is an error naming the line.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import ReaderError
from ..model import KINDS, Block, Document
from ..symbols import body_of, canonical
from .encoding import decode
from .quirks import clean


def read_many(data: bytes, source: str) -> list[Document]:
    """All documents in a JSONL file."""
    groups: list[tuple[tuple[str, str], list[dict[str, Any]]]] = []
    for n, line in enumerate(decode(data, source).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ReaderError(source, f"line {n}: not JSON ({exc.msg})") from exc
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise ReaderError(source, f"line {n}: expected an object with a 'text' string")
        kind = str(record.get("kind") or "paragraph")
        if kind not in KINDS:
            raise ReaderError(source, f"line {n}: unknown kind {kind!r}")
        key = (str(record.get("symbol") or ""), str(record.get("language") or ""))
        if not groups or groups[-1][0] != key:
            groups.append((key, []))
        groups[-1][1].append(record)
    documents = []
    for (raw_symbol, language), records in groups:
        symbol = canonical(raw_symbol) if raw_symbol else None
        if raw_symbol and symbol is None:
            raise ReaderError(source, f"{raw_symbol!r} is not a UN symbol")
        blocks: list[Block] = []
        for record in records:
            text = clean(record["text"])
            if not text:
                continue
            number = record.get("paragraph", record.get("number"))
            blocks.append(
                Block(
                    str(record.get("kind") or "paragraph"),
                    text,
                    len(blocks),
                    str(number) if number not in (None, "") else None,
                    record.get("heading") or None,
                )
            )
        first = records[0]
        name = source if len(groups) == 1 else f"{source}#{symbol or raw_symbol}:{language}"
        documents.append(
            Document(
                source=name,
                blocks=tuple(blocks),
                symbol=symbol,
                body=body_of(symbol) if symbol else None,
                language=language or None,
                title=first.get("title") or None,
                date=str(first["date"]) if first.get("date") else None,
            )
        )
    return documents
