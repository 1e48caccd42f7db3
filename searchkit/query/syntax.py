"""The query language's syntax: lexer, recursive-descent parser, query tree.

The user's text becomes a small tree (:class:`Word`, :class:`Phrase`,
:class:`Filter`, :class:`Symbol`, :class:`Not`, :class:`And`, :class:`Or`);
:mod:`.compile` turns it into a plan. Grammar (``OR`` binds
tighter than the implicit ``AND``)::

    query   := and
    and     := or ( ["AND"] or )*
    or      := unary ( "OR" unary )*
    unary   := ( "-" | "NOT" ) unary | "+" primary | primary
    primary := "(" and ")" | '"' words '"' ["~" N] | field ":" value | SYMBOL | word

A word is ``word`` (any inflected form, by lemma), ``=form`` (that surface form
only) or ``prefix*`` (surface forms starting so). Every problem raises
:class:`~searchkit.errors.QueryError` with its position; nothing here touches
an index.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..analysis import iter_words, lemmas
from ..errors import QueryError
from ..symbols import canonical

MAX_QUERY_CHARS = 1000
MAX_DEPTH = 32
FILTER_FIELDS = ("symbol", "body", "year", "date", "lang", "kind", "cites", "family")
QUOTES = {'"': '"', "«": "»", "“": "”", "„": "“"}


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
class Must:
    """``+word``: every hit has it (the other words may be missing)."""

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
    if isinstance(node, Must):
        return f"{indent}MUST\n{show_tree(node.child, indent + '  ')}"
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


def lex(text: str) -> list[_Tok]:
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
        elif ch == "+" and (i + 1 >= n or text[i + 1].isspace() or text[i + 1] in ")+"):
            raise QueryError(text, "lone '+' (put it right before the word every hit must have)", i)
        elif ch == "+" and (not toks or text[i - 1].isspace() or text[i - 1] == "("):
            toks.append(_Tok("+", ch, i))
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
        self.toks = lex(text)
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
        children: list[Any] = []
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
        if tok.kind == "+":
            self.i += 1
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "OR", "AND", "-", "NOT", "+"):
                raise self.error("+ needs a word after it", tok.start)
            child = self.unary(depth + 1)
            return Must(child) if child is not None else None
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
            words.extend(self.words_of(m.group(0), tok.start + m.start()))
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

    def words_of(self, text: str, start: int) -> list[Word]:
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
                parts = tuple(
                    x.text
                    for x in found
                    if not x.whole and whole.start <= x.start and x.end <= whole.end
                )
                out.append(
                    Word(
                        text[whole.start : whole.end],
                        whole.text,
                        start + whole.start,
                        start + whole.end,
                        exact,
                        False,
                        parts,
                    )
                )
                continue
            if any(x.whole and x.start < w.start < x.end for x in found):
                continue  # a later part of a hyphenated word already taken
            out.append(
                Word(
                    text[w.start : w.end],
                    w.text,
                    start + w.start,
                    start + w.end,
                    exact,
                    prefix and i == len(found) - 1,
                )
            )
        return out


def check(text: str) -> None:
    """Reject text no parser should look at: too long, control characters."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            text, f"too long ({len(text)} characters, at most {MAX_QUERY_CHARS})", MAX_QUERY_CHARS
        )
    for i, ch in enumerate(text):
        if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r":
            raise QueryError(text, f"control character U+{ord(ch):04X}", i)


def parse_tree(text: str) -> Any:
    """The query tree of ``text`` (``None`` when it holds nothing to search for)."""
    check(text)
    return _Parser(text).parse()
