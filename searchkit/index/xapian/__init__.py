"""The Xapian backend: the same blocks, terms and stored records in Xapian
databases, one or several shards, on this machine or served over TCP.

* :mod:`.terms`     a block record (:func:`~searchkit.index.records.block_records`)
                    as a Xapian document: prefixed terms, value slots, stored data
* :mod:`.layout`    shards on disk (generations, stub files for shard servers),
                    remote index descriptors (``[index] shards = ["tcp://…"]``)
* :mod:`.snapshot`  one open index as a search sees it (statistics, prefixes,
                    documents and stored records; Xapian's matcher ranks the queries)

Xapian (GPL-2.0+) is an optional extra: ``pip install 'searchkit[xapian]'``
(the ``xapian-bindings-binary`` wheel). Nothing here is imported unless an
index says it is a Xapian index or ``--backend xapian`` asks for one.
"""

from __future__ import annotations

from typing import Any

from ...errors import BackendUnavailable

#: The Python package that provides the bindings, as the error message names it.
INSTALL = "pip install 'searchkit[xapian]'"


def xapian() -> Any:
    """The ``xapian`` module, or :class:`BackendUnavailable` saying how to install it."""
    try:
        import xapian as module
    except ImportError as exc:
        raise BackendUnavailable(
            f"the Xapian backend needs the Xapian Python bindings ({INSTALL})"
        ) from exc
    return module
