"""Help for a query the index does not know: the keyboard layout, did you mean.

A query typed in the Latin keyboard layout (``vbuhfyns``) is searched as
Russian (``мигранты``) when its Latin words are unknown to the index and
their Russian reading is known; a word the index does not know gets the
closest word form the index holds (fewest edits, then most frequent).
"""

from __future__ import annotations

from ..analysis import SURFACE_MARK
from ..errors import QueryError
from ..index.snapshot import Snapshot
from ..query import Plan, Word, parse, retyped
from . import ranking as knobs

#: Did-you-mean looks this many edits away at most, for words of at most
#: SUGGEST_CHARS letters (whoosh's edit-distance automaton grows with the word:
#: a 700-letter word took 3 s an edit distance on a 32,000-block index).
MAX_EDITS = 2
SUGGEST_CHARS = 32


def known(snap: Snapshot, word: Word) -> bool:
    """Does the index hold any reading or the surface form of ``word``?"""
    return any(
        snap.doc_frequency(f, lem) for lem in word.lemmas for f in knobs.MATCH_FIELDS
    ) or bool(snap.doc_frequency("content", SURFACE_MARK + word.norm))


def layout_switch(snap: Snapshot, query: str, plan: Plan) -> str | None:
    """``query`` re-typed in the Russian layout, when its Latin words are unknown
    to the index and their Russian reading is known; else ``None``."""
    switched = retyped(query)
    if switched is None or not plan.words or any(known(snap, w) for w in plan.words):
        return None
    try:
        candidate = parse(switched, snap)
    except QueryError:  # the switched text may not parse (a stray quote from ' or ")
        return None
    if candidate.words and all(known(snap, w) for w in candidate.words):
        return switched
    return None


def closest_form(snap: Snapshot, word: str, maxdist: int = MAX_EDITS) -> str | None:
    """The word form in the index closest to ``word`` (fewest edits, then most
    frequent), from the surface forms the ``content`` field holds."""
    mark = SURFACE_MARK
    best: tuple[int, int, str] | None = None
    for dist in range(1, maxdist + 1):
        for term in snap.terms_within("content", mark + word, dist, prefix=len(mark) + 1):
            if not term.startswith(mark):
                continue
            key = (dist, -snap.doc_frequency("content", term), term[len(mark) :])
            best = key if best is None or key < best else best
        if best is not None:
            return best[2]
    return None


def suggest(snap: Snapshot, query: str, plan: Plan) -> str | None:
    """The query with each word the index does not know replaced by the
    closest word form the index holds (``None`` when every word is known)."""
    changed, out, pos = False, [], 0
    for word in plan.words:
        if not 4 <= len(word.norm) <= SUGGEST_CHARS or word.parts or known(snap, word):
            continue
        found = closest_form(snap, word.norm)
        if found is None:
            continue
        out += [query[pos : word.start], found]
        pos, changed = word.end, True
    return "".join([*out, query[pos:]]) if changed else None
