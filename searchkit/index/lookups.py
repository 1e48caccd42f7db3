"""Lookups every backend's snapshot answers the same way, from its own
postings and stored records: the full names the indexed text gives an
abbreviation (and the other way), a document by its source, and how many
blocks have each value of a field."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from ..analysis.abbreviations import abbreviation_key, definitions, name_key
from .stored import StoredDocument

#: How many blocks defining an abbreviation are read to learn its full names.
DEFINITIONS_READ = 20


class Lookups:
    """Mixed into a snapshot that has ``stored`` (block and document records),
    ``first_block(field, text)`` and ``defining_blocks(field, key, limit)``."""

    stored: Any

    def first_block(self, fieldname: str, text: str) -> int | None:
        raise NotImplementedError

    def defining_blocks(self, fieldname: str, key: str, limit: int) -> list[int]:
        raise NotImplementedError

    def names_for(self, abbreviation: str) -> list[str]:
        """The full names the indexed text gives ``abbreviation`` (a key of
        :func:`~searchkit.analysis.abbreviations.abbreviation_key`), the most
        used first, one spelling of each."""
        found: Counter[str] = Counter()
        spelled: dict[str, str] = {}
        for block in self.defining_blocks("abbr", abbreviation, DEFINITIONS_READ):
            for abbr, name in definitions(self.stored.block(block).text):
                if abbreviation_key(abbr) == abbreviation:
                    key = name_key(name)
                    found[key] += 1
                    spelled.setdefault(key, name)
        return [spelled[key] for key, _ in found.most_common()]

    def abbreviations_for(self, name: str) -> list[str]:
        """The abbreviations the indexed text defines for the full name whose
        key (:func:`~searchkit.analysis.abbreviations.name_key`) is ``name``."""
        found: Counter[str] = Counter()
        for block in self.defining_blocks("fullname", name, DEFINITIONS_READ):
            for abbr, full in definitions(self.stored.block(block).text):
                if name_key(full) == name:
                    found[abbreviation_key(abbr)] += 1
        return [abbr for abbr, _ in found.most_common()]

    def document_named(self, source: str) -> StoredDocument | None:
        """The document ``source`` (``None`` if the index holds none)."""
        block = self.first_block("source", source)
        return None if block is None else self.stored.document(block)


def value_counts(codes: np.ndarray, values: list[Any], mask: np.ndarray) -> dict[Any, int]:
    """How many flagged blocks have each value (``codes`` index ``values``;
    -1, no value, is counted under ``None``)."""
    tally = np.bincount(codes[mask] + 1, minlength=len(values) + 1)
    out: dict[Any, int] = {None: int(tally[0])} if tally[0] else {}
    out.update((values[i], int(c)) for i, c in enumerate(tally[1:]) if c)
    return out
