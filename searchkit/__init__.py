"""searchkit: full-text search for the records of UN conferences, Russian first.

Library API (the CLI is a thin layer over these)::

    from searchkit import index_corpus, search, Index

    report = index_corpus("corpus", "index")     # add / update / delete, one commit
    for hit in search("index", "незаконный ввоз мигрантов"):
        print(hit.citation, hit.snippet)         # "CTOC/COP/2012/1, para. 3" ...
"""

from __future__ import annotations

from .errors import (
    IndexLocked,
    IndexNotFound,
    NotFound,
    QueryError,
    ReaderError,
    SchemaMismatch,
    SearchkitError,
)
from .indexer import IndexReport, index_corpus, reindex
from .model import Block, Document, Hit
from .search import Index, SearchResult, search

__version__ = "0.1.0"

__all__ = [
    "Block",
    "Document",
    "Hit",
    "Index",
    "IndexLocked",
    "IndexNotFound",
    "IndexReport",
    "NotFound",
    "QueryError",
    "ReaderError",
    "SchemaMismatch",
    "SearchResult",
    "SearchkitError",
    "__version__",
    "index_corpus",
    "reindex",
    "search",
]
