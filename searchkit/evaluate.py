"""Relevance evaluation: run judged queries, score nDCG@k, MRR@k and Recall@k.

A judgement file is JSON Lines, one query per line::

    {"query": "незаконный ввоз мигрантов",
     "relevant": [{"symbol": "CTOC/COP/2012/1", "paragraph": "3", "grade": 2},
                  {"text": "ввоз мигрантов по суше", "grade": 1}]}

A relevant item names a block by any of ``symbol``, ``paragraph`` (as
printed), ``source`` (a substring of the file path) and ``text`` (a substring
of the block text, compared with case, ё/е and spacing folded); a hit is that
item when every key given matches. ``grade`` is 1 (relevant, the default), 2
(highly relevant) or 3 (the answer); 0 records a block that was read and
judged not relevant (a pooled set keeps them, so a rebuilt pool asks only
about blocks nobody has read), and counts for nothing. Blank lines and lines
starting with ``#`` are skipped. Gains are ``2**grade - 1``; each relevant
item counts once. Besides nDCG@k, MRR@k and Recall@k the report gives P@5,
the share of the first five hits that are relevant.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SearchkitError

K = 10


class JudgementError(SearchkitError):
    """A judgement file cannot be read."""


@dataclass(frozen=True)
class Relevant:
    grade: int = 1
    symbol: str | None = None
    paragraph: str | None = None
    source: str | None = None
    text: str | None = None

    def matches(self, hit: Any) -> bool:
        if self.symbol is not None and (hit.symbol or "") != self.symbol:
            return False
        if self.paragraph is not None and (hit.paragraph or "") != self.paragraph:
            return False
        if self.source is not None and self.source not in hit.source:
            return False
        return self.text is None or _fold(self.text) in _fold(hit.text)


@dataclass(frozen=True)
class Judged:
    query: str
    relevant: tuple[Relevant, ...]
    line: int = 0


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("ё", "е")).strip()


def load_judgements(path: Path | str) -> list[Judged]:
    """Read a JSON Lines judgement file; raise :class:`JudgementError` naming the line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise JudgementError(f"{path}: cannot read judgements ({exc})") from exc
    out = []
    for no, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            data = json.loads(line)
            items = tuple(
                Relevant(
                    grade=int(r.get("grade", 1)),
                    symbol=r.get("symbol"),
                    paragraph=None if r.get("paragraph") is None else str(r["paragraph"]),
                    source=r.get("source"),
                    text=r.get("text"),
                )
                for r in data["relevant"]
            )
            query = str(data["query"])
            if any(not 0 <= r.grade <= 3 for r in items):
                raise ValueError("grade must be 0, 1, 2 or 3")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise JudgementError(f"{path}, line {no}: not a judgement ({exc})") from exc
        if not items or any(not (r.symbol or r.source or r.text) for r in items):
            raise JudgementError(
                f"{path}, line {no}: each relevant item needs symbol, source or text"
            )
        if not any(r.grade for r in items):
            raise JudgementError(f"{path}, line {no}: no relevant item (grade 1 or more)")
        out.append(Judged(query, items, no))
    if not out:
        raise JudgementError(f"{path}: no judged queries")
    return out


@dataclass
class QueryScore:
    query: str
    ndcg: float
    mrr: float
    recall: float
    p5: float = 0.0
    error: str | None = None


@dataclass
class EvalReport:
    scores: list[QueryScore] = field(default_factory=list)
    k: int = K

    def mean(self, name: str) -> float:
        values = [getattr(s, name) for s in self.scores]
        return sum(values) / len(values) if values else 0.0

    @property
    def ndcg(self) -> float:
        return self.mean("ndcg")

    @property
    def mrr(self) -> float:
        return self.mean("mrr")

    @property
    def recall(self) -> float:
        return self.mean("recall")

    @property
    def p5(self) -> float:
        return self.mean("p5")

    def table(self) -> str:
        k = self.k
        rows = [f"{'nDCG@' + str(k):>8} {'MRR@' + str(k):>7} {'R@' + str(k):>6}   P@5  query"]
        for s in self.scores:
            note = f"  ({s.error})" if s.error else ""
            rows.append(f"{s.ndcg:8.3f} {s.mrr:7.3f} {s.recall:6.3f} {s.p5:5.3f}  {s.query}{note}")
        rows.append(
            f"{self.ndcg:8.3f} {self.mrr:7.3f} {self.recall:6.3f} {self.p5:5.3f}  "
            f"overall ({len(self.scores)} queries)"
        )
        return "\n".join(rows)

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "ndcg": self.ndcg,
            "mrr": self.mrr,
            "recall": self.recall,
            "p5": self.p5,
            "queries": [s.__dict__ for s in self.scores],
        }


def score(
    hits: Sequence[Any], relevant: Sequence[Relevant], k: int = K
) -> tuple[float, float, float, float]:
    """(nDCG@k, reciprocal rank, recall@k, P@5) of ranked ``hits`` against ``relevant``."""
    relevant = [r for r in relevant if r.grade > 0]
    found: dict[int, int] = {}  # relevant item -> rank it was found at
    dcg, rr = 0.0, 0.0
    for rank, hit in enumerate(hits[: max(k, 5)]):
        best = None
        for i, item in enumerate(relevant):
            if (
                i not in found
                and item.matches(hit)
                and (best is None or item.grade > relevant[best].grade)
            ):
                best = i
        if best is None:
            continue
        found[best] = rank
        if rank < k:
            dcg += (2 ** relevant[best].grade - 1) / math.log2(rank + 2)
            rr = rr or 1.0 / (rank + 1)
    ideal = sorted((r.grade for r in relevant), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    recall = sum(rank < k for rank in found.values()) / len(relevant)
    p5 = sum(rank < 5 for rank in found.values()) / 5
    return (dcg / idcg if idcg else 0.0), rr, recall, p5


def evaluate(
    run: Callable[[str, int], Sequence[Any]], judged: Sequence[Judged], k: int = K
) -> EvalReport:
    """Score ``run(query, k)`` (returns ranked hits) on every judged query.

    A query the engine rejects scores 0 and its error is kept in the report.
    """
    report = EvalReport(k=k)
    for j in judged:
        try:
            hits = run(j.query, max(k, 5))
        except SearchkitError as exc:
            report.scores.append(QueryScore(j.query, 0.0, 0.0, 0.0, error=str(exc)))
            continue
        report.scores.append(QueryScore(j.query, *score(list(hits), j.relevant, k)))
    return report


def evaluate_index(index_dir: Path | str, judged: Sequence[Judged], k: int = K) -> EvalReport:
    """Evaluate searchkit's own engine on the index at ``index_dir``."""
    from .search import Index

    with Index(index_dir) as ix:
        return evaluate(lambda q, n: ix.search(q, n).hits, judged, k)
