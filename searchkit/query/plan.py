"""The query plan: what a query asks the index for, as typed data.

:func:`searchkit.query.parse` turns the user's text into a :class:`Plan`;
the ranker (:mod:`searchkit.retrieval.ranker`) answers it. A plan says *what*
matches, in terms of the index's fields and terms; how much each match counts
is the ranker's business (:mod:`searchkit.retrieval.ranking`).

Match nodes:

* :class:`WordMatch`   a word, by any of its readings (lemmas) in the block text
                       or its heading, by its surface form, or, when written with
                       a dash, by its parts in a row
* :class:`FormMatch`   ``=form``: that surface form in the text
* :class:`PrefixMatch` ``prefix*``: any of the surface forms it expands to
* :class:`PhraseMatch` words in a row (``slop`` None) or within ``slop`` words
                       of each other in any order, in the text
* :class:`SymbolMatch` a UN symbol: the document's own, or one the block cites
* :class:`FieldMatch`, :class:`FieldPrefix`, :class:`FieldRange`  filters
* :class:`AllOf`, :class:`AnyOf`, :class:`NoneOf`  and, or, not

:class:`Walker` visits a plan's nodes (one method per node type), so that a
backend that compiles plans (the Xapian backend's query compiler,
:mod:`searchkit.retrieval.xapian_rank`) names every node it answers; a new
node type fails there with a ``TypeError`` until each walker handles it.
:func:`clause_weight` is the share of a query a clause is (its rarest
word's idf), which both backends weigh partial matches by.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeAlias, TypeVar

from .syntax import Filter, Word


@dataclass(frozen=True)
class WordMatch:
    readings: tuple[str, ...]  # lemmas, most probable first
    form: str  # the normalised surface form (searched as ``=form``)
    parts: tuple[tuple[str, ...], ...] = ()  # each part's readings, for a dashed word
    relatives: tuple[str, ...] = ()  # derivational relatives: lemmas of the index
    alternatives: tuple[Node, ...] = ()  # other ways to say it (abbreviation, full name)


@dataclass(frozen=True)
class FormMatch:
    form: str


@dataclass(frozen=True)
class PrefixMatch:
    prefix: str
    forms: tuple[str, ...]  # the index's surface forms starting so (may be empty)


PhraseWord: TypeAlias = WordMatch | FormMatch | PrefixMatch


@dataclass(frozen=True)
class PhraseMatch:
    words: tuple[PhraseWord, ...]
    slop: int | None = None  # None: adjacent, in order; N: within N words, any order


@dataclass(frozen=True)
class SymbolMatch:
    symbol: str
    prefix: bool = False


@dataclass(frozen=True)
class FieldMatch:
    field: str
    value: str


@dataclass(frozen=True)
class FieldPrefix:
    field: str
    prefix: str


@dataclass(frozen=True)
class FieldRange:
    """``lo``..``hi`` of a one-value field (``year`` as numbers, ``date`` as
    ISO strings); ``None`` is open; ``lo`` is inclusive, ``hi`` too unless
    ``hi_excl``."""

    field: str
    lo: int | str | None
    hi: int | str | None
    hi_excl: bool = False


@dataclass(frozen=True)
class AllOf:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class NoneOf:
    child: Node


Node: TypeAlias = (
    WordMatch
    | FormMatch
    | PrefixMatch
    | PhraseMatch
    | SymbolMatch
    | FieldMatch
    | FieldPrefix
    | FieldRange
    | AllOf
    | AnyOf
    | NoneOf
)

#: Nodes that restrict which blocks match and score nothing of their own.
FILTERS = (FieldMatch, FieldPrefix, FieldRange)

T = TypeVar("T")


class Walker(Generic[T]):
    """A visitor of plan nodes: :meth:`walk` calls the method named for the
    node's type (``word``, ``form``, ``prefix``, ``phrase``, ``symbol``,
    ``field``, ``field_prefix``, ``field_range``, ``all_of``, ``any_of``,
    ``none_of``) with the node and whatever else it was given."""

    METHODS: ClassVar[dict[type, str]] = {
        WordMatch: "word",
        FormMatch: "form",
        PrefixMatch: "prefix",
        PhraseMatch: "phrase",
        SymbolMatch: "symbol",
        FieldMatch: "field",
        FieldPrefix: "field_prefix",
        FieldRange: "field_range",
        AllOf: "all_of",
        AnyOf: "any_of",
        NoneOf: "none_of",
    }

    def walk(self, node: Node, *args: Any) -> T:
        name = self.METHODS.get(type(node))
        if name is None:
            raise TypeError(f"not a plan node: {node!r}")
        method = getattr(self, name, None)
        if method is None:
            raise TypeError(f"{type(self).__name__} does not answer {type(node).__name__}")
        out: T = method(node, *args)
        return out


def clause_weight(node: Node, idf: Callable[[str], float], rarest: float) -> float:
    """How much of a query a clause is: the inverse document frequency
    (``idf`` of a content term) of its word, the rarer of its most probable
    reading and its form; a phrase or an AND the sum of its words, an OR its
    best; a symbol or a filter ``rarest`` (as rare as a term gets)."""
    from ..analysis import SURFACE_MARK

    if isinstance(node, WordMatch):
        return min(idf(t) for t in (*node.readings[:1], SURFACE_MARK + node.form))
    if isinstance(node, FormMatch):
        return idf(SURFACE_MARK + node.form)
    if isinstance(node, PrefixMatch):
        return max((idf(SURFACE_MARK + f) for f in node.forms), default=1.0)
    if isinstance(node, PhraseMatch | AllOf):
        parts = node.words if isinstance(node, PhraseMatch) else node.children
        return sum(clause_weight(part, idf, rarest) for part in parts)
    if isinstance(node, AnyOf):
        return max(clause_weight(child, idf, rarest) for child in node.children)
    return rarest


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
    kind: str = "word"  # or "relative", "alternative" (an abbreviation or full name)


@dataclass
class Plan:
    """A parsed query: what must match, what only adds to the score, and what
    the highlighter and the user need to know.

    A block matches when it matches every one of ``clauses`` (the query's
    positive parts, stop words left out) and every one of ``limits``
    (filters and exclusions). ``words`` are the plain words in the order
    typed, outside phrases too: proximity and label + number bonuses are
    found among them.
    """

    text: str
    tree: Any
    clauses: tuple[Node, ...] = ()
    limits: tuple[Node, ...] = ()
    required: frozenset[int] = frozenset()  # clauses marked +word: every hit has them
    #: clauses that name a block by label and number ("пункт 36" beside a symbol
    #: or other words): they add to the score, a hit need not hold them
    optional: frozenset[int] = frozenset()
    title: tuple[str, ...] = ()  # lemmas looked up in the document title (score only)
    numbered: tuple[tuple[str, tuple[str, ...]], ...] = ()  # ("51", ("article",)): a bonus
    near: tuple[PhraseWord, ...] = ()  # words whose closeness adds to the score
    highlight: list[HighlightTerm] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # stop words left out
    filters: list[Filter] = field(default_factory=list)
    symbols: list[str] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)  # plain words (did-you-mean)

    @property
    def lemmas(self) -> set[str]:
        """The lemmas of the query's own words."""
        return {lem for h in self.highlight if h.kind == "word" for lem in h.lemmas}

    def show(self) -> str:
        """The plan as indented text (``searchkit explain``)."""
        lines = [_show(node, "") for node in (*self.clauses, *self.limits)]
        if self.title:
            lines.append(f"title (score only): {' | '.join(self.title)}")
        for number, kinds in self.numbered:
            lines.append(f"bonus: the {'/'.join(kinds)} numbered {number}")
        if len(self.near) > 1:
            lines.append("closeness of: " + " ".join(_label(w) for w in self.near))
        return "\n".join(lines)


def _label(node: Any) -> str:
    if isinstance(node, WordMatch):
        parts = f" parts({' '.join('|'.join(p) for p in node.parts)})" if node.parts else ""
        out = f"{'|'.join(node.readings)} or ={node.form}{parts}"
        if node.alternatives:
            out += " or " + " or ".join(_label(a) for a in node.alternatives)
        if node.relatives:
            out += f" (relatives: {', '.join(node.relatives)})"
        return out
    if isinstance(node, PhraseMatch):
        return '"' + " ".join(_label(w).split(" or ")[0].split("|")[0] for w in node.words) + '"'
    if isinstance(node, FormMatch):
        return f"={node.form}"
    if isinstance(node, PrefixMatch):
        shown = " ".join(node.forms[:5]) + (" …" if len(node.forms) > 5 else "")
        return f"{node.prefix}* ({len(node.forms)} forms: {shown})"
    return repr(node)


def _show(node: Any, indent: str) -> str:
    if isinstance(node, AllOf | AnyOf):
        head = f"{indent}{'ALL OF' if isinstance(node, AllOf) else 'ANY OF'}"
        return "\n".join([head, *(_show(c, indent + "  ") for c in node.children)])
    if isinstance(node, NoneOf):
        return f"{indent}NONE OF\n{_show(node.child, indent + '  ')}"
    if isinstance(node, PhraseMatch):
        near = f" within {node.slop} words" if node.slop is not None else " in a row"
        return f"{indent}PHRASE{near}: " + " + ".join(_label(w) for w in node.words)
    if isinstance(node, SymbolMatch):
        return f"{indent}SYMBOL {node.symbol}{'*' if node.prefix else ''} (document or cited)"
    if isinstance(node, FieldMatch):
        return f"{indent}FILTER {node.field} = {node.value}"
    if isinstance(node, FieldPrefix):
        return f"{indent}FILTER {node.field} starts with {node.prefix}"
    if isinstance(node, FieldRange):
        hi = "" if node.hi is None else f"{'<' if node.hi_excl else ''}{node.hi}"
        lo = "" if node.lo is None else str(node.lo).replace("\uffff", "+")
        return f"{indent}FILTER {node.field} in {lo}..{hi.replace(chr(0xFFFF), '+')}"
    return f"{indent}WORD {_label(node)}"
