"""Files of judged queries: which blocks answer each query, and how well.

A judgement file is JSON Lines, one query per line::

    {"query": "незаконный ввоз мигрантов",
     "relevant": [{"symbol": "CTOC/COP/2012/1", "paragraph": "3", "grade": 2},
                  {"text": "ввоз мигрантов по суше", "grade": 1}]}

A relevant item names a block by any of ``symbol``, ``paragraph`` (as
printed), ``source`` (a substring of the file path) and ``text`` (a substring
of the block text, compared with case, ё/е and spacing folded); a hit is that
item when every key given matches. ``grade`` is 1 (relevant, the default), 2
(highly relevant) or 3 (the answer); 0 records a block that was read and
judged not relevant (a pooled set keeps them, so a rebuilt pool asks only
about blocks nobody has read), and counts for nothing. An item needs one of
the four keys, alone or together, and no other key (a misspelt one is an
error, not a key ignored). Blank lines and lines starting with ``#`` are
skipped. Gains are ``2**grade - 1``; each relevant item counts once
(:mod:`.metrics`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import JudgementError

#: What a relevant item may say: the keys that name a block, and its grade.
KEYS = ("symbol", "paragraph", "source", "text")


@dataclass(frozen=True)
class Relevant:
    grade: int = 1
    symbol: str | None = None
    paragraph: str | None = None
    source: str | None = None
    text: str | None = None

    def matches(self, hit: Any) -> bool:
        if self.symbol is not None and (hit.symbol or "") != self.symbol:
            return False
        if self.paragraph is not None and (hit.paragraph or "") != self.paragraph:
            return False
        if self.source is not None and self.source not in hit.source:
            return False
        return self.text is None or _fold(self.text) in _fold(hit.text)


@dataclass(frozen=True)
class Judged:
    query: str
    relevant: tuple[Relevant, ...]
    line: int = 0


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("ё", "е")).strip()


def load_judgements(path: Path | str) -> list[Judged]:
    """Read a JSON Lines judgement file; raise :class:`JudgementError` naming the line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise JudgementError(f"{path}: cannot read judgements ({exc})") from exc
    out = []
    for no, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            data = json.loads(line)
            for item in data["relevant"]:
                if not isinstance(item, dict):
                    raise ValueError("a relevant item is a JSON object")
                unknown = sorted(set(item) - {*KEYS, "grade"})
                if unknown:
                    raise ValueError(
                        f"unknown key {unknown[0]!r} in a relevant item "
                        f"(one of {', '.join(KEYS)}, and grade)"
                    )
            items = tuple(
                Relevant(
                    grade=int(r.get("grade", 1)),
                    symbol=r.get("symbol"),
                    paragraph=None if r.get("paragraph") is None else str(r["paragraph"]),
                    source=r.get("source"),
                    text=r.get("text"),
                )
                for r in data["relevant"]
            )
            query = str(data["query"])
            if any(not 0 <= r.grade <= 3 for r in items):
                raise ValueError("grade must be 0, 1, 2 or 3")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise JudgementError(f"{path}, line {no}: not a judgement ({exc})") from exc
        if not items or any(all(getattr(r, key) is None for key in KEYS) for r in items):
            raise JudgementError(
                f"{path}, line {no}: each relevant item needs symbol, paragraph, source or text"
            )
        if not any(r.grade for r in items):
            raise JudgementError(f"{path}, line {no}: no relevant item (grade 1 or more)")
        out.append(Judged(query, items, no))
    if not out:
        raise JudgementError(f"{path}: no judged queries")
    return out
