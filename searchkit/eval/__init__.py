"""Relevance evaluation: judged queries (:mod:`.judgements`) and the metrics
that score a ranking against them (:mod:`.metrics`)."""

from __future__ import annotations

from .judgements import Judged, Relevant, load_judgements
from .metrics import EvalReport, K, QueryScore, evaluate, evaluate_index, score

__all__ = [
    "EvalReport",
    "Judged",
    "K",
    "QueryScore",
    "Relevant",
    "evaluate",
    "evaluate_index",
    "load_judgements",
    "score",
]
