"""Known documents: the works a title or a short name stands for.

A document's *work* pairs its language versions: its symbol when it has one
(the UN gives every language version the same symbol), else the key of a
known document (``works.tsv``: the Charter has no symbol), else the
``work`` column of the corpus catalogue. :func:`work_of` finds the work of a
document from its title; :func:`resolve` the work a user's name for it
stands for (a title in any language, or a short name: ``Устав ООН``).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_DATA = Path(__file__).with_name("works.tsv")


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name.lower().replace("ё", "е")).strip(" .")


@cache
def _names() -> dict[str, tuple[str, str | None]]:
    """Every known title and short name (normalised) -> its work, and the
    language it names (``None`` for a name shared by several versions)."""
    out: dict[str, tuple[str, str | None]] = {}
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        work, lang, title, aliases = (f.strip() for f in [*line.split("\t"), ""][:4])
        for name in {_norm(n) for n in [work, title, *aliases.split("|")] if n.strip()}:
            seen = out.get(name)
            out[name] = (work, lang if seen is None or seen[1] == lang else None)
    return out


def work_of(title: str | None) -> str | None:
    """The work a document of this title is a version of, if it is known."""
    found = _names().get(_norm(title)) if title else None
    return found[0] if found else None


def resolve(name: str) -> str | None:
    """The work a user's name for a document stands for, if it is known."""
    found = _names().get(_norm(name))
    return found[0] if found else None


def language_of(name: str) -> str | None:
    """The language version a known name stands for (``UN Charter``: ``en``),
    ``None`` when it names no version in particular."""
    found = _names().get(_norm(name))
    return found[1] if found else None
