"""Aligned sentence sets of the UN Parallel Corpus (``UNv1.0.devset.{ids,ru,en}``).

Line N of ``X.ids``, ``X.ru`` and ``X.en`` belong together; an ``.ids`` line reads
``2015/a/conf_224/pc_iii_/l_1 ar:6:1 en:7:1 es:6:1 fr:7:1 ru:8:1 zh:6:1``: the
year, the symbol path, and per language ``paragraph id:sentence id`` in that
language's UNPC TEI file. The ``.ids`` file is the entry point: it reads its
``.ru``/``.en`` siblings (which are not read on their own) and yields one partial
:class:`Document` per symbol and language, whose blocks are the paragraphs
(sentences of one paragraph joined, in sentence order), numbered by the
paragraph's printed number when its first sentence is there and starts with
one (``146. …``); the corpus's own paragraph ids count masthead lines and differ
between language versions, so they are never shown as paragraph numbers. Each
document's source is ``<ids file>#<symbol path>:<language>``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

from ..errors import ReaderError
from ..model import Block, Document
from ..symbols import body_of, symbol_from_unpc_path
from .encoding import decode
from .quirks import clean, printed_number

#: Languages read from siblings of the ``.ids`` file.
LANGUAGES = ("ru", "en")


def siblings(path: Path) -> dict[str, Path]:
    """The existing ``.ru``/``.en`` files next to an ``.ids`` file."""
    found = {lang: path.with_suffix(f".{lang}") for lang in LANGUAGES}
    return {lang: p for lang, p in found.items() if p.is_file()}


def checksum(path: Path) -> str:
    """One checksum over the ``.ids`` file and its siblings: a change to any is seen."""
    digest = hashlib.sha256(path.read_bytes())
    for _, sibling in sorted(siblings(path).items()):
        digest.update(sibling.read_bytes())
    return digest.hexdigest()


def read_many(path: Path, source: str) -> list[Document]:
    """All partial documents described by an ``.ids`` file and its siblings."""
    ids = decode(path.read_bytes(), source).strip().split("\n")
    texts = siblings(path)
    if not texts:
        raise ReaderError(source, "no .ru or .en file next to this .ids file")
    lines: dict[str, list[str]] = {}
    for lang, sibling in texts.items():
        name = f"{source.rsplit('/', 1)[0]}/{sibling.name}" if "/" in source else sibling.name
        lines[lang] = decode(sibling.read_bytes(), name).strip("\n").split("\n")
        if len(lines[lang]) != len(ids):
            raise ReaderError(
                source, f"{sibling.name} has {len(lines[lang])} lines, the .ids file {len(ids)}"
            )
    # (symbol path, lang) -> paragraph id -> [(sentence id, text)]
    groups: dict[tuple[str, str], dict[int, list[tuple[int, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    years: dict[str, str] = {}
    for n, line in enumerate(ids):
        fields = line.split()
        if not fields or "/" not in fields[0]:
            raise ReaderError(source, f"line {n + 1}: not an ids line: {line[:60]!r}")
        year, symbol_path = fields[0].split("/", 1)
        years[symbol_path] = year
        address = dict(f.split(":", 1) for f in fields[1:] if ":" in f)
        for lang, text_lines in lines.items():
            para, _, sent = address.get(lang, "").partition(":")
            if para.isdigit() and (text := clean(text_lines[n])):
                key = (symbol_path, lang)
                groups[key][int(para)].append((int(sent) if sent.isdigit() else 0, text))
    documents = []
    for (symbol_path, lang), paragraphs in sorted(groups.items()):
        symbol = symbol_from_unpc_path(symbol_path)
        blocks = tuple(
            _paragraph(sorted(sents), i) for i, (_, sents) in enumerate(sorted(paragraphs.items()))
        )
        documents.append(
            Document(
                source=f"{source}#{symbol_path}:{lang}",
                blocks=blocks,
                symbol=symbol,
                body=body_of(symbol) if symbol else None,
                language=lang,
                date=years[symbol_path],
                extra={"partial": "true"},
            )
        )
    return documents


def _paragraph(sentences: list[tuple[int, str]], ordinal: int) -> Block:
    text = " ".join(t for _, t in sentences)
    number = None
    if sentences[0][0] == 1:  # only the first sentence can carry the printed number
        number, text = printed_number(text)
    return Block("paragraph", text, ordinal, number)
