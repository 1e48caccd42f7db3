"""Corpus → index: which files changed, reading and analysing them, writing
and committing, in one process or several, safely while people search.

* :mod:`.run`      :func:`reindex`: lock, generation, scan, one commit, the log
* :mod:`.scan`     the corpus's files, checksums, one file read and analysed
* :mod:`.serial`   a run in one process;  :mod:`.workers`  in worker processes
* :mod:`.xapian_run`  the same into a Xapian index's shards (local, or writable servers)
* :mod:`.report`   :class:`IndexReport`, what a run did
"""

from __future__ import annotations

from .report import Failure, IndexReport
from .run import reindex
from .scan import MAX_FILE_SIZE, corpus_files

#: The name the first versions used; same function.
index_corpus = reindex

__all__ = ["MAX_FILE_SIZE", "Failure", "IndexReport", "corpus_files", "index_corpus", "reindex"]
