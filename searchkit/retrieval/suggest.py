"""Help for a query the index does not know: the keyboard layout, did you mean.

A query typed in the Latin keyboard layout (``vbuhfyns``) is searched as
Russian (``мигранты``) when its Latin words are unknown to the index and
their Russian reading is known; a word the index does not know gets the
closest word form the index holds (fewest edits, then most frequent). A word
typed as an abbreviation (``ПРООН``) the index does not hold is never
"corrected" into a common word (``прочь``): the result says that it is not
in the index and names the abbreviations like it that are, with their full
names (:func:`unknown_abbreviations`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..analysis import SURFACE_MARK, morph
from ..analysis import abbreviations as abbr
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
    closest word form the index holds (``None`` when every word is known);
    a word typed as an abbreviation is left as it is."""
    changed, out, pos = False, [], 0
    typed = _typed_abbreviations(plan)
    for word in plan.words:
        if not 4 <= len(word.norm) <= SUGGEST_CHARS or word.parts or word in typed:
            continue
        if known(snap, word):
            continue
        found = closest_form(snap, word.norm)
        if found is None:
            continue
        out += [query[pos : word.start], found]
        pos, changed = word.end, True
    return "".join([*out, query[pos:]]) if changed else None


#: At most this many abbreviations like an unknown one are named.
MAX_SIMILAR = 5


@dataclass
class UnknownAbbreviation:
    """A word typed as an abbreviation that the index does not hold: the full
    names the curated list gives it, and the abbreviations like it (at most
    two edits away, one for three letters or fewer) that the index holds,
    each with a full name: nearest first, then those with as many digits,
    then the most used."""

    abbreviation: str
    names: list[str] = field(default_factory=list)
    similar: list[tuple[str, str]] = field(default_factory=list)

    @property
    def note(self) -> str:
        named = f" ({self.names[0]})" if self.names else ""
        out = f"abbreviation {self.abbreviation!r}{named} is not in the index"
        if self.similar:
            like = "; ".join(f"{a} — {name}" for a, name in self.similar)
            out += f"; similar abbreviations in the index: {like}"
        return out


def _typed_abbreviations(plan: Plan) -> list[Word]:
    """The query's words typed as abbreviations; none when the query is typed
    with caps lock on (two words or more in capitals, one a dictionary word)."""
    found = [w for w in plan.words if not w.parts and abbr.looks_like_abbreviation(w.raw)]
    capitals = [w for w in plan.words if w.raw.isupper()]
    if len(capitals) > 1 and any(morph().word_is_known(w.norm) for w in capitals):
        return []
    return found


def unknown_abbreviations(snap: Snapshot, plan: Plan) -> list[UnknownAbbreviation]:
    """The query's words typed as abbreviations that the index does not hold,
    each with the abbreviations like it that it does (see
    :class:`UnknownAbbreviation`)."""
    out = []
    for word in _typed_abbreviations(plan):
        if known(snap, word):
            continue
        key = abbr.abbreviation_key(word.raw)
        out.append(
            UnknownAbbreviation(
                word.raw, list(abbr.curated_names().get(key, ())), _similar(snap, key)
            )
        )
    return out


def _similar(snap: Snapshot, key: str) -> list[tuple[str, str]]:
    """(abbreviation, full name) of the abbreviations the index holds within
    reach of ``key``: those its text defines, and those of the curated list
    that its text uses."""
    limit = 1 if len(key) <= 3 else 2
    digits = sum(c.isdigit() for c in key)
    found: dict[str, tuple[int, bool, int]] = {}  # key -> (edits, other digits, -blocks)
    curated = abbr.curated_names()
    for other in [*snap.lexicon("abbr"), *curated]:
        if other in found or other == key:
            continue
        edits = abbr.edit_distance(key, other, limit)
        if edits > limit:
            continue
        blocks = snap.count("abbr", other) or min(
            snap.doc_frequency("content", SURFACE_MARK + part) for part in other.split()
        )
        if blocks:  # СПП: СПЧ before СП8 (a letter for a letter)
            found[other] = (edits, sum(c.isdigit() for c in other) != digits, -blocks)
    out = []
    for other in sorted(found, key=lambda k: (*found[k], k)):
        names = list(curated.get(other, ())) or snap.names_for(other)
        if names:
            out.append((other.upper(), abbr.dictionary_form(names[0])))
        if len(out) == MAX_SIMILAR:
            break
    return out
