"""Stop words: words that carry no meaning on their own.

They are left out of plain word lists (never out of phrases, whose positions
stay right); negations and quantifiers (*не, нет, без, более, менее, два,
три…*) are deliberately absent, since they change what a text says.
"""

from __future__ import annotations

STOP_WORDS = frozenset(
    [
        "в",
        "во",
        "на",
        "и",
        "а",
        "с",
        "со",
        "по",
        "к",
        "ко",
        "о",
        "об",
        "обо",
        "от",
        "до",
        "из",
        "за",
        "для",
        "при",
        "у",
        "что",
        "как",
        "или",
        "же",
        "ли",
        "бы",
        "то",
        "этот",
        "эта",
        "это",
        "эти",
        "the",
        "of",
        "and",
        "to",
        "in",
        "on",
        "for",
        "a",
        "an",
        "by",
        "with",
        "at",
    ]
)
