"""searchkit's whoosh codec: whoosh 2.7.4's own, with compact posting lists.

whoosh 2.7.4 (pinned) writes a block of up to 128 postings as a pickled tuple
of ids, weights and values (for a positional field, one pickled list of
position gaps per posting), pickled again at protocol 2 (which spells every
byte over 127 of those values as two) and zlib'd, behind a pickled header:
about 16 bytes a posting on searchkit's ``content`` field, three quarters of
the index. :class:`PackedCodec` keeps whoosh's segments, term dictionary,
stored fields and length columns and writes posting lists as packed arrays:

* A list of at most ``blocklimit`` (:data:`BLOCK`) postings (most terms) is one block without
  a header: its count, last id, highest weight and shortest and longest field
  length are the term's own, which the term dictionary holds anyway.
* A longer list is blocks of ``blocklimit`` postings, each behind
  :data:`_HEADER`.
* A block starts with two flag bytes (:class:`_Flags`), then its payload: the
  gaps between its ids (the ids are counted back from the last, so a block
  reads alone), its weights unless they are all 1 or equal the frequencies
  times the field boost, and its values: for :class:`PackedPositions` each
  posting's number of positions and the gaps between them (the first one from
  0), otherwise each value's length and the values themselves. Every array
  takes the narrowest of 1, 2 or 4 bytes its largest number needs
  (little-endian), and the payload is zlib'd (level 1) when that makes it
  smaller.

whoosh reads these lists through :class:`PackedMatcher` (its matcher API:
deleting by term, looking up a document by a field's value);
:meth:`PackedMatcher.blocks` gives them, a block at a time as numpy arrays,
to :mod:`searchkit.index.postings`. :class:`PackedFieldWriter` takes whole
posting lists from a :class:`~searchkit.index.pool.TermPool` and writes them
a block at a time. An index records the codec of each of its segments (whoosh pickles
it in the table of contents), so every writer of an index is made by
:func:`searchkit.index.writer.open_writer` (codec and pool).
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import (
    W3Codec,
    W3FieldWriter,
    W3LeafMatcher,
    W3PostingsWriter,
)
from whoosh.formats import Positions
from whoosh.util.numeric import byte_to_length, length_to_byte

from ..pool import TermLists
from . import length_column

#: A block of a list longer than ``blocklimit``: payload size, postings, last
#: id, highest weight, shortest and longest field length (whoosh's length
#: bytes), then the two flag bytes.
_HEADER = struct.Struct("<IHIfBBBB")
_FLAGS = struct.Struct("<BB")
#: Array widths by code: 1, 2 or 4 bytes, little-endian.
_DTYPES = (np.dtype("<u1"), np.dtype("<u2"), np.dtype("<u4"))
_TYPECODES = ("B", "H", "I")
#: Payloads shorter than this are not worth a zlib header.
_MIN_COMPRESS = 24

# Weight kinds
_W_ONES, _W_FREQ, _W_BYTE, _W_FLOAT = range(4)
# Value kinds
_V_NONE, _V_POSITIONS, _V_BYTES = range(3)

_BIG_ENDIAN = sys.byteorder == "big"


#: Postings a block, at most. whoosh's 128 suits its matchers, which skip
#: block by block; searchkit decodes whole lists with numpy, which costs per
#: block: with 1024, word queries at 50 MB p50 5.9 -> 4.8 ms and the index 8%
#: smaller. Each segment records its own (the codec is pickled with it).
BLOCK = 1024


def codec() -> PackedCodec:
    """The codec every searchkit index writer uses."""
    return PackedCodec(blocklimit=BLOCK)


class PackedPositions(Positions):
    """whoosh's ``Positions`` format with a posting's positions stored as
    little-endian 32-bit integers instead of a pickled list of gaps: encoding
    and decoding are one array call, and :class:`PackedCodec` stores them as
    gaps of the narrowest width."""

    def encode(self, poslist: Any) -> bytes:
        packed = array("I", poslist)
        if _BIG_ENDIAN:
            packed.byteswap()
        return packed.tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        packed = array("I")
        packed.frombytes(valuestring)
        if _BIG_ENDIAN:
            packed.byteswap()
        return packed.tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // 4

    def decode_weight(self, valuestring: bytes) -> float:
        return self.decode_frequency(valuestring) * self.field_boost

    def decode_position_boosts(self, valuestring: bytes) -> list[tuple[int, float]]:
        return [(pos, 1.0) for pos in self.decode_positions(valuestring)]


class PackedCodec(W3Codec):
    """whoosh's W3 codec writing and reading packed posting lists (module docstring)."""

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        if byteids:  # term vectors: not used by searchkit, left to whoosh
            return super().postings_writer(dbfile, byteids=True)
        return PackedPostingsWriter(dbfile, blocklimit=self._blocklimit)

    def field_writer(self, storage: Any, segment: Any) -> Any:
        return PackedFieldWriter(self, storage, segment)

    def postings_reader(
        self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None
    ) -> Any:
        if terminfo.is_inlined():  # never written (inlinelimit 1): whoosh's reader
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        return PackedMatcher(dbfile, terminfo, format_, self._blocklimit, term=term, scorer=scorer)


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class _Flags:
    """What a block's two flag bytes say."""

    compressed: bool
    weights: int
    values: int
    id_width: int
    count_width: int
    value_width: int

    def pack(self) -> bytes:
        return _FLAGS.pack(
            self.compressed | self.weights << 1 | self.values << 3,
            self.id_width | self.count_width << 2 | self.value_width << 4,
        )

    @classmethod
    def unpack(cls, first: int, second: int) -> _Flags:
        return cls(
            bool(first & 1),
            first >> 1 & 3,
            first >> 3 & 3,
            second & 3,
            second >> 2 & 3,
            second >> 4 & 3,
        )


@dataclass
class Block:
    """One decoded block: ids, weights, and the positions of each posting
    (``counts`` of them, in ``positions``) or its raw value (``values``)."""

    ids: np.ndarray
    weights: np.ndarray
    counts: np.ndarray | None = None
    positions: np.ndarray | None = None
    values: tuple[Any, ...] | None = None


def _pack(numbers: list[int]) -> tuple[int, bytes]:
    """(width code, bytes) of non-negative integers at the narrowest width."""
    top = max(numbers, default=0)
    code = 0 if top < 0x100 else 1 if top < 0x10000 else 2
    packed = array(_TYPECODES[code], numbers)
    if _BIG_ENDIAN:
        packed.byteswap()
    return code, packed.tobytes()


def _sort_each(positions: list[int], counts: list[int]) -> list[int]:
    """Each posting's positions in order."""
    out: list[int] = []
    at = 0
    for count in counts:
        out += sorted(positions[at : at + count])
        at += count
    return out


def _position_gaps(positions: list[int], counts: list[int]) -> list[int] | None:
    """Each posting's positions as gaps, its first from 0; ``None`` if a
    posting's positions are not in order."""
    gaps = [b - a for a, b in pairwise([0, *positions])]
    at = 0
    for count in counts:
        if count:
            gaps[at] = positions[at]
        at += count
    return gaps if min(gaps, default=0) >= 0 else None


def encode_block(
    ids: array, weights: array, values: list[bytes], format_: Any
) -> tuple[_Flags, bytes]:
    """The flags and payload of a block (module docstring). Plain Python and
    arrays: most blocks hold one to three postings, too few for numpy."""
    id_list = ids.tolist()
    id_width, id_bytes = _pack([b - a for a, b in pairwise(id_list)])

    value_kind, count_width, value_width, value_bytes = _V_NONE, 0, 0, b""
    counts: list[int] | None = None
    if isinstance(format_, PackedPositions) and values:
        value_kind = _V_POSITIONS
        counts = [len(v) >> 2 for v in values]
        packed = array("I")
        packed.frombytes(b"".join(values))
        if _BIG_ENDIAN:
            packed.byteswap()
        positions = packed.tolist()
        gaps = _position_gaps(positions, counts)
        if gaps is None:  # a word's whole and one of its parts gave one term
            gaps = _position_gaps(_sort_each(positions, counts), counts)
            assert gaps is not None
        count_width, counts_bytes = _pack(counts)
        value_width, gap_bytes = _pack(gaps)
        value_bytes = counts_bytes + gap_bytes
    elif any(values):
        value_kind = _V_BYTES
        count_width, lengths_bytes = _pack([len(v) for v in values])
        value_bytes = lengths_bytes + b"".join(values)

    weight_list = weights.tolist()
    weight_bytes = b""
    boost = format_.field_boost
    if counts is not None and weight_list == array("f", [c * boost for c in counts]).tolist():
        weight_kind = _W_FREQ
    elif all(w == 1.0 for w in weight_list):
        weight_kind = _W_ONES
    elif all(0 <= w < 256 and w % 1 == 0 for w in weight_list):
        weight_kind, weight_bytes = _W_BYTE, bytes(int(w) for w in weight_list)
    else:
        floats = array("f", weight_list)
        if _BIG_ENDIAN:
            floats.byteswap()
        weight_kind, weight_bytes = _W_FLOAT, floats.tobytes()

    payload = id_bytes + weight_bytes + value_bytes
    compressed = False
    if len(payload) >= _MIN_COMPRESS:
        squeezed = zlib.compress(payload, 1)
        if len(squeezed) < len(payload):
            payload, compressed = squeezed, True
    flags = _Flags(compressed, weight_kind, value_kind, id_width, count_width, value_width)
    return flags, payload


def read_block(
    raw: bytes, flags: _Flags, n: int, last_id: int, boost: float, values: bool = True
) -> Block:
    """Decode a block's payload (its ``n`` postings end at id ``last_id``);
    ``values=False`` skips the positions or values when they are not needed."""
    data = zlib.decompress(raw) if flags.compressed else raw
    at = 0

    def take(code: int, count: int) -> np.ndarray:
        nonlocal at
        dtype = _DTYPES[code]
        out = np.frombuffer(data, dtype=dtype, count=count, offset=at)
        at += count * dtype.itemsize
        return out

    steps = np.cumsum(take(flags.id_width, n - 1), dtype=np.int64)
    ids = np.empty(n, dtype=np.int64)
    ids[0] = last_id - (int(steps[-1]) if n > 1 else 0)
    ids[1:] = ids[0] + steps

    weight_kind = flags.weights
    if weight_kind == _W_BYTE:
        weights = take(0, n).astype(np.float32)
    elif weight_kind == _W_FLOAT:
        weights = np.frombuffer(data, dtype="<f4", count=n, offset=at).astype(np.float32)
        at += 4 * n
    else:
        weights = np.ones(n, dtype=np.float32)

    block = Block(ids, weights)
    if flags.values == _V_POSITIONS:
        counts = take(flags.count_width, n).astype(np.int64)
        if weight_kind == _W_FREQ:
            block.weights = (counts * boost).astype(np.float32)
        block.counts = counts
        if values:
            # Each posting's gaps start from 0: subtract the running sum at
            # the end of the posting before.
            running = np.cumsum(take(flags.value_width, int(counts.sum())), dtype=np.int64)
            ends = np.cumsum(counts)
            before = np.zeros(n, dtype=np.int64)
            if running.size:
                before[1:] = np.where(ends[:-1] > 0, running[np.maximum(ends[:-1] - 1, 0)], 0)
            block.positions = running - np.repeat(before, counts)
    elif flags.values == _V_BYTES and values:
        lengths = take(flags.count_width, n).astype(np.int64)
        ends = (at + np.cumsum(lengths)).tolist()
        starts = [at, *ends[:-1]]
        block.values = tuple(data[s:e] for s, e in zip(starts, ends, strict=True))
    return block


# --------------------------------------------------------------------------- writing


class PackedPostingsWriter(W3PostingsWriter):
    """whoosh's posting writer (block statistics, term info) with packed blocks."""

    _ids: Any
    _weights: Any
    _values: Any
    _maxweight: float
    _minlength: int | None
    _maxlength: int

    def __init__(self, postfile: Any, blocklimit: int) -> None:
        super().__init__(postfile, blocklimit, byteids=False, compression=0, inlinelimit=1)

    def add_posting(
        self, id_: int, weight: float, vbytes: bytes, length: int | None = None
    ) -> None:
        # whoosh's, without its per-posting type assertions, keeping empty
        # values so that values line up with ids.
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        self._values.append(vbytes)
        if weight > self._maxweight:
            self._maxweight = weight
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def add_list(
        self, ids: list[int], weights: list[float], values: list[bytes], lengths: bytes | None
    ) -> None:
        """Add a term's whole posting list (ascending ids), a block at a time;
        ``lengths`` is the field's length column (one byte a document), if any."""
        limit = self._blocklimit
        for start in range(0, len(ids), limit):
            if self._ids:
                self._write_block()
            chunk = ids[start : start + limit]
            self._ids = array("I", chunk)
            self._weights = array("f", weights[start : start + limit])
            self._values = values[start : start + limit]
            self._maxweight = max(0.0, max(self._weights))
            if lengths is not None:
                size = len(lengths)
                known = [lengths[i] for i in chunk if i < size and lengths[i]]
                if known:
                    self._minlength = byte_to_length(min(known))
                    self._maxlength = byte_to_length(max(known))

    def _write_block(self, last: bool = False) -> None:
        self._terminfo.add_block(self)
        flags, payload = encode_block(self._ids, self._weights, self._values, self._format)
        out = self._postfile
        if not (last and self._blockcount == 0):  # a list longer than one block
            out.write(
                _HEADER.pack(
                    len(payload),
                    len(self._ids),
                    self._ids[-1],
                    self._maxweight,
                    length_to_byte(self._minlength),
                    length_to_byte(self._maxlength),
                    *flags.pack(),  # its two bytes, as two integers
                )
            )
        else:
            out.write(flags.pack())
        out.write(payload)
        self._blockcount += 1
        self._new_block()


class PackedFieldWriter(W3FieldWriter):
    """whoosh's field writer, which takes a :class:`~searchkit.index.pool.TermPool`'s
    whole posting lists (:class:`~searchkit.pool.TermLists`) a term at a time."""

    _postwriter: PackedPostingsWriter

    def add_postings(self, schema: Any, lengths: Any, items: Any) -> None:
        if not isinstance(items, TermLists):  # whoosh's pool: one posting at a time
            super().add_postings(schema, lengths, items)
            return
        current = None
        column: bytes | None = None
        for (fieldname, btext), flat in items:
            if fieldname != current:
                if current is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                column = None if lengths is None else length_column(lengths, fieldname)
                current = fieldname
            ids = flat[0::3]
            if any(b <= a for a, b in pairwise(ids)):
                raise ValueError(f"postings of {fieldname}:{btext!r} are not in document order")
            self.start_term(btext)
            self._postwriter.add_list(ids, flat[1::3], flat[2::3], column)
            self.finish_term()
        if current is not None:
            self.finish_field()


# --------------------------------------------------------------------------- reading


class PackedMatcher(W3LeafMatcher):
    """whoosh's matcher over a packed posting list (whoosh's skipping and block
    quality included: only reading a block differs)."""

    _data: Any
    _values: Any

    def __init__(
        self,
        postfile: Any,
        terminfo: Any,
        format_: Any,
        blocklimit: int,
        term: Any = None,
        scorer: Any = None,
    ) -> None:
        offset, length = terminfo.extent()
        if isinstance(length, tuple):  # whoosh 2.7.4 unpacks it as a 1-tuple
            length = length[0]
        self.terminfo = terminfo
        self.single = terminfo.doc_frequency() <= blocklimit
        self.end = offset + length
        self.flags: _Flags | None = None
        self.block: Block | None = None
        super().__init__(postfile, offset, length, format_, term=term, scorer=scorer)

    def _read_header(self) -> None:
        self._baseoffset = self._startoffset

    def _goto(self, position: int) -> None:
        self._data = self._ids = self._weights = self._values = None
        self.block = None
        self._i = 0
        get = self._postfile.get
        if self.single:
            info = self.terminfo
            first, second = _FLAGS.unpack(get(position, _FLAGS.size))
            self._dataoffset = position + _FLAGS.size
            self._nextoffset = self.end
            self._blocklength = info.doc_frequency()
            self._maxid = info.max_id()
            self._maxweight = info.max_weight()
            self._minlength = info.min_length()
            self._maxlength = info.max_length()
        else:
            size, n, last, maxweight, low, high, first, second = _HEADER.unpack(
                get(position, _HEADER.size)
            )
            self._dataoffset = position + _HEADER.size
            self._nextoffset = self._dataoffset + size
            self._blocklength, self._maxid, self._maxweight = n, last, maxweight
            self._minlength, self._maxlength = byte_to_length(low), byte_to_length(high)
        self._lastblock = self._nextoffset >= self.end
        self.flags = _Flags.unpack(first, second)
        self._compression = int(self.flags.compressed)

    def blocks(self, values: bool = True) -> Iterator[tuple[int, Block]]:
        """Every block of the list, first to last, with its file offset."""
        at = self._baseoffset
        self._goto(at)
        while True:
            yield at, self.read(values)
            if self._lastblock:
                return
            at = self._nextoffset
            self._goto(at)

    def block_at(self, offset: int) -> Block:
        """The block at ``offset`` (one :meth:`blocks` gave), with its positions."""
        self._goto(offset)
        return self.read()

    def payload(self) -> bytes:
        """The current block's payload, as stored."""
        return bytes(self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset))

    def read(self, values: bool = True) -> Block:
        """The current block, decoded (cached until the matcher moves)."""
        if self.block is None or (values and self._needs_values()):
            assert self.flags is not None
            self.block = read_block(
                self.payload(),
                self.flags,
                self._blocklength,
                self._maxid,
                self.format.field_boost,
                values=values,
            )
        return self.block

    def _needs_values(self) -> bool:
        block = self.block
        assert block is not None and self.flags is not None
        if self.flags.values == _V_POSITIONS:
            return block.positions is None
        return self.flags.values == _V_BYTES and block.values is None

    def _read_data(self) -> None:
        self._data = self.read()

    def _read_ids(self) -> None:
        self._ids = self.read(values=False).ids.tolist()

    def _read_weights(self) -> None:
        self._weights = self.read(values=False).weights.tolist()

    def _read_values(self) -> None:
        block = self.read()
        if block.positions is not None and block.counts is not None:
            ends = np.cumsum(block.counts).tolist()
            packed = block.positions.astype("<u4").tobytes()
            self._values = tuple(
                packed[4 * s : 4 * e] for s, e in zip([0, *ends[:-1]], ends, strict=True)
            )
        elif block.values is not None:
            self._values = block.values
        else:
            self._values = (None,) * self._blocklength
