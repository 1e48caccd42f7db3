"""Generated Russian corpora for the reindex tests: small files with numbered paragraphs.

Sentences come from the bundled seed document and a few of our own; every file
gets a title and 2-4 numbered paragraphs, so the plain-text reader gives
``1 + paragraphs`` blocks. Deterministic for a given ``random.Random``.
"""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path

from searchkit.readers import read_path

from .conftest import SEED

_OWN = [
    "Рабочая группа рассмотрела вопросы незаконного ввоза мигрантов по морю.",
    "Делегации обменялись опытом в области защиты прав мигрантов.",
    "Секретариат представил доклад о ходе осуществления Протокола.",
    "Конференция призвала государства укреплять международное сотрудничество.",
    "Эксперты отметили важность сбора данных и обмена информацией.",
    "Участники обсудили меры по предупреждению торговли людьми.",
    "Было подчеркнуто значение технической помощи развивающимся странам.",
    "Совещание одобрило рекомендации для представления Конференции.",
]


def _seed_sentences() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    paras = re.findall(r"^\d\.\s+(.+)$", text, re.M)
    sentences = [s.strip() for p in paras for s in re.split(r"(?<=[.])\s+(?=[А-Я])", p)]
    return [s for s in sentences if 30 < len(s) < 400] + _OWN


SENTENCES = _seed_sentences()


def document_text(number: int, version: int, rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.randint(2, 4)):
        paragraphs.append(" ".join(rng.sample(_OWN, 1) + rng.sample(SENTENCES, 1)))
    body = "\n\n".join(f"{i}. {p}" for i, p in enumerate(paragraphs, 1))
    return f"**Доклад номер {number}, редакция {version}**\n\n{body}\n"


class Corpus:
    """A folder of generated files that remembers each version's checksum and block count."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root = root
        self.rng = rng
        self.blocks: dict[str, int] = {}  # checksum -> blocks the reader makes of it
        self.versions: dict[int, int] = {}
        root.mkdir(parents=True, exist_ok=True)

    def write(self, number: int) -> None:
        version = self.versions.get(number, -1) + 1
        self.versions[number] = version
        path = self.root / f"doc{number:04d}.txt"
        path.write_text(document_text(number, version, self.rng), encoding="utf-8")
        data = path.read_bytes()
        self.blocks[hashlib.sha256(data).hexdigest()] = len(read_path(path, path.name).blocks)

    def delete(self, number: int) -> None:
        (self.root / f"doc{number:04d}.txt").unlink()
        del self.versions[number]

    def mutate(self, changed: int, added: int, deleted: int) -> None:
        present = sorted(self.versions)
        for number in self.rng.sample(present, min(changed, len(present))):
            self.write(number)
        for number in self.rng.sample(present, min(deleted, len(present))):
            self.delete(number)
        start = max(present, default=0) + 1
        for number in range(start, start + added):
            self.write(number)

    def state(self) -> dict[str, str]:
        """source -> checksum of every file now in the corpus."""
        return {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(self.root.glob("*.txt"))
        }


def make_corpus(root: Path, files: int, seed: int) -> Corpus:
    corpus = Corpus(root, random.Random(seed))
    for number in range(files):
        corpus.write(number)
    return corpus
