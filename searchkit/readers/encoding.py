"""Decoding file bytes: UTF-8 (with or without BOM), UTF-16 with BOM, Windows-1251."""

from __future__ import annotations

import codecs
import re
import unicodedata

from ..errors import ReaderError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode(data: bytes, source: str) -> str:
    """Decode ``data`` to text, normalised to NFC with ``\\n`` line ends.

    Raises :class:`ReaderError` for empty or binary files and unknown encodings.
    """
    if not data.strip():
        raise ReaderError(source, "the file is empty")
    if data.startswith(codecs.BOM_UTF8):
        text = _strict(data[3:], "utf-8", source)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _strict(data, "utf-16", source)
    elif b"\x00" in data[:4096]:
        raise ReaderError(source, "binary file (NUL bytes), not text")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _cp1251(data, source)
    if len(_CONTROL.findall(text[:4096])) > 8:
        raise ReaderError(source, "binary file (control characters), not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReaderError(source, f"not valid {encoding} (byte {exc.start})") from exc


def _cp1251(data: bytes, source: str) -> str:
    # Windows-1251 decodes almost any byte string: accept it only when the
    # high bytes are mostly Cyrillic letters (0xC0-0xFF, plus Ё/ё).
    high = [b for b in data if b >= 0x80]
    letters = sum(1 for b in high if b >= 0xC0 or b in (0xA8, 0xB8))
    if high and letters / len(high) > 0.9:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            text = ""
        # KOI8-R also puts Cyrillic in 0xC0-0xFF, but read as Windows-1251 its lower-case
        # letters come out as capitals: real Russian text is mostly lower case.
        upper = sum(1 for c in text if "А" <= c <= "Я")
        lower = sum(1 for c in text if "а" <= c <= "я")
        if text and (upper + lower < 20 or lower >= upper):
            return text
    raise ReaderError(source, "unknown text encoding (expected UTF-8, UTF-16 or Windows-1251)")
