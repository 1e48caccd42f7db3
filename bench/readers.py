"""``python -m bench.readers [FOLDER] [--ocr] [--libraries] [--repeat N]``: reading speed.

Reads every PDF and Word file of FOLDER (default ``../shared/corpus/un-pdf``) with
searchkit's readers and prints pages per second per reader: the PDF reader, the
Word reader (pages as Word counted them when it saved the file), and with ``--ocr``
the OCR of scans (tesseract). ``--libraries`` also times the plain text extraction
of the PDF libraries that were weighed for the reader, when they are installed
(pypdf, pdfminer.six, pdfplumber, pypdfium2), on the same files.

Each file is read ``--repeat`` times (default 3) and the fastest time is kept.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from searchkit.errors import ReaderError
from searchkit.readers import ReadOptions, read_path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "corpus" / "un-pdf"


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best = float("inf")
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def measure(files: list[Path], repeat: int = 3, ocr: bool = False) -> list[dict[str, Any]]:
    """One row per file: reader, pages, seconds, pages/s, blocks, or the error."""
    rows = []
    options = ReadOptions(ocr=ocr)
    for path in files:
        suffix = path.suffix.lower()
        reader = {".pdf": "pdf", ".docx": "docx", ".doc": "doc"}.get(suffix)
        if reader is None:
            continue
        try:
            seconds, document = _best(lambda p=path: read_path(p, p.name, options=options), repeat)
        except ReaderError as exc:
            rows.append({"file": path.name, "reader": reader, "error": exc.reason})
            continue
        if "ocr" in document.extra:
            reader = "pdf+ocr"
        pages = int(document.extra.get("pages", 0))
        rows.append(
            {
                "file": path.name,
                "reader": reader,
                "pages": pages,
                "seconds": round(seconds, 4),
                "pages_per_second": round(pages / seconds, 1) if seconds else None,
                "blocks": len(document.blocks),
                "bytes": path.stat().st_size,
            }
        )
    return rows


def _library_readers() -> dict[str, Callable[[Path], int]]:
    """Plain text extraction by each candidate library installed; returns pages read."""
    found: dict[str, Callable[[Path], int]] = {}
    if importlib.util.find_spec("pypdfium2"):

        def pdfium(path: Path) -> int:
            import pypdfium2 as pdfium_lib

            pdf = pdfium_lib.PdfDocument(path)
            for i in range(len(pdf)):
                page = pdf[i]
                text = page.get_textpage()
                text.get_text_range()
                text.close()
                page.close()
            count = len(pdf)
            pdf.close()
            return count

        found["pypdfium2 (text only)"] = pdfium
    if importlib.util.find_spec("pypdf"):

        def pypdf(path: Path) -> int:
            import pypdf as pypdf_lib

            reader = pypdf_lib.PdfReader(path)
            for page in reader.pages:
                page.extract_text()
            return len(reader.pages)

        found["pypdf"] = pypdf
    if importlib.util.find_spec("pdfminer"):

        def pdfminer(path: Path) -> int:
            from pdfminer.high_level import extract_pages

            return sum(1 for _ in extract_pages(path))

        found["pdfminer.six"] = pdfminer
    if importlib.util.find_spec("pdfplumber"):

        def plumber(path: Path) -> int:
            import pdfplumber

            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    page.extract_text()
                return len(pdf.pages)

        found["pdfplumber"] = plumber
    return found


def measure_libraries(files: list[Path], repeat: int = 1) -> list[dict[str, Any]]:
    logging.disable(logging.WARNING)  # the pure-Python parsers warn about every odd object
    rows = []
    for name, fn in _library_readers().items():
        pages = 0
        seconds = 0.0
        for path in files:
            if path.suffix.lower() != ".pdf":
                continue
            try:
                elapsed, count = _best(lambda p=path, f=fn: f(p), repeat)
            except Exception as exc:  # a library's failure is a result here
                print(f"  {name}: {path.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
                continue
            pages += count
            seconds += elapsed
        rows.append(
            {
                "library": name,
                "pages": pages,
                "seconds": round(seconds, 3),
                "pages_per_second": round(pages / seconds, 1) if seconds else None,
            }
        )
    return rows


def summary(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    by_reader: dict[str, dict[str, Any]] = {}
    for row in rows:
        if "error" in row:
            continue
        total = by_reader.setdefault(row["reader"], {"files": 0, "pages": 0, "seconds": 0.0})
        total["files"] += 1
        total["pages"] += row["pages"]
        total["seconds"] += row["seconds"]
    for total in by_reader.values():
        total["seconds"] = round(total["seconds"], 3)
        total["pages_per_second"] = (
            round(total["pages"] / total["seconds"], 1) if total["seconds"] else None
        )
    return by_reader


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.readers", description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--ocr", action="store_true", help="read scans with tesseract")
    parser.add_argument("--libraries", action="store_true", help="time the PDF libraries too")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"no folder {args.folder}", file=sys.stderr)
        return 2
    files = sorted(p for p in args.folder.iterdir() if p.is_file())
    rows = measure(files, args.repeat, args.ocr)
    out = io.StringIO()
    print(f"{'file':48} {'reader':8} {'pages':>5} {'seconds':>8} {'pages/s':>8}", file=out)
    for row in rows:
        if "error" in row:
            print(f"{row['file'][:48]:48} {row['reader']:8} failed: {row['error']}", file=out)
        else:
            print(
                f"{row['file'][:48]:48} {row['reader']:8} {row['pages']:5} "
                f"{row['seconds']:8.3f} {row['pages_per_second'] or 0:8.1f}",
                file=out,
            )
    totals = summary(rows)
    print("", file=out)
    for reader, total in totals.items():
        print(
            f"{reader}: {total['pages']} pages of {total['files']} files in "
            f"{total['seconds']:.2f} s, {total['pages_per_second']} pages/s",
            file=out,
        )
    result: dict[str, Any] = {"files": rows, "readers": totals}
    if args.libraries:
        result["libraries"] = measure_libraries(files)
        print("\nplain text extraction by library (same PDFs):", file=out)
        for row in result["libraries"]:
            print(
                f"  {row['library']:24} {row['pages']} pages in {row['seconds']:.2f} s, "
                f"{row['pages_per_second']} pages/s",
                file=out,
            )
    print(out.getvalue(), end="")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
