"""Reading the index as documents: a paragraph in its context, the same paragraph
in another language, the documents an index holds.

``show("index", "CTOC/COP/2012/1", "3", context=1)`` returns a :class:`Passage`
with paragraph 3, one block before and one after, and the document's masthead
(title, date, session, agenda item). A document is named by its symbol, its
title or a short name of a known document (``Устав ООН``: its *work*, which
pairs its language versions), or its file; paragraphs as printed (``"3"``,
``"3 (a)"``, ``"*"`` for a footnote), by position (``"#5"``, the block's
ordinal, which also reaches unnumbered headings and titles) or by kind
(``"title"``). A citation as searchkit prints it names both:
``show("index", "Устав Организации Объединенных Наций, статья 51")``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import NotFound
from ..index.snapshot import Snapshot, open_snapshot
from ..index.stored import StoredBlock, StoredDocument
from ..model import KINDS, Block, citation
from ..symbols import canonical
from ..works import language_of, resolve
from .families import Families, Family, families_of


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
    work: str | None = None  # what pairs its language versions


@dataclass(frozen=True)
class Passage:
    """A block with its neighbours, ready to quote."""

    document: DocumentInfo
    block: Block
    before: tuple[Block, ...] = ()
    after: tuple[Block, ...] = ()
    parallel: dict[str, Block] = field(default_factory=dict)
    superseded_by: tuple[str, ...] = ()  # the revisions in the index that replace it
    corrected_by: tuple[str, ...] = ()  # the corrigenda that correct this block

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
        work=document.work,
    )


def _blocks_of(snap: Snapshot, document: str, lang: str | None) -> list[StoredBlock]:
    """Blocks of the document named by its symbol, its work (a known title or
    short name resolves to one) or its source file: in ``lang`` when given, else
    one language version (the one whose title or short name was typed, else
    Russian)."""
    symbol = canonical(document)
    named = [
        ("source", document.removeprefix("[symbol unknown: ").rstrip("]")),
        *(("work", w) for w in dict.fromkeys((document, resolve(document))) if w),
        *((("symbol", symbol),) if symbol else ()),
    ]
    found = snap.blocks_with(named, [("lang", lang)] if lang else [])
    rows = [snap.stored.block(d) for d in found]
    if not rows:
        raise NotFound(
            f"no document {document!r}{f' in language {lang!r}' if lang else ''} in the index"
        )
    # A symbol may exist in several languages: keep one source unless asked otherwise.
    sources = sorted({r.document.source for r in rows})
    if lang is None and len(sources) > 1:
        # The version whose title was typed ("Charter of the United Nations"), else Russian.
        named = [r for r in rows if r.document.title and _same(r.document.title, document)]
        implied = language_of(document) or "ru"
        preferred = named or [r for r in rows if r.document.language == implied] or rows
        first = sorted({r.document.source for r in preferred})[0]
        rows = [r for r in rows if r.document.source == first]
    return sorted(rows, key=lambda r: (r.document.source, r.ordinal))


def _current(
    snap: Snapshot, family: Families, document: str, lang: str | None
) -> list[StoredBlock]:
    """:func:`_blocks_of`, the reissue of a document reissued (``*``) rather
    than its first printing, unless that was named by its file."""
    rows = _blocks_of(snap, document, lang)
    doc = rows[0].document
    if document in (doc.source, doc.file):
        return rows
    rows = family.current(rows)
    first = rows[0].document
    sources = family.reissued.get((first.symbol or "", first.language or ""), ())
    if sources and first.source not in sources:
        rows = _blocks_of(snap, sources[0], None)
    return rows


def _same(title: str, name: str) -> bool:
    return " ".join(title.lower().split()) == " ".join(name.lower().split())


def _find(rows: list[StoredBlock], para: str) -> int:
    wanted = para.strip()
    if wanted.lower() in KINDS:  # "title": the first block of that kind
        for i, row in enumerate(rows):
            if row.kind == wanted.lower():
                return i
    elif wanted.startswith("#") and wanted[1:].isdigit():
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


#: A citation as searchkit prints it (model.citation): the document, then the block.
_CITATION = re.compile(
    r"^(?P<document>.+?),\s*(?:(?:para\.?|п\.|пункт)\s*(?P<para>.+)"
    r"|(?:статья|article)\s+(?P<article>\S+)|footnote\s+(?P<note>\S+)"
    r"|(?P<kind>[a-z]+)(?:\s+(?P<number>\S+))?)\s*$",
    re.IGNORECASE,
)


def split_citation(text: str) -> tuple[str, str] | None:
    """(document, paragraph) of a citation as searchkit prints it
    (``"A/RES/70/1, para. 3"``, ``"Устав Организации Объединенных Наций, статья 51"``,
    ``"CTOC/COP/2012/1, footnote 2"``, ``"… , title"``), else ``None``."""
    m = _CITATION.match(text.strip())
    if m is None:
        return None
    if m["kind"] and m["kind"].lower() not in KINDS:
        return None
    para = m["para"] or m["article"] or m["note"] or m["number"] or m["kind"]
    return m["document"].strip(), para.strip()


def show(
    index_dir: Path | str,
    document: str,
    para: str | None = None,
    *,
    context: int = 0,
    lang: str | None = None,
    parallel_langs: tuple[str, ...] = (),
) -> Passage:
    """The block ``para`` of ``document`` (its symbol, title, known short name or
    file) with ``context`` blocks before and after; without ``para``,
    ``document`` is a citation as searchkit prints it.

    ``parallel_langs`` adds the same-numbered block of those language versions.
    Raises :class:`~searchkit.errors.NotFound` for an unknown document or paragraph.
    """
    if para is None:
        cited = split_citation(document)
        if cited is None:
            raise NotFound(f"{document!r} is no citation: name a paragraph ('3', '#5', 'title')")
        document, para = cited
    with open_snapshot(index_dir) as snap:
        family = families_of(snap)
        rows = _current(snap, family, document, lang)
        i = _find(rows, para)
        doc = rows[i].document
        passage = Passage(
            document=_info(doc),
            block=rows[i].to_block(),
            before=tuple(r.to_block() for r in rows[max(0, i - context) : i]),
            after=tuple(r.to_block() for r in rows[i + 1 : i + 1 + context]),
            superseded_by=family.superseded_by(doc.symbol, doc.language, doc.source),
            corrected_by=family.corrected_by(
                doc.symbol, doc.language, rows[i].kind, rows[i].number
            ),
        )
        for other in parallel_langs:
            found = _parallel_block(snap, passage, other)
            if found is not None:
                passage.parallel[other] = found
    return passage


@dataclass(frozen=True)
class DocumentView:
    """A document's masthead and its family (``show SYMBOL`` without a paragraph)."""

    document: DocumentInfo
    blocks: int
    family: Family | None = None
    superseded_by: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": asdict(self.document),
            "blocks": self.blocks,
            "superseded_by": list(self.superseded_by),
            "family": self.family.to_dict() if self.family else None,
        }


def show_document(index_dir: Path | str, document: str, *, lang: str | None = None) -> DocumentView:
    """The masthead of ``document`` (as :func:`show` names it) and the family
    of documents its symbol belongs to: every member in the index, its
    relation, date and languages."""
    with open_snapshot(index_dir) as snap:
        family = families_of(snap)
        rows = _current(snap, family, document, lang)
        doc = rows[0].document
        return DocumentView(
            document=_info(doc),
            blocks=len(rows),
            family=family.family(doc.symbol),
            superseded_by=family.superseded_by(doc.symbol, doc.language, doc.source),
        )


def _parallel_block(snap: Snapshot, passage: Passage, lang: str) -> Block | None:
    doc, block = passage.document, passage.block
    if not doc.work or lang == doc.language:
        return None
    try:
        rows = _blocks_of(snap, doc.work, lang)
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
            document = snap.document_named(hit.source)
            if document is None or not document.work or hit.language == lang:
                continue
            passage = Passage(
                document=_info(document),
                block=Block(hit.kind, hit.text, hit.ordinal, hit.paragraph, hit.heading),
            )
            block = _parallel_block(snap, passage, lang)
            if block is not None:
                found[i] = block
    return found
