"""The engines compared, each with ``build(corpus, out)`` and ``open(out)`` → ``query(q)``.

Every engine indexes the same blocks: the ones searchkit's readers produce from
the bench corpus (``read_path`` → ``Document.blocks``), with their text, the
document symbol and language. Peers store the block text, as searchkit does.

* ``searchkit``        the library as shipped (parallel indexing, ``searchkit.Index``)
* ``searchkit-serial`` the same, forced into one process: the baseline for indexing
* ``whoosh-snowball``  whoosh 2.7.4 with its stock Russian analyzer (Snowball stemmer
                       + stop words), one process (whoosh's ``procs>1`` can lose documents)
* ``fts5-raw``         SQLite FTS5, raw text, ``unicode61`` tokenizer, bm25 ranking
* ``fts5-lemmas``      SQLite FTS5 fed searchkit's most probable lemma of each word
* ``tantivy``          tantivy (PyPI) fed the same lemmas, whitespace tokenizer
* ``searchkit-xapian`` searchkit on its Xapian backend, one shard on this machine
* ``searchkit-xapian-2tcp``  the same in two shards, each served by ``searchkit
                       serve-shard`` (xapian-tcpsrv) on 127.0.0.1, searched
                       through a remote index descriptor

Peers fed lemmas get one lemma per word (searchkit indexes every reading of an
ambiguous word at one position); the lemmatising time is counted in their build.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .queries import Query

ENGINES = (
    "searchkit",
    "searchkit-serial",
    "searchkit-xapian",
    "searchkit-xapian-2tcp",
    "whoosh-snowball",
    "fts5-raw",
    "fts5-lemmas",
    "tantivy",
)
LIMIT = 10


def available(name: str) -> str | None:
    """``None`` when ``name`` can run here, else why not."""
    if name == "tantivy":
        try:
            import tantivy  # noqa: F401
        except ImportError:
            return "tantivy is not installed (pip install '.[bench]')"
    if name.startswith("searchkit-xapian"):
        try:
            import xapian  # noqa: F401
        except ImportError:
            return "the Xapian bindings are not installed (pip install '.[xapian]')"
        if name.endswith("tcp") and shutil.which("xapian-tcpsrv") is None:
            return "xapian-tcpsrv is not installed (apt-get install xapian-tools)"
    if name.startswith("fts5"):
        try:
            sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(x)")
        except sqlite3.OperationalError:
            return "this Python's sqlite3 has no FTS5"
    return None


def blocks(corpus: Path) -> Iterator[tuple[str, str, str]]:
    """(text, symbol, lang) of every block searchkit reads from ``corpus``."""
    from searchkit import ReaderError
    from searchkit.indexing import corpus_files
    from searchkit.readers import read_documents

    for path, source in corpus_files(corpus):
        try:
            docs = read_documents(path, source)
        except ReaderError:  # a file searchkit skips (the real corpus has a scan): so do peers
            continue
        for doc in docs:
            for block in doc.blocks:
                yield block.text, doc.symbol or "", doc.language or ""


def lemma_text(text: str) -> str:
    from searchkit.analysis import best_lemma, iter_words

    return " ".join(best_lemma(w.text) for w in iter_words(text) if not w.whole)


def dir_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --------------------------------------------------------------------------- builds


def build(name: str, corpus: Path, out: Path) -> int:
    """Index ``corpus`` into ``out`` with engine ``name``; return the blocks indexed."""
    if name in ("searchkit", "searchkit-serial"):
        from searchkit import index_corpus

        report = index_corpus(corpus, out, workers=1 if name == "searchkit-serial" else None)
        _check(report)
        return report.blocks
    if name.startswith("searchkit-xapian"):
        from searchkit import reindex

        shards = 2 if name.endswith("2tcp") else 1
        report = reindex(corpus, out, backend="xapian", shards=shards)
        _check(report)
        return report.blocks
    if name == "whoosh-snowball":
        return _build_whoosh(corpus, out)
    if name == "fts5-raw":
        return _build_fts5(corpus, out, lemmas=False)
    if name == "fts5-lemmas":
        return _build_fts5(corpus, out, lemmas=True)
    if name == "tantivy":
        return _build_tantivy(corpus, out)
    raise ValueError(f"unknown engine {name!r}")


def _check(report: Any) -> None:
    """A failed file is a bug to look at, but for a scan without a text layer
    (the real corpus holds one on purpose; every engine skips it)."""
    unexpected = [f for f in report.failed if "no text layer" not in f.reason]
    if unexpected:
        raise RuntimeError(f"{len(unexpected)} files failed: {unexpected[:3]}")


def _whoosh_schema() -> Any:
    from whoosh import fields
    from whoosh.analysis import LanguageAnalyzer

    return fields.Schema(
        content=fields.TEXT(analyzer=LanguageAnalyzer("ru"), stored=True, phrase=True),
        symbol=fields.ID(stored=True),
        lang=fields.ID(stored=True),
    )


def _build_whoosh(corpus: Path, out: Path) -> int:
    from whoosh import index

    out.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(out), _whoosh_schema())
    writer = ix.writer(procs=1, limitmb=128)
    n = 0
    for text, symbol, lang in blocks(corpus):
        writer.add_document(content=text, symbol=symbol, lang=lang)
        n += 1
    writer.commit()
    return n


def _build_fts5(corpus: Path, out: Path, lemmas: bool) -> int:
    """Raw: ``content`` is the text itself. Lemmas: ``content`` holds the lemmas and
    ``text`` (not indexed) the original, for display."""
    db = sqlite3.connect(out)
    db.execute(
        "CREATE VIRTUAL TABLE b USING fts5(content, text UNINDEXED, symbol, lang, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    n = 0
    with db:
        for text, symbol, lang in blocks(corpus):
            row = (lemma_text(text), text) if lemmas else (text, "")
            db.execute("INSERT INTO b VALUES (?, ?, ?, ?)", (*row, symbol, lang))
            n += 1
    db.execute("INSERT INTO b(b) VALUES ('optimize')")
    db.commit()
    db.close()
    return n


def _build_tantivy(corpus: Path, out: Path) -> int:
    import tantivy

    out.mkdir(parents=True, exist_ok=True)
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("content", stored=False, tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("text", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("symbol", stored=True, tokenizer_name="raw")
    sb.add_text_field("lang", stored=True, tokenizer_name="raw")
    ix = tantivy.Index(sb.build(), path=str(out))
    writer = ix.writer(heap_size=128_000_000, num_threads=1)
    n = 0
    for text, symbol, lang in blocks(corpus):
        writer.add_document(
            tantivy.Document(content=lemma_text(text), text=text, symbol=symbol, lang=lang)
        )
        n += 1
    writer.commit()
    writer.wait_merging_threads()
    return n


# --------------------------------------------------------------------------- queries


def opener(name: str, out: Path) -> Callable[[Query], int]:
    """Open the index built by ``name`` at ``out``; return a function running one query.

    The function returns how many hits it fetched (at most :data:`LIMIT`),
    with their stored text, as a user would see them.
    """
    if name.startswith("searchkit"):
        import searchkit

        ix = searchkit.Index(_serve(out) if name.endswith("tcp") else out)

        def run(q: Query) -> int:
            try:
                return len(ix.search(q.text, LIMIT, lang=q.lang))
            except searchkit.QueryError:  # e.g. a prefix too short for the index: -1, counted
                return -1

        return run
    if name == "whoosh-snowball":
        return _whoosh_opener(out)
    if name.startswith("fts5"):
        return _fts5_opener(out, lemmas=name == "fts5-lemmas")
    if name == "tantivy":
        return _tantivy_opener(out)
    raise ValueError(f"unknown engine {name!r}")


def _serve(index: Path) -> Path:
    """Start a shard server for each shard of ``index`` (stopped when this process
    exits); the remote index descriptor that names them."""
    import atexit
    import json
    import socket
    import subprocess
    import sys
    import time

    shards = json.loads((index / "searchkit.json").read_text())["shards"]
    addresses = []
    for k in range(shards):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        cmd = [sys.executable, "-m", "searchkit", "serve-shard", str(index), "--shard", str(k)]
        proc = subprocess.Popen([*cmd, "--port", str(port)])
        atexit.register(proc.kill)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        addresses.append(f'"tcp://127.0.0.1:{port}"')
    descriptor = index.with_name(index.name + ".toml")
    descriptor.write_text(f"[index]\nshards = [{', '.join(addresses)}]\n", encoding="utf-8")
    return descriptor


def _lemmas(q: Query) -> list[str]:
    from searchkit.analysis import best_lemma

    return [best_lemma(w) for w in q.words]


def _whoosh_opener(out: Path) -> Callable[[Query], int]:
    from whoosh import index
    from whoosh.qparser import QueryParser
    from whoosh.query import Term

    ix = index.open_dir(str(out))
    searcher = ix.searcher()
    parser = QueryParser("content", ix.schema)

    def run(q: Query) -> int:
        query = Term("symbol", q.words[0]) if q.kind == "symbol" else parser.parse(q.text)
        flt = Term("lang", q.lang) if q.lang else None
        hits = searcher.search(query, limit=LIMIT, filter=flt)
        return len([h["content"] for h in hits])

    return run


def _fts5_quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _fts5_opener(out: Path, lemmas: bool) -> Callable[[Query], int]:
    db = sqlite3.connect(out)
    column = "text" if lemmas else "content"

    def run(q: Query) -> int:
        if q.kind == "symbol":
            match = "symbol : " + _fts5_quote(q.words[0])
        else:
            words = _lemmas(q) if lemmas and q.kind != "prefix" else list(q.words)
            if q.kind == "phrase":
                match = "content : " + _fts5_quote(" ".join(words))
            elif q.kind == "prefix":
                match = "content : " + _fts5_quote(words[0]) + " *"
            else:
                match = "content : (" + " AND ".join(_fts5_quote(w) for w in words) + ")"
            if q.lang:
                match += " AND lang : " + _fts5_quote(q.lang)
        rows = db.execute(
            f"SELECT {column}, symbol FROM b WHERE b MATCH ? ORDER BY rank LIMIT {LIMIT}",
            (match,),
        ).fetchall()
        return len(rows)

    return run


def _tantivy_opener(out: Path) -> Callable[[Query], int]:
    import tantivy

    ix = tantivy.Index.open(str(out))
    ix.reload()
    searcher = ix.searcher()
    schema = ix.schema

    def run(q: Query) -> int:
        if q.kind == "symbol":
            query = tantivy.Query.term_query(schema, "symbol", q.words[0])
        elif q.kind == "prefix":
            query = tantivy.Query.regex_query(schema, "content", q.words[0] + ".*")
        else:
            words = _lemmas(q)
            if q.kind == "phrase":
                query = tantivy.Query.phrase_query(schema, "content", words)
            else:
                terms = [tantivy.Query.term_query(schema, "content", w) for w in words]
                if q.lang:
                    terms.append(tantivy.Query.term_query(schema, "lang", q.lang))
                query = tantivy.Query.boolean_query([(tantivy.Occur.Must, t) for t in terms])
        hits = searcher.search(query, LIMIT).hits
        return len([searcher.doc(address)["text"] for _score, address in hits])

    return run


def index_path(workdir: Path, name: str, size: str) -> Path:
    suffix = ".sqlite" if name.startswith("fts5") else ""
    return workdir / f"ix-{size}-{name}{suffix}"


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
