"""OCR of scanned PDF pages with tesseract, when it is installed (optional).

A page is drawn by PDFium as a grey image, handed to the ``tesseract`` program
(system packages ``tesseract-ocr`` and ``tesseract-ocr-rus``) and its words come
back as TSV with their boxes: they become :class:`~.layout.Line` objects, so a
scan goes through the same furniture removal, masthead and paragraph assembly
as a born-digital page. Nothing here imports a Python OCR binding.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import shutil
import subprocess
import tempfile
from typing import Any

from ..errors import ReaderError
from .layout import Line, Page
from .options import ReadOptions

#: Page images are kept under this many pixels (a huge page is drawn smaller).
MAX_PIXELS = 60_000_000
_PREFERRED = ("rus", "eng")
#: One thread per tesseract: its OpenMP threads mostly wait on each other (three
#: times slower on two cores); a caller's own setting is kept.
_ENV = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}


def tesseract() -> str | None:
    """The path of the ``tesseract`` program, or ``None``."""
    return shutil.which("tesseract")


@functools.lru_cache(maxsize=4)
def installed_languages(program: str) -> tuple[str, ...]:
    try:
        done = subprocess.run(
            [program, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ()
    lines = (done.stdout or "").splitlines()
    return tuple(line.strip() for line in lines[1:] if line.strip())


def languages(options: ReadOptions) -> str:
    """tesseract's ``-l``: the option's, else ``rus+eng`` (those of them installed)."""
    if options.ocr_languages:
        return options.ocr_languages
    program = tesseract()
    have = installed_languages(program) if program else ()
    chosen = [lang for lang in _PREFERRED if lang in have]
    return "+".join(chosen) or "eng"


def read_pages(pdf: Any, numbers: list[int], source: str, options: ReadOptions) -> list[Page]:
    """OCR the given pages of an open PDFium document."""
    program = tesseract()
    if program is None:
        raise ReaderError(
            source,
            "scanned image, no text layer, and tesseract is not installed "
            "(install tesseract-ocr and tesseract-ocr-rus to read it with --ocr)",
        )
    langs = languages(options)
    pages = []
    with tempfile.TemporaryDirectory(prefix="searchkit-ocr-") as folder:
        image = os.path.join(folder, "page.pgm")
        for number in numbers:
            page = pdf[number]
            try:
                width, height = page.get_size()
                scale = options.ocr_dpi / 72
                if width * height * scale * scale > MAX_PIXELS:
                    scale = (MAX_PIXELS / max(1.0, width * height)) ** 0.5
                bitmap = page.render(scale=scale, grayscale=True)
                try:
                    _write_pgm(bitmap, image)
                finally:
                    bitmap.close()
            finally:
                page.close()
            tsv = _run(program, image, langs, source, number, options.ocr_timeout)
            pages.append(Page(number, width, height, lines_of(tsv, number, scale)))
    return pages


def _write_pgm(bitmap: Any, path: str) -> None:
    width, height, stride = bitmap.width, bitmap.height, bitmap.stride
    data = bytes(bitmap.buffer)
    with open(path, "wb") as out:
        out.write(b"P5\n%d %d\n255\n" % (width, height))
        if stride == width:
            out.write(data[: width * height])
        else:
            for row in range(height):
                out.write(data[row * stride : row * stride + width])


def _run(program: str, image: str, langs: str, source: str, number: int, timeout: float) -> str:
    try:
        done = subprocess.run(
            [program, image, "stdout", "-l", langs, "--psm", "3", "tsv"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env=_ENV,
        )
    except subprocess.TimeoutExpired:
        raise ReaderError(
            source, f"OCR of page {number + 1} took over {timeout:.0f} s; not read"
        ) from None
    except OSError as exc:
        raise ReaderError(source, f"cannot run tesseract: {exc.strerror or exc}") from None
    if done.returncode != 0:
        message = (done.stderr or "").strip().splitlines()
        reason = message[-1] if message else f"exit status {done.returncode}"
        raise ReaderError(source, f"tesseract failed on page {number + 1}: {reason}")
    return done.stdout


def lines_of(tsv: str, number: int, scale: float) -> list[Line]:
    """tesseract's TSV (one row per word) as lines, in points."""
    groups: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        key = (row["block_num"], row["par_num"], row["line_num"])
        groups.setdefault(key, []).append(row)
    heights = sorted(int(w["height"]) for words in groups.values() for w in words)
    typical = heights[len(heights) // 2] if heights else 0
    lines = []
    for words in groups.values():
        x0 = min(int(w["left"]) for w in words) / scale
        x1 = max(int(w["left"]) + int(w["width"]) for w in words) / scale
        y0 = min(int(w["top"]) for w in words) / scale
        y1 = max(int(w["top"]) + int(w["height"]) for w in words) / scale
        text = " ".join(w["text"].strip() for w in words)
        own = sorted(int(w["height"]) for w in words)[len(words) // 2]
        # word boxes vary with ascenders and descenders: one size for the page's
        # ordinary lines, their own for clearly larger (or smaller) type
        height = typical if 0.75 * typical <= own <= 1.35 * typical else own
        lines.append(Line(number, x0, x1, y0, y1, max(1.0, height / scale), text))
    return lines
