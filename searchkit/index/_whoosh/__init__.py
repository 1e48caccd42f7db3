"""Everything searchkit knows of whoosh 2.7.4 beyond its public API.

whoosh is pinned (``whoosh==2.7.4`` in pyproject.toml). searchkit stores its
index with whoosh but writes and reads posting lists its own way, which needs
some of whoosh's insides. They are all here, in this package: the packed
posting-list codec (:mod:`.codec`, a subclass of whoosh's own), and below
every other access to a private attribute of a whoosh object and the one
patch of a whoosh class. Upgrading whoosh means re-reading this package and
re-running tests/test_codec.py, tests/test_ranker.py and tests/test_parallel.py.

* segment writers: searchkit's writers add analysed blocks themselves
  (:func:`add_prepared`, the second half of ``SegmentWriter.add_document``),
  and a parallel run commits the segments its worker processes wrote
  (:func:`commit_segments`);
* segment readers: deleted blocks (:func:`deleted_blocks`) and the one-byte
  field-length columns (:func:`length_column`), read whole;
* :func:`cache_length_columns` patches ``W3PerDocReader`` so that a merge
  reads each length column once instead of once per block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


def length_column(perdoc: Any, fieldname: str) -> bytes | None:
    """A segment's one-byte length of ``fieldname`` for each block, as whoosh
    2.7.4 stores it (``None`` when the field has no lengths); ``perdoc`` is
    the segment's ``W3PerDocReader``."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    reader = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    return None if reader is None else bytes(reader._dbfile.get(reader._basepos, reader._count))


def segment_length_column(reader: Any, fieldname: str) -> bytes | None:
    """:func:`length_column` of one segment's reader."""
    return length_column(reader._perdoc, fieldname)


def deleted_blocks(reader: Any) -> list[int]:
    """The segment-local numbers of a segment reader's deleted blocks."""
    return list(reader._perdoc.deleted_docs()) if reader.has_deletions() else []


def segment_count(ix: Any) -> int:
    """Blocks in the index, from its table of contents (``ix.doc_count()`` opens a
    reader, which costs about the index's size in memory)."""
    return sum(segment.doc_count() for segment in ix._segments())


def committed_segments(folder: str, indexname: str) -> tuple[int, set[str]] | None:
    """(the latest table of contents' generation, the segment ids it names) of
    the whoosh index in ``folder``, or ``None`` when none is readable."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    try:
        toc = TOC.read(FileStorage(folder), indexname)
    except Exception:  # whoosh raises many kinds of errors for a damaged or missing TOC
        return None
    return toc.generation, {segment.segment_id() for segment in toc.segments}


# --------------------------------------------------------------------------- writers


def add_prepared(writer: Any, block: Iterable[tuple[str, Any, int, Any, Any]]) -> None:
    """Add one analysed block to a ``SegmentWriter``: the second half of
    ``SegmentWriter.add_document`` (see :func:`searchkit.index.writer.prepare`)."""
    writer._check_state()
    schema = writer.schema
    docnum = writer.docnum
    add_field = writer.pool.add_field  # a TermPool (writer.check_writer)
    perdoc = writer.perdocwriter
    perdoc.start_doc(docnum)
    for name, items, length, stored, column in block:
        field = schema[name]
        if items:
            add_field(name, docnum, items)
        perdoc.add_field(name, field, stored, length)
        if column is not None:
            perdoc.add_column_value(name, field.column_type, column)
    perdoc.finish_doc()
    writer._added = True
    writer.docnum += 1


def has_added(writer: Any) -> bool:
    """Has the writer been given any block?"""
    return bool(writer._added)


def finish_segment(writer: Any) -> Any:
    """Write out a worker's segment without committing it: its ``Segment``, or
    ``None`` when it holds nothing (its files are then closed and dropped)."""
    if writer._added:
        return writer._finalize_segment()
    writer._close_segment()
    return None


def commit_segments(writer: Any, segments: list[Any], before_toc: Callable[[], None]) -> None:
    """Commit ``writer`` (its deletions, and its own blocks if any) together with
    segments other writers finished (:func:`finish_segment`), with whoosh's
    merge policy, as one new table of contents: ``SegmentWriter.commit`` with
    ``before_toc()`` called once every segment file is written, before the
    table of contents that names them."""
    writer._check_state()
    final = writer._merge_segments(None, None, None)
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    before_toc()
    writer._commit_toc(final + segments)
    writer._finish()


# --------------------------------------------------------------------------- the patch


def cache_length_columns() -> None:
    """Make whoosh read a segment's field lengths once, not once per call.

    When whoosh merges segments it copies every block's length in every field
    one ``W3PerDocReader.doc_field_length`` call at a time (``write_per_doc``):
    a column read through three layers of Python each time. This reads each
    length column once into bytes (:func:`length_column`) and answers from
    them. ``_cached_reader`` also caches a field's *lack* of a length column
    (whoosh would ``stat`` the missing file on every call for an unscored
    field). Same answers, fewer calls; process-wide, idempotent.
    """
    from whoosh.codec import whoosh3
    from whoosh.util.numeric import byte_to_length

    cls = whoosh3.W3PerDocReader
    if getattr(cls, "_searchkit_cached", False):
        return
    lengths = [byte_to_length(b) for b in range(256)]

    def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
        try:
            return self._readers[fieldname]
        except KeyError:
            reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
            self._readers[fieldname] = reader
            return reader

    def doc_field_length(self: Any, docnum: int, fieldname: str, default: Any = 0) -> Any:
        columns = self.__dict__.setdefault("_searchkit_lengths", {})
        raw = columns.get(fieldname, False)
        if raw is False:
            raw = columns[fieldname] = length_column(self, fieldname)
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        if raw is None:
            return default
        byte = raw[docnum] if docnum < len(raw) else 0
        return lengths[byte] if byte else None  # None for 0, as whoosh 2.7.4 returns

    cls._cached_reader = _cached_reader
    cls.doc_field_length = doc_field_length
    cls._searchkit_cached = True
