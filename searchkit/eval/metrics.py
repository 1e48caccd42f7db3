"""Scoring a ranked list against judged queries: nDCG@k, MRR@k, Recall@k, P@5."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SearchkitError
from .judgements import Judged, Relevant

K = 10


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
    from ..retrieval import Index

    with Index(index_dir) as ix:
        return evaluate(lambda q, n: ix.search(q, n).hits, judged, k)
