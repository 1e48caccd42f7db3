"""Reader for UN documents saved as HTML (Word and ODS exports), with beautifulsoup4.

- ``<meta name="symbol" content="…">`` (also ``DC.identifier``, ``docsymbol``)
  gives the symbol, ``<html lang>`` or ``<meta name="language">`` the language,
  ``<title>`` the title, ``<meta name="date">`` the date;
- ``<h1>``–``<h4>`` become headings (the first ``<h1>`` is the title when there is
  no ``<title>``); ``<p>``/``<li>`` become paragraphs, numbered when the text starts
  with ``N.`` (and ``(a)`` items become subparagraphs ``N (a)``); an ``<li>`` of an
  ``<ol>`` (ODS exports) takes its list number, counting from ``start``;
- footnote references (``<a href="#ftn1">``, ``#_ftn1``, ``<sup>``) are removed from the
  text; the footnote list (elements with ids ``ftn1``/``_ftn1`` or a
  ``footnotes`` class) becomes footnote blocks numbered ``1``, ``2`` …;
- each table row becomes an ``other`` block, cells joined by `` | ``;
- scripts, styles and the page's navigation are dropped; text order is kept.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from ..model import Block, Document
from ..symbols import body_of, canonical
from .encoding import decode
from .quirks import clean
from .text import LANGUAGES, guess_language

_NUMBERED = re.compile(r"^(\d{1,4})\.\s+(\S.*)$", re.S)
_LETTERED = re.compile(r"^\(([a-zа-я]{1,2}|[ivx]{1,5})\)\s+(\S.*)$", re.S)
_FOOTNOTE_ID = re.compile(r"^_?ftn(\d+)$|^fn(\d+)$|^footnote-?(\d+)$", re.I)
_REF = re.compile(r"^#_?(?:ftn|fn|footnote-?)(\d+)$", re.I)
_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "pre", "blockquote"}
_SYMBOL_META = {"symbol", "docsymbol", "dc.identifier", "un.symbol", "document-symbol"}


def _meta(soup: BeautifulSoup, names: set[str]) -> str | None:
    for tag in soup.find_all("meta"):
        name = str(tag.get("name") or tag.get("property") or "").lower()
        if name in names and tag.get("content"):
            return str(tag["content"]).strip()
    return None


def _text(tag: Tag) -> str:
    text = clean(re.sub(r"\s+", " ", tag.get_text(" ")))
    return re.sub(r" ([.,;:!?»)])", r"\1", text).replace("« ", "«").replace("( ", "(")


def _list_number(tag: Tag) -> str | None:
    """The number an ``<ol>`` gives a top-level ``<li>`` (ODS exports number paragraphs
    this way: ``<ol start="4"><li>…``), or ``None``."""
    parent = tag.parent
    if tag.name != "li" or not isinstance(parent, Tag) or parent.name != "ol":
        return None
    if str(parent.get("type") or "1") != "1":
        return None
    try:
        start = int(str(parent.get("start") or 1))
    except ValueError:
        start = 1
    position = sum(1 for sibling in tag.find_previous_siblings("li"))
    return str(start + position)


def read(data: bytes, source: str) -> Document:
    """Read an HTML file."""
    soup = BeautifulSoup(decode(data, source), "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "template"]):
        tag.decompose()
    # Footnote references inside the text: drop the marker, keep the sentence.
    for anchor in soup.find_all("a", href=True):
        if _REF.match(str(anchor["href"])):
            anchor.decompose()
    footnotes: list[tuple[str, Tag]] = []
    for tag in soup.find_all(id=_FOOTNOTE_ID):
        match = _FOOTNOTE_ID.match(str(tag["id"]))
        number = next(g for g in match.groups() if g) if match else str(len(footnotes) + 1)
        footnotes.append((number, tag.extract()))
    for box in soup.find_all(class_=re.compile(r"footnotes?", re.I)):
        for i, item in enumerate(box.find_all(["li", "p"]), start=1):
            footnotes.append((str(i), item))
        box.decompose()

    symbol_text = _meta(soup, _SYMBOL_META)
    symbol = canonical(symbol_text) if symbol_text else None
    html_tag = soup.find("html")
    lang = (html_tag.get("lang") if isinstance(html_tag, Tag) else None) or _meta(
        soup, {"language", "dc.language", "content-language"}
    )
    title_tag = soup.find("title")
    title = _text(title_tag) if isinstance(title_tag, Tag) and _text(title_tag) else None

    blocks: list[Block] = []
    heading: str | None = None
    paragraph: str | None = None
    root = soup.body or soup
    for tag in root.find_all(_BLOCKS):
        if tag.find_parent(_BLOCKS - {"tr"}) is not None and tag.name != "tr":
            continue  # nested block: its text is read with the outer one
        if tag.name != "tr" and tag.find_parent("tr") is not None:
            continue
        if tag.name == "tr":
            cells = [_text(c) for c in tag.find_all(["td", "th"])]
            text = " | ".join(c for c in cells if c)
            if text:
                blocks.append(Block("other", text, len(blocks), None, heading))
            continue
        text = _text(tag)
        if not text:
            continue
        if tag.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            if title is None and tag.name == "h1":
                title = text
                blocks.append(Block("title", text, len(blocks)))
            else:
                blocks.append(Block("heading", text, len(blocks)))
            heading, paragraph = text, None
            continue
        if (listed := _list_number(tag)) is not None:
            paragraph = listed
            blocks.append(Block("paragraph", text, len(blocks), paragraph, heading))
        elif numbered := _NUMBERED.match(text):
            paragraph = numbered.group(1)
            blocks.append(Block("paragraph", numbered.group(2), len(blocks), paragraph, heading))
        elif (lettered := _LETTERED.match(text)) and paragraph:
            number = f"{paragraph} ({lettered.group(1)})"
            blocks.append(Block("subparagraph", lettered.group(2), len(blocks), number, heading))
        else:
            blocks.append(Block("paragraph", text, len(blocks), None, heading))
    for number, tag in footnotes:
        text = re.sub(r"^\[?\(?\d+\)?\]?\s*", "", _text(tag))
        if text:
            blocks.append(Block("footnote", text, len(blocks), number))
    language = None
    if lang:
        code = str(lang).strip().lower()
        language = LANGUAGES.get(code, code[:2])
    return Document(
        source=source,
        blocks=tuple(blocks),
        symbol=symbol,
        body=body_of(symbol) if symbol else None,
        language=language or guess_language(" ".join(b.text for b in blocks)),
        title=title,
        date=_meta(soup, {"date", "dc.date", "dcterms.issued"}),
    )
