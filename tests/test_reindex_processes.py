"""Reliability of `searchkit reindex` as real processes: kill -9, concurrency, bad files.

Every reindex here is a separate `python -m searchkit reindex` process; the
test looks at the index folder from outside, as the next cron run or a
searcher would.
"""

from __future__ import annotations

import ctypes
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pytest

from searchkit import search
from searchkit.readers import READERS

from .conftest import SEED
from .corpusgen import Corpus, make_corpus
from .reindex_helpers import blocks_per_source, files, leftovers, state, toc_generations

pytestmark = pytest.mark.slow

REINDEX = [sys.executable, "-m", "searchkit", "reindex"]


def start(corpus: Path, index: Path, *args: str, **kwargs) -> subprocess.Popen[str]:
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen(
        [*REINDEX, str(corpus), "--index", str(index), *args],
        stdout=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def run(corpus: Path, index: Path, *args: str) -> tuple[int, dict, str]:
    proc = start(corpus, index, "--json", *args)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, json.loads(out) if out.strip() else {}, err


def names(index: Path) -> set[str]:
    """Every name under the index folder (os.walk shrugs off folders deleted meanwhile)."""
    found = set()
    for dirpath, dirnames, filenames in os.walk(index):
        rel = Path(dirpath).relative_to(index)
        found.update((rel / name).as_posix() for name in dirnames + filenames)
    return found


WRITING = re.compile(r"(^|/)(MAIN_[0-9a-z]+\.|g\d{6}$)")  # new segment files, new generation
COMMITTING = re.compile(r"(^|/)_MAIN_\d+\.toc")  # a new table of contents (or its temp file)


def wait_for(proc: subprocess.Popen[str], index: Path, before: set[str], what: re.Pattern) -> bool:
    """Wait until a name matching ``what`` that was not there ``before`` appears."""
    while proc.poll() is None:
        if any(what.search(name) for name in names(index) - before):
            return True
        time.sleep(0.001)
    return False


def check_snapshot(index: Path, corpus: Corpus) -> dict[str, str]:
    """The index opens, searches, and every file in it is complete; its source->checksum."""
    held = state(index)
    counts = blocks_per_source(index)
    assert set(counts) == set(held)
    for source, digest in held.items():
        assert counts[source] == corpus.blocks[digest], f"{source} is half-written"
    assert search(index, "мигрантов").hits
    return held


def test_kill_9_at_random_moments_leaves_the_previous_or_the_new_commit(tmp_path: Path) -> None:
    rng = random.Random(20261129)
    corpus = make_corpus(tmp_path / "corpus", 200, seed=7)
    index = tmp_path / "index"
    began = time.monotonic()
    code, _report, err = run(corpus.root, index)
    span = time.monotonic() - began  # how long a whole run takes here: kills land within it
    assert code == 0, err
    committed = check_snapshot(index, corpus)
    assert committed == corpus.state()

    kills = full_kills = mid_write = rounds = 0
    outcomes = {"previous": 0, "new": 0}
    while kills < 22 and rounds < 60:
        rounds += 1
        full = rounds % 5 == 0
        corpus.mutate(changed=40, added=12, deleted=8)
        target = corpus.state()
        before = names(index)
        proc = start(corpus.root, index, "--quiet", *(["--full"] if full else []))
        if rounds % 3 == 1:
            time.sleep(rng.uniform(0.0, span))  # anywhere, from start-up to the end
        elif rounds % 3 == 2:
            if wait_for(proc, index, before, WRITING):
                time.sleep(rng.uniform(0.0, span / 2))  # while writing or committing
        else:
            wait_for(proc, index, before, COMMITTING)  # as soon as the commit shows
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
            full_kills += full
        proc.communicate()
        assert proc.returncode in (0, -signal.SIGKILL), proc.stderr
        held = check_snapshot(index, corpus)
        if proc.returncode == 0:
            assert held == target
        else:
            assert held in (committed, target), "neither the previous nor the new commit"
            outcomes["new" if held == target else "previous"] += 1
            mid_write += bool(leftovers(index))
        committed = held

    code, _report, err = run(corpus.root, index)
    assert code == 0, err
    assert check_snapshot(index, corpus) == corpus.state()
    assert leftovers(index) == []
    print(
        f"\nkill test: a run takes ~{span:.2f}s; {rounds} runs, {kills} killed "
        f"({full_kills} during --full); after a "
        f"kill the index held the previous commit {outcomes['previous']}x, the new one "
        f"{outcomes['new']}x; {mid_write} kills left files behind, cleaned by the next run"
    )
    assert kills >= 20 and full_kills >= 2
    assert mid_write >= 1  # some kills did land while writing


def test_a_killed_writer_releases_the_lock_and_a_waiting_one_exits_3(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", 120, seed=3)
    index = tmp_path / "index"
    assert run(corpus.root, index)[0] == 0
    before = names(index)
    holder = start(corpus.root, index, "--full")
    assert wait_for(holder, index, before, WRITING)
    holder.send_signal(signal.SIGSTOP)  # holds the lock, frozen mid-write
    try:
        code, _report, err = run(corpus.root, index, "--wait", "1")
        assert code == 3
        assert err.strip() == (
            f"searchkit: error: another process is writing the index at {index} "
            "(waited 1s); try again later or pass --wait SECONDS"
        )
        assert search(index, "мигрантов").hits  # searches do not wait for the writer
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate()
    code, report, err = run(corpus.root, index)  # no wait: the kernel dropped the lock
    assert code == 0, err
    assert any(re.fullmatch(r"g\d{6}", name) for name in report["cleaned"])  # half-built --full
    assert leftovers(index) == [] and state(index) == corpus.state()


SEARCHER = """
import json, sys, time
from pathlib import Path
from searchkit import Index, search
index, mode, stop, out = sys.argv[1:]
count, errors = 0, []
warm = Index(index) if mode == "warm" else None
while not Path(stop).exists():
    for query in ("мигрантов", "рабочая группа", "доклад"):
        try:
            hits = warm.search(query) if warm else search(index, query)
            if not hits.hits:
                errors.append(f"no hits for {query}")
        except Exception as exc:
            errors.append(repr(exc))
        count += 1
Path(out).write_text(json.dumps({"count": count, "errors": errors[:20], "n": len(errors)}))
"""


def test_two_writers_at_once_and_four_searchers_without_errors(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", 200, seed=11)
    index = tmp_path / "index"
    assert run(corpus.root, index)[0] == 0
    stop = tmp_path / "stop"
    searchers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                SEARCHER,
                str(index),
                mode,
                str(stop),
                str(tmp_path / f"searcher{i}.json"),
            ]
        )
        for i, mode in enumerate(("fresh", "fresh", "warm", "warm"))
    ]
    try:
        # 1. two full rebuilds started together, neither waits: one works, one exits 3.
        # (Should the machine start them too far apart to overlap, both succeed: retry.)
        for _attempt in range(3):
            corpus.mutate(changed=40, added=10, deleted=5)
            jobs = [start(corpus.root, index, "--full", "--json") for _ in range(2)]
            results = [(job.wait(timeout=120), *job.communicate()) for job in jobs]
            codes = sorted(code for code, _out, _err in results)
            assert codes in ([0, 3], [0, 0]), results
            assert state(index) == corpus.state()
            if codes == [0, 3]:
                break
        assert codes == [0, 3], "the two writers never overlapped"
        locked = next(err for code, _out, err in results if code == 3)
        assert "another process is writing the index" in locked
        # 2. two incremental runs together, both willing to wait: one works, the other
        # then finds nothing to do (and removes the generation the --full replaced)
        corpus.mutate(changed=40, added=10, deleted=5)
        jobs = [start(corpus.root, index, "--wait", "60", "--json") for _ in range(2)]
        reports = [json.loads(job.communicate(timeout=120)[0]) for job in jobs]
        assert [job.returncode for job in jobs] == [0, 0]
        changed = sorted(bool(r["added"] or r["updated"] or r["deleted"]) for r in reports)
        assert changed == [False, True]
        assert state(index) == corpus.state() and leftovers(index) == []
    finally:
        stop.touch()
        for proc in searchers:
            proc.wait(timeout=60)
    outcomes = [json.loads((tmp_path / f"searcher{i}.json").read_text()) for i in range(4)]
    print(
        f"\nsearches during the writers: {[o['count'] for o in outcomes]}, "
        f"errors {[o['n'] for o in outcomes]}"
    )
    for outcome in outcomes:
        assert outcome["count"] > 0
        assert outcome["n"] == 0, outcome["errors"]


def _without_root_file_powers() -> None:
    """In the child: drop the capabilities that let root read any file (DAC override)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def test_bad_files_are_reported_and_skipped_and_the_rest_stays_searchable(
    tmp_path: Path,
) -> None:
    root = os.geteuid() == 0
    if root:
        try:
            subprocess.run(["true"], preexec_fn=_without_root_file_powers, check=True)
        except (OSError, subprocess.SubprocessError) as exc:
            pytest.skip(f"running as root and cannot drop CAP_DAC_OVERRIDE ({exc})")
    corpus = make_corpus(tmp_path / "corpus", 20, seed=5)
    (corpus.root / "seed.txt").write_bytes(SEED.read_bytes())
    index = tmp_path / "index"

    def reindex_measured() -> tuple[int, dict, int]:
        proc = start(
            corpus.root, index, "--json", preexec_fn=_without_root_file_powers if root else None
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
        out = proc.stdout.read()
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.communicate()
        return proc.returncode, json.loads(out), usage.ru_maxrss

    code, first, baseline_kib = reindex_measured()
    assert code == 0 and len(first["added"]) == 21
    before = state(index)

    bad = corpus.root
    (bad / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (bad / "wrong-encoding.txt").write_bytes(b"\xef\xbb\xbf1. \xd0\x9f\xd1\x80\xff\xfe \xc0\x80")
    (bad / "empty.txt").write_bytes(b"")
    (bad / "blank.txt").write_bytes(b"  \n\n \t\n")
    good = (bad / "doc0001.txt").read_bytes()
    (bad / "truncated.txt").write_bytes(good[: len(good) // 2] + "мигрантов".encode()[:3])
    if ".html" in READERS:  # cut inside a tag: a lenient HTML reader keeps what is there
        (bad / "truncated.html").write_bytes("<html><body><p>1. Беженцы Кении</p><p cla".encode())
    line = "1. Рабочая группа рассмотрела вопросы незаконного ввоза мигрантов.\n\n".encode()
    with open(bad / "huge.txt", "wb") as handle:  # 50 MB of plausible text
        handle.write(line * (50 * 1024 * 1024 // len(line) + 1))
    (bad / "gone.txt").symlink_to(bad / "deleted-before-it-was-read.txt")
    (bad / "secret.txt").write_text("1. Секретный доклад о мигрантах.\n", encoding="utf-8")
    (bad / "secret.txt").chmod(0)
    (bad / "doc0003.txt").write_bytes(b"\x00\x01\x02" * 100)  # was indexed, now broken

    code, report, bad_kib = reindex_measured()
    assert code == 1
    reasons = {f["source"]: f["reason"] for f in report["failed"]}
    expected = {
        "binary.txt": "binary file",
        "wrong-encoding.txt": "not valid utf-8",
        "empty.txt": "the file is empty",
        "blank.txt": "the file is empty",
        "truncated.txt": "unknown text encoding",
        "huge.txt": "over the 20,971,520-byte limit (--max-size)",
        "gone.txt": "disappeared during the run",
        "secret.txt": "Permission denied",
        "doc0003.txt": "binary file",
    }
    assert set(reasons) - {"truncated.html"} == set(expected), reasons
    if ".html" in READERS and "truncated.html" not in reasons:  # read what it could
        assert "truncated.html" in report["added"]
        assert {h.source for h in search(index, "беженец Кения")} == {"truncated.html"}
    for source, reason in expected.items():
        assert reason in reasons[source], (source, reasons[source])
    assert report["unchanged"] == sorted(set(before) - {"doc0003.txt"})
    after = state(index)
    after.pop("truncated.html", None)
    assert after == before  # everything indexed before is still there, doc0003 as it was
    assert {h.source for h in search(index, "доклад", limit=500)} >= set(before) - {"seed.txt"}
    # the 50 MB file was refused unread: the run's peak memory is the clean run's
    print(
        f"\npeak memory: clean run {baseline_kib // 1024} MB, with the bad files "
        f"{bad_kib // 1024} MB"
    )
    assert bad_kib < baseline_kib + 20 * 1024


def test_a_second_run_without_changes_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", 100, seed=13)
    index = tmp_path / "index"
    assert run(corpus.root, index)[0] == 0
    tocs, before = toc_generations(index), files(index)
    code, report, err = run(corpus.root, index)
    assert code == 0, err
    assert len(report["unchanged"]) == 100 and report["blocks"] == 0
    assert not (report["added"] or report["updated"] or report["deleted"] or report["failed"])
    assert toc_generations(index) == tocs
    assert files(index) == before  # byte for byte (the last-run log aside)


def test_progress_bar_on_a_terminal_and_one_line_otherwise(tmp_path: Path) -> None:
    import pty

    corpus = make_corpus(tmp_path / "corpus", 30, seed=17)
    master, slave = pty.openpty()
    proc = start(corpus.root, tmp_path / "index", stderr=slave)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        shown += chunk
    out, _err = proc.communicate(timeout=60)
    os.close(master)
    assert proc.returncode == 0
    assert b"indexing" in shown and b"30/30" in shown  # the bar, drawn on the terminal
    assert out.splitlines() == [out.strip()] and "30 added" in out
    corpus.mutate(changed=3, added=0, deleted=0)
    proc = start(corpus.root, tmp_path / "index")  # not a terminal: no bar, one line
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and err == ""
    assert out.splitlines() == [f"{tmp_path / 'index'}: " + out.split(": ", 1)[1].strip()]
    assert "3 updated" in out


def _file_size_limit(limit: int) -> None:
    """In the child: no file may grow past ``limit`` bytes (EFBIG, as on a full disk)."""
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_write_error_keeps_the_last_commit_and_says_why(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", 150, seed=19)
    index = tmp_path / "index"
    assert run(corpus.root, index)[0] == 0
    before = state(index)
    corpus.mutate(changed=100, added=20, deleted=0)
    largest = max(path.stat().st_size for path in index.rglob("*") if path.is_file())
    limit = partial(_file_size_limit, largest // 2)  # the rebuild writes as large a file
    proc = start(corpus.root, index, "--full", preexec_fn=limit)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert err.strip() == f"searchkit: error: cannot write the index at {index}: File too large"
    assert state(index) == before  # the last commit, whole
    assert json.loads((index / "lastrun.json").read_text())["result"] == "error"
    code, report, err = run(corpus.root, index)
    assert code == 0, err
    assert any(re.fullmatch(r"g\d{6}", name) for name in report["cleaned"])
    assert state(index) == corpus.state() and leftovers(index) == []
