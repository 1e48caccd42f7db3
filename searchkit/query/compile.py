"""Compiling the query tree (:mod:`.syntax`) into a :class:`~.plan.Plan`.

Words become :class:`~.plan.WordMatch` (every reading, the surface form, the
parts of a dashed word); ``=form`` a :class:`~.plan.FormMatch`; ``prefix*``
expands over the surface forms the index holds (at most
:data:`MAX_EXPANSION`); phrases and ``"…"~N`` a :class:`~.plan.PhraseMatch`;
filters their field's value, prefix or range. Stop words are left out of
plain word lists (never out of phrases). Besides what must match, the plan
names what only adds to the score: the query's lemmas in the document title,
the block a label and a number name (``статья 51``), the words whose
closeness counts. It also tells the highlighter what to mark.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from itertools import pairwise
from typing import Any, Protocol

from ..analysis import STOP_WORDS, SURFACE_MARK, iter_words, lemmas, relative_stem, semantic
from ..analysis import abbreviations as abbr
from ..errors import QueryError
from ..families import bases
from ..families import parse as parse_symbol
from ..symbols import canonical, fold_lookalikes
from . import plan as p
from .syntax import And, Filter, Must, Not, Or, Phrase, Symbol, Word, parse_tree

#: A ``prefix*`` may stand for at most this many word forms of the index.
MAX_EXPANSION = 200
#: Label words (lemmas) -> the kinds of block they name by number ("статья 51").
NUMBER_LABELS = {
    "статья": ("article",), "article": ("article",), "articl": ("article",),
    "пункт": ("paragraph", "subparagraph"), "параграф": ("paragraph",),
    "paragraph": ("paragraph", "subparagraph"), "para": ("paragraph", "subparagraph"),
}  # fmt: skip


class Vocabulary(Protocol):
    """What the compiler asks of an index: the terms of a field that start so,
    and the abbreviations its text defines (both ways)."""

    def expand_prefix(self, fieldname: str, prefix: str) -> Iterator[str]: ...

    def names_for(self, abbreviation: str) -> list[str]: ...

    def abbreviations_for(self, name: str) -> list[str]: ...


#: At most this many derivational relatives of a word are looked for, each at
#: most MAX_RELATIVE_EXTRA letters longer than the word's lemma (a longer one is
#: a compound more than a relative: закон, законодательство).
MAX_RELATIVES = 12
MAX_RELATIVE_EXTRA = 5
#: At most this many full names (or abbreviations) are added for one word.
MAX_ALTERNATIVES = 3


def parse(text: str, vocabulary: Vocabulary | None = None) -> p.Plan:
    """Parse and compile ``text``; ``vocabulary`` (an index) expands ``prefix*``
    (without one, a prefix matches nothing: ``explain`` needs no index)."""
    tree = parse_tree(text)
    if tree is None:
        raise QueryError(text, "nothing to search for")
    return _Compiler(text, vocabulary).compile(tree)


class _Compiler:
    def __init__(self, text: str, vocabulary: Vocabulary | None) -> None:
        self.text = text
        self.vocabulary = vocabulary
        self.plan = p.Plan(text, None)
        self.negated = 0  # > 0 while compiling under a NOT: nothing to highlight there

    def compile(self, tree: Any) -> p.Plan:
        children = list(tree.children) if isinstance(tree, And) else [tree]
        positive = [c for c in children if not isinstance(c, Not | Filter)]
        content = [c for c in positive if not isinstance(c, Symbol)]
        if len(content) > 1 and any(not _stop(c) for c in content):
            self.plan.dropped += [c.norm for c in content if _stop(c)]
            positive = [c for c in positive if not _stop(c)]
        restrict = [c for c in children if isinstance(c, Not | Filter)]
        if not positive and not any(isinstance(c, Filter) for c in restrict):
            raise QueryError(self.text, "only excluded words: add a word to search for")
        result = self.plan
        result.tree = tree
        result.required = frozenset(i for i, c in enumerate(positive) if isinstance(c, Must))
        positive = [c.child if isinstance(c, Must) else c for c in positive]
        clauses = [self.node(c) for c in positive]
        result.limits = tuple(self.node(c) for c in restrict)
        words = [w for w in positive if isinstance(w, Word) and not w.prefix]
        result.near = tuple(self.word_match(w) for w in words)
        result.numbered = _numbered(words)
        result.optional = _naming(positive)
        result.title = tuple(sorted(result.lemmas))
        result.clauses = tuple(self.alternatives(positive, clauses))
        return result

    # ---------------------------------------------------------------- abbreviations

    def alternatives(self, words: list[Any], clauses: list[p.Node]) -> list[p.Node]:
        """``clauses`` with abbreviations and full names added as alternatives:
        an abbreviation the curated list or the indexed text defines may also
        be matched by its full name, and a run of words that is a full name
        by its abbreviation."""
        out = list(clauses)
        plain = [isinstance(w, Word) and not (w.exact or w.prefix) for w in words]
        used: set[int] = set()
        for size in range(min(len(words), abbr.MAX_NAME_WORDS), 1, -1):  # a full name
            for i in range(len(words) - size + 1):
                span = range(i, i + size)
                if not all(plain[j] for j in span) or used.intersection(span):
                    continue
                short = self._abbreviations(" ".join(words[j].raw for j in span))
                if short:
                    used.update(span)
                    for j in span:
                        out[j] = _with(out[j], [_spelled(a, exact=True) for a in short])
                    self._mark([a for a in short], exact=True)
        for i, w in enumerate(words):  # an abbreviation
            if plain[i] and i not in used:
                names = self._names(abbr.abbreviation_key(w.raw))
                if names:
                    out[i] = _with(out[i], [_spelled(n) for n in names])
                    self._mark(names)
        return out

    def _names(self, key: str) -> list[str]:
        found = list(abbr.curated_names().get(key, ()))
        if self.vocabulary is not None:
            found += self.vocabulary.names_for(key)
        return _distinct_by(found, abbr.name_key)[:MAX_ALTERNATIVES]

    def _abbreviations(self, name: str) -> list[str]:
        key = abbr.name_key(name)
        if " " not in key:
            return []
        found = [abbr.abbreviation_key(a) for a in abbr.curated_abbreviations().get(key, ())]
        if self.vocabulary is not None:
            found += self.vocabulary.abbreviations_for(key)
        return list(dict.fromkeys(found))[:MAX_ALTERNATIVES]

    def _mark(self, texts: list[str], exact: bool = False) -> None:
        """Highlight the words of the alternatives too (each as a phrase)."""
        for text in texts:
            group = -1 - len(self.plan.highlight)
            found = [w for w in iter_words(text) if not w.whole]
            for w in found:
                self.plan.highlight.append(
                    p.HighlightTerm(
                        frozenset(() if exact else lemmas(w.text)),
                        w.text,
                        exact,
                        best=lemmas(w.text)[0],
                        phrase=group if len(found) > 1 else None,
                        kind="alternative",
                    )
                )

    def relatives(self, word: p.WordMatch) -> p.WordMatch:
        """``word`` with its derivational relatives among the index's lemmas
        (and its semantic neighbours there, when they are on)."""
        if not word.readings or self.vocabulary is None or self.negated:
            return word
        stem = relative_stem(word.readings[0])
        found = [
            t
            for t in (self.vocabulary.expand_prefix("content", stem) if stem else ())
            if not t.startswith(SURFACE_MARK)
            and "-" not in t
            and t not in word.readings
            and len(t) <= len(word.readings[0]) + MAX_RELATIVE_EXTRA
        ]
        found.sort(key=lambda t: (abs(len(t) - len(word.readings[0])), t))
        kept = tuple(found[:MAX_RELATIVES])
        kept += tuple(n for n in self._neighbours(word.readings[0]) if n not in word.readings)
        if kept:
            self.plan.highlight.append(
                p.HighlightTerm(frozenset(kept), best=kept[0], kind="relative")
            )
        return replace(word, relatives=kept)

    def _neighbours(self, lemma: str) -> tuple[str, ...]:
        """The lemmas of the index nearest ``lemma`` in meaning (:mod:`semantic`)."""
        if semantic.MAX_NEIGHBOURS <= 0:
            return ()
        vocabulary = self.vocabulary
        assert vocabulary is not None
        key = tuple(getattr(vocabulary, k, id(vocabulary)) for k in ("root", "generation", "n"))

        def terms() -> Iterator[str]:
            for first in "абвгдежзийклмнопрстуфхцчшщэюя":
                yield from vocabulary.expand_prefix("content", first)

        return semantic.neighbours(key, terms, lemma)

    # ---------------------------------------------------------------- nodes

    def node(self, node: Any) -> p.Node:
        if isinstance(node, And):
            return p.AllOf(tuple(self.node(c) for c in node.children))
        if isinstance(node, Or):  # a stop word is no alternative of its own
            kept = [c for c in node.children if not _stop(c)] or list(node.children)
            self.plan.dropped += [c.norm for c in node.children if c not in kept]
            if len(kept) == 1:
                return self.node(kept[0])
            return p.AnyOf(tuple(self.node(c) for c in kept))
        if isinstance(node, Must):  # +word inside parentheses: the word
            return self.node(node.child)
        if isinstance(node, Not):
            self.negated += 1
            try:
                return p.NoneOf(self.node(node.child))
            finally:
                self.negated -= 1
        if isinstance(node, Filter):
            self.plan.filters.append(node)
            return self.filter(node)
        if isinstance(node, Symbol):
            self.plan.symbols.append(node.symbol)
            return p.SymbolMatch(node.symbol, node.prefix)
        if isinstance(node, Phrase):
            return self.phrase(node)
        self._note(node)
        found = self.word_match(node)
        return self.relatives(found) if isinstance(found, p.WordMatch) else found

    def _note(self, w: Word, phrase: int | None = None, slop: int | None = None) -> None:
        if self.negated:
            return
        self.plan.highlight.append(
            p.HighlightTerm(
                frozenset(w.lemmas),
                w.norm,
                w.exact,
                w.prefix,
                w.lemmas[0] if w.lemmas else "",
                phrase,
                slop,
            )
        )
        if not w.exact and not w.prefix:
            self.plan.words.append(w)
        if phrase is None and not w.exact and not w.prefix and len(w.parts) > 1:
            for part in w.parts:  # a dashed word's parts, found apart too
                readings = lemmas(part)
                self.plan.highlight.append(
                    p.HighlightTerm(frozenset(readings), best=readings[0], kind="relative")
                )

    def word_match(self, w: Word) -> p.PhraseWord:
        if w.exact:
            return p.FormMatch(w.norm)
        if w.prefix:
            return p.PrefixMatch(w.norm, self.expand(w))
        parts = tuple(lemmas(part) for part in w.parts) if len(w.parts) > 1 else ()
        return p.WordMatch(w.lemmas, w.norm, parts)

    def expand(self, w: Word) -> tuple[str, ...]:
        """The surface forms of the index that start with ``w``."""
        if self.vocabulary is None:
            return ()
        forms = []
        for term in self.vocabulary.expand_prefix("content", SURFACE_MARK + w.norm):
            forms.append(term[len(SURFACE_MARK) :])
            if len(forms) > MAX_EXPANSION:
                raise QueryError(
                    self.text,
                    f"prefix {w.raw}* matches more than {MAX_EXPANSION} word forms; "
                    "type more letters",
                    w.start,
                )
        return tuple(forms)

    def phrase(self, phrase: Phrase) -> p.PhraseMatch:
        for w in phrase.words:
            self._note(w, phrase.start, phrase.slop)
        words = tuple(self.word_match(w) for w in phrase.words)
        return p.PhraseMatch(words, None if phrase.slop is None else max(1, phrase.slop))

    # ---------------------------------------------------------------- filters

    def filter(self, f: Filter) -> p.Node:
        value = f.value
        if f.field == "family":  # every document of the index with that base symbol
            found = family_symbols(value, self.vocabulary)
            if found is None:
                raise QueryError(self.text, f"family: {value!r} is not a UN symbol", f.start)
            return found
        if f.field in ("symbol", "body", "cites"):
            prefix = value.endswith("*")
            bare = value.rstrip("*")
            sym = canonical(bare.rstrip("/")) or _loose_symbol(bare.rstrip("/"))
            if not sym:
                raise QueryError(self.text, f"{f.field}: {value!r} is not a UN symbol", f.start)
            if prefix:
                return p.FieldPrefix(f.field, sym + "/" if bare.endswith("/") else sym)
            return p.FieldMatch(f.field, sym)
        if f.field == "year":
            lo, hi, lo_ex, hi_ex = _range(self.text, f, r"\d{4}", "YYYY")
            lo_n = int(lo) + lo_ex if lo else None
            hi_n = int(hi) - hi_ex if hi else None
            return p.FieldRange("year", lo_n, hi_n)
        if f.field == "date":
            lo, hi, lo_ex, hi_ex = _range(
                self.text, f, r"\d{4}(?:-\d{2}(?:-\d{2})?)?", "YYYY, YYYY-MM or YYYY-MM-DD"
            )
            if lo is not None and lo == hi and not lo_ex:
                return p.FieldPrefix("date", lo)
            start = (lo + "\uffff") if lo and lo_ex else lo
            end = hi if hi is None or hi_ex else hi + "\uffff"
            return p.FieldRange("date", start, end, hi_excl=bool(hi_ex))
        return p.FieldMatch(f.field, value.lower())


def _with(node: p.Node, alternatives: list[p.Node]) -> p.Node:
    """A clause that may also be matched by ``alternatives`` (a plain word
    gets them; anything else becomes an alternative among them)."""
    if isinstance(node, p.WordMatch):
        return replace(node, alternatives=node.alternatives + tuple(alternatives))
    return node


def _spelled(text: str, exact: bool = False) -> p.PhraseWord | p.PhraseMatch:
    """An abbreviation (``exact``: as written) or a full name as a plan node:
    one word, or the words in a row."""
    words = [w.text for w in iter_words(text) if not w.whole]
    nodes: list[p.PhraseWord] = [
        p.FormMatch(w) if exact else p.WordMatch(lemmas(w), w) for w in words
    ]
    return nodes[0] if len(nodes) == 1 else p.PhraseMatch(tuple(nodes))


def _distinct_by(items: list[str], key: Any) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(key(item), item)
    return list(seen.values())


def _stop(node: Any) -> bool:
    return isinstance(node, Word) and not node.exact and node.norm in STOP_WORDS


def _numbered(words: list[Word]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """ "Статья 51", "пункт 7", "para. 3": the number and the kinds of block it names."""
    found = []
    for label, number in pairwise(words):
        kinds = next((NUMBER_LABELS[lem] for lem in label.lemmas if lem in NUMBER_LABELS), None)
        if kinds and number.norm.isdigit():
            found.append((number.norm, kinds))
    return tuple(found)


def _naming(positive: list[Any]) -> frozenset[int]:
    """The clauses (indexes into ``positive``) that are a label and a number
    naming a block (``A/HRC/WG.6/34/ITA/3 пункт 36``): a paragraph does not
    print its own label and number, so a hit need not hold them; only when
    the query has other clauses to match."""
    found: set[int] = set()
    for i in range(len(positive) - 1):
        label, number = positive[i], positive[i + 1]
        if not (isinstance(label, Word) and isinstance(number, Word)) or label.exact:
            continue
        if number.norm.isdigit() and any(lem in NUMBER_LABELS for lem in label.lemmas):
            found.update((i, i + 1))
    return frozenset(found) if len(found) < len(positive) else frozenset()


def family_symbols(value: str, vocabulary: Vocabulary | None) -> p.Node | None:
    """``family:VALUE`` as a filter: the symbols of the index whose base is
    VALUE's (a joint symbol: either part's); ``None`` if VALUE is no symbol."""
    symbol = canonical(value.rstrip("*"))
    found = bases(symbol) if symbol else []
    if not found:
        return None
    nodes: list[p.Node] = []
    for base in found:
        if vocabulary is None:  # explain without an index: the base and what hangs from it
            nodes += [p.FieldMatch("symbol", base), p.FieldPrefix("symbol", base + "/")]
            continue
        held = [t for t in vocabulary.expand_prefix("symbol", base) if _in_family(t, base)]
        nodes += [p.FieldMatch("symbol", t) for t in held or [base]]
    return p.AnyOf(tuple(nodes))  # never a bare symbol: that one names a document


def _in_family(term: str, base: str) -> bool:
    parsed = parse_symbol(term)
    return parsed is not None and parsed.base == base and parsed.symbol == term


def _loose_symbol(text: str) -> str | None:
    text = fold_lookalikes(text).upper()
    return text if re.fullmatch(r"[A-Z][A-Z0-9.]*(?:/[A-Z0-9.()\-]+)*", text) else None


def _range(text: str, f: Filter, unit: str, shape: str) -> tuple[Any, Any, bool, bool]:
    """Read ``V``, ``A..B``, ``A..``, ``..B``, ``>=V``, ``>V``, ``<=V``, ``<V``.

    Returns (lo, hi, lo_excl, hi_excl).
    """
    v = f.value
    if m := re.fullmatch(rf"({unit})?\.\.({unit})?", v):
        if m.group(1) or m.group(2):
            return m.group(1), m.group(2), False, False
    elif m := re.fullmatch(rf"(>=|<=|>|<)({unit})", v):
        op, val = m.groups()
        if op.startswith(">"):
            return val, None, op == ">", False
        return None, val, False, op == "<"
    elif re.fullmatch(unit, v):
        return v, v, False, False
    raise QueryError(
        text, f"{f.field}: expects {shape}, a range A..B or >=, <= (got {v!r})", f.start
    )
