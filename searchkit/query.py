"""Compiling the query tree (:mod:`searchkit.qparse`) into whoosh queries.

Words become an OR of their lemmas in the block text and its heading (the
most probable reading fully weighted, the others at ``OTHER_READING_BOOST``)
plus a bonus for the exact form typed; phrases and ``~N`` become span queries
over the ``content`` field, which holds lemmas and ``=form`` surface tokens at
the same positions; ``prefix*`` expands over the index's surface forms (at
most ``MAX_EXPANSION``); filters score nothing. Optional clauses add the
document title and the proximity of the query words to the score. The result,
:class:`ParsedQuery`, also tells the highlighter what to mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any

from .analysis import SURFACE_MARK, lemmas
from .errors import QueryError
from .qparse import (  # re-exported: the query language's public names live here too
    FILTER_FIELDS,
    MAX_DEPTH,
    MAX_QUERY_CHARS,
    And,
    Filter,
    Not,
    Or,
    Phrase,
    Symbol,
    Word,
    check,
    from_latin_layout,
    latin_layout_words,
    parse_tree,
    show_tree,
)
from .symbols import canonical, fold_lookalikes

__all__ = [
    "FILTER_FIELDS",
    "MAX_DEPTH",
    "MAX_QUERY_CHARS",
    "STOP_WORDS",
    "And",
    "Filter",
    "HighlightTerm",
    "Not",
    "Or",
    "ParsedQuery",
    "Phrase",
    "Symbol",
    "Word",
    "check",
    "from_latin_layout",
    "latin_layout_words",
    "parse",
    "parse_tree",
    "show_tree",
]

#: Fields a word must be found in (boosts live in the schema). The document
#: title only adds to the score of blocks that match by themselves.
TEXT_FIELDS = ("content", "heading_t")
BOOST_FIELD = "title_t"
#: A ``prefix*`` may stand for at most this many word forms of the index.
MAX_EXPANSION = 200
#: Score weights: a less probable reading of an ambiguous word, the exact
#: surface form typed, and query words found close together.
OTHER_READING_BOOST = 0.5
EXACT_FORM_BOOST = 0.6
PROXIMITY_BOOST = 0.5
#: Score added to the block a label + number in the query names ("статья 51", "para 7").
NUMBER_BONUS = 25.0
#: Label words (lemmas) -> the kinds of block they name by number.
NUMBER_LABELS = {
    "статья": ("article",), "article": ("article",), "articl": ("article",),
    "пункт": ("paragraph", "subparagraph"), "параграф": ("paragraph",),
    "paragraph": ("paragraph", "subparagraph"), "para": ("paragraph", "subparagraph"),
}  # fmt: skip
PROXIMITY_SLOP = 4
#: Proximity is scored for the first this many words only (span queries are costly).
PROXIMITY_WORDS = 8

#: Words that carry no meaning on their own; dropped from plain word lists
#: (never from phrases). Negations and quantifiers are deliberately absent.
STOP_WORDS = frozenset(
    {
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
    }
)

# --------------------------------------------------------------------------- compiled query


@dataclass
class HighlightTerm:
    """What marks a word of the block text as a match of one query word."""

    lemmas: frozenset[str] = frozenset()
    surface: str = ""
    exact: bool = False
    prefix: bool = False
    best: str = ""  # the most probable lemma of the query word
    phrase: int | None = None  # words of one phrase share a number: marked only together
    slop: int | None = None  # the phrase's ~N


@dataclass
class ParsedQuery:
    """A parsed query: the tree, the whoosh queries, and what the highlighter needs."""

    text: str
    tree: Any
    query: Any = None  # whoosh query requiring every part
    any_query: Any = None  # any part may match (fallback), or the same object
    # The same two without the proximity clauses, which a bulk scorer adds itself
    # (searchkit.scoring.proximity): ``near`` holds their word pairs, each word
    # as the content terms that stand for it.
    core: Any = None
    any_core: Any = None
    near: list[tuple[list[Any], list[Any]]] = field(default_factory=list)
    highlight: list[HighlightTerm] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # stop words left out
    filters: list[Filter] = field(default_factory=list)
    symbols: list[str] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)  # plain words (did-you-mean)

    @property
    def lemmas(self) -> set[str]:
        return {lem for h in self.highlight for lem in h.lemmas}


def parse(text: str, reader: Any = None) -> ParsedQuery:
    """Parse and compile ``text``; ``reader`` (a whoosh reader) bounds ``prefix*``."""
    tree = parse_tree(text)
    if tree is None:
        raise QueryError(text, "nothing to search for")
    return _Compiler(text, reader).compile(tree)


class _Compiler:
    def __init__(self, text: str, reader: Any) -> None:
        self.text = text
        self.reader = reader
        self.result = ParsedQuery(text, None)
        self.negated = 0  # > 0 while compiling under a NOT: nothing to highlight there

    def compile(self, tree: Any) -> ParsedQuery:
        from whoosh import query as q

        children = list(tree.children) if isinstance(tree, And) else [tree]
        positive = [c for c in children if not isinstance(c, Not | Filter)]
        content = [c for c in positive if not isinstance(c, Symbol)]
        if len(content) > 1 and any(not self._stop(c) for c in content):
            for c in content:
                if self._stop(c):
                    self.result.dropped.append(c.norm)
            positive = [c for c in positive if not self._stop(c)]
        restrict = [c for c in children if isinstance(c, Not | Filter)]
        if not positive and not any(isinstance(c, Filter) for c in restrict):
            raise QueryError(self.text, "only excluded words: add a word to search for")
        parts = [self.node(c) for c in positive]
        limits = [self.node(c) for c in restrict]
        required = _and(parts + limits) if parts or limits else q.NullQuery
        anyq: Any = required
        if len(parts) > 1:
            anyq = _and([q.Or(parts), *limits])
        if len(parts) <= 1:
            anyq = required
        bonus = self._bonus(positive)
        near = self._near(positive)
        r = self.result
        r.core = q.AndMaybe(required, q.Or(bonus)) if bonus else required
        r.any_core = q.AndMaybe(anyq, q.Or(bonus)) if bonus and anyq is not required else r.core
        r.query = q.AndMaybe(required, q.Or(bonus + near)) if bonus + near else required
        r.any_query = r.query
        if anyq is not required:
            r.any_query = q.AndMaybe(anyq, q.Or(bonus + near)) if bonus + near else anyq
        r.tree = tree
        return r

    @staticmethod
    def _stop(node: Any) -> bool:
        return isinstance(node, Word) and not node.exact and node.norm in STOP_WORDS

    def _bonus(self, positive: list[Any]) -> list[Any]:
        """Optional clauses: title words, and the block a label + number names."""
        from whoosh import query as q

        lems = sorted(self.result.lemmas)
        bonus: list[Any] = [q.Or([q.Term(BOOST_FIELD, lem) for lem in lems])] if lems else []
        return bonus + _numbered_blocks(_proximity_words(positive))

    def _near(self, positive: list[Any]) -> list[Any]:
        """Optional clauses: consecutive query words close to each other."""
        from whoosh import query as q

        clauses = []
        for a, b in pairwise(_proximity_words(positive)):
            near = _near([self.span(a), self.span(b)], slop=PROXIMITY_SLOP, ordered=False)
            near.boost = PROXIMITY_BOOST
            clauses.append(near)
            pair = (
                [q.Term("content", t) for t in _span_terms(a)],
                [q.Term("content", t) for t in _span_terms(b)],
            )
            self.result.near.append(pair)
        return clauses

    # ---------------------------------------------------------------- nodes

    def node(self, node: Any) -> Any:
        from whoosh import query as q

        if isinstance(node, And):
            return _and([self.node(c) for c in node.children])
        if isinstance(node, Or):
            return q.Or([self.node(c) for c in node.children])
        if isinstance(node, Not):
            self.negated += 1
            try:
                return q.Not(self.node(node.child))
            finally:
                self.negated -= 1
        if isinstance(node, Filter):
            self.result.filters.append(node)
            return q.ConstantScoreQuery(self.filter(node), 0.0)
        if isinstance(node, Symbol):
            self.result.symbols.append(node.symbol)
            if node.prefix:
                return q.Or([q.Prefix("symbol", node.symbol), q.Prefix("cites", node.symbol)])
            return q.Or([q.Term("symbol", node.symbol), q.Term("cites", node.symbol)])
        if isinstance(node, Phrase):
            return self.phrase(node)
        return self.word(node)

    def _note(self, w: Word, phrase: int | None = None, slop: int | None = None) -> None:
        if self.negated:
            return
        self.result.highlight.append(
            HighlightTerm(
                frozenset(w.lemmas),
                w.norm,
                w.exact,
                w.prefix,
                w.lemmas[0] if w.lemmas else "",
                phrase,
                slop,
            )
        )
        if phrase is None and not w.exact and not w.prefix:
            self.result.words.append(w)

    def word(self, w: Word) -> Any:
        from whoosh import query as q

        self._note(w)
        if w.prefix:  # scored like any word: a plain OR of the forms it stands for
            return self.prefix(w, span=False)
        if w.exact:
            return self.span(w)
        terms: list[Any] = []
        for i, lem in enumerate(w.lemmas):
            boost = 1.0 if i == 0 else OTHER_READING_BOOST
            terms += [q.Term(f, lem, boost=boost) for f in TEXT_FIELDS]
        terms.append(q.Term("content", SURFACE_MARK + w.norm, boost=EXACT_FORM_BOOST))
        if len(w.parts) > 1:  # also written with another dash, or its parts apart
            terms.append(self._parts(w))
        return q.Or(terms)

    def _parts(self, w: Word) -> Any:
        from whoosh import query as q

        spans = [_any([q.Term("content", lem) for lem in lemmas(p)]) for p in w.parts]
        return _near(spans, slop=1, ordered=True)

    def span(self, w: Word) -> Any:
        """A span-capable query for one word (content field only)."""
        from whoosh import query as q

        if w.exact:
            return q.Term("content", SURFACE_MARK + w.norm)
        if w.prefix:
            return self.prefix(w)
        terms = [q.Term("content", lem) for lem in w.lemmas]
        if len(w.parts) > 1:
            terms.append(self._parts(w))
        return terms[0] if len(terms) == 1 else _any(terms)

    def prefix(self, w: Word, span: bool = True) -> Any:
        """The word forms of the index that start with ``w`` (a span query when
        ``span``, for phrases)."""
        from whoosh import query as q

        stem = SURFACE_MARK + w.norm
        if self.reader is None:
            return q.Prefix("content", stem)
        forms = []
        for term in self.reader.expand_prefix("content", stem):
            forms.append(term.decode("utf-8") if isinstance(term, bytes) else term)
            if len(forms) > MAX_EXPANSION:
                raise QueryError(
                    self.text,
                    f"prefix {w.raw}* matches more than {MAX_EXPANSION} word forms; "
                    "type more letters",
                    w.start,
                )
        if not forms:
            return q.NullQuery
        terms = [q.Term("content", f) for f in forms]
        return _any(terms) if span else q.Or(terms)

    def phrase(self, p: Phrase) -> Any:
        group = p.start
        for w in p.words:
            self._note(w, group, p.slop)
            if not w.exact and not w.prefix:
                self.result.words.append(w)
        spans = [self.span(w) for w in p.words]
        if p.slop is None:
            return _near(spans, slop=1, ordered=True)
        return _near(spans, slop=max(1, p.slop), ordered=False)

    # ---------------------------------------------------------------- filters

    def filter(self, f: Filter) -> Any:
        from whoosh import query as q

        value = f.value
        if f.field in ("symbol", "body", "cites"):
            prefix = value.endswith("*")
            bare = value.rstrip("*")
            sym = canonical(bare.rstrip("/")) or _loose_symbol(bare.rstrip("/"))
            if not sym:
                raise QueryError(self.text, f"{f.field}: {value!r} is not a UN symbol", f.start)
            if prefix:
                sym = sym + "/" if bare.endswith("/") else sym
                return q.Prefix(f.field, sym)
            return q.Term(f.field, sym)
        if f.field == "year":
            lo, hi, lo_ex, hi_ex = _range(self.text, f, r"\d{4}", "YYYY")
            lo_n = int(lo) + lo_ex if lo else None
            hi_n = int(hi) - hi_ex if hi else None
            return q.NumericRange("year", lo_n, hi_n)
        if f.field == "date":
            lo, hi, lo_ex, hi_ex = _range(
                self.text, f, r"\d{4}(?:-\d{2}(?:-\d{2})?)?", "YYYY, YYYY-MM or YYYY-MM-DD"
            )
            if lo is not None and lo == hi and not lo_ex:
                return q.Prefix("date", lo)
            start = (lo + "\uffff") if lo and lo_ex else lo
            end = hi if hi is None or hi_ex else hi + "\uffff"
            return q.TermRange("date", start, end, startexcl=False, endexcl=bool(hi_ex))
        return q.Term(f.field, value.lower())


def _proximity_words(positive: list[Any]) -> list[Word]:
    return [w for w in positive if isinstance(w, Word) and not w.prefix][:PROXIMITY_WORDS]


def _span_terms(w: Word) -> list[str]:
    """The content terms :meth:`_Compiler.span` matches for a word (its parts,
    for a word written with a dash, are left out)."""
    return [SURFACE_MARK + w.norm] if w.exact else list(w.lemmas)


def _numbered_blocks(words: list[Word]) -> list[Any]:
    """ "Статья 51", "пункт 7", "para. 3": the block of that kind with that number."""
    from whoosh import query as q

    found = []
    for label, number in pairwise(words):
        kinds = next((NUMBER_LABELS[lem] for lem in label.lemmas if lem in NUMBER_LABELS), None)
        if kinds and number.norm.isdigit():
            named = q.And([q.Term("number", number.norm), q.Or([q.Term("kind", k) for k in kinds])])
            found.append(q.ConstantScoreQuery(named, score=NUMBER_BONUS))
    return found


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


@lru_cache(maxsize=1)
def _span_types() -> tuple[type, type]:
    """whoosh's SpanNear2 and SpanOr with working size estimates (2.7.4 raises
    NameError / NotImplementedError there when they sit inside an Or)."""
    from whoosh import query as q
    from whoosh.matching import WrappingMatcher
    from whoosh.query.spans import SpanNear2, SpanOr

    def size(query: Any, reader: Any) -> int:
        try:
            return int(query.estimate_size(reader))
        except (NotImplementedError, NameError):
            return int(reader.doc_count_all())

    class Near(SpanNear2):  # type: ignore[misc,valid-type]
        def _and_query(self) -> Any:
            return q.And(self.qs)

        def estimate_size(self, reader: Any) -> int:
            return min(size(sub, reader) for sub in self.qs)

        def estimate_min_size(self, reader: Any) -> int:
            return 0

        def matcher(self, searcher: Any, context: Any = None) -> Any:
            found = super().matcher(searcher, context)
            boost = getattr(self, "boost", 1.0)
            return found if boost == 1.0 else WrappingMatcher(found, boost=boost)

    class AnyOf(SpanOr):  # type: ignore[misc,valid-type]
        def estimate_size(self, reader: Any) -> int:
            return sum(size(sub, reader) for sub in self.subqs)

        def estimate_min_size(self, reader: Any) -> int:
            return 0

    return Near, AnyOf


def _near(qs: list[Any], slop: int = 1, ordered: bool = True) -> Any:
    return _span_types()[0](qs, slop=slop, ordered=ordered)


def _any(qs: list[Any]) -> Any:
    return _span_types()[1](qs)


def _and(parts: list[Any]) -> Any:
    from whoosh import query as q

    return parts[0] if len(parts) == 1 else q.And(parts)
