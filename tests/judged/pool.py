"""Pooled judging for the topical judged set, the way TREC and ROMIP build theirs.

For every query of ``topical.jsonl`` the top :data:`DEPTH` blocks of several
runs are gathered into one pool, which human graders read and grade. A block
nobody retrieves is never judged, so the pool takes runs that fail in
different ways:

* ``searchkit``      searchkit as shipped: ``Index.search(query, limit=20)``
* ``searchkit-or``   searchkit, the query's words joined with `` OR `` (stop words
                     of searchkit's list left out, so ``на`` is not a term of its own)
* ``whoosh-snowball`` whoosh 2.7.4, its stock ``LanguageAnalyzer("ru")`` (Snowball
                     stemmer, stop words) over block text and heading (heading field
                     boost 1.5, as ``compare.py``), ``MultifieldParser`` with
                     ``OrGroup``, BM25F
* ``fts5-lemmas``    SQLite FTS5 ``bm25`` over searchkit's most probable lemma of each
                     word of the block text (``bench/engines.py``'s ``lemma_text``);
                     the query is the OR of its words' best lemmas (stop words left out)
* ``regex``          every Russian block whose text matches **all** of the query's
                     ``stems`` (Python regular expressions, case-insensitive, on NFC
                     text with ё folded to е; alternatives go inside one stem:
                     ``"расов|расизм"``), ranked by how many stem matches it has,
                     at most :data:`REGEX_CAP` per query

Every run searches the same blocks: the ones searchkit's readers produce
(``read_documents`` over the corpus files), so a pooled item is one block as
searchkit cuts it. The pool of a query is the union of the runs' candidates,
deduplicated (the same text in the same language is one item, e.g. the
Charter's raw and cleaned copies), minus the blocks already judged for that
query in ``topical.jsonl``; it is shuffled with a seed taken from the query and
says nothing about which run found an item, so judging is blind.

    python -m tests.judged.pool ../shared/corpus tests/judged/topical.jsonl --out DIR
    python -m tests.judged.pool merge tests/judged/topical.jsonl DIR/pool-*.jsonl
    python -m tests.judged.pool status tests/judged/topical.jsonl

The first writes ``DIR/pool-01.jsonl`` … (:data:`BATCH` queries each), one
item per line, and ``DIR/GRADING.md``, the graders' instructions. A grader
sets each item's ``"grade"`` to 0 (not relevant to the need), 1 (partly: the
same topic, a passing mention, or part of an answer) or 2 (answers the need);
``merge`` writes the grades into the ``relevant`` lists of ``topical.jsonl``
as ``{"source": …, "text": …, "grade": g}``, the form ``searchkit.evaluate``
matches (``source`` a substring of the block's source, ``text`` a substring of
its text, at least 40 characters or the whole of a shorter block, chosen so
that together they name this block and its identical copies and no other; the
few that cannot, a heading whose words recur in a table-of-contents line, are
counted on stderr). Grade-0
entries stay in the file, so pooling again after the engine changes asks only
about blocks nobody has read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sqlite3
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# --------------------------------------------------------------------------- searchkit
# The public API first; every other searchkit import of this module is in this
# block, so a move of searchkit's internal modules is fixed here and only here.
import searchkit
from searchkit import Index, index_corpus
from searchkit.analysis import (
    STOP_WORDS,  # searchkit's stop list (run b and d)
    best_lemma,
    iter_words,
)
from searchkit.eval import Relevant  # how a judgement names a block
from searchkit.indexing import corpus_files  # the files the indexer reads, with sources
from searchkit.readers import Catalog, read_documents

# --------------------------------------------------------------------------- settings

DEPTH = 20  # pool depth: the top 20 of every run
REGEX_CAP = 30  # at most this many regex candidates per query
BATCH = 12  # queries per pool file
KEY_MIN = 40  # a judgement's text key has at least this many characters
RUNS = ("searchkit", "searchkit-or", "whoosh-snowball", "fts5-lemmas", "regex")
GRADES = (0, 1, 2)
TOPICAL = Path(__file__).with_name("topical.jsonl")


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class PBlock:
    """A block as every run sees it; ``symbol``/``paragraph``/``source``/``text``
    are the attributes :class:`searchkit.evaluate.Relevant` matches."""

    bid: int
    source: str
    ordinal: int
    kind: str
    text: str
    symbol: str | None = None
    paragraph: str | None = None
    heading: str | None = None
    lang: str | None = None
    title: str | None = None


def read_blocks(corpus: Path) -> list[PBlock]:
    """Every block searchkit's readers produce from ``corpus``, in corpus order."""
    catalog = Catalog.load(corpus)
    out: list[PBlock] = []
    for path, source in corpus_files(corpus):
        try:
            documents = read_documents(path, source, catalog)
        except searchkit.ReaderError as exc:
            print(f"skipped {source}: {exc}", file=sys.stderr)
            continue
        for doc in documents:
            for b in doc.blocks:
                out.append(
                    PBlock(
                        bid=len(out),
                        source=doc.source,
                        ordinal=b.ordinal,
                        kind=b.kind,
                        text=b.text,
                        symbol=doc.symbol,
                        paragraph=b.number,
                        heading=b.heading,
                        lang=doc.language,
                        title=doc.title,
                    )
                )
    return out


def fold(text: str) -> str:
    """Case, ё/е and spacing folded: the comparison ``searchkit.evaluate`` makes."""
    return re.sub(r"\s+", " ", text.lower().replace("ё", "е")).strip()


def regex_text(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower().replace("ё", "е")


def dedup_key(b: PBlock) -> tuple[str, str]:
    return (b.lang or "", re.sub(r"\s+", " ", unicodedata.normalize("NFC", b.text)).strip())


# --------------------------------------------------------------------------- topics


@dataclass
class Topic:
    query: str
    need: str
    stems: list[str]
    relevant: list[dict[str, Any]]
    line: int
    data: dict[str, Any] = field(default_factory=dict)

    def judged(self) -> list[Relevant]:
        return [
            Relevant(
                grade=int(r.get("grade", 1)),
                symbol=r.get("symbol"),
                paragraph=None if r.get("paragraph") is None else str(r["paragraph"]),
                source=r.get("source"),
                text=r.get("text"),
            )
            for r in self.relevant
        ]


@dataclass
class TopicFile:
    """``topical.jsonl`` as lines: ``#`` comments kept verbatim, queries parsed."""

    path: Path
    lines: list[str | Topic]

    @classmethod
    def load(cls, path: Path) -> TopicFile:
        lines: list[str | Topic] = []
        seen: set[str] = set()
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                lines.append(line)
                continue
            try:
                data = json.loads(line)
                topic = Topic(
                    query=str(data["query"]),
                    need=str(data.get("need", "")),
                    stems=[str(s) for s in data.get("stems", [])],
                    relevant=list(data.get("relevant", [])),
                    line=no,
                    data=data,
                )
                for s in topic.stems:
                    re.compile(s)
            except (ValueError, KeyError, TypeError, re.error) as exc:
                raise SystemExit(f"{path}, line {no}: not a topic ({exc})") from exc
            if topic.query in seen:
                raise SystemExit(f"{path}, line {no}: query {topic.query!r} twice")
            seen.add(topic.query)
            lines.append(topic)
        return cls(path, lines)

    @property
    def topics(self) -> list[Topic]:
        return [t for t in self.lines if isinstance(t, Topic)]

    def save(self) -> None:
        out = []
        for t in self.lines:
            if isinstance(t, str):
                out.append(t)
                continue
            data = dict(t.data)
            data.update(query=t.query, need=t.need, relevant=t.relevant)
            if t.stems:
                data["stems"] = t.stems
            order = ["query", "need", "stems", "relevant"]
            data = {k: data[k] for k in order if k in data} | {
                k: v for k, v in data.items() if k not in order
            }
            out.append(json.dumps(data, ensure_ascii=False))
        self.path.write_text("\n".join(out) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- runs


def query_words(query: str) -> list[str]:
    """The query's words as searchkit reads them, a hyphenated word whole, stop words out."""
    words = list(iter_words(query))
    wholes = [w for w in words if w.whole]
    out = []
    for w in words:
        if not w.whole and any(h.start <= w.start and w.end <= h.end for h in wholes):
            continue
        out.append(w)
    out.sort(key=lambda w: w.start)
    kept = [w.text for w in out if w.text not in STOP_WORDS]
    return kept or [w.text for w in out]


class Runs:
    """The pooled runs over one set of blocks; build once, query many times."""

    def __init__(self, corpus: Path, blocks: list[PBlock], workdir: Path) -> None:
        self.blocks = blocks
        self.by_place = {(b.source, b.ordinal): b.bid for b in blocks}
        self.by_text = {(b.source, b.text): b.bid for b in blocks}
        self.unmapped = 0
        report = index_corpus(corpus, workdir / "searchkit")
        if report.failed:
            print(f"searchkit failed to index {len(report.failed)} files", file=sys.stderr)
        self.sk = Index(workdir / "searchkit")
        self.whoosh = self._build_whoosh(workdir / "whoosh")
        self.fts = self._build_fts5(workdir / "fts5.sqlite")
        self.texts = [regex_text(b.text) if b.lang == "ru" else "" for b in blocks]

    def close(self) -> None:
        self.sk.close()
        self.fts.close()

    # -- builds

    def _build_whoosh(self, path: Path) -> Any:
        from whoosh import fields, index
        from whoosh.analysis import LanguageAnalyzer

        schema = fields.Schema(
            content=fields.TEXT(analyzer=LanguageAnalyzer("ru")),
            heading_t=fields.TEXT(analyzer=LanguageAnalyzer("ru"), field_boost=1.5),
            bid=fields.STORED(),
        )
        path.mkdir(parents=True, exist_ok=True)
        ix = index.create_in(str(path), schema)
        with ix.writer(procs=1, limitmb=128) as w:  # procs>1 can lose documents in 2.7.4
            for b in self.blocks:
                w.add_document(content=b.text, heading_t=b.heading or "", bid=b.bid)
        return ix

    def _build_fts5(self, path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path)
        db.execute(
            "CREATE VIRTUAL TABLE b USING fts5(content, tokenize='unicode61 remove_diacritics 2')"
        )
        with db:
            db.executemany(
                "INSERT INTO b(rowid, content) VALUES (?, ?)",
                ((b.bid, lemma_text(b.text)) for b in self.blocks),
            )
        db.execute("INSERT INTO b(b) VALUES ('optimize')")
        return db

    # -- queries

    def run_all(self, topic: Topic) -> dict[str, list[int]]:
        return {
            "searchkit": self.searchkit(topic.query),
            "searchkit-or": self.searchkit(" OR ".join(query_words(topic.query))),
            "whoosh-snowball": self.whoosh_or(topic.query),
            "fts5-lemmas": self.fts5_or(topic.query),
            "regex": self.regex(topic.stems),
        }

    def searchkit(self, query: str, index: Index | None = None) -> list[int]:
        try:
            hits = (index or self.sk).search(query, limit=DEPTH)
        except searchkit.QueryError as exc:
            print(f"searchkit refused {query!r}: {exc}", file=sys.stderr)
            return []
        out = []
        for h in hits:
            bid = self.by_place.get((h.source, h.ordinal))
            if bid is None or self.blocks[bid].text != h.text:
                bid = self.by_text.get((h.source, h.text))
            if bid is None:
                self.unmapped += 1
                continue
            out.append(bid)
        return out

    def whoosh_or(self, query: str) -> list[int]:
        from whoosh.qparser import MultifieldParser, OrGroup
        from whoosh.scoring import BM25F

        parser = MultifieldParser(["content", "heading_t"], self.whoosh.schema, group=OrGroup)
        with self.whoosh.searcher(weighting=BM25F()) as s:
            return [h["bid"] for h in s.search(parser.parse(query), limit=DEPTH)]

    def fts5_or(self, query: str) -> list[int]:
        lemmas = list(dict.fromkeys(best_lemma(w) for w in query_words(query)))
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in lemmas)
        rows = self.fts.execute(
            f"SELECT rowid FROM b WHERE b MATCH ? ORDER BY rank LIMIT {DEPTH}", (match,)
        ).fetchall()
        return [r[0] for r in rows]

    def regex(self, stems: Sequence[str]) -> list[int]:
        if not stems:
            return []
        pats = [re.compile(regex_text(s), re.I) for s in stems]
        scored = []
        for bid, text in enumerate(self.texts):
            if not text:
                continue
            counts = [len(p.findall(text)) for p in pats]
            if all(counts):
                scored.append((-sum(counts), bid))
        return [bid for _, bid in sorted(scored)[:REGEX_CAP]]


def lemma_text(text: str) -> str:
    """The block as searchkit's most probable lemma of each word (``bench/engines.py``)."""
    return " ".join(best_lemma(w.text) for w in iter_words(text) if not w.whole)


# --------------------------------------------------------------------------- keys


def _common_substring(strings: Sequence[str]) -> str:
    """The longest substring every string has (the strings are short paths)."""
    first = min(strings, key=len)
    for size in range(len(first), 0, -1):
        for start in range(len(first) - size + 1):
            part = first[start : start + size]
            if all(part in s for s in strings):
                return part
    return ""


class Keys:
    """Chooses each pooled item's judgement key: ``source`` + a ``text`` substring."""

    def __init__(self, blocks: list[PBlock]) -> None:
        self.blocks = blocks
        self.folded = [fold(b.text) for b in blocks]
        self.in_source: dict[str, list[PBlock]] = {}
        for b in blocks:
            self.in_source.setdefault(b.source, []).append(b)
        self.ambiguous = 0

    def matching(self, source: str, text: str) -> set[int]:
        """The blocks a key ``{"source": source, "text": text}`` names, checked with
        :class:`searchkit.evaluate.Relevant` itself."""
        rel = Relevant(source=source, text=text)
        ftext = fold(text)
        return {
            b.bid
            for name, blocks in self.in_source.items()
            if source in name
            for b in blocks
            if ftext in self.folded[b.bid] and rel.matches(b)
        }

    def key(self, group: Sequence[PBlock]) -> dict[str, str]:
        sources = sorted({b.source for b in group})
        source = sources[0] if len(sources) == 1 else _common_substring(sources)
        want = {b.bid for b in group}
        text = group[0].text
        for candidate in _windows(text):
            if self.matching(source, candidate) == want:
                return {"source": source, "text": candidate}
        self.ambiguous += 1
        return {"source": source, "text": text.strip()}


def _windows(text: str) -> Iterator[str]:
    """Substrings of ``text`` to try as a key, shortest first from the start:
    at least :data:`KEY_MIN` characters, cut at word ends."""
    text = text.strip()
    if len(text) <= KEY_MIN:
        yield text
        return
    starts = [0] + [m.end() for m in re.finditer(r"\s+", text)]
    for size in (KEY_MIN, 60, 90, 140):
        for start in starts[:40]:
            if start + size > len(text):
                break
            end = start + size
            while end < len(text) and not text[end].isspace():
                end += 1
            yield text[start:end].strip()
    yield text


# --------------------------------------------------------------------------- pool


def pool_topic(
    topic: Topic, found: dict[str, list[int]], blocks: list[PBlock], keys: Keys
) -> tuple[list[dict[str, Any]], int, dict[str, list[str]]]:
    """The new (unjudged) pooled items of one topic, shuffled; also how many
    distinct items the runs gave before judged ones were left out, and which
    runs found each key (for the provenance file, never shown to graders)."""
    groups: dict[tuple[str, str], list[PBlock]] = {}
    runs_of: dict[tuple[str, str], list[str]] = {}
    for run in RUNS:
        for bid in found.get(run, []):
            b = blocks[bid]
            k = dedup_key(b)
            groups.setdefault(k, [])
            if b not in groups[k]:
                groups[k].append(b)
            runs_of.setdefault(k, [])
            if run not in runs_of[k]:
                runs_of[k].append(run)
    for members in groups.values():
        members.sort(key=lambda b: b.bid)
    judged = topic.judged()
    fresh = [(k, g) for k, g in groups.items() if not any(r.matches(b) for r in judged for b in g)]
    fresh.sort(key=lambda kg: kg[1][0].bid)
    rng = random.Random(int(hashlib.sha256(topic.query.encode()).hexdigest()[:16], 16))
    rng.shuffle(fresh)
    items = []
    provenance = {}
    for n, (k, group) in enumerate(fresh, start=1):
        b = group[0]
        key = keys.key(group)
        items.append(
            {
                "grade": None,
                "query": topic.query,
                "need": topic.need,
                "item": n,
                "key": key,
                "source": b.source,
                "symbol": b.symbol,
                "paragraph": b.paragraph,
                "kind": b.kind,
                "heading": b.heading,
                "lang": b.lang,
                "text": b.text,
            }
        )
        provenance[json.dumps(key, ensure_ascii=False)] = runs_of[k]
    return items, len(groups), provenance


def complete_groups(blocks: list[PBlock]) -> dict[tuple[str, str], list[PBlock]]:
    out: dict[tuple[str, str], list[PBlock]] = {}
    for b in blocks:
        out.setdefault(dedup_key(b), []).append(b)
    return out


def build_pools(
    corpus: Path,
    topical: Path,
    out: Path,
    batch: int = BATCH,
    provenance: Path | None = None,
) -> list[tuple[Topic, int, int, dict[str, int]]]:
    """Pool every topic of ``topical``; write the batches to ``out``; return per topic
    (topic, distinct candidates, new items, hits per run)."""
    tf = TopicFile.load(topical)
    blocks = read_blocks(corpus)
    everyone = complete_groups(blocks)
    keys = Keys(blocks)
    stats = []
    per_file: list[list[dict[str, Any]]] = []
    prov: dict[str, dict[str, list[str]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        runs = Runs(corpus, blocks, Path(tmp))
        try:
            for i, topic in enumerate(tf.topics):
                found = runs.run_all(topic)
                # the same text elsewhere (another copy) is the same item: widen each hit
                widened = {
                    run: [x.bid for bid in bids for x in everyone[dedup_key(blocks[bid])]]
                    for run, bids in found.items()
                }
                items, distinct, p = pool_topic(topic, widened, blocks, keys)
                prov[topic.query] = p
                if i % batch == 0:
                    per_file.append([])
                per_file[-1].extend(items)
                stats.append((topic, distinct, len(items), {r: len(found[r]) for r in RUNS}))
        finally:
            runs.sk.close()
            runs.fts.close()
        if runs.unmapped:
            print(f"{runs.unmapped} searchkit hits matched no block read here", file=sys.stderr)
    if keys.ambiguous:
        print(f"{keys.ambiguous} items have a key that names other blocks too", file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("pool-*.jsonl"):
        old.unlink()
    for n, items in enumerate(per_file, start=1):
        if not items:
            continue
        with (out / f"pool-{n:02d}.jsonl").open("w", encoding="utf-8") as f:
            for item in items:
                f.write(json.dumps(item, ensure_ascii=False) + "\n")
    (out / "GRADING.md").write_text(GRADING, encoding="utf-8")
    if provenance is not None:
        provenance.write_text(json.dumps(prov, ensure_ascii=False, indent=1), encoding="utf-8")
    return stats


# --------------------------------------------------------------------------- merge


def read_graded(paths: Iterable[Path]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(where, item)`` for every item of the pool files, graded or not."""
    for path in paths:
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path}, line {no}"
            try:
                item = json.loads(line)
                key = (item["query"], item["key"]["source"], item["key"]["text"])
                if not all(isinstance(x, str) for x in key):
                    raise TypeError("query and key need strings")
            except (ValueError, KeyError, TypeError) as exc:
                raise SystemExit(f"{where}: not a pooled item ({exc})") from exc
            grade = item.get("grade")
            if grade is not None and (isinstance(grade, bool) or grade not in GRADES):
                raise SystemExit(f"{where}: grade must be 0, 1, 2 or null, not {grade!r}")
            yield where, item


def merge(topical: Path, pools: Sequence[Path]) -> dict[str, int]:
    """Write the grades of ``pools`` into ``topical``'s ``relevant`` lists."""
    tf = TopicFile.load(topical)
    by_query = {t.query: t for t in tf.topics}
    counts = {"added": 0, "regraded": 0, "unchanged": 0, "ungraded": 0}
    for where, item in read_graded(pools):
        if item.get("grade") is None:
            counts["ungraded"] += 1
            continue
        topic = by_query.get(item["query"])
        if topic is None:
            raise SystemExit(f"{where}: query {item['query']!r} is not in {topical}")
        key = item["key"]
        entry = {"source": key["source"], "text": key["text"], "grade": item["grade"]}
        for old in topic.relevant:
            if old.get("source") == entry["source"] and old.get("text") == entry["text"]:
                if old.get("grade") == entry["grade"]:
                    counts["unchanged"] += 1
                else:
                    old["grade"] = entry["grade"]
                    counts["regraded"] += 1
                break
        else:
            topic.relevant.append(entry)
            counts["added"] += 1
    tf.save()
    return counts


def status(topical: Path) -> str:
    rows = ["| # | query | judged | 0 | 1 | 2 |", "|---|---|---|---|---|---|"]
    for n, t in enumerate(TopicFile.load(topical).topics, start=1):
        g = [sum(1 for r in t.relevant if int(r.get("grade", 1)) == x) for x in GRADES]
        rows.append(f"| {n} | {t.query} | {len(t.relevant)} | {g[0]} | {g[1]} | {g[2]} |")
    return "\n".join(rows)


GRADING = """\
# Grading a pool batch

Each `pool-NN.jsonl` line is one pooled paragraph (block) for one query. The
items of a query are in random order and do not say which search run found
them: judge the text, not the position.

Fields: `query` (as a user typed it), `need` (the information need: judge
against this, not against the words of the query), `item` (its number in this
query's pool), `key` (how the judgement will name the block: do not edit),
`source`, `symbol`, `paragraph`, `kind`, `heading`, `lang` (context), `text`
(the whole block: read all of it), `grade` (null until you grade it).

Set `grade` to

* **2** the paragraph answers the need (or a substantial part of it): a user
  with this need would want to cite or read exactly this paragraph;
* **1** partly: the same topic, but only a passing mention, background, or a
  fragment (a heading, a list item, a table row) that points to the answer
  without giving it;
* **0** not relevant to the need, even if it shares words with the query.

Leave `grade` null for an item you did not read (it is asked again later).
Read every item of a query before grading it, so the scale is applied
consistently. A heading or a table-of-contents line is at most 1. You may add
a `"note"` field; it is not merged.

Worked examples: the queries already graded in full in
`tests/judged/topical.jsonl` (`python -m tests.judged.pool status`), with the
graded items and a note on each in `examples-graded.jsonl` when it is present.

When a batch is done:

    python -m tests.judged.pool merge tests/judged/topical.jsonl pool-NN.jsonl

writes the grades into `tests/judged/topical.jsonl` (grade-0 entries are kept,
so a later re-pool does not ask about them again); commit that file.
"""


# --------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["merge"]:
        p = argparse.ArgumentParser(prog="python -m tests.judged.pool merge")
        p.add_argument("topical", type=Path)
        p.add_argument("pools", type=Path, nargs="+")
        a = p.parse_args(argv[1:])
        counts = merge(a.topical, a.pools)
        print(", ".join(f"{v} {k}" for k, v in counts.items()))
        return 0
    if argv[:1] == ["status"]:
        p = argparse.ArgumentParser(prog="python -m tests.judged.pool status")
        p.add_argument("topical", type=Path, nargs="?", default=TOPICAL)
        print(status(p.parse_args(argv[1:]).topical))
        return 0
    p = argparse.ArgumentParser(
        prog="python -m tests.judged.pool", description=__doc__.split("\n\n")[0]
    )
    p.add_argument("corpus", type=Path)
    p.add_argument("topical", type=Path, nargs="?", default=TOPICAL)
    p.add_argument("--out", type=Path, required=True, help="folder for pool-NN.jsonl")
    p.add_argument("--batch", type=int, default=BATCH, help="queries per pool file")
    p.add_argument("--provenance", type=Path, help="also write which runs found each item")
    a = p.parse_args(argv)
    stats = build_pools(a.corpus, a.topical, a.out, a.batch, a.provenance)
    print("| # | query | candidates | new | " + " | ".join(RUNS) + " |")
    print("|---" * (4 + len(RUNS)) + "|")
    for n, (t, distinct, new, per_run) in enumerate(stats, start=1):
        runs = " | ".join(str(per_run[r]) for r in RUNS)
        print(f"| {n} | {t.query} | {distinct} | {new} | {runs} |")
    total = sum(s[2] for s in stats)
    print(f"\n{len(stats)} queries, {total} new items in {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
