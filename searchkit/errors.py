"""Errors raised by searchkit.

Every error the library raises on purpose derives from :class:`SearchkitError`;
its message names the file, symbol, index or query concerned and the reason::

    SearchkitError
    ├── ReaderError        a file cannot be read (unknown format, bad encoding, no text)
    ├── IndexError_        base of the index-level errors below
    │   ├── IndexNotFound  no index at the given path
    │   ├── IndexLocked    another writer holds the index
    │   └── SchemaMismatch the index was built by an incompatible version
    ├── QueryError         the query cannot be parsed (names the problem and position)
    └── NotFound           an unknown symbol or paragraph was asked for

The library raises and never prints; the CLI prints the message to stderr and
exits non-zero. Any other exception is a bug.
"""

from __future__ import annotations


class SearchkitError(Exception):
    """Root of all errors searchkit raises deliberately."""


class ReaderError(SearchkitError):
    """A file could not be turned into a document."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IndexError_(SearchkitError):  # noqa: N801 - avoid shadowing the builtin
    """Base class for problems with the index itself."""


class IndexNotFound(IndexError_):
    """There is no searchkit index at the given path."""


class IndexLocked(IndexError_):
    """Another process holds the index's write lock."""


class SchemaMismatch(IndexError_):
    """The index was written by an incompatible searchkit version."""


class QueryError(SearchkitError):
    """The query text cannot be understood.

    ``position`` is the 0-based character offset of the problem, when known.
    """

    def __init__(self, query: str, reason: str, position: int | None = None) -> None:
        where = f" at position {position}" if position is not None else ""
        shown = query if len(query) <= 80 else query[:77] + "..."
        super().__init__(f"query {shown!r}: {reason}{where}")
        self.query = query
        self.reason = reason
        self.position = position


class NotFound(SearchkitError):
    """An unknown symbol or paragraph was requested."""
