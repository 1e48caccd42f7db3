"""XML readers: UN Parallel Corpus TEI files and generic XML with numbered elements.

**UNPC TEI** (``<TEI.2>``; see the corpus description, UNv1.0.pdf, figure 1)::

    <teiHeader>… <date>20100713</date> <idno type="symbol">CD/1890</idno> …</teiHeader>
    <text><body><p id="6"><s id="6:1" lang="en">…</s><s id="6:2" …>…</s></p>…

becomes one document: symbol and date from the header, language from the
``lang`` of the sentences (else the ``Xml/<lang>/…`` folder), one paragraph
block per ``<p>`` (its sentences joined), numbered by the number printed at its
start (``12. …``) if any. The ``id`` attributes are not paragraph numbers: UNPC
ids count every paragraph of the original, masthead lines included, and differ
between language versions.

**Generic XML** (the UDHR in XML: ``<article number="N"><title>…</title><para>…``):
``title``/``head`` elements become headings, ``para``/``p`` elements (and other
leaf elements with text) become blocks; the nearest ancestor with a ``number``
(or ``n``) attribute numbers them, and under an ``<article>`` they are kind
``article`` ("…, Article 5"). Language comes from ``xml:lang``. A file of the
Unicode "UDHR in XML" project (namespace ``http://efele.net/udhr``) is the
Universal Declaration: General Assembly resolution 217 A (III) of 10 December
1948, symbol ``A/RES/217(III)``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..errors import ReaderError
from ..model import Block, Document
from ..symbols import body_of, canonical
from .encoding import decode
from .quirks import clean, printed_number

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
UDHR_NS = "http://efele.net/udhr"
_HEADINGS = {"title", "head", "heading", "h1", "h2", "h3", "h4"}
_TEXT = {"para", "p", "s", "item", "note"}


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _text(element: ET.Element) -> str:
    return clean(re.sub(r"\s+", " ", "".join(element.itertext())))


def read(data: bytes, source: str) -> Document:
    """Read a TEI or generic XML file."""
    text = decode(data, source)
    text = re.sub(r"^<\?xml[^>]*\?>", "", text.lstrip())  # encoding already decoded
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ReaderError(source, f"malformed XML: {exc}") from exc
    if _local(root.tag) in ("tei.2", "tei"):
        return _read_tei(root, source)
    return _read_generic(root, source)


def _read_tei(root: ET.Element, source: str) -> Document:
    symbol = date = None
    for element in root.iter():
        name = _local(element.tag)
        if name == "idno" and element.get("type") == "symbol" and element.text:
            symbol = canonical(element.text)
        elif name == "date" and element.text and not date:
            digits = element.text.strip()
            if re.fullmatch(r"\d{8}", digits):
                date = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
            elif re.fullmatch(r"\d{4}(?:-\d\d-\d\d)?", digits):
                date = digits
    blocks: list[Block] = []
    languages: list[str] = []
    for element in root.iter():
        if _local(element.tag) != "p":
            continue
        sentences = [s for s in element if _local(s.tag) == "s"]
        languages += [s.get("lang", "") for s in sentences[:1]]
        text = " ".join(_text(s) for s in sentences) if sentences else _text(element)
        if text:
            number, text = printed_number(text)
            blocks.append(Block("paragraph", text, len(blocks), number))
    language = next((lang[:2].lower() for lang in languages if lang), None)
    if language is None:  # the UNPC tree is Xml/<lang>/<year>/<symbol path>.xml
        parts = source.split("/")
        language = next((p for p in parts[:-1] if p in ("ar", "en", "es", "fr", "ru", "zh")), None)
    return Document(
        source=source,
        blocks=tuple(blocks),
        symbol=symbol,
        body=body_of(symbol) if symbol else None,
        language=language,
        date=date,
        extra={"unpc-paragraph-ids": "true"},
    )


def _read_generic(root: ET.Element, source: str) -> Document:
    blocks: list[Block] = []
    title: str | None = None
    heading: str | None = None

    def walk(element: ET.Element, number: str | None, kind: str) -> None:
        nonlocal title, heading
        for child in element:
            name = _local(child.tag)
            if not name:
                continue
            if name in _HEADINGS:
                text = _text(child)
                if not text:
                    continue
                if title is None and element is root:
                    title = text
                    blocks.append(Block("title", text, len(blocks)))
                else:
                    heading = text
                    blocks.append(Block("heading", text, len(blocks)))
                continue
            own = child.get("number") or child.get("n")
            child_number = own or number
            child_kind = "article" if own and name == "article" else kind
            has_children = any(_local(c.tag) for c in child)
            if (
                name in _TEXT
                and not any(_local(c.tag) in _TEXT for c in child.iter() if c is not child)
            ) or not has_children:
                add(child, child_number, child_kind)
            else:
                walk(child, child_number, child_kind)

    def add(element: ET.Element, number: str | None, kind: str) -> None:
        text = _text(element)
        if text:
            blocks.append(Block(kind, text, len(blocks), number, heading))

    walk(root, None, "paragraph")
    language = root.get(_XML_LANG) or root.get("lang")
    symbol = date = None
    if root.tag.startswith("{" + UDHR_NS + "}"):
        symbol, date = "A/RES/217(III)", "1948-12-10"
    return Document(
        source=source,
        blocks=tuple(blocks),
        symbol=symbol,
        body=body_of(symbol) if symbol else None,
        language=language[:2].lower() if language else None,
        title=title,
        date=date,
    )
