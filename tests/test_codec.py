"""searchkit.index._whoosh.codec: packed posting lists read back exactly as whoosh's own codec
stores them, through whoosh's matchers and searchkit's bulk reader."""

from __future__ import annotations

import random
from array import array
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh import fields, index
from whoosh.analysis import StandardAnalyzer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.formats import Positions

from searchkit.index import postings
from searchkit.index._whoosh import codec as codec_module
from searchkit.index._whoosh.codec import PackedPositions, codec, encode_block, read_block
from searchkit.index.pool import TermPool
from searchkit.index.schema import lemma_analyzer
from searchkit.index.writer import open_writer
from searchkit.readers import read_path

from .conftest import SEED


@pytest.fixture(params=[16, 1024])
def block(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Postings a block for the indexes a test writes: small blocks make
    lists of many blocks out of little text; 1024 is searchkit's own."""
    monkeypatch.setattr(codec_module, "BLOCK", request.param)
    return int(request.param)


def _schema(packed: bool, analyzer: Any) -> fields.Schema:
    schema = fields.Schema(
        t=fields.TEXT(analyzer=analyzer, phrase=True),
        h=fields.TEXT(analyzer=analyzer, phrase=False, field_boost=1.5),
        k=fields.ID(),
        n=fields.NUMERIC(bits=32, signed=False, shift_step=0),
    )
    if packed:
        schema["t"].format = PackedPositions()
    return schema


def _build(
    folder: Path,
    packed: bool,
    analyzer: Any,
    batches: list[list[dict[str, Any]]],
    pool_mb: float | None = None,
) -> Any:
    """An index of ``batches`` of documents, with whoosh's codec or searchkit's;
    ``pool_mb``: searchkit's writer with a term pool of that many MB."""
    folder.mkdir()
    ix = index.create_in(str(folder), _schema(packed, analyzer))
    for batch, docs in enumerate(batches):
        # each batch is a segment; the last one merges them all, through the
        # codec's reader and writer
        if pool_mb is not None:
            writer = open_writer(ix, limitmb=pool_mb)
        else:
            stock = W3Codec(blocklimit=codec_module.BLOCK)  # the same blocks
            writer = ix.writer(codec=codec() if packed else stock)
        for doc in docs:
            writer.add_document(**doc)
        if batch == 1:
            writer.delete_by_term("k", "d3")
        writer.commit(optimize=batch == len(batches) - 1 and len(batches) > 2)
    return ix


def _everything(ix: Any) -> dict[tuple[int, str, bytes], Any]:
    """Every term of every segment: its statistics, its postings (id, weight,
    positions, and the statistics of the block holding it) read through
    whoosh's matchers, and where skip_to lands."""
    out: dict[tuple[int, str, bytes], Any] = {}
    with ix.reader() as top:
        for segment, (reader, _) in enumerate(top.leaf_readers()):
            for fieldname, btext in reader.all_terms():
                out[segment, fieldname, btext] = _term(reader, fieldname, btext)
    return out


def _term(reader: Any, fieldname: str, btext: bytes) -> Any:
    info = reader.term_info(fieldname, btext)
    stats = (
        info.weight(),
        info.doc_frequency(),
        info.min_length(),
        info.max_length(),
        info.max_weight(),
        info.min_id(),
        info.max_id(),
    )
    m = _raw(reader, fieldname, btext)
    kind = "positions" if m.supports("positions") else None
    rows = []
    while m.is_active():
        block = (m.block_max_id(), m.block_max_weight(), m.block_min_length(), m.block_max_length())
        rows.append((m.id(), m.weight(), m.value_as(kind) if kind else None, block))
        m.next()
    skips = []
    m = _raw(reader, fieldname, btext)
    for target in range(0, rows[-1][0] + 2, 97):
        if not m.is_active():
            break
        m.skip_to(target)
        skips.append(m.id() if m.is_active() else None)
    return stats, rows, skips


def _raw(reader: Any, fieldname: str, btext: bytes) -> Any:
    """The segment's matcher, deleted documents included."""
    return reader._terms.matcher(fieldname, btext, reader.schema[fieldname].format)


def _compare(tmp_path: Path, analyzer: Any, batches: list[list[dict[str, Any]]]) -> Any:
    stock = _everything(_build(tmp_path / "stock", False, analyzer, batches))
    ix = _build(tmp_path / "packed", True, analyzer, batches)
    packed = _everything(ix)
    assert packed.keys() == stock.keys()
    for key, expected in stock.items():
        assert packed[key] == expected, key
    return ix


def _words(rng: random.Random, n: int) -> str:
    # a few very frequent words (lists of many blocks) and a long tail
    return " ".join(f"w{min(int(rng.paretovariate(0.8)), 5000)}" for _ in range(n))


def test_synthetic_lists_match_whoosh_codec(tmp_path: Path, block: int) -> None:
    rng = random.Random(7)
    docs = [
        {
            "t": _words(rng, rng.randint(1, 60)),
            "h": _words(rng, rng.randint(0, 3)) or None,
            "k": f"d{i % 40}",
            "n": rng.randint(0, 70000),
        }
        for i in range(900)
    ]
    docs = [{k: v for k, v in d.items() if v is not None} for d in docs]
    # a long document: positions need two and four bytes
    docs.append({"t": " ".join(["filler"] * 70000 + ["w1", "rare"]), "k": "long"})
    ix = _compare(
        tmp_path, StandardAnalyzer(stoplist=None), [docs[:400], docs[400:700], docs[700:]]
    )
    with ix.reader() as reader:
        assert reader.doc_frequency("t", "w1") > 3 * min(block, 128)  # several blocks
        assert reader.doc_count() < len(docs)  # the deleted ones were merged away
        assert reader.postings("t", "rare").value_as("positions") == [70001]


@pytest.mark.parametrize("pool_mb", [0.05, 128])
def test_term_pool_writes_what_whoosh_pool_writes(
    tmp_path: Path, pool_mb: float, block: int
) -> None:
    """searchkit's writer (whole lists a term at a time; with 0.05 MB, lists
    spilled to temporary runs and merged back) writes the same index as
    whoosh's pool of single postings, merges and deletions included."""
    rng = random.Random(11)
    docs = [{"t": _words(rng, rng.randint(1, 50)), "k": f"d{i % 7}"} for i in range(1200)]
    batches = [docs[:500], docs[500:900], docs[900:]]
    analyzer = StandardAnalyzer(stoplist=None)
    stock = _everything(_build(tmp_path / "pool", True, analyzer, batches))
    grouped = _everything(_build(tmp_path / "terms", True, analyzer, batches, pool_mb=pool_mb))
    assert grouped == stock


@pytest.mark.parametrize("max_runs", [32, 3])
def test_term_pool_spills_and_merges_in_order(
    max_runs: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import os

    from searchkit.index import pool as pool_module

    monkeypatch.setattr(pool_module, "_MAX_RUNS", max_runs)
    monkeypatch.setattr(pool_module, "_RUN_CHUNK", 2)
    pool = TermPool(limitmb=0.0001, folder=str(tmp_path))
    for docnum in range(50):
        pool.add_field(
            "t", docnum, [(b"a", 1, 1.0, b"x"), (f"w{docnum % 3}".encode(), 1, 2.0, b"")]
        )
    pool.add(("s", b"z", 50, 1.0, None))
    assert len(pool.runs) > 10 if max_runs > 10 else 0 < len(pool.runs) <= max_runs
    # runs live in the given folder, nameless: nothing to clean after a kill
    assert all(os.fstat(run.fileno()).st_dev == tmp_path.stat().st_dev for run in pool.runs)
    assert list(tmp_path.iterdir()) == []
    lists = dict(pool.iter_postings())
    pool.cleanup()
    assert list(lists) == sorted(lists)
    assert lists["t", b"a"] == [x for d in range(50) for x in (d, 1.0, b"x")]
    assert lists["t", b"w1"][0::3] == list(range(1, 50, 3))
    assert lists["s", b"z"] == [50, 1.0, b""]


def test_seed_document_lists_match_whoosh_codec(tmp_path: Path, block: int) -> None:
    document = read_path(SEED, SEED.name)
    analyzer = lemma_analyzer(surface=True)
    docs = [
        {"t": block.text, "h": block.heading, "k": f"d{block.ordinal % 5}"}
        for block in document.blocks
    ] * 3
    docs = [{k: v for k, v in d.items() if v} for d in docs]
    _compare(tmp_path, analyzer, [docs[: len(docs) // 2], docs[len(docs) // 2 :]])


def test_bulk_reader_matches_whoosh_matchers(tmp_path: Path, block: int) -> None:
    rng = random.Random(3)
    docs = [{"t": _words(rng, rng.randint(1, 80)), "k": "x"} for _ in range(1500)]
    ix = _build(tmp_path / "ix", True, StandardAnalyzer(stoplist=None), [docs])
    with ix.reader() as reader:
        for fieldname, btext in reader.all_terms():
            if fieldname != "t":
                continue
            expected = list(reader.postings(fieldname, btext).items_as("positions"))
            ids, weights, (offsets, firsts) = postings.decode(reader.postings(fieldname, btext))
            assert ids.tolist() == [i for i, _ in expected]
            assert weights.tolist() == [float(len(p)) for _, p in expected]
            pids, counts, flat = postings.decode_positions(reader.postings(fieldname, btext))
            assert pids.tolist() == ids.tolist()
            assert np.split(flat, np.cumsum(counts)[:-1]) and [
                p.tolist() for p in np.split(flat, np.cumsum(counts)[:-1])
            ] == [list(p) for _, p in expected]
            chosen = sorted(rng.sample(range(len(ids)), min(5, len(ids))))
            got = dict(
                postings.positions_at(reader.postings(fieldname, btext), offsets, firsts, chosen)
            )
            assert got == {i: list(expected[i][1]) for i in chosen}
            matcher = reader.postings(fieldname, btext)
            which, where = postings.occurrences_at(matcher, offsets, firsts, np.array(chosen))
            assert list(zip(which.tolist(), where.tolist(), strict=True)) == [
                (i, q) for i in chosen for q in expected[i][1]
            ]


@pytest.mark.parametrize(
    ("ids", "weights", "positions"),
    [
        ([5], [1.0], [[0]]),
        ([0, 1, 2, 3], [1.0, 2.0, 1.0, 3.0], [[4], [1, 300], [2], [0, 70000, 70001]]),
        ([10, 70000, 5_000_000], [2.0, 1.0, 1.0], [[1, 2], [9], [65535]]),
    ],
)
def test_block_round_trip(ids: list[int], weights: list[float], positions: list[list[int]]) -> None:
    fmt = PackedPositions()
    values = [fmt.encode(p) for p in positions]
    flags, payload = encode_block(array("I", ids), array("f", weights), values, fmt)
    block = read_block(payload, flags, len(ids), ids[-1], 1.0)
    assert block.ids.tolist() == ids
    assert block.weights.tolist() == weights
    assert block.counts is not None and block.positions is not None
    assert block.positions.tolist() == [p for ps in positions for p in ps]
    assert block.counts.tolist() == [len(p) for p in positions]


def test_weights_that_are_not_frequencies_are_kept() -> None:
    fmt = PackedPositions(field_boost=1.5)
    values = [fmt.encode([1, 2]), fmt.encode([7])]
    for weights in ([3.0, 1.5], [0.25, 7.0], [3.0, 4.0], [1.0, 1.0]):
        flags, payload = encode_block(array("I", [1, 2]), array("f", weights), values, fmt)
        assert read_block(payload, flags, 2, 2, 1.5).weights.tolist() == weights


def test_positions_format_reads_what_it_writes() -> None:
    fmt = PackedPositions()
    stock = Positions()
    for poslist in ([0], [3, 9, 9000], list(range(0, 200000, 999))):
        value = fmt.encode(poslist)
        assert (
            fmt.decode_positions(value) == poslist == stock.decode_positions(stock.encode(poslist))
        )
        assert fmt.decode_frequency(value) == len(poslist)


def test_real_index_is_compact(seed_index: Path) -> None:
    """Bytes a posting on the bundled corpus's index: whoosh's own codec took
    about 16 on the content field; packed lists take under 4."""
    from searchkit.index.snapshot import open_index

    with open_index(seed_index).reader() as reader:
        for segment, _ in reader.leaf_readers():
            total = sum(segment.doc_frequency(f, t) for f, t in segment.all_terms())
            size = segment.storage().file_length(segment.segment().make_filename(".pst"))
            assert 0 < size / total < 4


def test_positions_out_of_order_are_stored_in_order() -> None:
    # a hyphenated word's whole and one of its parts can give one term at
    # positions p+1 then p
    fmt = PackedPositions()
    values = [fmt.encode([4, 3]), fmt.encode([0, 9, 2])]
    flags, payload = encode_block(array("I", [1, 2]), array("f", [2.0, 3.0]), values, fmt)
    block = read_block(payload, flags, 2, 2, 1.0)
    assert block.positions is not None and block.counts is not None
    assert block.positions.tolist() == [3, 4, 0, 2, 9]
    assert block.weights.tolist() == [2.0, 3.0]


def test_paused_gc_restores_the_collector() -> None:
    import gc

    from searchkit.index.pool import paused_gc

    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(KeyError), paused_gc():
        raise KeyError("x")
    assert gc.isenabled()
