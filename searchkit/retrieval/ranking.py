"""Every ranking knob, in one place.

A block's score is BM25F (whoosh's formula: ``idf · tf·(K1+1) /
(tf + K1·(1 − B + B·len/avglen))``, where a field's term frequency counts
``FIELD_BOOSTS`` times) summed over the query's matching terms, with these
weights:

* a word counts by its most probable reading in full and by its other
  readings at ``OTHER_READING_BOOST``, in the block text and its heading;
  the very form typed adds ``EXACT_FORM_BOOST`` times its own score;
* the document title only adds to blocks that match by themselves;
* consecutive query words within ``PROXIMITY_SLOP`` words of each other add
  ``PROXIMITY_BOOST`` times their scores (the first ``PROXIMITY_WORDS`` words);
* a label and a number (``статья 51``, ``para 7``) add ``NUMBER_BONUS`` to
  the block of that kind and number;
* filters and exclusions add ``FILTER_SCORE`` (they decide which blocks
  match, not how well).

The best ``RERANK_DEPTH`` blocks are then multiplied by their kind's factor:
numbered paragraphs and articles ``NUMBERED_FACTOR``, tables of contents,
mastheads and unclassified blocks less (``KIND_FACTORS``). All of it is
applied at query time: changing a knob needs no reindexing.
"""

from __future__ import annotations

import math
from math import log

#: BM25F's term-frequency saturation and length normalisation (whoosh's defaults).
K1 = 1.2
B = 0.75


def idf(doc_frequency: int, blocks: int) -> float:
    """Inverse document frequency of a term in ``doc_frequency`` of ``blocks``
    blocks (whoosh's: deleted blocks not yet merged away count)."""
    return log(blocks / (doc_frequency + 1)) + 1


#: How much a term found in each field counts (its frequency is multiplied).
FIELD_BOOSTS = {"content": 1.0, "heading_t": 1.5, "title_t": 0.3}
#: The fields a query word must be found in (the title only adds to the score).
MATCH_FIELDS = ("content", "heading_t")
TITLE_FIELD = "title_t"

OTHER_READING_BOOST = 0.5
EXACT_FORM_BOOST = 0.6
#: Does a word found only in a block's section heading count as found in the
#: block (False: it counts half, and the block ranks after those that have it)?
HEADING_IS_TEXT = False
#: A word matched by one of its derivational relatives (the best one counts).
RELATIVE_BOOST = 0.3
#: A dashed word (``дети-беженцы``) matched by its parts apart, not in a row
#: (``детей, ставших беженцами``): a partial match of the word.
PARTS_APART_BOOST = 0.5
#: A word matched by an alternative the query names for it (an abbreviation's
#: full name, the abbreviation of a full name).
ALTERNATIVE_BOOST = 0.7
PROXIMITY_BOOST = 0.5
PROXIMITY_SLOP = 4
PROXIMITY_WORDS = 8
NUMBER_BONUS = 25.0
FILTER_SCORE = 1.0

#: A block in the result has at least this share of the query's words (the
#: rest of the page after the blocks with every word), rounded up, and one.
MIN_SHARE = 0.5
#: A block without every word scores its matches times the share of the query
#: it covers (each word weighed by its idf) to this power.
COVERAGE = 3.0
#: A word found only in the heading, or only by a relative, covers this much.
PARTIAL_WEIGHT = 0.5


def needed(clauses: int) -> int:
    """How many of a query's ``clauses`` a block must match to be a hit."""
    return max(1, math.ceil(clauses * MIN_SHARE)) if clauses else 0


#: Pseudo-relevance feedback (Ranker.feedback): the words that recur in the
#: best FEEDBACK_BLOCKS blocks (in FEEDBACK_MIN of them at least), the best
#: FEEDBACK_TERMS of them by count times idf, add FEEDBACK_WEIGHT times their
#: BM25F to the blocks found (they never add a block).
FEEDBACK_BLOCKS = 8
FEEDBACK_MIN = 2
FEEDBACK_TERMS = 8
FEEDBACK_WEIGHT = 0.2

#: How many top hits are re-ranked by block kind.
RERANK_DEPTH = 50
#: Score factors by block kind (tables of contents hold every word of the
#: report but are never the paragraph a user wants to cite).
KIND_FACTORS = {"toc": 0.3, "masthead": 0.5, "other": 0.8}
#: Kinds that rank after every other block re-ranked with them, whatever words
#: they hold: a contents page names every topic, a masthead every body.
DEMOTED_KINDS = ("toc", "masthead")
NUMBERED_FACTOR = 1.1
NUMBERED_KINDS = ("paragraph", "subparagraph", "article")


def demoted(kind: str) -> bool:
    return kind in DEMOTED_KINDS


def kind_factor(kind: str, numbered: bool) -> float:
    """The re-ranking factor of a block of this kind, with a printed number or not."""
    if kind in KIND_FACTORS:
        return KIND_FACTORS[kind]
    if kind in NUMBERED_KINDS and numbered:
        return NUMBERED_FACTOR
    return 1.0
