"""A fixed mix of queries drawn from the bench corpus with a fixed seed.

Kinds: ``w1``/``w2``/``w3`` (1–3 words that occur together in one block),
``phrase`` (2–3 consecutive words, quoted), ``prefix`` (a word's first letters
and ``*``), ``filter`` (1–2 words, Russian blocks only) and ``symbol`` (a
document symbol). Words are surface forms as printed, lower-cased; each engine
turns a query into its own syntax (lemmas for the lemma-fed peers).
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass

from .corpus import SourceDoc

_WORD = re.compile(r"[А-Яа-яЁё]{4,}")
_TOKEN = re.compile(r"\w+")

#: How many queries of each kind (220 in all).
MIX = {"w1": 40, "w2": 40, "w3": 40, "phrase": 40, "prefix": 20, "filter": 20, "symbol": 20}


@dataclass(frozen=True)
class Query:
    kind: str
    words: tuple[str, ...]  # lower-cased surface words (or the symbol)
    lang: str | None = None

    @property
    def text(self) -> str:
        """The query as a searchkit user types it."""
        if self.kind == "phrase":
            return '"' + " ".join(self.words) + '"'
        if self.kind == "prefix":
            return self.words[0] + "*"
        return " ".join(self.words)

    def to_dict(self) -> dict[str, object]:
        return asdict(self) | {"text": self.text}


def make_queries(docs: list[SourceDoc], seed: int = 2026, mix: dict[str, int] = MIX) -> list[Query]:
    """The query mix; the same ``docs`` and ``seed`` always give the same list."""
    rng = random.Random(seed)
    ru = [p for d in docs if d.lang == "ru" for p in d.paragraphs if len(_WORD.findall(p)) >= 6]
    symbols = sorted({d.symbol for d in docs if d.lang == "ru" and "/" in d.symbol})
    out: list[Query] = []
    for kind, n in mix.items():
        made = 0
        while made < n:
            words = [w.lower().replace("ё", "е") for w in _WORD.findall(rng.choice(ru))]
            if kind == "symbol":
                out.append(Query(kind, (rng.choice(symbols),)))
            elif kind == "phrase":
                k = rng.choice((2, 3))
                tokens = [t.lower().replace("ё", "е") for t in _TOKEN.findall(rng.choice(ru))]
                starts = [
                    i
                    for i in range(len(tokens) - k + 1)
                    if all(_WORD.fullmatch(t) for t in tokens[i : i + k])
                ]
                if not starts:
                    continue
                i = rng.choice(starts)
                out.append(Query(kind, tuple(tokens[i : i + k])))
            elif kind == "prefix":
                long = [w for w in words if len(w) >= 7]
                if not long:
                    continue
                out.append(Query(kind, (rng.choice(long)[:5],)))
            else:
                k = 1 if kind == "w1" else 2 if kind in ("w2", "filter") else 3
                picked = tuple(rng.sample(sorted(set(words)), k))
                out.append(Query(kind, picked, "ru" if kind == "filter" else None))
            made += 1
    return out
