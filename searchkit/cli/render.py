"""Output formats for hits and passages: text (coloured on a terminal), JSON,
JSON Lines, CSV. Pure functions from data to strings; the CLI prints them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..model import Block, Hit

if TYPE_CHECKING:  # a search prints no passage: browse is not imported for it
    from ..retrieval.browse import DocumentView, Passage

FORMATS = ("text", "json", "jsonl", "csv")
CSV_FIELDS = (
    "citation",
    "symbol",
    "paragraph",
    "kind",
    "heading",
    "score",
    "language",
    "date",
    "source",
    "ordinal",
    "snippet",
    "text",
)

# ANSI styles: citation bold cyan, dim for secondary lines (matches are coloured
# by the highlighter itself: search(..., snippet_format="color")).
_CITE, _DIM, _RESET = "\x1b[1;36m", "\x1b[2m", "\x1b[0m"


#: Printed where the hits with every query word end and those with some begin.
PARTIAL_LINE = "-- blocks with some of the words --"


def _dim(text: str, color: bool) -> str:
    return f"{_DIM}{text}{_RESET}" if color else text


def _cite(text: str, color: bool) -> str:
    return f"{_CITE}{text}{_RESET}" if color else text


def block_line(block: Block) -> str:
    """A block as printed: number first, as in the document."""
    if block.kind == "footnote":
        return f"{block.number or ''} {block.text}".strip()
    if block.number and block.kind == "paragraph":
        return f"{block.number}. {block.text}"
    if block.number and block.kind == "subparagraph":
        letter = block.number.rsplit(" ", 1)[-1]
        return f"{letter} {block.text}"
    return block.text


def hits_text(
    hits: Iterable[Hit], color: bool, parallel: dict[int, dict[str, Block]] | None = None
) -> str:
    out: list[str] = []
    shown = list(hits)
    for i, hit in enumerate(shown):
        if not hit.complete and (i == 0 or shown[i - 1].complete):
            out += [_dim(PARTIAL_LINE, color), ""]
        out.append(f"{_cite(hit.citation, color)}  ({hit.score:.2f}){_versions(hit)}")
        if hit.heading:
            out.append(f"  {hit.heading}")
        out.append(f"  {hit.snippet}")
        for lang, block in (parallel or {}).get(i, {}).items():
            out.append(f"  [{lang}] {block.text}")  # like the hit: its number is in the citation
        out.append("")
    return "\n".join(out)


def _versions(hit: Hit) -> str:
    """What a hit's line says of its family: the versions it replaces, its corrigenda."""
    out = ""
    if hit.symbol in hit.supersedes:  # a reissue (*): its first printing
        out += f"  [reissue of {hit.symbol}]"
    others = [s for s in hit.supersedes if s != hit.symbol]
    if others:
        out += f"  [supersedes {', '.join(others)}]"
    if hit.superseded_by:
        out += f"  [superseded by {', '.join(hit.superseded_by)}]"
    if hit.corrected_by:
        out += f"  [corrected by {', '.join(hit.corrected_by)}]"
    return out


def _hit_dict(hit: Hit, parallel: dict[str, Block] | None) -> dict[str, Any]:
    data = hit.to_dict()
    if parallel:
        data["parallel"] = {lang: b.text for lang, b in parallel.items()}  # as data["text"]
    return data


def hits_json(hits: list[Hit], parallel: dict[int, dict[str, Block]] | None = None) -> str:
    return json.dumps(
        [_hit_dict(h, (parallel or {}).get(i)) for i, h in enumerate(hits)],
        ensure_ascii=False,
        indent=2,
    )


def hits_jsonl(hits: list[Hit], parallel: dict[int, dict[str, Block]] | None = None) -> str:
    return "\n".join(
        json.dumps(_hit_dict(h, (parallel or {}).get(i)), ensure_ascii=False)
        for i, h in enumerate(hits)
    )


def hits_csv(hits: list[Hit]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    for hit in hits:
        writer.writerow(hit.to_dict())
    return buffer.getvalue().rstrip("\n")


def facets_text(facets: dict[str, dict[str, int]]) -> str:
    lines = []
    for name, counts in facets.items():
        shown = ", ".join(f"{key} {count}" for key, count in list(counts.items())[:15])
        lines.append(f"{name}: {shown or '-'}")
    return "\n".join(lines)


def _masthead_lines(doc: Any, *extra: tuple[str, str]) -> list[str]:
    """The body's name, then a `Label: value` line for each masthead field that is set."""
    out = [doc.body_name] if doc.body_name else []
    fields = (
        ("Title", doc.title),
        ("Date", doc.date),
        ("Session", doc.session),
        ("Agenda item", doc.agenda_item),
        ("Language", doc.language),
        *extra,
    )
    out += [f"{label}: {value}" for label, value in fields if value]
    return out


def passage_text(passage: Passage, color: bool) -> str:
    out = _masthead_lines(passage.document)
    if passage.superseded_by:
        out.append(f"Superseded by: {', '.join(passage.superseded_by)}")
    if passage.corrected_by:
        out.append(f"Corrected by: {', '.join(passage.corrected_by)}")
    out.append("")
    for block in passage.before:
        out.append(f"{_DIM}{block_line(block)}{_RESET}" if color else block_line(block))
        out.append("")
    out.append(f"> {block_line(passage.block)}")
    for lang, block in passage.parallel.items():
        out.append(f"> [{lang}] {block_line(block)}")
    out.append("")
    for block in passage.after:
        out.append(f"{_DIM}{block_line(block)}{_RESET}" if color else block_line(block))
        out.append("")
    out.append(_cite(passage.citation, color))
    return "\n".join(out)


def document_text(view: DocumentView) -> str:
    """A document's masthead and its family, one member a line."""
    doc = view.document
    out = [doc.symbol or f"[symbol unknown: {doc.source}]"]
    out += _masthead_lines(
        doc, ("Blocks", str(view.blocks)), ("Superseded by", ", ".join(view.superseded_by))
    )
    family = view.family
    if family is not None:
        out += ["", f"Family {family.base}:"]
        for m in family.members:
            relation = m.relation if m.of is None else f"{m.relation} {m.of}"
            line = f"  {m.symbol:<28} {relation:<32} {m.date or '-':<10} {','.join(m.languages)}"
            if m.superseded_by:
                line += f"  (superseded by {', '.join(m.superseded_by)})"
            out.append(line.rstrip())
    return "\n".join(out)
