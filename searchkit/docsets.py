"""Which blocks a query matches, as sets of document numbers, without scoring.

whoosh answers "how many blocks match?" by walking the query's matcher tree
one document at a time (``Searcher.docs_for_query``), in Python: for a query of
frequent words that costs as much as ranking it. Once the top hits come from a
collector that skips low-scoring posting blocks, the count must be computed
separately, so this module computes it the cheap way: each term's posting list
is read a block of ids at a time and the sets are combined (union for OR,
intersection for AND, difference for NOT). Queries that need positions (phrases,
``~N``) or expand over the term list are handed to whoosh.

The numbers are global (a searcher over several segments adds each segment's
offset), with deleted blocks left out: ``len(matching(searcher, q))`` is the
exact number of blocks that match ``q``.
"""

from __future__ import annotations

from typing import Any


def matching(searcher: Any, query: Any) -> set[int]:
    """Global numbers of the live blocks that match ``query``."""
    out: set[int] = set()
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        found = _docs(sub, reader, query)
        if reader.has_deletions():
            found = {n for n in found if not reader.is_deleted(n)}
        out.update(n + offset for n in found) if offset else out.update(found)
    return out


def _docs(searcher: Any, reader: Any, query: Any) -> set[int]:
    """Segment-local numbers matching ``query`` (deleted blocks may be included)."""
    from whoosh import query as q

    if isinstance(query, q.Term):
        return _term_ids(reader, query.fieldname, query.text)
    if isinstance(query, q.Or):
        out: set[int] = set()
        for sub in query.subqueries:
            out |= _docs(searcher, reader, sub)
        return out
    if isinstance(query, q.And):
        positive = [s for s in query.subqueries if not isinstance(s, q.Not)]
        negative = [s.query for s in query.subqueries if isinstance(s, q.Not)]
        if not positive:
            return _docs(searcher, reader, q.Every()) - _union(searcher, reader, negative)
        sets = sorted((_docs(searcher, reader, s) for s in positive), key=len)
        found = sets[0].intersection(*sets[1:])
        return found - _union(searcher, reader, negative) if negative and found else found
    if isinstance(query, q.AndMaybe):  # the optional part only adds to the score
        return _docs(searcher, reader, query.a)
    if isinstance(query, q.AndNot):
        return _docs(searcher, reader, query.a) - _docs(searcher, reader, query.b)
    if isinstance(query, q.Not):
        return set(reader.all_doc_ids()) - _docs(searcher, reader, query.query)
    if isinstance(query, q.WrappingQuery):  # ConstantScoreQuery, boosts
        return _docs(searcher, reader, query.child)
    if query is q.NullQuery:
        return set()
    return set(searcher.docs_for_query(query))  # phrases, ranges, prefixes


def _union(searcher: Any, reader: Any, queries: list[Any]) -> set[int]:
    out: set[int] = set()
    for sub in queries:
        out |= _docs(searcher, reader, sub)
    return out


def _term_ids(reader: Any, fieldname: str, text: Any) -> set[int]:
    """Every id in one term's posting list (deleted blocks included)."""
    from .postings import Unsupported, decode

    if (fieldname, text) not in reader:
        return set()
    try:
        ids, _, _ = decode(reader.postings(fieldname, text))
    except Unsupported:  # not searchkit.codec's packed postings
        return set(reader.postings(fieldname, text).all_ids())
    return set(ids.tolist())
