"""Text analysis: text → terms, the same at index, query and highlight time.

* :mod:`.words` splits text into words with offsets and normalises each one;
* :mod:`.morphology` gives every reading of a word form and a text's terms at
  their positions;
* :mod:`.stopwords` lists the words left out of plain word lists;
* :mod:`.abbreviations` finds ``Full Name (ABBR)`` pairs and keeps the
  curated list of UN bodies.
* :mod:`.semantic` finds the lemmas of an index nearest in meaning to a lemma
  (optional word vectors, off by default).

Nothing here knows about the index or whoosh's analyzer classes (those wrap
these functions in :mod:`searchkit.index.schema`).
"""

from __future__ import annotations

from .morphology import (
    ANALYZER_VERSION,
    MAX_LEMMAS,
    SURFACE_MARK,
    best_lemma,
    lemmas,
    morph,
    query_lemmas,
    relative_stem,
    term_positions,
)
from .stopwords import STOP_WORDS
from .words import Word, iter_words, normalize

__all__ = [
    "ANALYZER_VERSION",
    "MAX_LEMMAS",
    "STOP_WORDS",
    "SURFACE_MARK",
    "Word",
    "best_lemma",
    "iter_words",
    "lemmas",
    "morph",
    "normalize",
    "query_lemmas",
    "relative_stem",
    "term_positions",
]
