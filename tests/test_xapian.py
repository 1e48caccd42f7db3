"""The Xapian backend: the same answers as the whoosh index, shards on disk
and over TCP (real ``xapian-tcpsrv`` processes on 127.0.0.1), reindexing,
kills, and the errors a user meets."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from searchkit import Index, reindex, search, show
from searchkit.errors import ConfigError, ShardUnavailable
from searchkit.index.snapshot import open_snapshot
from searchkit.index.xapian import layout
from searchkit.query.explain import explain
from searchkit.retrieval.ranking import DEMOTED_KINDS
from searchkit.retrieval.stats import index_stats

from .conftest import CORPUS, SEED
from .corpusgen import make_corpus
from .reindex_helpers import blocks_per_source, state

xapian = pytest.importorskip("xapian", reason="the Xapian bindings are not installed")
TCPSRV = shutil.which("xapian-tcpsrv")
needs_tcpsrv = pytest.mark.skipif(
    TCPSRV is None, reason="xapian-tcpsrv is not installed (apt-get install xapian-tools)"
)
CLI = [sys.executable, "-m", "searchkit"]
#: The CLI in a Python where ``import xapian`` fails, as without the bindings.
WITHOUT_XAPIAN = [
    sys.executable,
    "-c",
    "import sys; sys.modules['xapian'] = None; from searchkit.cli import main; main()",
]


def _cli(
    *args: str, env: dict[str, str] | None = None, without_xapian: bool = False
) -> subprocess.CompletedProcess[str]:
    """``searchkit ARGS`` in a new process, its output captured."""
    head = WITHOUT_XAPIAN if without_xapian else CLI
    return subprocess.run([*head, *args], capture_output=True, text=True, env=env)


#: Queries that use every part of the query language.
QUERIES = [
    "незаконный ввоз мигрантов",
    "рабочая группа",
    '"незаконного ввоза мигрантов"',
    '"рабочая группа совещание"~3',
    '"=незаконного ввоза"',
    '"незакон* ввоз мигрантов"',
    '"=мигрантов провела"~4',
    "=мигрантов",
    "мигр*",
    "права человека lang:ru",
    "Совет Безопасности NOT Ассамблея",
    "статья 51",
    "self-defence",
    "СПЧ",  # an abbreviation the HRC report defines: its full name too
    "year:2019 мигранты",
    "symbol:A/HRC/WG.6/34/ITA/3 образование",
    "+образование детей инвалидов",
    "дети OR беженцы",
    "lang:en",
    "year:2019",
    "мигранты пункт 80",
    "международный мир и безопасность",
]


def _hits(result) -> list[tuple[str, int, float, bool]]:
    return [(h.source, h.ordinal, h.score, h.complete) for h in result]


def _blocks(result) -> set[tuple[str, int]]:
    return {(h.source, h.ordinal) for h in result}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled corpus as a whoosh index, a one-shard and a three-shard Xapian index."""
    root = tmp_path_factory.mktemp("xapian-demo")
    out = {"whoosh": root / "whoosh", "x1": root / "x1", "x3": root / "x3"}
    assert reindex(CORPUS, out["whoosh"]).ok
    assert reindex(CORPUS, out["x1"], backend="xapian").ok
    assert reindex(CORPUS, out["x3"], backend="xapian", shards=3).ok
    return out


def test_the_pointer_records_backend_format_and_shards(demo: dict[str, Path]) -> None:
    meta = json.loads((demo["x3"] / "searchkit.json").read_text())
    assert meta["backend"] == "xapian" and meta["shards"] == 3
    assert meta["format"].startswith("x")
    generation = meta["generation"]
    for k in range(3):
        assert (demo["x3"] / generation / f"shard-{k}").is_dir()
        stub = (demo["x3"] / f"shard-{k}.db").read_text()
        assert stub.split() == ["auto", f"{generation}/shard-{k}"]
    assert "backend" not in json.loads((demo["whoosh"] / "searchkit.json").read_text())


@pytest.mark.parametrize("query", QUERIES)
def test_every_query_matches_the_same_blocks_on_both_backends(
    demo: dict[str, Path], query: str
) -> None:
    """Xapian ranks natively (its BM25, not searchkit's BM25F): the order may
    differ, what matches may not. The same blocks match, with the same counts,
    the same blocks have every word, the hits come in tiers and by score,
    and a block is cited and marked alike on both."""
    expected = search(demo["whoosh"], query, limit=10_000)
    assert expected.total, f"{query!r} finds nothing: the test would prove nothing"
    matching = {(h.source, h.ordinal): h for h in expected}
    for name in ("x1", "x3"):
        every = search(demo[name], query, limit=10_000)
        assert {(h.source, h.ordinal) for h in every} == set(matching), (name, query)
        got = search(demo[name], query, limit=20)
        assert (got.total, got.all_words, got.fallback) == (
            expected.total,
            expected.all_words,
            expected.fallback,
        ), (name, query)
        assert len(got) == min(20, len(expected))
        tiers = [(h.kind in DEMOTED_KINDS, not h.complete) for h in got]
        assert tiers == sorted(tiers), (name, query)  # blocks with every word first
        for hit in got:
            same = matching[hit.source, hit.ordinal]
            assert (hit.complete, hit.citation, hit.snippet) == (
                same.complete,
                same.citation,
                same.snippet,
            ), (name, query)


def test_a_symbol_and_a_paragraph_number_find_that_paragraph_first(
    demo: dict[str, Path],
) -> None:
    """A paragraph does not print its own label and number: ``пункт 36``
    beside other words names the block (a bonus), it need not be in the text."""
    for name in ("whoosh", "x3"):
        for query in ("A/HRC/WG.6/34/ITA/3 пункт 36", "A/HRC/WG.6/34/ITA/3, para. 36"):
            top = search(demo[name], query, limit=3)[0]
            assert (top.symbol, top.paragraph) == ("A/HRC/WG.6/34/ITA/3", "36"), (name, query)
        alone = search(demo[name], "статья 51", limit=1)[0]  # label and number alone: words
        assert (alone.kind, alone.paragraph) == ("article", "51")


def test_options_facets_grouping_paging_and_strict_matching_agree(demo: dict[str, Path]) -> None:
    for options in (
        {"facets": True},
        {"per_document": 1},
        {"offset": 5},
        {"lang": "en"},
        {"require_all": True},
    ):
        expected = search(demo["whoosh"], "права человека мир", limit=10, **options)
        matching = {k: v for k, v in options.items() if k in ("lang", "require_all")}
        everything = search(demo["whoosh"], "права человека мир", limit=10_000, **matching)
        allowed = {(h.source, h.ordinal) for h in everything}
        got = search(demo["x3"], "права человека мир", limit=10, **options)
        assert len(got) == len(expected) and _blocks(got) <= allowed, options
        assert got.total == expected.total, options
        assert got.facets == expected.facets, options
        if "per_document" in options:  # at most one block of a document
            assert len({h.source for h in got}) == len(got)
        if "lang" in options:
            assert {h.language for h in got} <= {"en"}
    first, second = (search(demo["x3"], "права человека мир", offset=k, limit=5) for k in (0, 5))
    assert not _blocks(first) & _blocks(second)  # pages do not overlap
    assert _blocks(first) | _blocks(second) == _blocks(search(demo["x3"], "права человека мир"))
    faceted = search(demo["x3"], "права человека", facets=True)
    assert sum(faceted.facets["lang"].values()) == faceted.total > 0


def test_show_stats_explain_and_abbreviations_work_on_a_xapian_index(
    demo: dict[str, Path],
) -> None:
    for name in ("whoosh", "x3"):
        passage = show(demo[name], "Устав ООН, статья 51", parallel_langs=("en",))
        assert passage.citation.endswith("статья 51")
        assert "самооборону" in passage.block.text
        assert "self-defence" in passage.parallel["en"].text
    a, b = index_stats(demo["whoosh"]), index_stats(demo["x3"])
    assert (a.files, a.documents, a.blocks, a.languages) == (
        b.files,
        b.documents,
        b.blocks,
        b.languages,
    )
    assert (a.backend, a.shards, b.backend, b.shards) == ("whoosh", 1, "xapian", 3)
    plans = []
    for name in ("whoosh", "x3"):
        with open_snapshot(demo[name]) as snap:
            plans.append(explain("ПРООН мигр*", snap).plan)
    assert plans[0] == plans[1] and "программа развитие организация" in plans[0]
    out = _cli("abbreviations", "--index", str(demo["x3"]))
    assert out.returncode == 0 and "ERRC" in out.stdout


def test_an_index_is_searched_through_the_cli_without_naming_its_backend(
    demo: dict[str, Path],
) -> None:
    out = _cli("search", "ввоз мигрантов", "--index", str(demo["x3"]), "--format", "json")
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert hits and "мигрантов" in hits[0]["snippet"]


def test_incremental_reindex_replaces_and_deletes_files_in_their_shard(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    assert reindex(corpus, index, backend="xapian", shards=2).ok
    again = reindex(corpus, index)
    assert not again.changed and len(again.unchanged) == 5
    seed = corpus / SEED.name
    seed.write_text(seed.read_text(encoding="utf-8") + "\n\n99. Криптовалютный арбитраж.\n")
    shutil.rmtree(corpus / "hrc")
    report = reindex(corpus, index)
    assert report.updated == [SEED.name] and len(report.deleted) == 2
    assert [h.paragraph for h in search(index, "криптовалютный")] == ["99"]
    assert not search(index, "symbol:A/HRC/WG.6/34/ITA/3").hits
    assert set(state(index)) == {
        SEED.name,
        *(f"charter/{p.name}" for p in (corpus / "charter").iterdir()),
    }
    with pytest.raises(ConfigError, match="--full"):
        reindex(corpus, index, shards=3)
    rebuilt = reindex(corpus, index, full=True, shards=3)
    assert rebuilt.mode == "full"
    assert json.loads((index / "searchkit.json").read_text())["shards"] == 3
    assert [h.paragraph for h in search(index, "криптовалютный")] == ["99"]


def test_an_open_index_sees_later_commits(tmp_path: Path, corpus_copy: Path) -> None:
    corpus = corpus_copy  # a writable copy of the seed (conftest)
    index = tmp_path / "index"
    reindex(corpus, index, backend="xapian", shards=2)
    with Index(index) as ix:
        assert not ix.search("криптовалютный").hits
        (corpus / "new.txt").write_text("1. Криптовалютный арбитраж.\n", encoding="utf-8")
        reindex(corpus, index)
        assert ix.search("криптовалютный").hits
        reindex(corpus, index, full=True)  # a new generation: the index follows it
        assert ix.search("криптовалютный").hits


@pytest.mark.slow
def test_kill_9_during_a_sharded_reindex_leaves_every_file_old_or_new(tmp_path: Path) -> None:
    """A run killed at any moment: each file is as it was or as it is now
    (never half-written, never lost); the next run completes the work."""
    rng = random.Random(20261202)
    corpus = make_corpus(tmp_path / "corpus", 160, seed=11)
    index = tmp_path / "index"
    cmd = [*CLI, "reindex", str(corpus.root), "--index", str(index), "--quiet"]
    subprocess.run([*cmd, "--backend", "xapian", "--shards", "3"], check=True, capture_output=True)
    corpus.mutate(changed=30, added=10, deleted=6)
    began = time.monotonic()
    subprocess.run(cmd, check=True, capture_output=True)
    span = time.monotonic() - began  # an incremental run, start-up included: kills land in it
    held = state(index)
    kills = mixed = 0
    for round_ in range(12):
        before = dict(held)
        corpus.mutate(changed=30, added=10, deleted=6)
        target = corpus.state()
        full = round_ % 4 == 3
        marks = _commit_marks(index)
        proc = subprocess.Popen([*cmd, *(["--full"] if full else [])], stderr=subprocess.PIPE)
        if round_ % 2:  # as soon as the first shard has committed
            while proc.poll() is None and _commit_marks(index) == marks:
                time.sleep(0.0005)
        else:  # anywhere, from start-up to the end
            time.sleep(rng.uniform(0.0, span * (2 if full else 1)))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate()
        held = state(index)
        counts = blocks_per_source(index)
        changed = {s for s in set(before) | set(target) if before.get(s) != target.get(s)}
        new = {s for s in changed if held.get(s) == target.get(s)}
        mixed += bool(new) and new != changed
        for source in set(before) | set(target):
            assert held.get(source) in (before.get(source), target.get(source)), source
            if source in held:
                assert counts[source] == corpus.blocks[held[source]], f"{source} is half-written"
        assert search(index, "мигрантов").hits
    subprocess.run(cmd, check=True, capture_output=True)
    assert state(index) == corpus.state()
    print(
        f"\nsharded kill test: an incremental run takes ~{span:.2f}s; {kills} of 12 killed, "
        f"{mixed} between two shards' commits (some files new, the rest old)"
    )
    assert kills >= 4  # most runs were killed somewhere between start-up and the last commit


def _commit_marks(index: Path) -> list[bytes]:
    """What changes in a Xapian shard when it commits (its version file), per
    shard (a generation removed meanwhile, by a --full swap, is a change too)."""
    try:
        return [p.read_bytes() for p in sorted(index.glob("g*/shard-*/iamglass"))]
    except FileNotFoundError:
        return [b"moved"]


# ------------------------------------------------------------------ shard servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Servers:
    """``searchkit serve-shard`` processes for each shard of an index."""

    def __init__(self, index: Path, shards: int, writable: bool = False) -> None:
        self.index = index
        self.writable = writable
        self.ports = [_free_port() for _ in range(shards)]
        self.procs: list[subprocess.Popen[bytes] | None] = [None] * shards
        for k in range(shards):
            self.start(k)

    def start(self, k: int) -> None:
        args = [*CLI, "serve-shard", str(self.index), "--shard", str(k)]
        args += ["--port", str(self.ports[k]), *(["--writable"] if self.writable else [])]
        self.procs[k] = subprocess.Popen(args, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.ports[k]), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop(k)
        raise AssertionError(f"shard server {k} did not start")

    def stop(self, k: int) -> None:
        """Stop server ``k`` as a service manager does (SIGTERM), and wait."""
        proc = self.procs[k]
        if proc is not None:
            proc.terminate()
            try:
                proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
            self.procs[k] = None

    def descriptor(self, path: Path) -> Path:
        shards = ", ".join(f'"tcp://127.0.0.1:{port}"' for port in self.ports)
        path.write_text(f'[index]\nbackend = "xapian"\nshards = [{shards}]\n', encoding="utf-8")
        return path

    def close(self) -> None:
        for k in range(len(self.procs)):
            self.stop(k)


@pytest.fixture
def served(demo: dict[str, Path], tmp_path: Path) -> Iterator[tuple[Servers, Path]]:
    servers = Servers(demo["x3"], 3)
    try:
        yield servers, servers.descriptor(tmp_path / "remote.toml")
    finally:
        servers.close()


@needs_tcpsrv
def test_remote_shards_answer_as_the_local_index(
    demo: dict[str, Path], served: tuple[Servers, Path]
) -> None:
    _, remote = served
    for query in QUERIES:
        local = search(demo["x3"], query, limit=10)
        got = search(remote, query, limit=10)
        assert _hits(got) == _hits(local), query
        assert got.total == local.total
    assert show(remote, "Устав ООН, статья 51").block.number == "51"
    assert index_stats(remote).blocks == index_stats(demo["x3"]).blocks


@needs_tcpsrv
def test_a_shard_server_down_is_one_line_and_exit_4_then_recovers(
    served: tuple[Servers, Path],
) -> None:
    servers, remote = served
    servers.stop(1)
    with pytest.raises(ShardUnavailable, match=f"127.0.0.1:{servers.ports[1]}"):
        search(remote, "мигрантов")
    out = _cli("search", "мигрантов", "--index", str(remote))
    assert out.returncode == 4
    assert out.stderr.count("\n") == 1 and f"127.0.0.1:{servers.ports[1]}" in out.stderr
    assert "Traceback" not in out.stderr
    partial = search(remote, "мигрантов", partial=True)
    assert partial.unavailable == [f"tcp://127.0.0.1:{servers.ports[1]}"]
    assert partial.hits and "partial results" in partial.notes[0]
    out = _cli("search", "мигрантов", "--index", str(remote), "--partial", "--format", "json")
    assert out.returncode == 0 and json.loads(out.stdout)
    assert "partial results" in out.stderr
    servers.start(1)
    assert search(remote, "мигрантов").hits
    assert not search(remote, "мигрантов", partial=True).unavailable


@needs_tcpsrv
def test_reindex_through_writable_shard_servers(tmp_path: Path, corpus_copy: Path) -> None:
    corpus = corpus_copy  # a writable copy of the seed (conftest)
    index = tmp_path / "index"
    reindex(corpus, index, backend="xapian", shards=2)
    servers = Servers(index, 2, writable=True)
    try:
        remote = servers.descriptor(tmp_path / "remote.toml")
        (corpus / "new.txt").write_text("1. Криптовалютный арбитраж.\n", encoding="utf-8")
        report = reindex(corpus, remote)
        assert report.added == ["new.txt"] and report.ok
        assert (tmp_path / "remote.toml.state" / "lastrun.json").is_file()
        assert [h.source for h in search(remote, "криптовалютный")] == ["new.txt"]
        servers.close()
        # what the servers wrote is in the shards on disk
        assert [h.source for h in search(index, "криптовалютный")] == ["new.txt"]
    finally:
        servers.close()


@needs_tcpsrv
def test_a_shard_server_follows_a_full_rebuild(tmp_path: Path, corpus_copy: Path) -> None:
    corpus = corpus_copy  # a writable copy of the seed (conftest)
    index = tmp_path / "index"
    reindex(corpus, index, backend="xapian")
    servers = Servers(index, 1)
    try:
        remote = servers.descriptor(tmp_path / "remote.toml")
        assert not search(remote, "криптовалютный").hits
        (corpus / "new.txt").write_text("1. Криптовалютный арбитраж.\n", encoding="utf-8")
        reindex(corpus, index, full=True)  # a new generation; the server was not restarted
        assert search(remote, "криптовалютный").hits
    finally:
        servers.close()


# ------------------------------------------------------------------ errors


def test_bad_descriptors_are_one_line_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    for text, reason in [
        ("[index]\nshards = 3\n", "list of tcp://host:port"),
        ('[index]\nshards = ["127.0.0.1:1"]\n', "is not tcp://host:port"),
        ("shards = [", "bad.toml"),
        ('[index]\nbackend = "whoosh"\nshards = ["tcp://h:1"]\n', "backend must be 'xapian'"),
    ]:
        bad.write_text(text, encoding="utf-8")
        out = _cli("search", "мир", "--index", str(bad))
        assert out.returncode == 2, (text, out.stderr)
        assert reason in out.stderr and "Traceback" not in out.stderr


def test_without_xapian_tcpsrv_serve_shard_says_how_to_install_it(
    demo: dict[str, Path], tmp_path: Path
) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}  # no xapian-tcpsrv on it
    out = _cli("serve-shard", str(demo["x3"]), "--shard", "0", "--port", "1", env=env)
    assert out.returncode == 2
    assert "apt-get install xapian-tools" in out.stderr


def test_serve_shard_refuses_a_whoosh_index_and_a_missing_shard(demo: dict[str, Path]) -> None:
    for index, shard, reason in [
        (demo["whoosh"], 0, "not a Xapian index"),
        (demo["x3"], 5, "0 to 2"),
    ]:
        out = _cli("serve-shard", str(index), "--shard", str(shard), "--port", "1")
        assert out.returncode == 4 and reason in out.stderr, out.stderr


def test_without_the_bindings_a_xapian_index_says_how_to_install_them(
    demo: dict[str, Path],
) -> None:
    out = _cli("search", "мир", "--index", str(demo["x3"]), without_xapian=True)
    assert out.returncode == 2
    assert "pip install 'searchkit[xapian]'" in out.stderr and "Traceback" not in out.stderr


def test_without_the_bindings_building_a_xapian_index_writes_nothing(tmp_path: Path) -> None:
    index = tmp_path / "index"
    out = _cli(
        "reindex", str(CORPUS), "--index", str(index), "--backend", "xapian", without_xapian=True
    )
    assert out.returncode == 2 and "pip install 'searchkit[xapian]'" in out.stderr
    assert not index.exists()


def test_a_remote_index_with_no_server_names_the_shard(tmp_path: Path) -> None:
    port = _free_port()
    remote = tmp_path / "remote.toml"
    remote.write_text(f'[index]\nshards = ["tcp://127.0.0.1:{port}"]\ntimeout = 2\n')
    with pytest.raises(ShardUnavailable, match=str(port)):
        search(remote, "мир")
    assert layout.is_descriptor(remote)


def test_an_index_keeps_its_backend_unless_rebuilt_with_full(
    tmp_path: Path, corpus_copy: Path
) -> None:
    corpus = corpus_copy  # a writable copy of the seed (conftest)
    index = tmp_path / "index"
    reindex(corpus, index)
    with pytest.raises(ConfigError, match="uses the whoosh backend"):
        reindex(corpus, index, backend="xapian")
    with pytest.raises(ConfigError, match="--shards needs --backend xapian"):
        reindex(corpus, index, shards=2)
    before = search(index, "ввоз мигрантов", limit=1000)
    assert reindex(corpus, index, full=True, backend="xapian", shards=2).mode == "full"
    assert json.loads((index / "searchkit.json").read_text())["backend"] == "xapian"
    assert _blocks(search(index, "ввоз мигрантов", limit=1000)) == _blocks(before)
    assert reindex(corpus, index, full=True, backend="whoosh").ok  # and back
    assert "backend" not in json.loads((index / "searchkit.json").read_text())
    assert not list(index.glob("shard-*.db"))  # no stub left for a shard server to open
    assert _hits(search(index, "ввоз мигрантов", limit=1000)) == _hits(before)


def test_a_search_that_commits_outran_is_answered_on_the_latest(tmp_path: Path) -> None:
    """Xapian keeps a revision readable until the second commit after it: a
    snapshot held across more commits raises what ``moved`` recognises, and
    the library answers such a search again on a fresh snapshot."""
    from searchkit.index.xapian.snapshot import moved
    from searchkit.retrieval.results import run

    corpus = make_corpus(tmp_path / "corpus", 60, seed=5)
    index = tmp_path / "index"
    reindex(corpus.root, index, backend="xapian")
    ix = Index(index)
    stale = open_snapshot(index)
    for _ in range(3):
        corpus.mutate(changed=60, added=0, deleted=0)
        reindex(corpus.root, index)
    with pytest.raises(Exception) as raised:
        run(stale, "мигрантов")
    assert moved(raised.value)
    stale.close()
    assert ix.search("мигрантов").hits  # refreshed, or answered again
    assert search(index, "мигрантов").hits
    ix.close()
