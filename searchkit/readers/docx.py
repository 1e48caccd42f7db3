"""Reader for Word files (``.docx``), reading the OOXML parts directly.

A ``.docx`` is a zip of XML parts; this module reads the few that hold text,
through :mod:`zipfile` and :mod:`xml.etree.ElementTree`, without a Word library:

- ``word/document.xml``, streamed paragraph by paragraph: runs, tabs, breaks,
  tracked insertions (deletions left out), fields' results, tables (a row is one
  ``other`` block, cells joined by `` | ``);
- ``numbering.xml`` and ``styles.xml``: a paragraph's automatic number
  (``numPr``, on the paragraph or its style) is resolved into the number Word
  prints (``1.``, ``(a)``, ``II.``) and put before its text, so the paragraph
  is cited by it;
- ``footnotes.xml`` / ``endnotes.xml``: each note becomes a ``footnote`` block
  after the paragraph that refers to it, numbered as printed (``1``, or the
  custom mark ``*``); the reference is taken out of the paragraph's text;
- headers and footers: never text, but the symbol they print is the document's
  when its masthead has none.

The masthead is the UN template's table at the top (``United Nations`` | symbol
/ organ | ``Distr.: General`` …), read like a printed one by :mod:`.unlayout`.

A zip member is read through a counting reader that stops at the bounds of
:class:`~.options.ReadOptions`, so a zip bomb is a per-file error, quickly and
without its size in memory. ``.doc`` (Word 97–2003) is not read: :func:`read_doc`
says how to convert it.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from typing import IO, Any
from xml.etree import ElementTree as ET

from ..errors import ReaderError
from ..model import Document
from ..symbols import is_job_number_name, language_from_file_name, symbol_from_ods_name
from .masthead import find_date, is_masthead_mark, read_masthead, symbol_of_line
from .numbering import Numbering
from .options import DEFAULT, ReadOptions
from .text import parse_date
from .unlayout import Para, build_document, read_front

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADING_STYLE = re.compile(r"^(?:_?\s*H[\s_]*(?:Ch|M|XL|\d)|heading\s*\d|title|subtitle)", re.I)

CONVERT = "libreoffice --headless --convert-to docx FILE.doc"


def read_doc(data: bytes, source: str, options: ReadOptions = DEFAULT) -> Document:
    """Word 97–2003 files are not read: say how to convert them."""
    if data[:4] == b"PK\x03\x04":
        return read(data, source, options)  # a .docx named .doc
    raise ReaderError(
        source, f"Word 97-2003 (.doc) files are not read; convert it first: {CONVERT}"
    )


class _TooBig(Exception):
    pass


class _Bounded(io.RawIOBase):
    """A zip member read with a running count against the file's bounds."""

    def __init__(self, member: IO[bytes], budget: _Budget) -> None:
        self.member = member
        self.budget = budget
        self.read_here = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.member.read(len(buffer))
        self.read_here += len(data)
        self.budget.spend(len(data), self.read_here)
        buffer[: len(data)] = data
        return len(data)


class _Budget:
    def __init__(self, options: ReadOptions) -> None:
        self.options = options
        self.total = 0

    def spend(self, n: int, in_member: int) -> None:
        self.total += n
        if in_member > self.options.max_stream_bytes or self.total > self.options.max_total_bytes:
            raise _TooBig


class _Package:
    def __init__(self, data: bytes, source: str, options: ReadOptions) -> None:
        self.source = source
        self.budget = _Budget(options)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            names = self.zip.namelist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
            raise ReaderError(
                source, f"not a Word file (not a readable zip archive: {exc})"
            ) from None
        if len(names) > options.max_zip_members:
            raise ReaderError(
                source,
                f"holds {len(names):,} zip members, over the limit of {options.max_zip_members:,}",
            )
        self.names = set(names)
        self.declared = 0

    def open(self, name: str) -> io.BufferedReader[Any]:
        """A member, read through the bounds: its declared size first (a zip bomb
        with honest headers is refused before anything is inflated), then what
        it really inflates to."""
        info = self.zip.getinfo(name)
        self.declared += info.file_size
        options = self.budget.options
        if info.file_size > options.max_stream_bytes or self.declared > options.max_total_bytes:
            raise _TooBig
        member = self.zip.open(name)
        stream = io.BufferedReader(_Bounded(member, self.budget), buffer_size=1 << 16)
        head = stream.peek(4096)[:4096]
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise ReaderError(self.source, f"{name} declares a DTD; not a Word file")
        return stream

    def xml(self, name: str) -> ET.Element | None:
        if name not in self.names:
            return None
        with self.open(name) as stream:
            return ET.parse(stream).getroot()

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, target part) of a part."""
        folder, _, file = part.rpartition("/")
        root = self.xml(f"{folder}/_rels/{file}.rels" if folder else f"_rels/{file}.rels")
        found: dict[str, tuple[str, str]] = {}
        if root is None:
            return found
        for rel in root.iter(f"{_REL}Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            path = target.lstrip("/") if target.startswith("/") else _join(folder, target)
            found[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], path)
        return found


def _join(folder: str, target: str) -> str:
    parts = [p for p in folder.split("/") if p] + target.split("/")
    out: list[str] = []
    for part in parts:
        if part == "..":
            if out:
                out.pop()
        elif part not in ("", "."):
            out.append(part)
    return "/".join(out)


def read(data: bytes, source: str, options: ReadOptions = DEFAULT) -> Document:
    """Read a ``.docx`` file into a :class:`Document` (see the module docstring)."""
    if data[:8] == _OLE:
        if "EncryptedPackage".encode("utf-16-le") in data[: 1 << 20]:
            raise ReaderError(source, "password-protected Word file; save it without a password")
        raise ReaderError(source, f"a Word 97-2003 file, not .docx; convert it first: {CONVERT}")
    try:
        return _read(_Package(data, source, options), source)
    except _TooBig:
        limit = min(options.max_stream_bytes, options.max_total_bytes) >> 20
        raise ReaderError(
            source, f"its parts expand past {limit} MB (a zip bomb?); not read"
        ) from None
    except ET.ParseError as exc:
        raise ReaderError(source, f"damaged Word file (XML error: {exc})") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise ReaderError(source, f"damaged Word file ({exc})") from None


def _read(package: _Package, source: str) -> Document:
    main = "word/document.xml"
    for _, (kind, target) in package.rels("").items():
        if kind == "officeDocument":
            main = target
    if main not in package.names:
        raise ReaderError(source, "not a Word document (no word/document.xml)")
    rels = package.rels(main)
    parts = {kind: target for kind, target in rels.values()}
    styles = _Styles(package.xml(parts["styles"]) if "styles" in parts else None)
    numbering = Numbering(package.xml(parts["numbering"]) if "numbering" in parts else None)
    notes = _notes(package, parts.get("footnotes"), "footnote") | _notes(
        package, parts.get("endnotes"), "endnote"
    )
    header_symbol = _header_symbol(
        package, [t for k, t in rels.values() if k in ("header", "footer")]
    )
    walker = _Walker(styles, numbering, notes)
    with package.open(main) as stream:
        paras = list(walker.walk(stream))
    if not any(p.text.strip() for p in paras):
        raise ReaderError(source, "no text found")
    sizes: Counter[float] = Counter()
    for para in paras:
        if para.kind == "":
            sizes[para.size] += len(para.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    for para in paras:
        para.size = para.size / body_size
    masthead_end = _masthead_end(paras)
    masthead = read_masthead([p.text for p in paras[:masthead_end]])
    rest = paras[masthead_end:]
    front = read_front(rest, masthead.meta)
    name = source.rsplit("/", 1)[-1]
    fallback = header_symbol or (None if is_job_number_name(name) else symbol_from_ods_name(name))
    document = build_document(
        source,
        masthead,
        front,
        rest[front.end :],
        fallback_symbol=fallback,
        fallback_language=language_from_file_name(name),
    )
    pages = _pages(package)
    return dataclasses.replace(document, extra={**document.extra, **pages})


def _pages(package: _Package) -> dict[str, str]:
    """The page count Word saved in ``docProps/app.xml``, if it did."""
    root = package.xml("docProps/app.xml")
    if root is None:
        return {}
    for element in root.iter():
        text = (element.text or "").strip()
        if element.tag.endswith("}Pages") and text.isdigit():
            return {"pages": text}
    return {}


def _masthead_end(paras: list[Para]) -> int:
    """The masthead: the paragraphs of the template's top table, or else the first
    lines down to the last masthead mark among them."""
    first = 0
    while first < len(paras) and paras[first].kind == "masthead":
        first += 1
    if first:
        for para in paras[:first]:
            para.kind = ""
        return first
    last = -1
    for i, para in enumerate(paras[:12]):
        if is_masthead_mark(para.text) and not find_date(para.text[40:]):
            if find_date(para.text) and not parse_date(para.text.strip()):
                continue
            last = i
    return last + 1


def _header_symbol(package: _Package, parts: list[str]) -> str | None:
    for part in parts:
        root = package.xml(part)
        if root is None:
            continue
        for p in root.iter(f"{W}p"):
            text = "".join(t.text or "" for t in p.iter(f"{W}t")).strip()
            if symbol := symbol_of_line(text):
                return symbol
    return None


# --------------------------------------------------------------------------- styles


class _Styles:
    """Paragraph styles: bold, size (half-points), heading, numbering, by style id."""

    def __init__(self, root: ET.Element | None) -> None:
        self.styles: dict[str, ET.Element] = {}
        self.default_size = 20
        self.cache: dict[str, tuple[bool, int | None, bool, tuple[str, str] | None]] = {}
        if root is None:
            return
        for style in root.iter(f"{W}style"):
            if style.get(f"{W}type") in ("paragraph", "character", None):
                self.styles[style.get(f"{W}styleId", "")] = style
        size = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}sz")
        if size is not None and (value := size.get(f"{W}val", "")).isdigit():
            self.default_size = int(value)
        normal = self.styles.get("Normal")
        if normal is not None and (sz := normal.find(f"{W}rPr/{W}sz")) is not None:
            value = sz.get(f"{W}val", "")
            self.default_size = int(value) if value.isdigit() else self.default_size

    def chain(self, style_id: str | None) -> Iterator[ET.Element]:
        seen = set()
        while style_id and style_id in self.styles and style_id not in seen:
            seen.add(style_id)
            style = self.styles[style_id]
            yield style
            based = style.find(f"{W}basedOn")
            style_id = based.get(f"{W}val") if based is not None else None

    def info(self, style_id: str | None) -> tuple[bool, int | None, bool, tuple[str, str] | None]:
        """(bold, size, heading, (numId, ilvl)) of a paragraph style."""
        key = style_id or ""
        if key in self.cache:
            return self.cache[key]
        bold: bool | None = None
        size: int | None = None
        heading = False
        num: tuple[str, str] | None = None
        for style in self.chain(style_id):
            name_el = style.find(f"{W}name")
            name = name_el.get(f"{W}val", "") if name_el is not None else ""
            if _HEADING_STYLE.match(name) or _HEADING_STYLE.match(style.get(f"{W}styleId", "")):
                heading = True
            if style.find(f"{W}pPr/{W}outlineLvl") is not None:
                heading = True
            rpr = style.find(f"{W}rPr")
            if rpr is not None:
                if bold is None and (b := rpr.find(f"{W}b")) is not None:
                    bold = _on(b)
                if size is None and (sz := rpr.find(f"{W}sz")) is not None:
                    value = sz.get(f"{W}val", "")
                    size = int(value) if value.isdigit() else None
            numpr = style.find(f"{W}pPr/{W}numPr")
            if num is None and numpr is not None:
                num = _num(numpr, "0")
        result = (bool(bold), size, heading, num)
        self.cache[key] = result
        return result


def _on(element: ET.Element) -> bool:
    return element.get(f"{W}val", "true").lower() not in ("0", "false", "off", "none")


def _num(numpr: ET.Element, level: str) -> tuple[str, str] | None:
    num_id = numpr.find(f"{W}numId")
    ilvl = numpr.find(f"{W}ilvl")
    if num_id is None:
        return None
    return num_id.get(f"{W}val", "0"), ilvl.get(f"{W}val", level) if ilvl is not None else level


# --------------------------------------------------------------------------- notes


def _notes(package: _Package, part: str | None, kind: str) -> dict[tuple[str, str], str]:
    """(kind, id) -> text of each foot- or endnote (separators left out)."""
    notes: dict[tuple[str, str], str] = {}
    root = package.xml(part) if part else None
    if root is None:
        return notes
    for note in root.iter(f"{W}{kind}"):
        if note.get(f"{W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        texts = []
        for p in note.iter(f"{W}p"):
            texts.append(_plain_text(p))
        text = " ".join(t for t in texts if t).strip()
        notes[(kind, note.get(f"{W}id", ""))] = text
    return notes


def _plain_text(p: ET.Element) -> str:
    out: list[str] = []
    custom = False
    for el in p.iter():
        tag = el.tag
        if tag in (f"{W}footnoteRef", f"{W}endnoteRef"):
            continue
        if tag in (f"{W}footnoteReference", f"{W}endnoteReference"):
            custom = _on_attr(el, "customMarkFollows")
        elif tag == f"{W}t":
            if custom:
                custom = False
                continue
            out.append(el.text or "")
        elif tag in (f"{W}tab", f"{W}br", f"{W}cr"):
            out.append(" ")
    text = re.sub(r"\s+", " ", "".join(out)).strip()
    return re.sub(r"^\*{1,3}\s+", "", text)


def _on_attr(el: ET.Element, name: str) -> bool:
    return el.get(f"{W}{name}", "0").lower() in ("1", "true", "on")


# --------------------------------------------------------------------------- the body


class _Walker:
    """Paragraphs of the document part, streamed: one :class:`Para` per paragraph,
    table row, and foot- or endnote (after the paragraph that refers to it)."""

    def __init__(self, styles: _Styles, numbering: Numbering, notes: dict[tuple[str, str], str]):
        self.styles = styles
        self.numbering = numbering
        self.notes = notes
        self.counters = {"footnote": 0, "endnote": 0}

    def walk(self, stream: IO[bytes]) -> Iterator[Para]:
        depth = 0
        for event, element in ET.iterparse(stream, events=("start", "end")):
            if event == "start":
                depth += 1
                continue
            depth -= 1
            if depth != 2:  # a child of w:body
                continue
            if element.tag == f"{W}p":
                yield from self._paragraph(element)
            elif element.tag == f"{W}tbl":
                yield from self._table(element)
            elif element.tag == f"{W}sdt":
                yield from self._content(element)
            element.clear()

    def _content(self, sdt: ET.Element) -> Iterator[Para]:
        """A content control's paragraphs and tables (a table of contents, a cover)."""
        for child in sdt.iter(f"{W}sdtContent"):
            for el in child:
                if el.tag == f"{W}p":
                    yield from self._paragraph(el)
                elif el.tag == f"{W}tbl":
                    yield from self._table(el)
            break

    def _table(self, table: ET.Element) -> Iterator[Para]:
        rows = table.findall(f"{W}tr")
        masthead = any(is_masthead_mark(_plain_text(p)) for p in table.iter(f"{W}p"))
        for row in rows:
            cells: list[str] = []
            notes: list[Para] = []
            for cell in row.findall(f"{W}tc"):
                texts = []
                for p in cell.iter(f"{W}p"):
                    for para in self._paragraph(p):
                        if para.kind == "footnote":
                            notes.append(para)
                        elif masthead:
                            para.kind = "masthead"
                            yield para  # the template's masthead: each line apart
                        elif para.text.strip():
                            texts.append(para.text.strip())
                if texts:
                    cells.append(" ".join(texts))
            if cells:
                yield Para(" | ".join(cells), kind="table" if len(cells) > 1 else "", gap=True)
            yield from notes

    def _paragraph(self, p: ET.Element) -> Iterator[Para]:
        ppr = p.find(f"{W}pPr")
        style_el = ppr.find(f"{W}pStyle") if ppr is not None else None
        style_id = style_el.get(f"{W}val") if style_el is not None else None
        bold, size, heading, num = self.styles.info(style_id)
        numpr = ppr.find(f"{W}numPr") if ppr is not None else None
        if numpr is not None:
            num = _num(numpr, "0")
        parts: list[str] = []
        marks: list[str] = []
        notes: list[Para] = []
        chars = bold_chars = 0
        sizes: Counter[int] = Counter()
        custom: tuple[str, str] | None = None
        for run in _runs(p):
            rpr = run.find(f"{W}rPr")
            run_bold = bold
            run_size = size or self.styles.default_size
            if rpr is not None:
                if (b := rpr.find(f"{W}b")) is not None:
                    run_bold = _on(b)
                if (sz := rpr.find(f"{W}sz")) is not None and sz.get(f"{W}val", "").isdigit():
                    run_size = int(sz.get(f"{W}val", "0"))
            for el in run:
                tag = el.tag
                if tag in (f"{W}footnoteReference", f"{W}endnoteReference"):
                    kind = "footnote" if tag == f"{W}footnoteReference" else "endnote"
                    key = (kind, el.get(f"{W}id", ""))
                    if _on_attr(el, "customMarkFollows"):
                        custom = key
                        continue
                    self.counters[kind] += 1
                    number = str(self.counters[kind])
                    marks.append(number)
                    parts.append("\x00")
                    notes.append(Para(self.notes.get(key, ""), kind="footnote", number=number))
                elif tag == f"{W}t":
                    text = el.text or ""
                    if custom is not None:
                        mark = text.strip() or "*"
                        marks.append(mark)
                        parts.append("\x00")
                        notes.append(Para(self.notes.get(custom, ""), kind="footnote", number=mark))
                        custom = None
                        continue
                    parts.append(text)
                    chars += len(text.strip())
                    bold_chars += len(text.strip()) if run_bold else 0
                    sizes[run_size] += len(text)
                elif tag in (f"{W}tab", f"{W}ptab"):
                    parts.append("\t")
                elif tag in (f"{W}br", f"{W}cr"):
                    parts.append(" ")
                elif tag == f"{W}noBreakHyphen":
                    parts.append("-")
                elif tag == f"{W}sym":
                    parts.append(_symbol_char(el))
        text = "".join(parts)
        text = re.sub(r"\x00[ \t]*,[ \t]*(?=\x00)", "", text)  # "Japan*, **"
        text = re.sub(r"[ \t]*\x00+[ \t]*(?=[,.;:!?)»”]|$)", "", text)
        text = text.replace("\x00", "")
        label = self.numbering.label(*num) if num else None
        if label:
            text = f"{label} {text.lstrip()}"
        if text.strip():
            yield Para(
                text,
                kind="heading"
                if heading and len(text) < 200 and not re.match(r"^\s*\d", text)
                else "",
                bold=chars > 0 and bold_chars >= 0.8 * chars,
                size=float(
                    sizes.most_common(1)[0][0] if sizes else size or self.styles.default_size
                ),
                marks=marks,
                gap=True,
            )
        yield from (n for n in notes if n.text)


_SKIPPED = {
    f"{W}del", f"{W}moveFrom", f"{W}drawing", f"{W}pict", f"{W}object", f"{W}pPr", f"{W}rPr",
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent",
}  # fmt: skip


def _runs(p: ET.Element) -> Iterator[ET.Element]:
    """The runs of a paragraph as printed: inside hyperlinks, insertions, fields,
    smart tags and content controls; not deleted text, a field's code, or the
    text boxes of drawings (they would come twice: drawing and its fallback)."""
    in_code = False
    stack = list(reversed(list(p)))
    while stack:
        el = stack.pop()
        if el.tag in _SKIPPED:
            continue
        if el.tag != f"{W}r":
            stack.extend(reversed(list(el)))
            continue
        for child in el:
            if child.tag == f"{W}fldChar":
                kind = child.get(f"{W}fldCharType")
                in_code = kind == "begin"
        if not in_code and el.find(f"{W}instrText") is None:
            yield el


def _symbol_char(el: ET.Element) -> str:
    code = el.get(f"{W}char", "")
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    if 0xF000 <= value <= 0xF0FF:
        return "•" if value in (0xF0B7, 0xF0A7) else ""
    return chr(value)
