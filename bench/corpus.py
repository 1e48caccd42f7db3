"""Bench corpora: the real UN text of ../shared/corpus, and scaled copies of it.

Source documents (read here, not by searchkit's readers, which are being
extended on another branch): every ``un-documents`` file (one sentence per line;
each line becomes one paragraph block), the ``unpc-devset`` Russian and English
sentences grouped by their document symbol, and the Charter. Each document is
written in the bundled plain-text layout that ``searchkit.readers.text`` reads:
the symbol, a ``Distr.: General`` masthead with date and language, then one
chunk per paragraph separated by blank lines.

A scaled corpus of N MB repeats the source documents under distinct symbols
(``…/R2``, ``…/R3``…) until the text reaches N MB: the vocabulary is real, but it
repeats, so the term dictionary grows more slowly than a real archive's would.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MB = 1_000_000
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


@dataclass(frozen=True)
class SourceDoc:
    symbol: str
    lang: str
    year: int
    paragraphs: tuple[str, ...]


def _symbol_from_name(stem: str) -> tuple[str, int]:
    """``2009_ccpr_c_ukr_co_6_add_2`` -> (``CCPR/C/UKR/CO/6/ADD/2``, 2009)."""
    stem = re.sub(r"^(ru|en)_", "", stem)
    year, _, rest = stem.partition("_")
    return rest.upper().replace("_", "/"), int(year) if year.isdigit() else 2010


def _clean(line: str) -> str:
    line = " ".join(line.split())
    # A line that would read as a masthead or bold title in the text layout stays a paragraph.
    return line.strip("*")


def source_documents(shared: Path) -> list[SourceDoc]:
    """The real documents under ``shared`` (``../shared/corpus``), in a fixed order."""
    docs: list[SourceDoc] = []
    for path in sorted((shared / "un-documents").rglob("*.txt")):
        lang = "en" if "/source/en/" in path.as_posix() else "ru"
        symbol, year = _symbol_from_name(path.stem)
        lines = [_clean(x) for x in path.read_text(encoding="utf-8").splitlines()]
        docs.append(SourceDoc(symbol, lang, year, tuple(x for x in lines if len(x) > 1)))
    devset = shared / "unpc-devset"
    ids = devset / "UNv1.0.devset.ids"
    if ids.is_file():
        keys = [line.split()[0] for line in ids.read_text(encoding="utf-8").splitlines()]
        for lang in ("ru", "en"):
            by_doc: dict[str, list[str]] = defaultdict(list)
            text = (devset / f"UNv1.0.devset.{lang}").read_text(encoding="utf-8").splitlines()
            for key, line in zip(keys, text, strict=False):
                if line.strip():
                    by_doc[key].append(_clean(line))
            for key in sorted(by_doc):
                if len(by_doc[key]) < 3:  # a lone sentence often reads as a masthead line
                    continue
                year, _, rest = key.partition("/")
                symbol = rest.upper().replace("_", ".")
                docs.append(SourceDoc(symbol, lang, int(year), tuple(by_doc[key])))
    charter = shared / "charter" / "processed" / "clean_un_charter_ru.txt"
    if charter.is_file():
        lines = [_clean(x) for x in charter.read_text(encoding="utf-8").splitlines()]
        docs.append(SourceDoc("CHARTER/RU", "ru", 1945, tuple(x for x in lines if len(x) > 1)))
    if not docs:
        raise FileNotFoundError(f"no documents found under {shared}")
    return docs


def render(doc: SourceDoc, symbol: str, day: int) -> str:
    """One document in the bundled plain-text layout."""
    language = "Russian" if doc.lang == "ru" else "English"
    date = f"{1 + day % 28} {MONTHS[day % 12]} {doc.year}"
    head = f"{symbol}\n\nDistr.: General\n{date}\n{language}\nOriginal: English\n\n"
    return head + "\n\n".join(doc.paragraphs) + "\n"


def scaled(docs: list[SourceDoc], megabytes: float) -> Iterator[tuple[str, str]]:
    """(file name, text) pairs adding up to about ``megabytes`` MB of UTF-8 text."""
    target = int(megabytes * MB)
    total = 0
    copy = 0
    while total < target:
        copy += 1
        for i, doc in enumerate(docs):
            symbol = doc.symbol if copy == 1 else f"{doc.symbol}/R{copy}"
            text = render(doc, symbol, i + copy)
            name = f"r{copy:04d}/{doc.lang}_{i:04d}.txt"
            yield name, text
            total += len(text.encode("utf-8"))
            if total >= target:
                return


def write_corpus(docs: list[SourceDoc], megabytes: float, out: Path) -> dict[str, float]:
    """Write a scaled corpus to ``out``; return its size in files, bytes and copies."""
    out.mkdir(parents=True, exist_ok=True)
    files = 0
    size = 0
    for name, text in scaled(docs, megabytes):
        path = out / name
        path.parent.mkdir(exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        files += 1
        size += len(data)
    return {"files": files, "bytes": size}


def touch_percent(corpus: Path, percent: float, seed: int = 7) -> list[str]:
    """Change ``percent`` % of the corpus files (append a real sentence); return them."""
    files = sorted(p for p in corpus.rglob("*.txt"))
    rng = random.Random(seed)
    chosen = rng.sample(files, max(1, round(len(files) * percent / 100)))
    for path in chosen:
        with path.open("a", encoding="utf-8") as f:
            f.write("\nДокумент исправлен: текст пункта уточнен после обсуждения.\n")
    return [p.relative_to(corpus).as_posix() for p in chosen]


def corpus_info(corpus: Path) -> dict[str, float]:
    """Files searchkit reads under ``corpus`` and the UTF-8 bytes of their text
    (what MB/s is counted in: a PDF's bytes are mostly not text)."""
    from searchkit.indexing import corpus_files
    from searchkit.readers import read_documents

    files = 0
    size = 0
    for path, source in corpus_files(corpus):
        files += 1
        try:
            documents = read_documents(path, source)
        except Exception:  # a file the indexer reports as failed
            continue
        size += sum(len(b.text.encode("utf-8")) for d in documents for b in d.blocks)
    return {"files": files, "bytes": size}
