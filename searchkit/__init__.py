"""searchkit: full-text search for the records of UN conferences, Russian first.

Library API (the CLI is a thin layer over these)::

    from searchkit import index_corpus, search, Index

    report = index_corpus("corpus", "index")     # add / update / delete, one commit
    for hit in search("index", "незаконный ввоз мигрантов"):
        print(hit.citation, hit.snippet)         # "CTOC/COP/2012/1, para. 3" ...

The names load on first use, so ``import searchkit`` (and ``searchkit
--version``) imports none of whoosh, numpy, bs4 or pymorphy3.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .version import __version__

#: Public name -> the module that defines it.
_EXPORTS = {
    "Block": "searchkit.model",
    "Document": "searchkit.model",
    "Hit": "searchkit.model",
    "ConfigError": "searchkit.errors",
    "CorpusError": "searchkit.errors",
    "IndexLocked": "searchkit.errors",
    "IndexNotFound": "searchkit.errors",
    "InternalError": "searchkit.errors",
    "NotFound": "searchkit.errors",
    "QueryError": "searchkit.errors",
    "ReaderError": "searchkit.errors",
    "SchemaMismatch": "searchkit.errors",
    "SearchkitError": "searchkit.errors",
    "UserError": "searchkit.errors",
    "IndexReport": "searchkit.indexing",
    "index_corpus": "searchkit.indexing",
    "reindex": "searchkit.indexing",
    "Index": "searchkit.retrieval",
    "SearchResult": "searchkit.retrieval",
    "explain": "searchkit.retrieval",
    "search": "searchkit.retrieval",
    "IndexStats": "searchkit.retrieval.stats",
    "index_stats": "searchkit.retrieval.stats",
    "EvalReport": "searchkit.eval",
    "evaluate_index": "searchkit.eval",
    "load_judgements": "searchkit.eval",
    "DocumentView": "searchkit.retrieval.browse",
    "Passage": "searchkit.retrieval.browse",
    "parallel": "searchkit.retrieval.browse",
    "show": "searchkit.retrieval.browse",
    "show_document": "searchkit.retrieval.browse",
}

__all__ = [
    "Block",
    "ConfigError",
    "CorpusError",
    "Document",
    "DocumentView",
    "EvalReport",
    "Hit",
    "Index",
    "IndexLocked",
    "IndexNotFound",
    "IndexReport",
    "IndexStats",
    "InternalError",
    "NotFound",
    "Passage",
    "QueryError",
    "ReaderError",
    "SchemaMismatch",
    "SearchResult",
    "SearchkitError",
    "UserError",
    "__version__",
    "evaluate_index",
    "explain",
    "index_corpus",
    "index_stats",
    "load_judgements",
    "parallel",
    "reindex",
    "search",
    "show",
    "show_document",
]

if TYPE_CHECKING:
    from .errors import (
        ConfigError,
        CorpusError,
        IndexLocked,
        IndexNotFound,
        InternalError,
        NotFound,
        QueryError,
        ReaderError,
        SchemaMismatch,
        SearchkitError,
        UserError,
    )
    from .eval import EvalReport, evaluate_index, load_judgements
    from .indexing import IndexReport, index_corpus, reindex
    from .model import Block, Document, Hit
    from .retrieval import Index, SearchResult, explain, search
    from .retrieval.browse import DocumentView, Passage, parallel, show, show_document
    from .retrieval.stats import IndexStats, index_stats


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'searchkit' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return __all__
