"""Document families at query time: which documents of the index a revision
supersedes, which paragraphs a corrigendum corrects, what a family holds.

Nothing of this is stored: the index knows every document's symbol (the
``symbol`` field's terms), and :mod:`searchkit.families` reads the relations
from the symbols. :func:`families_of` works them out once per snapshot of
the index (a commit; cached), on either backend, so an incremental reindex
that adds a revision folds its original at the next search, by construction:

* **folding**: the blocks of a document some revision in the index
  supersedes, in the revision's language, and the first printing of a
  document reissued for technical reasons (``*``), are left out of a search
  (not shown, not counted) unless every version is asked for;
* **corrigenda**: a corrigendum's own text says what it corrects
  (``Пункт 2 … Вместо … читать``, ``Paragraph 2 … For … read``): those
  paragraphs of its parent, in the languages it concerns, are marked
  ``corrected_by`` it; one whose target cannot be read marks its whole parent;
* **members**: the documents of a family with their relation, date and
  languages, for ``show``.
"""

from __future__ import annotations

import weakref
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..analysis import SURFACE_MARK
from ..families import (
    ORIGINAL,
    REISSUE_WORDS,
    REISSUES,
    Symbol,
    bases,
    corrected_targets,
    document_type,
    is_reissue_note,
    names_block,
    only_languages,
    parse,
    supersedes,
)
from ..model import Hit
from .ranker import Ranked

#: At most this many blocks holding a word of a reissue note are read to find reissues.
REISSUE_BLOCKS = 200
#: Lines of a corrigendum that are its masthead's agenda item, not an instruction.
_AGENDA = ("повестк", "agenda", "ordre du jour", "programa", "جدول الأعمال", "议程")


@dataclass(frozen=True)
class Correction:
    """A corrigendum in the index: what it corrects and where."""

    symbol: str
    parent: str
    targets: tuple[str, ...] | None  # None: the whole parent
    languages: tuple[str, ...]  # empty: every language


@dataclass(frozen=True)
class Member:
    """One document of a family (every language version of one symbol)."""

    symbol: str  # as printed: a joint symbol whole, a reissue with its ``*``
    relation: str  # original, supersedes, corrects, adds, amends, summarises, reissues
    date: str | None
    languages: tuple[str, ...]
    of: str | None = None  # the symbol it relates to (its parent)
    superseded_by: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "relation": self.relation,
            "date": self.date,
            "languages": list(self.languages),
            "of": self.of,
            "superseded_by": list(self.superseded_by),
        }


@dataclass(frozen=True)
class Family:
    """The documents of the index with one base symbol."""

    base: str
    members: tuple[Member, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"base": self.base, "members": [m.to_dict() for m in self.members]}


@dataclass
class Families:
    """The families of one snapshot: the parts (non-joint symbol terms) of
    every family with more than one, and who supersedes and corrects whom."""

    snap: Any
    languages: dict[str, tuple[str, ...]] = field(default_factory=dict)  # part -> languages
    grouped: dict[str, list[Symbol]] = field(default_factory=dict)  # base -> its parts
    #: (part, language) -> the parts that supersede it there, latest first
    superseded: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    #: (symbol, language) -> sources of its reissues (their first printings are folded)
    reissued: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    corrections: list[Correction] = field(default_factory=list)
    _folded: np.ndarray | None = None
    _mask: np.ndarray | None = None

    # ------------------------------------------------------------- hits

    def supersedes_of(
        self, symbol: str | None, language: str | None = None, source: str | None = None
    ) -> tuple[str, ...]:
        """The symbols of the index a document with ``symbol`` supersedes (a
        reissue, ``source``: its own symbol, the first printing's)."""
        out: dict[str, None] = {}
        if source in self.reissued.get((symbol or "", language or ""), ()):
            out[symbol or ""] = None
        for me in _parts(symbol):
            for other in self.grouped.get(me.base, ()):
                if supersedes(me, other):
                    out.setdefault(other.symbol, None)
        return tuple(out)

    def superseded_by(
        self, symbol: str | None, language: str | None, source: str | None = None
    ) -> tuple[str, ...]:
        """The revisions in the index that replace this document in its
        language (the first printing of a reissue, ``source``: ``SYMBOL*``)."""
        out: dict[str, None] = {}
        reissues = self.reissued.get((symbol or "", language or ""))
        if reissues is not None and source is not None and source not in reissues:
            out[f"{symbol}*"] = None
        for me in _parts(symbol):
            for newer in self.superseded.get((me.symbol, language or ""), ()):
                out.setdefault(newer, None)
        return tuple(out)

    def corrected_by(
        self, symbol: str | None, language: str | None, kind: str, number: str | None
    ) -> tuple[str, ...]:
        """The corrigenda of the index that correct this block."""
        mine = {p.symbol for p in _parts(symbol)}
        return tuple(
            c.symbol
            for c in self.corrections
            if c.parent in mine
            and (not c.languages or (language or "") in c.languages)
            and (c.targets is None or any(names_block(t, kind, number) for t in c.targets))
        )

    def decorate(self, hit: Hit) -> Hit:
        """``hit`` with what it supersedes, what supersedes it (a search for
        every version shows it) and the corrigenda that correct it."""
        over = self.supersedes_of(hit.symbol, hit.language, hit.source)
        under = self.superseded_by(hit.symbol, hit.language, hit.source)
        fixed = self.corrected_by(hit.symbol, hit.language, hit.kind, hit.paragraph)
        if not over and not under and not fixed:
            return hit
        return replace(hit, supersedes=over, superseded_by=under, corrected_by=fixed)

    def current(self, rows: list[Any]) -> list[Any]:
        """Stored blocks without those of a reissue's first printing (all of
        them when nothing else is left: the first printing was asked for)."""
        if not self.reissued:
            return rows
        keep = [r for r in rows if not self._first_printing(r.document)]
        return keep or rows

    def _first_printing(self, document: Any) -> bool:
        sources = self.reissued.get((document.symbol or "", document.language or ""))
        return sources is not None and document.source not in sources

    # ------------------------------------------------------------- folding

    def folded(self, view: Any, named: list[str] | None = None) -> np.ndarray | None:
        """Flags of the blocks of ``view`` (the snapshot, or a Xapian window of
        it) that a later version replaces, but those of the ``named`` symbols;
        ``None`` when none is replaced."""
        ids = self.folded_blocks()
        if not len(ids):
            return None
        if named:
            ids = np.setdiff1d(
                ids, np.concatenate([_blocks(self.snap, "symbol", s) for s in named])
            )
        window = getattr(view, "ids", None)
        if view is self.snap or window is None:
            if not named and self._mask is not None:
                return self._mask
            out = np.zeros(view.n, dtype=bool)
            out[ids] = True
            if not named:
                self._mask = out
            return out
        return np.isin(np.asarray(window, dtype=np.int64), ids)  # its blocks' document ids

    def folded_blocks(self) -> np.ndarray:
        """The blocks of the snapshot that a later version replaces, in order
        (worked out once, from the posting lists of their symbols and languages)."""
        if self._folded is None:
            snap = self.snap
            found = [np.zeros(0, dtype=np.int64)]
            for part, lang in self.superseded:
                found.append(_intersect(_blocks(snap, "symbol", part), _blocks(snap, "lang", lang)))
            for (symbol, lang), sources in self.reissued.items():
                first = _intersect(_blocks(snap, "symbol", symbol), _blocks(snap, "lang", lang))
                for source in sources:
                    first = np.setdiff1d(first, _blocks(snap, "source", source))
                found.append(first)
            self._folded = np.unique(np.concatenate(found).astype(np.int64))
        return self._folded

    # ------------------------------------------------------------- show

    def family(self, symbol: str | None) -> Family | None:
        """The family of a document with ``symbol`` (of a joint one, the
        largest of its parts' families), its members in the order of their
        suffix chains: the base, then addenda, corrigenda, revisions…"""
        found = [self._family(base) for base in bases(symbol or "")]
        return max(found, key=lambda f: len(f.members)) if found else None

    def _family(self, base: str) -> Family:
        snap = self.snap
        parts = self.grouped.get(base)
        if parts is None:  # a family of one: its parts never grouped
            parts = [
                s for t in snap.expand_prefix("symbol", base) if (s := parse(t)) and s.base == base
            ]
            parts = [s for s in parts if snap.count("symbol", s.symbol)]
        members: list[Member] = []
        for part in sorted(parts, key=_order):
            langs = self.languages.get(part.symbol) or _languages(snap, part.symbol)
            printed: dict[str, list[str]] = {}
            date = None
            for lang in langs or ("",):
                doc = _document_of(snap, part.symbol, lang)
                if doc is not None:
                    printed.setdefault(doc.symbol or part.symbol, []).append(lang)
                    date = date or doc.date
            for shown, in_langs in printed.items():
                over = tuple(
                    dict.fromkeys(
                        s for lang in in_langs for s in self.superseded.get((part.symbol, lang), ())
                    )
                )
                members.append(
                    Member(
                        shown,
                        part.relation,
                        date,
                        tuple(sorted(filter(None, in_langs))),
                        part.parent,
                        over,
                    )
                )
            for (symbol, lang), sources in self.reissued.items():
                if symbol == part.symbol:
                    doc = snap.document_named(sources[0])
                    members.append(
                        Member(f"{symbol}*", REISSUES, doc.date if doc else None, (lang,), symbol)
                    )
        return Family(base, tuple(members))


def _order(s: Symbol) -> tuple[Any, ...]:
    return (s.chain, s.symbol)


def _parts(symbol: str | None) -> list[Symbol]:
    """The parts of a (joint) symbol, parsed."""
    if not symbol:
        return []
    from ..symbols import joint_parts

    parts = joint_parts(symbol)
    return [s for p in (parts[1:] if len(parts) > 1 else parts) if (s := parse(p))]


def _live(snap: Any, ids: np.ndarray) -> np.ndarray:
    live = getattr(snap, "live", None)
    return ids if live is None or not len(ids) else ids[live[ids]]


def _blocks(snap: Any, fieldname: str, text: str) -> np.ndarray:
    return np.sort(_live(snap, snap.postings(fieldname, text)[0]))


def _languages(
    snap: Any, symbol: str, lang_ids: dict[str, np.ndarray] | None = None
) -> tuple[str, ...]:
    """The languages in which the index holds blocks of ``symbol``."""
    ids = _blocks(snap, "symbol", symbol)
    if not len(ids):
        return ()
    lang_ids = lang_ids if lang_ids is not None else _lang_blocks(snap)
    out = []
    for lang, held in lang_ids.items():
        if len(held):
            where = np.minimum(np.searchsorted(held, ids), len(held) - 1)
            if (held[where] == ids).any():
                out.append(lang)
    return tuple(sorted(out))


def _intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.intersect1d(a, b, assume_unique=True)


def _lang_blocks(snap: Any) -> dict[str, np.ndarray]:
    return {lang: _blocks(snap, "lang", lang) for lang in snap.lexicon("lang") if lang}


def _document_of(snap: Any, symbol: str, lang: str) -> Any:
    """The stored document of ``symbol`` in ``lang`` (the first in the index)."""
    ids = _blocks(snap, "symbol", symbol)
    if lang:
        ids = ids[np.isin(ids, _blocks(snap, "lang", lang))]
    return snap.stored.document(int(ids[0])) if len(ids) else None


# ------------------------------------------------------------------ building

_CACHE: weakref.WeakKeyDictionary[Any, Families] = weakref.WeakKeyDictionary()


def families_of(snap: Any) -> Families:
    """The families of ``snap``, worked out once per commit (cached while its
    stored records live: a refreshed snapshot has new ones)."""
    found = _CACHE.get(snap.stored)
    if found is None:
        found = _CACHE[snap.stored] = _build(snap)
    return found


def _build(snap: Any) -> Families:
    fam = Families(snap)
    grouped: dict[str, list[Symbol]] = {}
    for term in snap.lexicon("symbol"):
        parsed = parse(term)
        if parsed is not None and parsed.symbol == term:
            grouped.setdefault(parsed.base, []).append(parsed)
    lang_ids: dict[str, np.ndarray] | None = None
    for base, parts in grouped.items():
        if len(parts) < 2:
            continue
        lang_ids = lang_ids if lang_ids is not None else _lang_blocks(snap)
        held = [(p, _languages(snap, p.symbol, lang_ids)) for p in parts]
        held = [(p, langs) for p, langs in held if langs]
        if len(held) < 2:
            continue
        fam.grouped[base] = [p for p, _ in held]
        fam.languages.update((p.symbol, langs) for p, langs in held)
        for older, old_langs in held:
            for lang in old_langs:
                newer = [n for n, langs in held if lang in langs and supersedes(n, older)]
                if newer:
                    newer.sort(key=_order, reverse=True)
                    fam.superseded[(older.symbol, lang)] = tuple(n.symbol for n in newer)
        fam.corrections += [
            _correction(snap, p) for p, _ in held if p.chain and p.chain[-1][0] == "Corr"
        ]
    fam.reissued = _reissues(snap)
    return fam


def _correction(snap: Any, corr: Symbol) -> Correction:
    """What the corrigendum ``corr`` corrects, read from its blocks (every
    language version of it: the targets each names, together)."""
    texts: dict[str, list[str]] = {}
    for block in _blocks(snap, "symbol", corr.symbol).tolist():
        row = snap.stored.block(block)
        if row.kind == "masthead" or any(w in row.text.lower() for w in _AGENDA):
            continue
        texts.setdefault(row.document.source, []).append(row.text)
    targets: dict[str, None] = {}
    whole = False
    only: dict[str, None] = {}
    for lines in texts.values():
        text = "\n".join(lines)
        found = corrected_targets(text)
        if found is None:
            whole = True
        else:
            targets.update(dict.fromkeys(found))
        only.update(dict.fromkeys(only_languages(text)))
    parent = corr.parent or corr.base
    return Correction(
        corr.symbol, parent, None if whole or not targets else tuple(targets), tuple(only)
    )


def _reissues(snap: Any) -> dict[tuple[str, str], tuple[str, ...]]:
    """(symbol, language) -> the sources of its reissues, for each reissue
    whose first printing is in the index too."""
    found: dict[tuple[str, str], set[str]] = {}
    read = 0
    for word in REISSUE_WORDS:
        for block in _blocks(snap, "content", SURFACE_MARK + word).tolist():
            read += 1
            if read > REISSUE_BLOCKS:
                break
            row = snap.stored.block(block)
            doc = row.document
            if doc.symbol and is_reissue_note(row.text):
                found.setdefault((doc.symbol, doc.language or ""), set()).add(doc.source)
    out = {}
    for (symbol, lang), sources in found.items():
        ids = _blocks(snap, "symbol", symbol)
        if lang:
            ids = ids[np.isin(ids, _blocks(snap, "lang", lang))]
        mine = np.zeros(0, dtype=ids.dtype)
        for source in sources:
            mine = np.union1d(mine, _blocks(snap, "source", source))
        if len(np.setdiff1d(ids, mine)):  # a first printing is there too
            out[(symbol, lang)] = tuple(sorted(sources))
    return out


def fold(snap: Any, view: Any, ranked: Ranked, plan: Any = None) -> tuple[Ranked, int]:
    """``ranked`` without the blocks of ``view`` that a later version in the
    index replaces (:meth:`Families.folded`), except those of a document the
    query names by its symbol (``A/HRC/55/10``, ``symbol:A/HRC/55/10``), and
    how many matching blocks were left out."""
    folded = families_of(snap).folded(view, _named(plan))
    if folded is None:
        return ranked, 0
    keep = ~folded
    dropped = int((ranked.mask & folded).sum())
    return Ranked(
        np.where(keep, ranked.scores, 0.0), ranked.mask & keep, ranked.whole & keep
    ), dropped


def _named(plan: Any) -> list[str]:
    """The symbols a plan names: bare ones, and ``symbol:`` filters (not under a NOT)."""
    from ..query import plan as p

    named = list(getattr(plan, "symbols", ()))
    for node in getattr(plan, "limits", ()):
        if isinstance(node, p.FieldMatch) and node.field == "symbol":
            named.append(node.value)
    return named


# ------------------------------------------------------------------ facets


def type_counts(snap: Any, view: Any, found: np.ndarray) -> dict[Any, int]:
    """How many flagged blocks of ``view`` are of each document type (read
    from their symbol: :func:`searchkit.families.document_type`)."""
    if view is snap and hasattr(view, "mask"):
        codes, labels = view.mask(("families", "types"), lambda: _type_codes(view))
        tally = np.bincount(codes[found] + 1, minlength=len(labels) + 1)
        out: dict[Any, int] = {None: int(tally[0])} if tally[0] else {}
        out.update((labels[i], int(c)) for i, c in enumerate(tally[1:]) if c)
        return out
    counted: Counter[Any] = Counter()
    for i in np.flatnonzero(found).tolist():
        counted[document_type(view.stored.document(i).symbol)] += 1
    return dict(counted)


def _type_codes(view: Any) -> tuple[np.ndarray, list[str]]:
    labels: list[str] = []
    codes = np.full(view.n, -1, dtype=np.int64)
    terms = list(view.lexicon("symbol"))
    # a joint symbol's whole term last: its type is its first part's, set over the parts'
    for term in sorted(terms, key=lambda t: parse(t) is None):
        label = document_type(term)
        if label is None:
            continue
        if label not in labels:
            labels.append(label)
        codes[view.term_mask("symbol", [term])] = labels.index(label)
    return codes, labels


__all__ = [
    "ORIGINAL",
    "Correction",
    "Families",
    "Family",
    "Member",
    "families_of",
    "fold",
    "type_counts",
]
