"""Verbatim records (``S/PV.4507``, ``A/60/PV.25``): the speaker's turns.

A verbatim record has no numbered paragraphs; what a reader cites is the turn
of a speaker on a page: "S/PV.4507, p. 7 (Mr. Levitte, France)". A turn opens
with the speaker and a colon::

    Mr. Levitte (France) (spoke in French): On the last day of her term …
    The Acting President: May I take it that …
    Г-н Небензя (Российская Федерация): Мы благодарим …

:func:`speaker_of` gives the speaker as the record names them, without the
language note (``(spoke in French)``), and :func:`turn_heading` the heading of a
block of the turn: the speaker and the page it is printed on.
"""

from __future__ import annotations

import re

_TITLES = (
    r"Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|Baroness|Sheikh|Sheikha|Prince|Princess|"
    r"Archbishop|Monsignor|Cardinal|King|Queen|Judge|General|"
    r"Г-н|Г-жа|Гн|Гжа|M|Mme|Mlle|Sr|Sra|Srta"
)
_OFFICES = (
    r"(?:The|Le|La|El)\s+(?:Acting\s+|Temporary\s+)?"
    r"(?:President|Chair|Chairman|Chairperson|Chairwoman|Vice-President|Secretary-General|"
    r"Deputy Secretary-General|Président|Présidente|Secrétaire général|Presidente|Presidenta|"
    r"Secretario General|Secretaria General)|"
    r"(?:Исполняющий обязанности |Временный )?Председател[ьяи]|Генеральный секретарь|"
    r"Заместитель Генерального секретаря"
)
_SPEAKER = re.compile(
    rf"^(?P<who>(?:(?:{_TITLES})\.?\s+[^\W\d][^:;!?]{{0,90}}?|(?:{_OFFICES})(?:\s*\([^)]{{1,80}}\))*))"
    r"\s*:\s+(?=\S)"
)
_TITLED = re.compile(rf"^(?:{_TITLES})\.?\s")
#: Lower-case words of names: "Mr. Toro de la Fuente", "Mr. bin Laden", "Mr. van den Berg".
_PARTICLES = {
    "de", "del", "della", "di", "da", "do", "dos", "das", "du", "des", "la", "le", "van", "von",
    "den", "der", "ter", "bin", "ibn", "al", "el", "y", "e", "and", "of", "the",
}  # fmt: skip
_LANGUAGE_NOTE = re.compile(
    r"\s*\((?:spoke in|interpretation from|parle en|habla en|говорит по-|"
    r"выступает на|говорит на)[^)]*\)",
    re.I,
)


def speaker_of(text: str) -> str | None:
    """The speaker who opens ``text`` (``"Mr. Levitte (France)"``), or ``None``."""
    match = _SPEAKER.match(text)
    if not match:
        return None
    who = _LANGUAGE_NOTE.sub("", match.group("who")).strip()
    if len(who.split()) > 14 or who.count("(") != who.count(")"):
        return None
    # a name, not a sentence: "Ms. Bertini noted three points:" is no turn
    name = re.sub(r"\([^)]*\)", "", who).split()[1:] if _TITLED.match(who) else []
    if any(w[:1].islower() and w.lower() not in _PARTICLES for w in name):
        return None
    return who


def is_verbatim(symbols: list[str], meta: dict[str, str | None]) -> bool:
    """A verbatim record: a ``PV.`` symbol, or a meeting named in its front matter."""
    return any("/PV." in s.upper() for s in symbols) or bool(meta.get("meeting"))


def turn_heading(speaker: str, page: int) -> str:
    """The heading of a block of a turn: the speaker and the page (counted from 1)."""
    word = "стр." if re.search(r"[А-Яа-яЁё]", speaker) else "p."
    return f"{speaker}, {word} {page + 1}"
