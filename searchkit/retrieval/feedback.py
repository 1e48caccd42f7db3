"""Pseudo-relevance feedback: the words the best hits are written in.

A topical query names its subject in the user's words; the paragraphs about it
often use others (``внешние аудиторы`` for ``внешние ревизоры``). The best
blocks of a first ranking are taken as relevant, and the words they share
re-rank every block found.
"""

from __future__ import annotations

from collections import Counter

from ..analysis import STOP_WORDS, text_lemmas
from ..query import plan as p
from . import ranking as knobs
from .ranker import Ranked, Ranker
from .selection import top


def feedback(ranker: Ranker, plan: p.Plan, ranked: Ranked) -> tuple[Ranked, list[str]]:
    """``ranked`` with pseudo-relevance feedback, and the terms it used.

    The best ``FEEDBACK_BLOCKS`` blocks are taken as relevant: the lemmas
    that recur in them (in ``FEEDBACK_MIN`` of them at least), weighed by
    how many hold them and how rare they are in the index, are the words
    the topic is written in besides the query's own (``внешние аудиторы``
    beside ``внешние ревизоры``). The best ``FEEDBACK_TERMS`` of them add
    ``FEEDBACK_WEIGHT`` times their BM25F to every block already found:
    they re-rank, they never add a block. A query of one word is left as
    it is: it has no other words to say which of its senses is meant.
    """
    if len(plan.clauses) < 2 or knobs.FEEDBACK_TERMS <= 0:  # a word alone: its own topic
        return ranked, []
    _, best = top(ranked, knobs.FEEDBACK_BLOCKS)
    if len(best) < knobs.FEEDBACK_MIN:
        return ranked, []
    own = plan.lemmas
    held: Counter[str] = Counter()
    for _, _, block in best:
        lems = text_lemmas(ranker.snap.stored.block(block).text)
        held.update(t for t in lems if t not in own and _feedback_word(t))
    snap = ranker.snap
    weighed = sorted(
        (
            (count * knobs.idf(snap.doc_frequency("content", term), snap.population), term)
            for term, count in held.items()
            if count >= knobs.FEEDBACK_MIN
        ),
        reverse=True,
    )
    terms = [term for _, term in weighed[: knobs.FEEDBACK_TERMS]]
    if not terms:
        return ranked, []
    extra = ranker._terms([("content", term, knobs.FEEDBACK_WEIGHT) for term in terms])
    return Ranked(ranked.scores + extra.scores * ranked.mask, ranked.mask, ranked.whole), terms


def _feedback_word(term: str) -> bool:
    """Can a lemma be a feedback term: a word of four letters or more (not a
    number, a surface form or a stop word)?"""
    return len(term) >= 4 and term.isalpha() and term not in STOP_WORDS
