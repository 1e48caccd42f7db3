"""Tiny PDF files written by hand for the reader tests: text in a standard font at
given places and sizes, page images, a compressed stream of any size, RC4 encryption."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

#: One piece of text: x and y from the page's bottom left, type size, text.
Text = tuple[float, float, float, str]

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


@dataclass
class Image:
    """A grey image drawn over the whole page (a scan)."""

    width: int
    height: int
    pixels: bytes  # one byte per pixel, rows top to bottom
    over: bytes = b""  # a content stream drawn over the image (a scanner's OCR text)


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def content(texts: Iterable[Text], bold: Iterable[Text] = ()) -> bytes:
    out = []
    for font, items in (("F1", texts), ("F2", bold)):
        for x, y, size, text in items:
            out.append(b"BT /%s %.1f Tf %.2f %.2f Td (%s) Tj ET" % (
                font.encode(), size, x, y, _escape(text)
            ))  # fmt: skip
    return b"\n".join(out)


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


class _Encryption:
    """The standard security handler, revision 2 (40-bit RC4), with a user password."""

    def __init__(self, user: bytes, owner: bytes, file_id: bytes) -> None:
        owner_key = hashlib.md5((owner + _PAD)[:32]).digest()[:5]
        self.o = _rc4(owner_key, (user + _PAD)[:32])
        self.p = -44
        digest = hashlib.md5(
            (user + _PAD)[:32] + self.o + self.p.to_bytes(4, "little", signed=True) + file_id
        ).digest()
        self.key = digest[:5]
        self.u = _rc4(self.key, _PAD)

    def crypt(self, number: int, data: bytes) -> bytes:
        key = hashlib.md5(self.key + number.to_bytes(3, "little") + b"\x00\x00").digest()[:10]
        return _rc4(key, data)


def build(
    pages: list[bytes | Image],
    size: tuple[float, float] = (595.0, 842.0),
    password: str | None = None,
    raw_stream: bytes | None = None,
) -> bytes:
    """A PDF of ``pages`` (content streams, or images filling the page).

    ``raw_stream`` is added as one more (flate) stream object, as it is given.
    With ``password``, strings and streams are RC4-encrypted and opening needs it.
    """
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    file_id = hashlib.md5(b"searchkit test").digest()
    crypt = _Encryption(password.encode(), b"owner", file_id) if password else None

    def stream(number: int, dictionary: bytes, data: bytes) -> bytes:
        if crypt:
            data = crypt.crypt(number, data)
        return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(data), data)

    catalog = add(b"")
    pages_obj = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    bold = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    )
    kids = []
    width, height = size
    for page in pages:
        resources = b"/Font << /F1 %d 0 R /F2 %d 0 R >>" % (font, bold)
        if isinstance(page, Image):
            image = len(objects) + 1
            add(stream(
                image,
                b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Filter /FlateDecode" % (page.width, page.height),
                zlib.compress(page.pixels),
            ))  # fmt: skip
            resources += b" /XObject << /Im1 %d 0 R >>" % image
            data = b"q %.2f 0 0 %.2f 0 0 cm /Im1 Do Q\n" % (width, height) + page.over
        else:
            data = page
        number = len(objects) + 1
        add(stream(number, b"", data))
        kids.append(add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Resources << %s >> "
            b"/Contents %d 0 R >>" % (pages_obj, width, height, resources, number)
        ))  # fmt: skip
    if raw_stream is not None:
        add(b"<< /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (
            len(raw_stream), raw_stream
        ))  # fmt: skip
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    objects[pages_obj - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    encrypt = None
    if crypt:
        encrypt = add(
            b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
            % (crypt.o.hex().encode(), crypt.u.hex().encode(), crypt.p)
        )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"/Size %d /Root %d 0 R /ID [<%s> <%s>]" % (
        len(objects) + 1, catalog, file_id.hex().encode(), file_id.hex().encode()
    )  # fmt: skip
    if encrypt:
        trailer += b" /Encrypt %d 0 R" % encrypt
    out += b"trailer\n<< %s >>\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref)
    return bytes(out)


def flate_of_zeros(megabytes: int) -> bytes:
    """``megabytes`` MB of zeros, deflated a piece at a time (about 1 KB per MB)."""
    compressor = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    parts = [compressor.compress(chunk) for _ in range(megabytes)]
    parts.append(compressor.flush())
    return b"".join(parts)


def width(text: str, size: float, bold: bool = False) -> float:
    """The printed width of ``text`` in Helvetica (or Helvetica-Bold) at ``size``,
    as PDFium measures it on a page made for the purpose."""
    import pypdfium2 as pdfium

    page_bytes = content(
        [] if bold else [(0, 400, size, text)], [(0, 400, size, text)] if bold else []
    )
    pdf = pdfium.PdfDocument(build([page_bytes]))
    try:
        textpage = pdf[0].get_textpage()
        boxes = [textpage.get_charbox(i) for i in range(textpage.count_chars())]
        return max(box[2] for box in boxes) - min(box[0] for box in boxes)
    finally:
        pdf.close()


def justified(lines: Iterable[tuple[float, float, float, str]], right: float) -> bytes:
    """Lines set flush to ``right`` as a justified paragraph is: each ``(x, y, size,
    text)`` widened by word spacing (``Tw``) so that it ends at ``right``."""
    out = []
    for x, y, size, text in lines:
        spaces = text.count(" ")
        spacing = (right - x - width(text, size)) / spaces if spaces else 0.0
        out.append(b"BT /F1 %.1f Tf %.3f Tw %.2f %.2f Td (%s) Tj ET" % (
            size, spacing, x, y, _escape(text)
        ))  # fmt: skip
    return b"\n".join(out)
