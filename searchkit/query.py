"""The query language: from the text a user types to a whoosh query.

A hand-written lexer and recursive-descent parser build a small tree
(:class:`Word`, :class:`Phrase`, :class:`Filter`, :class:`Symbol`, :class:`Not`,
:class:`And`, :class:`Or`); :func:`compile_query` turns the tree into whoosh
queries. Grammar (``OR`` binds tighter than the implicit ``AND``)::

    query   := and
    and     := or ( ["AND"] or )*
    or      := unary ( "OR" unary )*
    unary   := ( "-" | "NOT" ) unary | primary
    primary := "(" and ")" | '"' words '"' ["~" N] | field ":" value | SYMBOL | word

A word is ``word`` (any inflected form, by lemma), ``=form`` (that surface form
only) or ``prefix*`` (surface forms starting so; bounded expansion). Every
problem raises :class:`~searchkit.errors.QueryError` with its position.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any

from .analysis import SURFACE_MARK, iter_words, lemmas, normalize
from .errors import QueryError
from .symbols import canonical, fold_lookalikes

#: Fields a word must be found in (boosts live in the schema). The document
#: title only adds to the score of blocks that match by themselves.
TEXT_FIELDS = ("content", "heading_t")
BOOST_FIELD = "title_t"
MAX_QUERY_CHARS = 1000
MAX_DEPTH = 32
#: A ``prefix*`` may stand for at most this many word forms of the index.
MAX_EXPANSION = 200
#: Score weights: a less probable reading of an ambiguous word, the exact
#: surface form typed, and query words found close together.
OTHER_READING_BOOST = 0.5
EXACT_FORM_BOOST = 0.6
PROXIMITY_BOOST = 0.5
PROXIMITY_SLOP = 4
#: Proximity is scored for the first this many words only (span queries are costly).
PROXIMITY_WORDS = 8

FILTER_FIELDS = ("symbol", "body", "year", "date", "lang", "kind", "cites")
QUOTES = {'"': '"', "«": "»", "“": "”", "„": "“"}
#: Words that carry no meaning on their own; dropped from plain word lists
#: (never from phrases). Negations and quantifiers are deliberately absent.
STOP_WORDS = frozenset({
    "в", "во", "на", "и", "а", "с", "со", "по", "к", "ко", "о", "об", "обо", "от", "до", "из",
    "за", "для", "при", "у", "что", "как", "или", "же", "ли", "бы", "то", "этот", "эта", "это",
    "эти", "the", "of", "and", "to", "in", "on", "for", "a", "an", "by", "with", "at",
})

# --------------------------------------------------------------------------- tree


@dataclass(frozen=True)
class Word:
    raw: str  # as typed, without ``=`` or ``*``
    norm: str  # normalised surface form (whole word when hyphenated)
    start: int
    end: int
    exact: bool = False
    prefix: bool = False
    parts: tuple[str, ...] = ()  # parts of a hyphenated word

    @property
    def lemmas(self) -> tuple[str, ...]:
        return () if self.exact or self.prefix else lemmas(self.norm)


@dataclass(frozen=True)
class Phrase:
    words: tuple[Word, ...]
    start: int
    slop: int | None = None  # None: adjacent, in order; N: within N words, any order


@dataclass(frozen=True)
class Filter:
    field: str
    value: str
    start: int


@dataclass(frozen=True)
class Symbol:
    symbol: str
    start: int
    prefix: bool = False


@dataclass(frozen=True)
class Not:
    child: Any


@dataclass(frozen=True)
class And:
    children: tuple[Any, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Any, ...]


def show_tree(node: Any, indent: str = "") -> str:
    """The tree as indented text (``searchkit explain``)."""
    if isinstance(node, And | Or):
        head = f"{indent}{type(node).__name__.upper()}"
        return "\n".join([head, *(show_tree(c, indent + "  ") for c in node.children)])
    if isinstance(node, Not):
        return f"{indent}NOT\n{show_tree(node.child, indent + '  ')}"
    if isinstance(node, Phrase):
        near = f"~{node.slop}" if node.slop is not None else ""
        words = " ".join(_word_label(w) for w in node.words)
        return f'{indent}PHRASE{near} "{words}"'
    if isinstance(node, Filter):
        return f"{indent}FILTER {node.field}:{node.value}"
    if isinstance(node, Symbol):
        return f"{indent}SYMBOL {node.symbol}{'*' if node.prefix else ''} (document or cited)"
    return f"{indent}WORD {_word_label(node)}"


def _word_label(w: Word) -> str:
    if w.exact:
        return f"={w.norm}"
    if w.prefix:
        return f"{w.norm}*"
    label = f"{w.norm}[{'|'.join(w.lemmas)}]"
    return label + (f" parts({' '.join(w.parts)})" if w.parts else "")


# --------------------------------------------------------------------------- lexer


@dataclass(frozen=True)
class _Tok:
    kind: str  # ( ) - WORD PHRASE OR AND NOT
    text: str
    start: int
    slop: int | None = None


def _lex(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            toks.append(_Tok(ch, ch, i))
            i += 1
        elif ch in QUOTES:
            close = text.find(QUOTES[ch], i + 1)
            if close == -1:
                raise QueryError(text, f"unbalanced quote {ch} (never closed)", i)
            j, slop = close + 1, None
            if j < n and text[j] == "~":
                digits = re.match(r"\d{1,3}", text[j + 1 :])
                if not digits:
                    raise QueryError(text, "'~' after a phrase needs a number (\"…\"~5)", j)
                slop = int(digits.group(0))
                j += 1 + len(digits.group(0))
            toks.append(_Tok("PHRASE", text[i + 1 : close], i + 1, slop))
            i = j
        elif ch in "-\u2212" and (i + 1 >= n or text[i + 1].isspace() or text[i + 1] in ")-"):
            raise QueryError(text, "lone '-' (put it right before the word to exclude)", i)
        elif ch in "-\u2212" and (not toks or text[i - 1].isspace() or text[i - 1] == "("):
            toks.append(_Tok("-", ch, i))
            i += 1
        else:
            j, depth = i, 0
            while j < n and not text[j].isspace() and text[j] not in QUOTES:
                c = text[j]
                if c == "(":
                    if "/" not in text[i:j]:  # only symbols carry parentheses: PC(III)
                        break
                    depth += 1
                elif c == ")":
                    if depth == 0:
                        break
                    depth -= 1
                j += 1
            word = text[i:j]
            kind = word if word in ("OR", "AND", "NOT") else "WORD"
            toks.append(_Tok(kind, word, i))
            i = j
    return toks


# --------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _lex(text)
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def error(self, reason: str, pos: int | None) -> QueryError:
        return QueryError(self.text, reason, pos)

    def parse(self) -> Any:
        node = self.and_(0)
        tok = self.peek()
        if tok is not None:  # only a stray ')' can stop the top level early
            raise self.error("unbalanced ')' (no '(' before it)", tok.start)
        return node

    def and_(self, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.error(f"parentheses nested deeper than {MAX_DEPTH}", None)
        children = []
        while (tok := self.peek()) is not None and tok.kind != ")":
            if tok.kind == "AND":
                if not children:
                    raise self.error("AND needs a word before it", tok.start)
                self.i += 1
                if self.peek() is None or self.peek().kind == ")":  # type: ignore[union-attr]
                    raise self.error("AND needs a word after it", tok.start)
                continue
            node = self.or_(depth)
            if node is not None:
                children.append(node)
        if len(children) == 1:
            return children[0]
        return And(tuple(children)) if children else None

    def or_(self, depth: int) -> Any:
        first = self.peek()
        if first is not None and first.kind == "OR":
            raise self.error("OR needs a word before it", first.start)
        left = self.unary(depth)
        items = [left]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.i += 1
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "OR", "AND"):
                raise self.error("OR needs a word after it", tok.start)
            items.append(self.unary(depth))
        items = [x for x in items if x is not None]
        if len(items) == 1:
            return items[0]
        return Or(tuple(items)) if items else None

    def unary(self, depth: int) -> Any:
        tok = self.peek()
        assert tok is not None
        if tok.kind in ("-", "NOT"):
            self.i += 1
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "OR", "AND"):
                raise self.error(f"{tok.text} needs a word after it", tok.start)
            child = self.unary(depth + 1)
            return Not(child) if child is not None else None
        if tok.kind == "(":
            self.i += 1
            inner = self.and_(depth + 1)
            close = self.peek()
            if close is None or close.kind != ")":
                raise self.error("unbalanced '(' (never closed)", tok.start)
            self.i += 1
            if inner is None:
                raise self.error("empty parentheses", tok.start)
            return inner
        self.i += 1
        if tok.kind == "PHRASE":
            return self.phrase(tok)
        return self.word(tok)

    def phrase(self, tok: _Tok) -> Any:
        words: list[Word] = []
        for m in re.finditer(r"\S+", tok.text):
            words.extend(self.words_of(m.group(0), tok.start + m.start(), in_phrase=True))
        if not words:
            return None
        if len(words) == 1 and tok.slop is None:
            return words[0]
        return Phrase(tuple(words), tok.start - 1, tok.slop)

    def word(self, tok: _Tok) -> Any:
        text, start = tok.text, tok.start
        name, colon, value = text.partition(":")
        if colon and name.lower() in FILTER_FIELDS:
            if not value:
                raise self.error(f"{name}: needs a value", start)
            return Filter(name.lower(), value, start)
        bare = text.rstrip("*")
        if "/" in bare and (symbol := canonical(bare.rstrip("/"))) is not None:
            return Symbol(symbol, start, prefix=text.endswith("*"))
        words = self.words_of(text, start)
        if not words:
            return None
        if len(words) == 1:
            return words[0]
        return Phrase(tuple(words), start)  # "ООН/ЮНОДК", "т.е.": adjacent words

    def words_of(self, text: str, start: int, in_phrase: bool = False) -> list[Word]:
        exact = text.startswith("=") and not text.endswith("*")  # =мигр* is a prefix
        if text.startswith("="):
            text, start = text[1:], start + 1
            if not text or text.isspace():
                raise self.error("'=' must be followed by a word form (=мигрантов)", start - 1)
        prefix = text.endswith("*")
        if prefix:
            text = text.rstrip("*")
            letters = [w for w in iter_words(text) if not w.whole]
            if len(letters) != 1 or len(letters[0].text) < 2:
                raise self.error("a prefix* needs at least two letters of one word", start)
        found = list(iter_words(text))
        out: list[Word] = []
        for i, w in enumerate(found):
            if w.whole:
                continue
            wholes = [x for x in found if x.whole and x.start == w.start]
            if wholes:  # a hyphenated word: the whole word, with its parts
                whole = wholes[0]
                parts = tuple(x.text for x in found if not x.whole and whole.start <= x.start
                              and x.end <= whole.end)
                out.append(Word(text[whole.start:whole.end], whole.text, start + whole.start,
                                start + whole.end, exact, False, parts))
                continue
            if any(x.whole and x.start < w.start < x.end for x in found):
                continue  # a later part of a hyphenated word already taken
            out.append(Word(text[w.start:w.end], w.text, start + w.start, start + w.end,
                            exact, prefix and i == len(found) - 1))
        return out


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
    highlight: list[HighlightTerm] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # stop words left out
    filters: list[Filter] = field(default_factory=list)
    symbols: list[str] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)  # plain words (did-you-mean)

    @property
    def lemmas(self) -> set[str]:
        return {lem for h in self.highlight for lem in h.lemmas}


def check(text: str) -> None:
    """Reject text no parser should look at: too long, control characters."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(text, f"too long ({len(text)} characters, at most {MAX_QUERY_CHARS})",
                         MAX_QUERY_CHARS)
    for i, ch in enumerate(text):
        if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r":
            raise QueryError(text, f"control character U+{ord(ch):04X}", i)


def parse_tree(text: str) -> Any:
    """The query tree of ``text`` (``None`` when it holds nothing to search for)."""
    check(text)
    return _Parser(text).parse()


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
        bonus = self._bonus(positive)
        if bonus:
            required = q.AndMaybe(required, q.Or(bonus))
            anyq = q.AndMaybe(anyq, q.Or(bonus))
        self.result.query = required
        self.result.any_query = anyq if len(parts) > 1 else required
        self.result.tree = tree
        return self.result

    @staticmethod
    def _stop(node: Any) -> bool:
        return isinstance(node, Word) and not node.exact and node.norm in STOP_WORDS

    def _bonus(self, positive: list[Any]) -> list[Any]:
        """Optional clauses: title words, and query words close to each other."""
        from whoosh import query as q

        lems = sorted(self.result.lemmas)
        bonus: list[Any] = [q.Or([q.Term(BOOST_FIELD, lem) for lem in lems])] if lems else []
        words = [w for w in positive if isinstance(w, Word) and not w.prefix][:PROXIMITY_WORDS]
        for a, b in pairwise(words):
            near = _near([self.span(a), self.span(b)], slop=PROXIMITY_SLOP, ordered=False)
            near.boost = PROXIMITY_BOOST
            bonus.append(near)
        return bonus

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
        self.result.highlight.append(HighlightTerm(
            frozenset(w.lemmas), w.norm, w.exact, w.prefix, w.lemmas[0] if w.lemmas else "",
            phrase, slop))
        if phrase is None and not w.exact and not w.prefix:
            self.result.words.append(w)

    def word(self, w: Word) -> Any:
        from whoosh import query as q

        self._note(w)
        if w.exact or w.prefix:
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

    def prefix(self, w: Word) -> Any:
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
        return _any([q.Term("content", f) for f in forms])

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
            lo, hi, lo_ex, hi_ex = _range(self.text, f, r"\d{4}(?:-\d{2}(?:-\d{2})?)?",
                                          "YYYY, YYYY-MM or YYYY-MM-DD")
            if lo is not None and lo == hi and not lo_ex:
                return q.Prefix("date", lo)
            start = (lo + "\uffff") if lo and lo_ex else lo
            end = hi if hi is None or hi_ex else hi + "\uffff"
            return q.TermRange("date", start, end, startexcl=False, endexcl=bool(hi_ex))
        return q.Term(f.field, value.lower())


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
    raise QueryError(text, f"{f.field}: expects {shape}, a range A..B or >=, <= (got {v!r})",
                     f.start)


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


# --------------------------------------------------------------------------- keyboard layout

_QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_YCUKEN = "йцукенгшщзхъфывапролджэячсмитьбюё"
_LATIN_WORD = re.compile(r"[a-zA-Z;',.\[\]`]+")
_TO_RU = str.maketrans(_QWERTY + _QWERTY.upper(), _YCUKEN + _YCUKEN.upper())


def from_latin_layout(word: str) -> str:
    """``word`` as if typed with the Russian layout (``vbuhfyns`` → ``мигранты``)."""
    return word.translate(_TO_RU)


def latin_layout_words(text: str) -> list[tuple[int, int, str]]:
    """Plain Latin words of the query (not fields, symbols or operators), as spans."""
    out = []
    for tok in _lex(text):
        bare = tok.text.lstrip("=").rstrip("*")
        if tok.kind == "PHRASE":
            for m in re.finditer(r"\S+", tok.text):
                if _LATIN_WORD.fullmatch(m.group(0)):
                    out.append((tok.start + m.start(), tok.start + m.end(), m.group(0)))
        elif tok.kind == "WORD" and ":" not in tok.text and _LATIN_WORD.fullmatch(bare):
            start = tok.start + (len(tok.text) - len(tok.text.lstrip("=")))
            out.append((start, start + len(bare), bare))
    return out


def normalized(word: str) -> str:
    return normalize(word)[0]
