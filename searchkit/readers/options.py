"""What a caller may ask of the readers: OCR, and the bounds on what a file may cost.

A Word file is a zip and a PDF holds compressed streams: a 1 MB file can expand
to gigabytes. The PDF and Word readers measure what a file would decompress
before handing it to a library, and walk no more pages and objects than these
bounds allow; a file over a bound is a per-file :class:`~searchkit.errors.ReaderError`.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1 << 20


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Options for :func:`searchkit.readers.read_documents`.

    ``ocr``: read scanned pages (no text layer) with tesseract, when it is
    installed (``tesseract-ocr`` and ``tesseract-ocr-rus`` system packages);
    ``ocr_languages``: tesseract's ``-l`` (default: ``rus+eng``, or whichever of
    them is installed); ``ocr_dpi``: resolution of the page images OCR reads.
    """

    ocr: bool = False
    ocr_languages: str | None = None
    ocr_dpi: int = 300
    ocr_timeout: float = 120.0  # seconds per page
    max_pages: int = 5000
    max_objects: int = 2_000_000  # PDF objects
    max_stream_bytes: int = 256 * MB  # one PDF stream or one zip member, decompressed
    max_total_bytes: int = 1024 * MB  # all of a file's streams or members, decompressed
    max_zip_members: int = 10_000
    max_chars: int = 50_000_000  # text characters read from one file


DEFAULT = ReadOptions()
