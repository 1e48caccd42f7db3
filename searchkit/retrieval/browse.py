"""Reading the index as documents: a paragraph in its context, the same paragraph
in another language, the documents an index holds.

``show("index", "CTOC/COP/2012/1", "3", context=1)`` returns a :class:`Passage`
with paragraph 3, one block before and one after, and the document's masthead
(title, date, session, agenda item). Paragraphs are addressed as printed
(``"3"``, ``"3 (a)"``, ``"*"`` for a footnote) or by position (``"#5"``, the
block's ordinal, which also reaches unnumbered headings and titles).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import NotFound
from ..index.snapshot import Snapshot, open_snapshot
from ..index.stored import StoredBlock, StoredDocument
from ..model import Block, citation
from ..symbols import canonical


@dataclass(frozen=True)
class DocumentInfo:
    """What the masthead of a document says."""

    symbol: str | None
    source: str
    language: str | None
    title: str | None
    date: str | None
    session: str | None
    agenda_item: str | None
    body_name: str | None


@dataclass(frozen=True)
class Passage:
    """A block with its neighbours, ready to quote."""

    document: DocumentInfo
    block: Block
    before: tuple[Block, ...] = ()
    after: tuple[Block, ...] = ()
    parallel: dict[str, Block] = field(default_factory=dict)

    @property
    def citation(self) -> str:
        b = self.block
        doc = self.document
        return citation(doc.symbol, b.kind, b.number, doc.source, doc.title, doc.language)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["citation"] = self.citation
        return data


def _info(document: StoredDocument) -> DocumentInfo:
    return DocumentInfo(
        symbol=document.symbol,
        source=document.source,
        language=document.language,
        title=document.title,
        date=document.date,
        session=document.session,
        agenda_item=document.agenda_item,
        body_name=document.body_name,
    )


def _blocks_of(snap: Snapshot, document: str, lang: str | None) -> list[StoredBlock]:
    """Blocks of the document named by its symbol or, lacking one, its source
    file (in ``lang``, when given; else one language version, Russian first)."""
    symbol = canonical(document)
    found = snap.term_mask("source", [document])
    if symbol:
        found |= snap.term_mask("symbol", [symbol])
    if lang:
        found &= snap.term_mask("lang", [lang])
    rows = [snap.stored.block(int(d)) for d in np.flatnonzero(found)]
    if not rows:
        raise NotFound(
            f"no document {document!r}{f' in language {lang!r}' if lang else ''} in the index"
        )
    # A symbol may exist in several languages: keep one source unless asked otherwise.
    sources = sorted({r.document.source for r in rows})
    if lang is None and len(sources) > 1:
        preferred = [r for r in rows if r.document.language == "ru"] or rows
        first = sorted({r.document.source for r in preferred})[0]
        rows = [r for r in rows if r.document.source == first]
    return sorted(rows, key=lambda r: (r.document.source, r.ordinal))


def _find(rows: list[StoredBlock], para: str) -> int:
    wanted = para.strip()
    if wanted.startswith("#") and wanted[1:].isdigit():
        ordinal = int(wanted[1:])
        for i, row in enumerate(rows):
            if row.ordinal == ordinal:
                return i
    else:
        normal = " ".join(wanted.replace("(", " (").split())
        for i, row in enumerate(rows):
            number = row.number or ""
            if number == wanted or " ".join(number.replace("(", " (").split()) == normal:
                return i
    doc = rows[0].document
    raise NotFound(f"no paragraph {para!r} in {doc.symbol or doc.source}")


def show(
    index_dir: Path | str,
    document: str,
    para: str,
    *,
    context: int = 0,
    lang: str | None = None,
    parallel_langs: tuple[str, ...] = (),
) -> Passage:
    """The block ``para`` of ``document`` (a symbol, or a source file for documents
    without one) with ``context`` blocks before and after.

    ``parallel_langs`` adds the same-numbered block of those language versions.
    Raises :class:`~searchkit.errors.NotFound` for an unknown document or paragraph.
    """
    with open_snapshot(index_dir) as snap:
        rows = _blocks_of(snap, document, lang)
        i = _find(rows, para)
        passage = Passage(
            document=_info(rows[i].document),
            block=rows[i].to_block(),
            before=tuple(r.to_block() for r in rows[max(0, i - context) : i]),
            after=tuple(r.to_block() for r in rows[i + 1 : i + 1 + context]),
        )
        for other in parallel_langs:
            found = _parallel_block(snap, passage, other)
            if found is not None:
                passage.parallel[other] = found
    return passage


def _parallel_block(snap: Snapshot, passage: Passage, lang: str) -> Block | None:
    doc, block = passage.document, passage.block
    if not doc.symbol or lang == doc.language:
        return None
    try:
        rows = _blocks_of(snap, doc.symbol, lang)
    except NotFound:
        return None
    if block.number is not None:
        for row in rows:
            if row.number == block.number and row.kind == block.kind:
                return row.to_block()
        return None
    # Unnumbered blocks (titles, headings): the same kind at the same rank.
    same_kind = [r for r in rows if r.kind == block.kind]
    mine = _kind_rank(snap, doc, block.kind)
    rank = mine.index(block.ordinal) if block.ordinal in mine else len(same_kind)
    return same_kind[rank].to_block() if rank < len(same_kind) else None


def _kind_rank(snap: Snapshot, doc: DocumentInfo, kind: str) -> list[int]:
    return [r.ordinal for r in _blocks_of(snap, doc.source, None) if r.kind == kind]


def parallel(index_dir: Path | str, symbol: str, para: str, lang: str) -> Block | None:
    """The block numbered ``para`` in the ``lang`` version of ``symbol``, if indexed."""
    passage = show(index_dir, symbol, para, parallel_langs=(lang,))
    return passage.parallel.get(lang)


def parallels(index_dir: Path | str, hits: list[Any], lang: str) -> dict[int, Block]:
    """For each hit (by position) that has a ``lang`` version, that version's block."""
    found: dict[int, Block] = {}
    with open_snapshot(index_dir) as snap:
        for i, hit in enumerate(hits):
            if not hit.symbol or hit.language == lang:
                continue
            passage = Passage(
                document=DocumentInfo(
                    hit.symbol, hit.source, hit.language, hit.title, hit.date, None, None, None
                ),
                block=Block(hit.kind, hit.text, hit.ordinal, hit.paragraph, hit.heading),
            )
            block = _parallel_block(snap, passage, lang)
            if block is not None:
                found[i] = block
    return found
