"""How a query was understood: the data behind ``searchkit explain``.

Like Manticore's ``CALL KEYWORDS`` or Elasticsearch's ``_analyze``: the words
of the query with their offsets, the letters folded on the way (case, ё→е,
Latin look-alikes), every lemma reading (most probable first), the parsed
tree, the filters, the stop words left out and the plan the ranker runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..analysis import STOP_WORDS, lemmas
from .compile import Vocabulary, parse
from .layout import retyped
from .syntax import And, Must, Not, Or, Phrase, Word, show_tree


@dataclass
class Explanation:
    query: str
    tokens: list[dict[str, Any]] = field(default_factory=list)
    tree: str = ""
    filters: list[str] = field(default_factory=list)
    symbols: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    plan: str = ""
    layout: str | None = None  # the query re-typed in the Russian layout, if it has Latin words

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def text(self) -> str:
        out = [f"query: {self.query}", "tokens:"]
        for t in self.tokens:
            folded = f"  (folded from {t['raw']!r})" if t["folded"] else ""
            stop = "  [stop word]" if t["stop"] else ""
            what = f"lemmas: {' | '.join(t['lemmas'])}" if t["lemmas"] else f"({t['kind']})"
            out.append(f"  {t['start']:>3}-{t['end']:<3} {t['norm']:<20} {what}{folded}{stop}")
            for part, readings in t["parts"].items():
                out.append(f"          part {part:<15} lemmas: {' | '.join(readings)}")
        out += ["tree:", *("  " + line for line in self.tree.splitlines())]
        out.append(f"filters: {', '.join(self.filters) or '-'}")
        if self.symbols:
            out.append(f"symbols: {', '.join(self.symbols)}")
        if self.dropped:
            out.append(f"stop words left out: {', '.join(self.dropped)}")
        if self.layout:
            out.append(
                f"in the Russian layout: {self.layout} (searched so when the index "
                "knows those words and not the Latin ones)"
            )
        out += ["plan:", *("  " + line for line in self.plan.splitlines())]
        return "\n".join(out)


def explain(query: str, vocabulary: Vocabulary | None = None) -> Explanation:
    """Analyse and parse ``query`` (raises :class:`QueryError` like a search would).

    With ``vocabulary`` (an open index) the plan also shows what only an index
    knows: the forms a ``prefix*`` stands for, each word's derivational
    relatives, the abbreviations its text defines.
    """
    parsed = parse(query, vocabulary)
    result = Explanation(query)
    for w in _words(parsed.tree):
        kind = "exact form" if w.exact else "prefix" if w.prefix else "word"
        result.tokens.append(
            {
                "start": w.start,
                "end": w.end,
                "raw": w.raw,
                "norm": w.norm,
                "kind": kind,
                "folded": w.raw != w.norm,
                "lemmas": list(w.lemmas),
                "parts": {p: list(lemmas(p)) for p in w.parts},
                "stop": w.norm in STOP_WORDS and not w.exact,
            }
        )
    result.tree = show_tree(parsed.tree)
    result.filters = [f"{f.field}:{f.value}" for f in parsed.filters]
    result.symbols = list(parsed.symbols)
    result.dropped = list(parsed.dropped)
    result.plan = parsed.show()
    result.layout = retyped(query)
    return result


def _words(node: object) -> list[Word]:
    if isinstance(node, Word):
        return [node]
    if isinstance(node, Phrase):
        return list(node.words)
    if isinstance(node, Not | Must):
        return _words(node.child)
    if isinstance(node, And | Or):
        return [w for c in node.children for w in _words(c)]
    return []
