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

from .errors import NotFound
from .indexer import open_index
from .model import Block, citation
from .stored import block_fields
from .symbols import canonical


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


def _block(fields: dict[str, Any]) -> Block:
    return Block(
        kind=fields.get("kind", "paragraph"),
        text=fields.get("text") or "",
        ordinal=int(fields.get("ordinal", 0)),
        number=fields.get("number") or None,
        heading=fields.get("heading"),
    )


def _info(fields: dict[str, Any]) -> DocumentInfo:
    return DocumentInfo(
        symbol=fields.get("symbol") or None,
        source=fields.get("source", ""),
        language=fields.get("lang") or None,
        title=fields.get("title"),
        date=fields.get("date") or None,
        session=fields.get("session"),
        agenda_item=fields.get("agenda"),
        body_name=fields.get("body_name"),
    )


def _document_query(document: str, lang: str | None) -> Any:
    """Blocks of the document named by its symbol or, lacking one, its source file."""
    from whoosh.query import And, Or, Term

    symbol = canonical(document)
    by = (
        Or([Term("symbol", symbol), Term("source", document)])
        if symbol
        else Term("source", document)
    )
    return And([by, Term("lang", lang)]) if lang else by


def _blocks_of(searcher: Any, document: str, lang: str | None) -> list[dict[str, Any]]:
    found = searcher.search(_document_query(document, lang), limit=None)
    rows = [block_fields(searcher, hit.docnum) for hit in found]
    if not rows:
        raise NotFound(
            f"no document {document!r}{f' in language {lang!r}' if lang else ''} in the index"
        )
    # A symbol may exist in several languages: keep one source unless asked otherwise.
    sources = sorted({r["source"] for r in rows})
    if lang is None and len(sources) > 1:
        preferred = [r for r in rows if r.get("lang") == "ru"] or rows
        first = sorted({r["source"] for r in preferred})[0]
        rows = [r for r in rows if r["source"] == first]
    return sorted(rows, key=lambda r: (r["source"], int(r.get("ordinal", 0))))


def _find(rows: list[dict[str, Any]], para: str) -> int:
    wanted = para.strip()
    if wanted.startswith("#") and wanted[1:].isdigit():
        ordinal = int(wanted[1:])
        for i, row in enumerate(rows):
            if int(row.get("ordinal", -1)) == ordinal:
                return i
    else:
        normal = " ".join(wanted.replace("(", " (").split())
        for i, row in enumerate(rows):
            number = row.get("number") or ""
            if number == wanted or " ".join(number.replace("(", " (").split()) == normal:
                return i
    raise NotFound(f"no paragraph {para!r} in {rows[0].get('symbol') or rows[0]['source']}")


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
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        rows = _blocks_of(searcher, document, lang)
        i = _find(rows, para)
        passage = Passage(
            document=_info(rows[i]),
            block=_block(rows[i]),
            before=tuple(_block(r) for r in rows[max(0, i - context) : i]),
            after=tuple(_block(r) for r in rows[i + 1 : i + 1 + context]),
        )
        for other in parallel_langs:
            found = _parallel_block(searcher, passage, other)
            if found is not None:
                passage.parallel[other] = found
    return passage


def _parallel_block(searcher: Any, passage: Passage, lang: str) -> Block | None:
    doc, block = passage.document, passage.block
    if not doc.symbol or lang == doc.language:
        return None
    try:
        rows = _blocks_of(searcher, doc.symbol, lang)
    except NotFound:
        return None
    if block.number is not None:
        for row in rows:
            if (row.get("number") or None) == block.number and row.get("kind") == block.kind:
                return _block(row)
        return None
    # Unnumbered blocks (titles, headings): the same kind at the same rank.
    same_kind = [r for r in rows if r.get("kind") == block.kind]
    mine = _kind_rank(searcher, doc, block.kind)
    rank = mine.index(block.ordinal) if block.ordinal in mine else len(same_kind)
    return _block(same_kind[rank]) if rank < len(same_kind) else None


def _kind_rank(searcher: Any, doc: DocumentInfo, kind: str) -> list[int]:
    rows = _blocks_of(searcher, doc.source, None)
    return [int(r.get("ordinal", 0)) for r in rows if r.get("kind") == kind]


def parallel(index_dir: Path | str, symbol: str, para: str, lang: str) -> Block | None:
    """The block numbered ``para`` in the ``lang`` version of ``symbol``, if indexed."""
    passage = show(index_dir, symbol, para, parallel_langs=(lang,))
    return passage.parallel.get(lang)


def parallels(index_dir: Path | str, hits: list[Any], lang: str) -> dict[int, Block]:
    """For each hit (by position) that has a ``lang`` version, that version's block."""
    found: dict[int, Block] = {}
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        for i, hit in enumerate(hits):
            if not hit.symbol or hit.language == lang:
                continue
            passage = Passage(
                document=DocumentInfo(
                    hit.symbol, hit.source, hit.language, hit.title, hit.date, None, None, None
                ),
                block=Block(hit.kind, hit.text, hit.ordinal, hit.paragraph, hit.heading),
            )
            block = _parallel_block(searcher, passage, lang)
            if block is not None:
                found[i] = block
    return found
