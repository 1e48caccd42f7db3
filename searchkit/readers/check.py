"""Checks of numbered paragraphs: in one document, and across its language versions.

A document's paragraphs numbered ``1.``, ``2.`` … (or its articles) are what a
citation points to. Two checks catch a reader's mistakes that a reader of one file
cannot see:

- :func:`sequence_breaks`: whole numbers that neither follow the one before nor
  restart at 1 (an invented paragraph "17." inside paragraph 27, a swallowed one);
- :func:`compare`: two language versions of one document (the same work) must
  number the same paragraphs, and paragraph N must be about as long in both,
  relative to the pair's usual ratio of lengths (French runs longer than English,
  Chinese far shorter).

Run over files or folders, every pair of language versions among them::

    python -m searchkit.readers.check FOLDER_OR_FILE ...
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReaderError
from ..model import Document
from . import read_documents, reader_for

#: A paragraph is "of another length" when its ratio of lengths is this far off the
#: pair's median ratio (a factor), and it is long enough to tell (characters).
FACTOR = 2.0
MIN_CHARS = 60
KINDS = ("paragraph", "article")


def numbered(document: Document) -> dict[str, int]:
    """Each numbered paragraph's (or article's) number and length in characters; a
    number used again (an annex that numbers from 1) is keyed ``"2#2"``."""
    out: dict[str, int] = {}
    for block in document.blocks:
        if block.kind not in KINDS or not block.number:
            continue
        key, seen = block.number, 1
        while key in out:
            seen += 1
            key = f"{block.number}#{seen}"
        out[key] = len(block.text)
    return out


def sequence_breaks(numbers: Iterable[str]) -> list[str]:
    """Whole numbers that neither follow the one before (N+1), nor repeat it, nor restart at 1."""
    out: list[str] = []
    last: int | None = None
    for number in numbers:
        if not number.isdigit():
            continue
        n = int(number)
        if last is not None and n not in (
            last,
            last + 1,
            1,
        ):  # an article's paragraphs share its number
            out.append(number)
        last = n
    return out


@dataclass
class PairCheck:
    """Two language versions of one work compared."""

    work: str
    languages: tuple[str, str]
    common: int = 0
    only_first: list[str] = field(default_factory=list)
    only_second: list[str] = field(default_factory=list)
    other_length: list[str] = field(default_factory=list)  # numbers whose lengths disagree
    ratio: float = 1.0  # median length ratio, second / first

    @property
    def ok(self) -> bool:
        return not (self.only_first or self.only_second or self.other_length)


def compare(first: Document, second: Document) -> PairCheck:
    """Check that ``first`` and ``second`` number the same paragraphs alike."""
    a, b = numbered(first), numbered(second)
    check = PairCheck(
        first.work or first.symbol or first.source,
        (first.language or "?", second.language or "?"),
    )
    common = [n for n in a if n in b]
    check.common = len(common)
    check.only_first = [n for n in a if n not in b]
    check.only_second = [n for n in b if n not in a]
    ratios = {n: b[n] / a[n] for n in common if a[n] and b[n]}
    if ratios:
        check.ratio = statistics.median(ratios.values())
        check.other_length = [
            n
            for n, r in ratios.items()
            if max(a[n], b[n]) >= MIN_CHARS
            and not check.ratio / FACTOR <= r <= check.ratio * FACTOR
        ]
    return check


def pairs(documents: Iterable[Document]) -> list[PairCheck]:
    """Every pair of language versions of one work (documents with numbered
    paragraphs only), compared."""
    works: dict[str, dict[str, Document]] = {}
    for document in documents:
        work = document.work or document.symbol
        if work and document.language and numbered(document):
            works.setdefault(work, {}).setdefault(document.language, document)
    out = []
    for work in sorted(works):
        versions = works[work]
        for one, two in itertools.combinations(sorted(versions), 2):
            out.append(compare(versions[one], versions[two]))
    return out


def read_all(paths: Iterable[Path]) -> tuple[list[Document], list[str]]:
    """The documents of files and folders (recursively), and one line per file not read."""
    documents: list[Document] = []
    errors: list[str] = []
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if reader_for(file) is None:
                continue
            try:
                documents.extend(read_documents(file, str(file.relative_to(path.parent))))
            except ReaderError as exc:
                errors.append(str(exc))
    return documents, errors


def report(documents: list[Document]) -> list[str]:
    """Lines of a report: each file's sequence breaks, each pair that disagrees, totals."""
    lines = []
    breaks = 0
    for document in documents:
        found = sequence_breaks(b.number or "" for b in document.blocks if b.kind in KINDS)
        if found:
            breaks += 1
            lines.append(f"{document.source}: paragraph numbers out of sequence: {found[:10]}")
    checks = pairs(documents)
    bad = [c for c in checks if not c.ok]
    for c in bad:
        parts = [f"{c.work} {c.languages[0]}/{c.languages[1]}: {c.common} in both"]
        if c.only_first:
            parts.append(f"only in {c.languages[0]}: {c.only_first[:10]}")
        if c.only_second:
            parts.append(f"only in {c.languages[1]}: {c.only_second[:10]}")
        if c.other_length:
            parts.append(f"lengths disagree (ratio {c.ratio:.2f}): {c.other_length[:10]}")
        lines.append("; ".join(parts))
    numbered_docs = sum(1 for d in documents if numbered(d))
    works = len({c.work for c in checks})
    lines.append(
        f"{len(documents)} documents, {numbered_docs} with numbered paragraphs, "
        f"{breaks} out of sequence; {len(checks)} language pairs of {works} works, "
        f"{len(checks) - len(bad)} numbered alike, {len(bad)} not"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m searchkit.readers.check",
        description="Check numbered paragraphs in files and across their language versions.",
    )
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)
    documents, errors = read_all(args.paths)
    for error in errors:
        print(f"not read: {error}", file=sys.stderr)
    for line in report(documents):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
