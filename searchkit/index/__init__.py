"""The index on disk, with no policy: what is stored where, and reading it back.

* :mod:`.schema`       fields, one whoosh document per block; format version
* :mod:`.records`      a :class:`~searchkit.model.Document` as one record per block
* :mod:`.stored`       what is stored to show a block; typed records read back
* :mod:`.writer`       the one segment writer (analyse, add, commit durably)
* :mod:`.pool`         posting lists collected term by term while writing
* :mod:`.postings`     posting lists and field lengths decoded into numpy arrays
* :mod:`.snapshot`     one commit of the index, read in bulk, with its caches
* :mod:`.generations`  generation folders behind an atomically replaced pointer
* :mod:`.lock`         the write lock;  :mod:`.runlog`  the last run's log
* :mod:`.lookups`      what every backend's snapshot answers alike (abbreviations, value counts)
* :mod:`._whoosh`      every use of whoosh 2.7.4's internals, and the codec
* :mod:`.xapian`       the Xapian backend: terms and slots, shards and remote
                       descriptors, its snapshot and a query's window of candidates

What indexing runs (which files, when) and how hits are ranked are decided
above this package, in :mod:`searchkit.indexing` and :mod:`searchkit.retrieval`.

The on-disk format
------------------
``searchkit.json`` names the current generation and the format
(:data:`~.schema.FORMAT`, ``SCHEMA.ANALYZER``); an index of another format is
refused with "rebuild it with 'searchkit reindex --full'". whoosh pickles the
schema and each segment's codec into the table of contents, and with them
the import paths of these classes, which are therefore part of the format
(tests/test_layers.py checks that an index names exactly these):
"""

from __future__ import annotations

#: Classes whose import paths every index stores (whoosh pickles them). Moving
#: or renaming one changes the on-disk format: bump SCHEMA_VERSION with it.
PICKLED = (
    "searchkit.index.schema.WordTokenizer",
    "searchkit.index.schema.LemmaFilter",
    "searchkit.index._whoosh.codec.PackedCodec",
    "searchkit.index._whoosh.codec.PackedPositions",
)

__doc__ = (__doc__ or "") + "".join(f"\n* ``{name}``" for name in PICKLED) + "\n"
