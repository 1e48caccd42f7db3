"""Plain data: documents, their blocks, and search hits.

Readers produce :class:`Document` objects; they never import whoosh. The search
layer returns :class:`Hit` objects.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Block kinds in the order a reader may meet them.
KINDS = (
    "masthead", "title", "heading", "toc", "paragraph", "subparagraph", "article", "footnote",
    "other",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Block:
    """One retrievable unit of a document: a paragraph, heading, footnote...

    ``number`` is the paragraph number exactly as printed (``"3"``, ``"3 (a)"``,
    ``"*"`` for a footnote) or ``None``; ``ordinal`` is the block's position in
    the document and is always set; ``heading`` is the section it sits under.
    """

    kind: str
    text: str
    ordinal: int
    number: str | None = None
    heading: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A UN document as read from one file."""

    source: str
    blocks: tuple[Block, ...]
    symbol: str | None = None
    language: str | None = None
    title: str | None = None
    date: str | None = None  # ISO 8601, YYYY-MM-DD (or YYYY when only the year is known)
    distribution: str | None = None
    original_language: str | None = None
    session: str | None = None
    agenda_item: str | None = None
    body: str | None = None  # symbol prefix such as "CTOC/COP"
    body_name: str | None = None  # printed name such as "Конференция участников ..."
    checksum: str | None = None
    #: The work this document is a version of: what pairs its language versions
    #: (its symbol; a known document's key for one without: searchkit.works).
    work: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Hit:
    """A search result: one block, addressed as the UN cites it."""

    symbol: str | None
    paragraph: str | None
    kind: str
    heading: str | None
    title: str | None
    score: float
    snippet: str
    text: str
    source: str
    ordinal: int
    language: str | None = None
    date: str | None = None
    matches: tuple[tuple[int, int], ...] = ()
    complete: bool = True  # has every query word in its own text (else: some of them)
    supersedes: tuple[str, ...] = ()  # the documents of the index this revision replaces
    superseded_by: tuple[str, ...] = ()  # the revisions that replace it (shown: all versions)
    corrected_by: tuple[str, ...] = ()  # the corrigenda that correct this block

    @property
    def citation(self) -> str:
        """The reference a user would write: ``"CTOC/COP/2012/1, para. 3"``."""
        return citation(
            self.symbol, self.kind, self.paragraph, self.source, self.title, self.language
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["matches"] = [list(m) for m in self.matches]
        data["supersedes"] = list(self.supersedes)
        data["superseded_by"] = list(self.superseded_by)
        data["corrected_by"] = list(self.corrected_by)
        data["citation"] = self.citation
        return data


def citation(
    symbol: str | None,
    kind: str,
    number: str | None,
    source: str,
    title: str | None = None,
    language: str | None = None,
) -> str:
    """Format a UN-style reference for a block.

    Articles of an instrument without a symbol (the Charter) are cited by its
    title: ``"Charter of the United Nations, Article 5"``, ``"…, статья 5"``.
    """
    if kind == "article" and number is not None:
        name = symbol or title or f"[symbol unknown: {source}]"
        return f"{name}, {'статья' if language == 'ru' else 'Article'} {number}"
    name = symbol or f"[symbol unknown: {source}]"
    if number is None:
        return f"{name}, {kind}" if kind not in ("paragraph", "subparagraph") else name
    if kind == "footnote":
        return f"{name}, footnote {number}"
    if kind in ("paragraph", "subparagraph"):
        return f"{name}, para. {number}"
    return f"{name}, {kind} {number}"
