"""Measure what a PDF would decompress before a PDF library opens it.

PDFium inflates a content stream, a font or an object stream whole when it
needs it, so a small file with a stream of gigabytes of zeros would take that
much memory. :func:`check` walks the file's streams, inflates each FlateDecode
one (and chains of them) in pieces without keeping the output, and stops at
the first stream or total over the bounds of :class:`~.options.ReadOptions`;
it also counts the file's objects. Image streams are measured only when they
will be drawn (OCR): text extraction does not decode them.

Streams that do not inflate (encrypted files, other filters) are left to the
library: they are not where a flate bomb hides, except in an encrypted file,
which PDFium opens only without a password.
"""

from __future__ import annotations

import re
import zlib

from ..errors import ReaderError
from .options import ReadOptions

_OBJ = re.compile(rb"\d+\s+\d+\s+obj\b")
_STREAM = re.compile(rb"stream\r?\n|stream\r(?!\n)")
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)\b")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_PIECE = 1 << 20


class _TooBig(Exception):
    pass


def _inflate(data: bytes, start: int, layers: int, budget: int) -> int:
    """Bytes the stream at ``start`` inflates to through ``layers`` flate filters;
    raises :class:`_TooBig` past ``budget``."""
    inflaters = [zlib.decompressobj() for _ in range(layers)]
    total = 0

    def feed(level: int, piece: bytes) -> None:
        nonlocal total
        inflater = inflaters[level]
        while piece and not inflater.eof:
            out = inflater.decompress(piece, _PIECE)
            piece = inflater.unconsumed_tail
            if level + 1 < len(inflaters):
                feed(level + 1, out)
            else:
                total += len(out)
                if total > budget:
                    raise _TooBig

    pos = start
    try:
        while pos < len(data) and not inflaters[0].eof:
            feed(0, data[pos : pos + _PIECE])
            pos += _PIECE
    except zlib.error:
        pass  # damaged, encrypted or not flate after all: the library decides
    return total


def check(data: bytes, source: str, options: ReadOptions) -> None:
    """Raise :class:`ReaderError` if the PDF would decompress or hold more than allowed."""
    if b"%PDF" not in data[:1024]:
        raise ReaderError(source, "not a PDF file (no %PDF header)")
    objects = sum(1 for _ in _OBJ.finditer(data))
    if objects > options.max_objects:
        raise ReaderError(
            source, f"holds {objects:,} PDF objects, over the limit of {options.max_objects:,}"
        )
    encrypted = b"/Encrypt" in data
    total = 0
    for match in _STREAM.finditer(data):
        head = data[max(0, match.start() - 2048) : match.start()]
        obj = head.rfind(b"obj")
        dictionary = head[obj + 3 :] if obj >= 0 else head
        if not dictionary.rstrip().endswith(b">>"):
            continue  # the word "stream" inside some other data
        layers = len(_FLATE.findall(dictionary))
        if not layers or encrypted or (_IMAGE.search(dictionary) and not options.ocr):
            continue
        budget = min(options.max_stream_bytes, options.max_total_bytes - total)
        try:
            total += _inflate(data, match.end(), min(layers, 4), budget)
        except _TooBig:
            limit = min(options.max_stream_bytes, options.max_total_bytes)
            raise ReaderError(
                source,
                f"a compressed stream expands past {limit // (1 << 20)} MB "
                "(a decompression bomb?); not read",
            ) from None
