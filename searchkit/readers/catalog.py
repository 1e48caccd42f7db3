"""The optional corpus catalogue: ``catalog.csv`` at the corpus root.

It maps files to the metadata a file cannot carry itself. Columns (header row
required; only ``file`` is mandatory, unknown columns are ignored)::

    file,symbol,language,date,title,session,agenda_item,work
    000_a4c9014b07e334a9.txt,,ru,2012-07-10,,,

``file`` is the path relative to the corpus root, with ``/`` separators. The
text of a document wins over the catalogue: the catalogue only fills gaps.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, fields
from pathlib import Path

from ..errors import ReaderError
from ..symbols import body_of, canonical

CATALOG_NAME = "catalog.csv"


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    symbol: str | None = None
    language: str | None = None
    date: str | None = None
    title: str | None = None
    session: str | None = None
    agenda_item: str | None = None
    work: str | None = None  # pairs the file's language versions when it has no symbol

    def fields(self) -> dict[str, str | None]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        if self.symbol:
            values["body"] = body_of(self.symbol)
        return values


class Catalog(dict[str, CatalogEntry]):
    """``source`` → :class:`CatalogEntry`."""

    @classmethod
    def load(cls, corpus_dir: Path) -> Catalog:
        path = corpus_dir / CATALOG_NAME
        if not path.is_file():
            return cls()
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ReaderError(CATALOG_NAME, f"cannot read the catalogue: {exc}") from exc
        rows = csv.DictReader(io.StringIO(text))
        if not rows.fieldnames or "file" not in rows.fieldnames:
            raise ReaderError(CATALOG_NAME, "the header row must name a 'file' column")
        names = {f.name for f in fields(CatalogEntry)}
        catalog = cls()
        for line, row in enumerate(rows, start=2):
            file = (row.get("file") or "").strip()
            if not file:
                continue
            values = {k: (v or "").strip() or None for k, v in row.items() if k in names}
            if values.get("symbol"):
                symbol = canonical(values["symbol"] or "")
                if symbol is None:
                    raise ReaderError(
                        CATALOG_NAME, f"line {line}: {values['symbol']!r} is not a UN symbol"
                    )
                values["symbol"] = symbol
            catalog[file.replace("\\", "/")] = CatalogEntry(**values)
        return catalog
