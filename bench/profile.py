"""``python -m bench.profile [--mb 2]``: where indexing and querying spend their time.

Profiles (cProfile) a serial build of an ``--mb`` MB bench corpus, split into
adding documents (analysis) and the commit (sorting and writing postings), and
then the query mix against the finished index with a warm searcher. Prints the
top functions by own time for each; see bench/PROFILE.md for a reading.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import tempfile
import time
from pathlib import Path

from . import corpus as gen
from .queries import make_queries

ROOT = Path(__file__).resolve().parent.parent


def _top(profile: cProfile.Profile, n: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime").print_stats(n)
    text = out.getvalue()
    return text[text.index("   ncalls") :] if "   ncalls" in text else text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    ap.add_argument("--mb", type=float, default=2.0, help="corpus size in MB (default 2)")
    ap.add_argument("--top", type=int, default=18, help="functions to show per phase")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "corpus"))
    args = ap.parse_args(argv)

    from whoosh import index as windex

    import searchkit
    from searchkit.index._whoosh import cache_length_columns
    from searchkit.index.generations import WHOOSH_NAME
    from searchkit.index.records import block_records
    from searchkit.index.schema import build_schema
    from searchkit.index.writer import commit, open_writer
    from searchkit.indexing import corpus_files
    from searchkit.readers import read_documents

    docs = gen.source_documents(Path(args.shared))
    with tempfile.TemporaryDirectory(prefix="searchkit-profile-") as tmp:
        corpus = Path(tmp) / "corpus"
        gen.write_corpus(docs, args.mb, corpus)
        flat = Path(tmp) / "flat"  # a bare whoosh index: the serial writer, nothing around it
        flat.mkdir()
        ix = windex.create_in(str(flat), build_schema(), indexname=WHOOSH_NAME)
        cache_length_columns()  # as searchkit's writers do
        writer = open_writer(ix, limitmb=128)
        adding, committing = cProfile.Profile(), cProfile.Profile()
        t0 = time.perf_counter()
        adding.enable()
        blocks = 0
        for path, source in corpus_files(corpus):
            for document in read_documents(path, source):
                for record in block_records(document, source):
                    writer.add_document(**record)
                    blocks += 1
        adding.disable()
        t1 = time.perf_counter()
        committing.enable()
        commit(writer)
        committing.disable()
        t2 = time.perf_counter()
        print(f"# serial build of {args.mb:g} MB, {blocks} blocks (times under cProfile)")
        print(f"read + analyse + add_document: {t1 - t0:.1f} s; commit: {t2 - t1:.1f} s\n")
        print("## reading, analysis, add_document\n" + _top(adding, args.top))
        print("## commit (sort and write postings)\n" + _top(committing, args.top))

        queries = make_queries(docs)
        searchkit.reindex(corpus, Path(tmp) / "index")  # the index as users build it
        with searchkit.Index(Path(tmp) / "index") as index:

            def run_all() -> None:
                for q in queries:
                    with contextlib.suppress(searchkit.QueryError):  # e.g. a too-short prefix
                        index.search(q.text, 10, lang=q.lang)

            run_all()
            querying = cProfile.Profile()
            t3 = time.perf_counter()
            querying.enable()
            run_all()
            querying.disable()
            t4 = time.perf_counter()
        print(f"## {len(queries)} queries, warm searcher: {t4 - t3:.2f} s under cProfile\n")
        print(_top(querying, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
