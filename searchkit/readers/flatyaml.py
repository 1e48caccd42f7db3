"""Flat YAML of numbered texts (``key: text``), such as the SDG goal/target/indicator lists.

    1-1-title: К 2030 году ликвидировать крайнюю нищету …
      (continued on indented lines)
    1-short: Ликвидация нищеты

Each top-level key is one block: the key without its ``-title``/``-short``
ending, with ``-`` read as ``.``, is the number (``1-1-1-title`` -> ``1.1.1``);
``-short`` keys are headings, the others paragraphs. Only this flat shape is
read (plain, single- or double-quoted scalars, folded continuation lines);
anything else (lists, nested mappings, block scalars) is a clear error asking
for JSONL instead. The file carries no symbol: hits say ``[symbol unknown: …]``.
"""

from __future__ import annotations

import json
import re

from ..errors import ReaderError
from ..model import Block, Document
from .encoding import decode
from .quirks import clean
from .text import guess_language

_ENTRY = re.compile(r"^([A-Za-z0-9_.-]+):(?:\s+(.*))?$")


def _scalar(value: str, source: str, line: int) -> str:
    value = value.strip()
    if value.startswith('"'):
        try:
            return str(json.loads(value))
        except ValueError as exc:
            raise ReaderError(source, f"line {line}: bad double-quoted text") from exc
    if value.startswith("'"):
        if not value.endswith("'") or len(value) < 2:
            raise ReaderError(source, f"line {line}: bad single-quoted text")
        return value[1:-1].replace("''", "'")
    if value[:1] in ("|", ">", "[", "{", "-", "&", "*", "!"):
        raise ReaderError(
            source, f"line {line}: only flat 'key: text' YAML is read; convert it to JSONL"
        )
    return value


def read(data: bytes, source: str) -> Document:
    """Read a flat ``key: text`` YAML file."""
    entries: list[tuple[str, list[str], int]] = []
    for n, line in enumerate(decode(data, source).split("\n"), start=1):
        if not line.strip() or line.lstrip().startswith("#") or line.strip() == "---":
            continue
        if line[:1] in (" ", "\t"):
            if not entries:
                raise ReaderError(source, f"line {n}: indented text before any key")
            entries[-1][1].append(line.strip())
            continue
        match = _ENTRY.match(line)
        if not match:
            raise ReaderError(
                source, f"line {n}: only flat 'key: text' YAML is read; convert it to JSONL"
            )
        entries.append((match.group(1), [match.group(2) or ""], n))
    blocks: list[Block] = []
    for key, parts, n in entries:
        text = clean(_scalar(" ".join(p for p in parts if p), source, n))
        if not text:
            continue
        stem, _, tail = key.rpartition("-")
        if tail not in ("title", "short"):
            stem, tail = key, "title"
        kind = "heading" if tail == "short" else "paragraph"
        blocks.append(Block(kind, text, len(blocks), stem.replace("-", ".") or None))
    return Document(
        source=source,
        blocks=tuple(blocks),
        language=guess_language(" ".join(b.text for b in blocks[:50])),
    )
