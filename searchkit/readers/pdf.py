"""Reader for PDF files as the UN publishes them, on PDFium (``pypdfium2``).

PDFium gives every character of a page's text layer with its box, type size
and weight; this module groups them into printed lines, takes raised small
digits, letters and asterisks (``связи⁴``, ``сторонами*``) out of the text as
footnote markers, and hands the lines to :mod:`.layout` and :mod:`.unlayout`.

- Before PDFium opens a file, :mod:`.pdfguard` measures what its streams would
  inflate to; pages and characters are bounded by :class:`~.options.ReadOptions`.
- A password-protected file, a damaged one, a scan without a text layer are
  per-file :class:`~searchkit.errors.ReaderError` s; with ``ocr=True`` a scan is
  read by tesseract (:mod:`.ocr`) when it is installed.
- A text layer that a scanner's OCR made (a page-sized image under the text)
  is read and marked ``extra["text_layer"] = "ocr"``, with its
  ``extra["text_quality"]`` (:func:`.quality.text_quality`) and, when that is
  low, an ``extra["warning"]``.
"""

from __future__ import annotations

import ctypes
import dataclasses
import re
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from ..errors import ReaderError
from ..model import Document
from ..symbols import is_job_number_name, language_from_file_name, symbol_from_ods_name
from . import layout, ocr, pdfguard
from .layout import Line, Page
from .masthead import symbol_of_line
from .options import DEFAULT, ReadOptions
from .quality import text_quality
from .unlayout import build_document

#: Below this share of word-like words a text layer is flagged as noisy.
NOISY = 0.99
_MARKER = re.compile(r"^(?:\*{1,3}|\d{1,3}(?:,\d{1,3})*|[a-z]|[A-Z]|†|‡)$")
#: The endings of ordinals set as superscripts: 18th, 21st, 2nd, 1er, 2e, XVIIIe, 1º.
_ORDINAL = re.compile(r"^(?:st|nd|rd|th|e|er|re|es|ème|ers|res|o|a|os|as|º|ª)$")
_ROMAN_END = re.compile(r"(?:^|[\s(])[IVXLC]+$")
_BULLETS = {0xF0B7: "•", 0xF0A7: "▪", 0xF0D8: "•", 0xF0FC: "✓"}
#: Programs that put an OCR text layer on scanned pages.
_OCR_TOOLS = re.compile(
    r"capture|ocr|abbyy|finereader|omnipage|scansoft|readiris|tesseract|clearscan|paper ?capture",
    re.I,
)
_SPACES = {0x20, 0xA0, 0x2002, 0x2003, 0x2009, 0x202F, 0x09}


def read(data: bytes, source: str, options: ReadOptions = DEFAULT) -> Document:
    """Read a PDF file into a :class:`Document` (see the module docstring)."""
    pdfguard.check(data, source, options)
    pdf = _open(data, source)
    try:
        count = len(pdf)
        if count > options.max_pages:
            raise ReaderError(
                source, f"has {count:,} pages, over the limit of {options.max_pages:,}"
            )
        pages, scanned, with_images, looked = _read_pages(pdf, source, options)
        extra: dict[str, str] = {"pages": str(count)}
        text_pages = [p for p in pages if p.lines]
        if scanned and (options.ocr or not text_pages):
            if not options.ocr:
                raise ReaderError(
                    source, "scanned image, no text layer (install tesseract-ocr and use --ocr)"
                )
            done = ocr.read_pages(pdf, scanned, source, options)
            for page in done:
                pages[page.number] = page
            extra["ocr"] = "tesseract"
            extra["ocr_pages"] = ",".join(str(page.number + 1) for page in done)
            extra["ocr_languages"] = ocr.languages(options)
        elif scanned:
            extra["pages_without_text"] = ",".join(str(n + 1) for n in scanned)
        if not any(p.lines for p in pages):
            raise ReaderError(source, "no text found (the PDF has no text layer, or is damaged)")
        metadata = _metadata(pdf)
        made_by = f"{metadata.get('Creator', '')} {metadata.get('Producer', '')}"
        # a scan's own OCR layer: text over a page-sized image on most of the pages
        # looked at (a born-digital file with one full-page picture is no scan)
        layered = bool(with_images) and len(with_images) * 2 > len(looked)
        if "ocr" not in extra and (layered or _OCR_TOOLS.search(made_by)):
            extra["text_layer"] = "ocr"
            extra["text_layer_by"] = made_by.strip() or "a scanner"
    finally:
        pdf.close()
    result = layout.analyse(pages)
    name = source.rsplit("/", 1)[-1]
    fallback = symbol_of_line(metadata.get("Title", "")) or (
        None if is_job_number_name(name) else symbol_from_ods_name(name)
    )
    document = build_document(
        source,
        result.masthead,
        result.front,
        result.body,
        fallback_symbol=fallback,
        fallback_language=language_from_file_name(name),
        pages=True,
    )
    quality = text_quality([b.text for b in document.blocks])
    extra["text_quality"] = f"{quality:.3f}"
    if quality < NOISY:
        extra["warning"] = f"noisy text: {1 - quality:.1%} of its words look misread"
    elif extra.get("text_layer") == "ocr":
        extra["warning"] = "text layer made by OCR of a scan: words may be misread"
    return dataclasses.replace(document, extra={**document.extra, **extra})


def _metadata(pdf: Any) -> dict[str, str]:
    try:
        return {k: str(v) for k, v in pdf.get_metadata_dict().items() if v}
    except (pdfium.PdfiumError, UnicodeDecodeError, ValueError):
        return {}


def _open(data: bytes, source: str) -> Any:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY):
            raise ReaderError(
                source,
                "encrypted PDF: it needs a password to open "
                "(decrypt it first, e.g. qpdf --decrypt --password=PASSWORD in.pdf out.pdf)",
            ) from None
        reason = str(exc).rstrip(".")
        raise ReaderError(source, f"not a readable PDF ({reason})") from None


def _read_pages(
    pdf: Any, source: str, options: ReadOptions
) -> tuple[list[Page], list[int], list[int], list[int]]:
    """Every page's lines; the pages that are images without text; the pages
    whose text lies over a page-sized image (a scanner's OCR layer); the pages
    with text whose images were looked at (the first two, and those with little
    text)."""
    pages: list[Page] = []
    scanned: list[int] = []
    with_images: list[int] = []
    looked: list[int] = []
    chars = 0
    for number in range(len(pdf)):
        try:
            page = pdf[number]
        except pdfium.PdfiumError:
            pages.append(Page(number, 595.0, 842.0, []))  # a damaged page: read the others
            continue
        try:
            width, height = page.get_size()
            textpage = page.get_textpage()
            try:
                lines, count = _lines(textpage, number, height, width)
            finally:
                textpage.close()
            chars += count
            if chars > options.max_chars:
                raise ReaderError(
                    source, f"holds over {options.max_chars:,} characters of text; not read"
                )
            asked = count < 200 or number < 2
            image = _image_share(page, width, height) >= 0.5 if asked else False
            if asked and count >= 10:
                looked.append(number)
            if count < 10 and image:
                scanned.append(number)
                lines = []
            elif image and count >= 10:
                with_images.append(number)
            pages.append(Page(number, width, height, lines))
        finally:
            page.close()
    return pages, scanned, with_images, looked


def _image_share(page: Any, width: float, height: float) -> float:
    """The share of the page its images cover (a scan may come in strips)."""
    covered = 0.0
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for i in range(min(raw.FPDFPage_CountObjects(page), 2000)):
        obj = raw.FPDFPage_GetObject(page, i)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_IMAGE:
            continue
        if raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            covered += max(0.0, right.value - left.value) * max(0.0, top.value - bottom.value)
    return min(1.0, covered / max(1.0, width * height))


# --------------------------------------------------------------------------- characters


@dataclasses.dataclass(slots=True)
class _Seg:
    """Characters of one line being collected: (char, x0, x1, y0, y1, size, index, space)."""

    chars: list[tuple[str, float, float, float, float, float, int, bool]]
    y0: float
    y1: float
    x1: float
    size: float


def _lines(
    textpage: Any, number: int, height: float, width: float = 595.0
) -> tuple[list[Line], int]:
    """The page's printed lines and its count of characters."""
    count = raw.FPDFText_CountChars(textpage)
    get_unicode = raw.FPDFText_GetUnicode
    get_box = raw.FPDFText_GetLooseCharBox
    get_size = raw.FPDFText_GetFontSize
    rect = raw.FS_RECTF()
    segs: list[_Seg] = []
    cur: _Seg | None = None
    space = False
    seen = 0
    cur_y1 = cur_size = -1.0
    for k in range(count):
        code = get_unicode(textpage, k)
        if code in (10, 13):
            space = True
            continue
        if code in _SPACES:
            space = True
            continue
        if 0xE000 <= code <= 0xF8FF:
            if code not in _BULLETS:
                continue
            char = _BULLETS[code]
        elif code == 2:
            char = "\ufffe"  # PDFium's mark of a word hyphenated at the line's end
        elif code < 32:
            continue
        else:
            char = chr(code)
        if not get_box(textpage, k, rect):
            continue
        size = get_size(textpage, k)
        if size <= 1.0:
            size = max(1.0, rect.top - rect.bottom)
        left, right = rect.left, rect.right
        y0, y1 = height - rect.top, height - rect.bottom
        seen += 1
        item = (char, left, right, y0, y1, size, k, space)
        space = False
        if cur is not None:
            # the common case first: the next letter on the same baseline
            same = (
                y1 == cur_y1 and size == cur_size and -0.5 * size <= left - cur.x1 <= 3 * size
            ) or _same_line(cur, item)
            if same:
                cur.chars.append(item)
                if right > cur.x1:
                    cur.x1 = right
                if size >= cur.size * 0.9:
                    cur.y0, cur.y1 = min(cur.y0, y0), max(cur.y1, y1)
                    cur.size = max(cur.size, size)
                cur_y1, cur_size = y1, size
                continue
        cur = _Seg([item], y0, y1, right, size)
        cur_y1, cur_size = y1, size
        segs.append(cur)
    merged = _split_at_gutter(_merge(segs), width)
    lines = [line for seg in merged if (line := _line(seg, number, textpage)) is not None]
    return lines, seen


def _split_at_gutter(segs: list[_Seg], width: float) -> list[_Seg]:
    """Lines of two columns that the text layer runs together (a scan's OCR layer,
    a narrow gutter): where four lines or more, and most of those that cross it,
    have a gap wider than a word space before text that starts at one place in
    the page's middle (the second column's margin), each is cut in two there."""
    gaps: dict[int, list[tuple[int, int]]] = {}  # bucket of the gap's middle -> (seg, char)
    for s, seg in enumerate(segs):
        chars = seg.chars
        for i in range(1, len(chars)):
            gap, start = chars[i][1] - chars[i - 1][2], chars[i][1]
            if gap > 1.2 * seg.size and 0.3 * width < start < 0.7 * width:
                gaps.setdefault(round(start / 4), []).append((s, i))  # where the column starts
    if not gaps:
        return segs
    bucket = max(gaps, key=lambda b: len(gaps[b]))
    near = [hit for b in (bucket - 1, bucket, bucket + 1) for hit in gaps.get(b, [])]
    x = bucket * 4
    crossing = sum(1 for seg in segs if seg.chars[0][1] < x < seg.x1)
    cuts = dict(near)  # seg -> the first char after its gap
    if len(cuts) < 4 or len(cuts) < 0.6 * crossing:
        return segs
    out: list[_Seg] = []
    for s, seg in enumerate(segs):
        if s not in cuts:
            out.append(seg)
            continue
        for part in (seg.chars[: cuts[s]], seg.chars[cuts[s] :]):
            size = max(c[5] for c in part)
            main = [c for c in part if c[5] >= 0.9 * size]
            y0, y1 = min(c[3] for c in main), max(c[4] for c in main)
            out.append(_Seg(part, y0, y1, max(c[2] for c in part), size))
    return out


def _same_line(seg: _Seg, item: tuple) -> bool:
    _, x0, _, y0, y1, size, _, _ = item
    overlap = min(seg.y1, y1) - max(seg.y0, y0)
    if overlap < 0.4 * min(seg.y1 - seg.y0, y1 - y0):
        return False
    scale = min(seg.chars[-1][5], size)
    return -0.5 * max(seg.size, size) <= x0 - seg.x1 <= 3 * scale


def _merge(segs: list[_Seg]) -> list[_Seg]:
    """Join pieces of one line that the text layer gave apart (a marker drawn later)."""
    out: list[_Seg] = []
    for seg in segs:
        for other in reversed(out[-8:]):
            first = seg.chars[0]
            if _same_line(other, first) and first[1] >= other.x1 - 1:
                other.chars.extend(seg.chars)
                other.x1 = max(other.x1, seg.x1)
                if seg.size >= other.size * 0.9:
                    other.y0, other.y1 = min(other.y0, seg.y0), max(other.y1, seg.y1)
                    other.size = max(other.size, seg.size)
                break
        else:
            out.append(seg)
    return out


def _line(seg: _Seg, number: int, textpage: Any) -> Line | None:
    chars = seg.chars
    sizes: dict[float, int] = {}
    for c in chars:
        sizes[c[5]] = sizes.get(c[5], 0) + 1
    main = max(sizes, key=lambda s: (sizes[s], s))
    bottom = max(c[4] for c in chars if c[5] == main)
    parts: list[str] = []
    marks: list[str] = []
    lead: str | None = None
    i = 0
    while i < len(chars):
        c = chars[i]
        if _raised(c, main, bottom):
            j = i
            while (
                j < len(chars) and _raised(chars[j], main, bottom) and not (j > i and chars[j][7])
            ):
                j += 1
            token = "".join(ch[0] for ch in chars[i:j])
            after_digit = bool(parts) and parts[-1][-1:].isdigit()
            if _ORDINAL.match(token) and (
                after_digit or (token[0] == "e" and _ROMAN_END.search("".join(parts[-8:])))
            ):
                parts.append(token)  # a raised ordinal: 18th, 21st, 1er, XVIIIe
                i = j
                continue
            if _MARKER.match(token) and not (token.isalpha() and after_digit):
                if not parts:
                    lead = token
                else:
                    marks.extend(token.split(","))
                    parts.append("\x00")
                i = j
                continue
        gap = bool(parts) and c[1] - _right(chars, i) > 0.2 * main
        if (c[7] or gap) and parts and parts[-1] != " ":
            parts.append(" ")
        parts.append(c[0])
        i += 1
    text = "".join(parts)
    text = re.sub(r"\s*\x00+\s*(?=[,.;:!?)»”])", "", text)
    text = re.sub(r"\x00+", "", text).strip()
    text = re.sub(r" {2,}", " ", text)
    if not text:
        return None
    # bold when its first, middle and last letters are (the weight is asked of three)
    body = [c for c in chars if c[5] == main]  # not a raised marker in another weight
    sample = {body[0][6], body[len(body) // 2][6], body[-1][6]}
    bold = all(raw.FPDFText_GetFontWeight(textpage, k) >= 600 for k in sample)
    line = Line(number, chars[0][1], seg.x1, seg.y0, seg.y1, main, text, bold, marks, lead)
    if layout.LABEL.match(text):
        line.text_x, line.label_tab = _after_label(chars, main)
    return line


def _after_label(chars: list[tuple], main: float) -> tuple[float | None, bool | None]:
    """Where the text after a leading label (``1.``, ``(a)``) starts (the first
    character after a space or a gap), and whether that space is a tab's: wider
    than a word space and than the line's other spaces (a justified line widens
    those alike)."""
    gaps = [
        (chars[i][1], chars[i][1] - chars[i - 1][2])
        for i in range(1, len(chars))
        if chars[i][7] or chars[i][1] - chars[i - 1][2] > 0.2 * main
    ]
    if not gaps:
        return None, None
    start, gap = gaps[0]
    words = sorted(g for _, g in gaps[1:])
    usual = words[len(words) // 2] if words else 0.0
    return start, gap > 0.6 * main and gap > 1.5 * usual


def _right(chars: list[tuple], i: int) -> float:
    return chars[i - 1][2] if i else chars[i][1]


def _raised(c: tuple, main: float, bottom: float) -> bool:
    return c[5] <= 0.8 * main and c[4] < bottom - 0.05 * main
