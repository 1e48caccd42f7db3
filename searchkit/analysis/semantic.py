"""Semantic neighbours: the lemmas of an index nearest in meaning to a lemma.

The vectors are navec's news v1 (250,000 Russian words × 300 dimensions,
product-quantised to 26 MB; MIT), which the ``natasha`` package ships inside
its wheel; ``navec`` reads them. Both come with the optional extra
``searchkit[semantic]``: nothing is downloaded at run time, and without the
extra :func:`available` is false and :func:`neighbours` gives nothing.

The vectors are read on first use (~0.8 s); the first query against an index
then decodes the vectors of the lemmas that index holds and navec knows
(:class:`Space`: 8,400 of the shared corpus's 11,000 Russian lemmas, 10 MB)
and keeps them for that commit; a lemma's neighbours are a product with
that matrix, cached per lemma. Off by default (:data:`MAX_NEIGHBOURS`): on
the judged sets it does not pay (README, *Relevance*).
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .morphology import morph, relative_stem
from .stopwords import STOP_WORDS
from .words import CYRILLIC

#: The vectors inside natasha's wheel.
VECTORS = "data/emb/navec_news_v1_1B_250K_300d_100q.tar"
#: How many neighbours a query lemma gets (0: the feature is off, the
#: default: on the judged sets it does not pay, see the README), how many
#: when it is switched on (``MAX_NEIGHBOURS = WHEN_ON``), and how near
#: (cosine) each must be.
MAX_NEIGHBOURS = 0
WHEN_ON = 5
MIN_SIMILARITY = 0.4
#: A lemma of the index is a candidate when it has at least this many letters.
MIN_LETTERS = 4
#: Spaces kept (one per index commit searched lately).
SPACES = 2

_lock = threading.Lock()
_spaces: dict[Any, Space] = {}


def vectors_path() -> Path | None:
    """Where natasha's wheel put the vectors (``None`` without the extra);
    natasha itself is never imported."""
    try:
        spec = importlib.util.find_spec("natasha")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / VECTORS
    return path if path.is_file() and importlib.util.find_spec("navec") else None


def available() -> bool:
    """Are the word vectors installed (``pip install 'searchkit[semantic]'``)?"""
    return vectors_path() is not None


@cache
def _navec() -> Any:
    path = vectors_path()
    if path is None:
        return None
    from navec import Navec

    return Navec.load(str(path))


class Space:
    """The unit vectors of the lemmas of ``lemmas`` that navec knows."""

    def __init__(self, lemmas: Iterable[str]) -> None:
        import numpy as np

        navec = _navec()
        vocab = navec.vocab
        ids, words = [], []
        for lemma in lemmas:
            i = vocab.get(lemma)
            if i is not None:
                ids.append(i)
                words.append(lemma)
        pq = navec.pq
        codes = pq.indexes[np.asarray(ids, dtype=np.int64)]  # (n, qdim) centroid numbers
        matrix = pq.codes[np.arange(pq.qdim)[None, :], codes].reshape(len(ids), pq.dim)
        matrix = matrix.astype(np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        self.matrix = matrix / np.where(norms > 0, norms, 1.0)
        self.words = words
        self.row = {w: i for i, w in enumerate(words)}

    def __len__(self) -> int:
        return len(self.words)

    @lru_cache(maxsize=4096)  # noqa: B019 (a space lives as long as its index commit)
    def nearest(self, lemma: str, k: int, floor: float) -> tuple[tuple[str, float], ...]:
        """The ``k`` lemmas nearest ``lemma`` (cosine ≥ ``floor``), nearest
        first, with their similarity; none of its own derivational family."""
        import numpy as np

        navec = _navec()
        if lemma in self.row:
            query = self.matrix[self.row[lemma]]
        elif lemma in navec.vocab:
            query = np.asarray(navec[lemma], dtype=np.float32)
            query = query / (np.linalg.norm(query) or 1.0)
        else:
            return ()
        pos = _part_of_speech(lemma)
        if pos is None:
            return ()
        sims = self.matrix @ query
        stem = relative_stem(lemma)
        out: list[tuple[str, float]] = []
        for i in np.argsort(-sims)[: 8 * k + 16]:
            word, sim = self.words[i], float(sims[i])
            if sim < floor or len(out) == k:
                break
            if word == lemma or (stem is not None and word.startswith(stem)):
                continue
            if _part_of_speech(word) == pos:
                out.append((word, round(sim, 3)))
        return tuple(out)


#: The parts of speech that get neighbours, and only of their own kind: a
#: noun's neighbour is a noun (news vectors put *около*, *более* beside
#: *человек*); names of places and people get none (*Судан*: *Йемен*, *Ливан*).
_OPEN = {"NOUN", "ADJF", "INFN", "VERB"}
_NAMES = {"Geox", "Name", "Surn", "Patr", "Orgn", "Abbr", "Trad"}


@lru_cache(maxsize=50_000)
def _part_of_speech(lemma: str) -> str | None:
    tag = morph().parse(lemma)[0].tag
    if tag.POS not in _OPEN or _NAMES & set(tag.grammemes):
        return None
    return "VERB" if tag.POS == "INFN" else str(tag.POS)


def candidate(term: str) -> bool:
    """Is a term of the index a lemma that may be a neighbour?"""
    return (
        len(term) >= MIN_LETTERS
        and term.isalpha()
        and CYRILLIC.search(term) is not None
        and term not in STOP_WORDS
    )


def space_of(key: Any, terms: Any) -> Space:
    """The space of an index commit (``key``), built from ``terms()`` (its
    lemmas) on first use and kept for the :data:`SPACES` latest commits."""
    with _lock:
        found = _spaces.get(key)
        if found is None:
            found = Space(t for t in terms() if candidate(t))
            while len(_spaces) >= SPACES:
                _spaces.pop(next(iter(_spaces)))
            _spaces[key] = found
        return found


def neighbours(key: Any, terms: Any, lemma: str) -> tuple[str, ...]:
    """Up to :data:`MAX_NEIGHBOURS` lemmas of the index (``terms()``, its
    commit ``key``) nearest in meaning to ``lemma``; none when the feature is
    off or the vectors are not installed."""
    if MAX_NEIGHBOURS <= 0 or not candidate(lemma) or _navec() is None:
        return ()
    space = space_of(key, terms)
    return tuple(w for w, _ in space.nearest(lemma, MAX_NEIGHBOURS, MIN_SIMILARITY))
