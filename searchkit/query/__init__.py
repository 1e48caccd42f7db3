"""Query text → a typed plan: syntax tree, compiler, keyboard layout, explain.

* :mod:`.syntax`   lexer and recursive-descent parser: text → tree
* :mod:`.compile`  tree → :class:`~.plan.Plan` (prefixes expanded over an index's forms)
* :mod:`.plan`     the plan's node types, what the ranker answers
* :mod:`.layout`   a query typed in the Latin keyboard layout
* :mod:`.explain`  how a query is read (``searchkit explain``)

Nothing here reads an index except through the small
:class:`~.compile.Vocabulary` protocol (prefix expansion).
"""

from __future__ import annotations

from .compile import MAX_EXPANSION, Vocabulary, parse
from .layout import from_latin_layout, latin_layout_words, retyped
from .plan import HighlightTerm, Plan
from .syntax import (
    FILTER_FIELDS,
    MAX_DEPTH,
    MAX_QUERY_CHARS,
    And,
    Filter,
    Must,
    Not,
    Or,
    Phrase,
    Symbol,
    Word,
    check,
    parse_tree,
    show_tree,
)

__all__ = [
    "FILTER_FIELDS",
    "MAX_DEPTH",
    "MAX_EXPANSION",
    "MAX_QUERY_CHARS",
    "And",
    "Filter",
    "HighlightTerm",
    "Must",
    "Not",
    "Or",
    "Phrase",
    "Plan",
    "Symbol",
    "Vocabulary",
    "Word",
    "check",
    "from_latin_layout",
    "latin_layout_words",
    "parse",
    "parse_tree",
    "retyped",
    "show_tree",
]
