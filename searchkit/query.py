"""From the text a user types to a whoosh query.

Understood (foundation set): words (all must match, by lemma), ``"quoted
phrases"`` (inflection-insensitive), and bare UN symbols (matched against the
document symbol and the symbols cited in blocks, Cyrillic look-alikes folded).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .analysis import iter_words, lemmas
from .errors import QueryError
from .symbols import canonical

#: Fields a word must be found in (boosts live in the schema). The document
#: title only adds to the score of blocks that match by themselves.
TEXT_FIELDS = ("content", "heading_t")
BOOST_FIELD = "title_t"
MAX_QUERY_CHARS = 1000

_SYMBOLISH = re.compile(r"^[^\s/]+(?:/[^\s/]+)+$")


@dataclass
class ParsedQuery:
    """A parsed query: the whoosh query plus what the highlighter needs."""

    text: str
    query: Any  # whoosh.query.Query requiring every part
    any_query: Any  # the same parts, any may match (fallback)
    lemmas: set[str] = field(default_factory=set)  # highlight words with these lemmas
    symbols: list[str] = field(default_factory=list)


def _word_query(word_lemmas: tuple[str, ...]) -> Any:
    from whoosh.query import Or, Term

    return Or([Term(f, lemma) for lemma in word_lemmas for f in TEXT_FIELDS])


def _phrase_query(words: list[str]) -> Any:
    if len(words) == 1:
        return _word_query(lemmas(words[0]))
    return _all_readings_phrase(words)


def _all_readings_phrase(words: list[str]) -> Any:
    from whoosh.query import Or, Phrase

    # A phrase per combination of readings, bounded (a word has at most 3 lemmas).
    combos: list[list[str]] = [[]]
    for w in words:
        combos = [c + [lem] for c in combos for lem in lemmas(w)][:27]
    return Or([Phrase("content", c) for c in combos])


def parse(text: str) -> ParsedQuery:
    """Parse ``text``; raise :class:`QueryError` naming the problem."""
    from whoosh.query import And, AndMaybe, Or, Term

    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(text, f"too long ({len(text)} characters, at most {MAX_QUERY_CHARS})")
    for i, ch in enumerate(text):
        if unicodedata.category(ch) == "Cc" and ch not in "\t\n":
            raise QueryError(text, f"control character U+{ord(ch):04X}", i)
    if text.count('"') % 2:
        raise QueryError(text, "unbalanced quote", text.rfind('"'))
    parts: list[Any] = []
    result = ParsedQuery(text, None, None)
    for match in re.finditer(r'"([^"]*)"|(\S+)', text):
        phrase, token = match.group(1), match.group(2)
        if phrase is not None:
            words = [w.text for w in iter_words(phrase) if not w.whole]
            if words:
                parts.append(_phrase_query(words))
                result.lemmas.update(lem for w in words for lem in lemmas(w))
            continue
        if _SYMBOLISH.match(token) and (symbol := canonical(token)) is not None:
            result.symbols.append(symbol)
            parts.append(Or([Term("symbol", symbol), Term("cites", symbol)]))
            continue
        for word in iter_words(token):
            if word.whole:
                continue
            word_lemmas = lemmas(word.text)
            result.lemmas.update(word_lemmas)
            parts.append(_word_query(word_lemmas))
    if not parts:
        raise QueryError(text, "nothing to search for")
    required = parts[0] if len(parts) == 1 else And(parts)
    alternatives = parts[0] if len(parts) == 1 else Or(parts)
    if result.lemmas:
        boost = Or([Term(BOOST_FIELD, lemma) for lemma in sorted(result.lemmas)])
        result.query = AndMaybe(required, boost)
        result.any_query = AndMaybe(alternatives, boost) if len(parts) > 1 else result.query
    else:
        result.query = required
        result.any_query = alternatives
    return result
