"""Every error searchkit raises on purpose, in one tree.

Two kinds. A :class:`UserError` means what was asked cannot be done as asked:
a bad query, a file that cannot be read, a missing corpus or index, an index
another process is writing. Its message is one line naming the query, file,
symbol or folder and the reason, and the CLI prints it and exits with the
class's ``exit_code``. An :class:`InternalError` is a bug in searchkit (an
invariant that does not hold): the CLI shows its traceback and exits 70. Any
other exception is a bug too::

    SearchkitError
    ├── UserError                exit code
    │   ├── QueryError           2  the query cannot be parsed (names the problem and position)
    │   ├── ConfigError          2  searchkit.toml or SEARCHKIT_CONFIG is wrong
    │   ├── CorpusError          2  no corpus folder, or an empty one that would empty the index
    │   ├── JudgementError       2  a file of judged queries cannot be read
    │   ├── ReaderError          1  one file cannot be read (reported per file; the run goes on)
    │   ├── IndexWriteError      1  the index cannot be written (disk full, permissions)
    │   ├── IndexLocked          3  another process holds the index's write lock
    │   ├── IndexNotFound        4  no index at the given path
    │   ├── SchemaMismatch       4  the index is damaged or from an incompatible version
    │   │   └── StoredFieldsDamaged
    │   ├── ShardUnavailable     4  a shard server of a remote index cannot be reached
    │   ├── BackendUnavailable   2  the index's backend (Xapian) or its server is not installed
    │   └── NotFound             5  an unknown document or paragraph was asked for
    └── InternalError            70 a bug: the invariant named in the message does not hold
        └── WriteCheckFailed        the indexer could not account for every block it wrote

The library raises and never prints.
"""

from __future__ import annotations

#: Exit codes of the ``searchkit`` command, by outcome (the README's table).
EXIT_OK = 0
EXIT_FAILED_FILES = 1
EXIT_USAGE = 2
EXIT_LOCKED = 3
EXIT_INDEX = 4
EXIT_NOT_FOUND = 5
EXIT_INTERNAL = 70


class SearchkitError(Exception):
    """Root of all errors searchkit raises deliberately."""

    exit_code = EXIT_INTERNAL


class UserError(SearchkitError):
    """What was asked cannot be done as asked; the message says why, in one line."""

    exit_code = EXIT_FAILED_FILES


class InternalError(SearchkitError):
    """A bug in searchkit: an invariant that should always hold did not."""

    exit_code = EXIT_INTERNAL


class QueryError(UserError):
    """The query text cannot be understood.

    ``position`` is the 0-based character offset of the problem, when known.
    """

    exit_code = EXIT_USAGE

    def __init__(self, query: str, reason: str, position: int | None = None) -> None:
        where = f" at position {position}" if position is not None else ""
        shown = query if len(query) <= 80 else query[:77] + "..."
        super().__init__(f"query {shown!r}: {reason}{where}")
        self.query = query
        self.reason = reason
        self.position = position


class ConfigError(UserError):
    """The configuration (``searchkit.toml``, ``SEARCHKIT_CONFIG``) is wrong."""

    exit_code = EXIT_USAGE


class CorpusError(UserError):
    """The corpus folder is missing, or empty where that would empty the index."""

    exit_code = EXIT_USAGE


class JudgementError(UserError):
    """A file of judged queries cannot be read."""

    exit_code = EXIT_USAGE


class ReaderError(UserError):
    """A file could not be turned into a document."""

    exit_code = EXIT_FAILED_FILES

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class IndexError_(UserError):  # noqa: N801 - avoid shadowing the builtin
    """Base class for problems with the index itself."""

    exit_code = EXIT_INDEX


class IndexWriteError(IndexError_):
    """The index cannot be written (disk full, permissions); the last commit stays."""

    exit_code = EXIT_FAILED_FILES


class IndexNotFound(IndexError_):
    """There is no searchkit index at the given path."""


class IndexLocked(IndexError_):
    """Another process holds the index's write lock."""

    exit_code = EXIT_LOCKED


class SchemaMismatch(IndexError_):
    """The index is unreadable or was written by an incompatible searchkit version."""


class StoredFieldsDamaged(SchemaMismatch):
    """A block's stored fields are not where its position says they are."""


class ShardUnavailable(IndexError_):
    """A shard of a sharded index cannot be reached or opened (its server is down)."""

    def __init__(self, shard: str, reason: str) -> None:
        super().__init__(f"shard {shard} is unavailable: {reason}")
        self.shard = shard
        self.reason = reason


class BackendUnavailable(UserError):
    """The backend an index uses, or a tool it needs, is not installed here."""

    exit_code = EXIT_USAGE


class NotFound(UserError):
    """An unknown document or paragraph was asked for."""

    exit_code = EXIT_NOT_FOUND


class WriteCheckFailed(InternalError):
    """The indexer could not account for every block; nothing was committed."""
