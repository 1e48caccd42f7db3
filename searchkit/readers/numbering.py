"""Word's automatic paragraph numbering (``numbering.xml``) as the numbers it prints.

A numbered paragraph says only ``numId`` and ``ilvl``; the number is counted:
``w:num`` points to an ``w:abstractNum`` whose ``w:lvl`` elements give each
level's start, format (``decimal``, ``lowerLetter``, ``upperRoman``…) and text
(``%1.``, ``(%2)``). Lists that share an abstract definition share its counters
(as Word shows them) unless a ``w:num`` restarts a level (``w:startOverride``);
counting a level restarts the levels below it.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _val(el: ET.Element | None, default: str = "") -> str:
    return el.get(f"{W}val", default) if el is not None else default


def _roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):  # fmt: skip
        while n >= value:
            out += letters
            n -= value
    return out


def _letters(n: int) -> str:
    # Word: a … z, aa … zz, aaa …
    n = max(1, n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """``n`` in a Word number format (``decimal``, ``lowerLetter``, ``upperRoman`` …)."""
    if fmt in ("lowerLetter",):
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class _Level:
    __slots__ = ("fmt", "start", "text")

    def __init__(self, lvl: ET.Element) -> None:
        start = _val(lvl.find(f"{W}start"), "1")
        self.start = int(start) if start.lstrip("-").isdigit() else 1
        self.fmt = _val(lvl.find(f"{W}numFmt"), "decimal")
        self.text = _val(lvl.find(f"{W}lvlText"), "")
        if lvl.find(f"{W}isLgl") is not None and self.fmt != "bullet":
            self.fmt = "decimal"


class Numbering:
    """Counts numbered paragraphs in document order; :meth:`label` gives each its number."""

    def __init__(self, root: ET.Element | None) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.restarted: set[tuple[str, int]] = set()
        if root is None:
            return
        for abstract in root.findall(f"{W}abstractNum"):
            levels = {}
            for lvl in abstract.findall(f"{W}lvl"):
                ilvl = lvl.get(f"{W}ilvl", "0")
                if ilvl.isdigit():
                    levels[int(ilvl)] = _Level(lvl)
            self.abstract[abstract.get(f"{W}abstractNumId", "")] = levels
        for num in root.findall(f"{W}num"):
            overrides: dict[int, int] = {}
            for override in num.findall(f"{W}lvlOverride"):
                ilvl = override.get(f"{W}ilvl", "0")
                start = _val(override.find(f"{W}startOverride"))
                if ilvl.isdigit() and start.isdigit():
                    overrides[int(ilvl)] = int(start)
            self.nums[num.get(f"{W}numId", "")] = (_val(num.find(f"{W}abstractNumId")), overrides)

    def label(self, num_id: str, ilvl: str) -> str | None:
        """The number printed before the next paragraph of list ``num_id`` at level
        ``ilvl`` (``"1."``, ``"(a)"``), or ``None`` for a bullet, ``numId`` 0 or
        an unknown list."""
        if num_id in ("", "0") or num_id not in self.nums or not ilvl.isdigit():
            return None
        abstract_id, overrides = self.nums[num_id]
        levels = self.abstract.get(abstract_id)
        level = int(ilvl)
        if not levels or level not in levels:
            return None
        counters = self.counters.setdefault(abstract_id, {})
        if level in overrides and (num_id, level) not in self.restarted:
            self.restarted.add((num_id, level))
            counters[level] = overrides[level] - 1
        counters[level] = counters.get(level, levels[level].start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        spec = levels[level]
        if spec.fmt in ("bullet", "none") or not spec.text:
            return None
        text = spec.text
        for k in range(level, -1, -1):
            if f"%{k + 1}" in text:
                value = counters.get(k, levels[k].start if k in levels else 1)
                fmt = levels[k].fmt if k in levels else "decimal"
                text = text.replace(f"%{k + 1}", format_number(value, fmt))
        return text.strip() or None
