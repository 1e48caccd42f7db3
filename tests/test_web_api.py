"""The JSON API of ``searchkit serve``, through a real server process on
127.0.0.1 over an index of the bundled corpus (built in a temporary folder)."""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from bench.web import load
from tests.web_server import Server, bundled_corpus, free_port, port_is_free, searchkit

pytestmark = pytest.mark.slow

CITED = "A/HRC/WG.6/34/ITA/3, para. 36"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    root = tmp_path_factory.mktemp("web")
    corpus = bundled_corpus(root / "corpus")
    searchkit("reindex", str(corpus), "--index", str(root / "index"), "--quiet")
    server = Server(root / "index")
    yield server, root
    assert server.stop() == 0


@pytest.fixture
def server(served: tuple[Server, Path]) -> Server:
    return served[0]


def test_it_prints_its_url_and_binds_this_machine_only(server: Server) -> None:
    assert f"at http://127.0.0.1:{server.port}/" in server.first_line


def test_search_answers_what_the_cli_prints(served: tuple[Server, Path]) -> None:
    server, root = served
    body = server.get("/api/search", q="торговля людьми", limit=3, offset=1).json()
    cli = searchkit(
        "search",
        "торговля людьми",
        "--index",
        str(root / "index"),
        "--json",
        "-n",
        "3",
        "--offset",
        "1",
    )
    assert body["hits"] == json.loads(cli.stdout)  # one code path: the library's hits
    assert body["query"] == "торговля людьми" and body["total"] == 37 and body["offset"] == 1
    assert body["took_ms"] >= 0 and body["partial"] is False
    hit = body["hits"][0]
    assert {
        "citation",
        "symbol",
        "paragraph",
        "kind",
        "heading",
        "text",
        "snippet",
        "matches",
        "language",
        "source",
        "score",
    } <= set(hit)
    assert hit["symbol"] == "A/HRC/WG.6/34/ITA/3" and "[[торговл" in hit["snippet"]


def test_search_with_parallel_facets_and_filters(server: Server) -> None:
    body = server.get("/api/search", q="торговля людьми", limit=2, parallel="en", facets=1).json()
    first = body["hits"][0]
    assert first["citation"] == CITED
    assert first["parallel"]["en"].startswith("The Group of Experts on Action against Trafficking")
    assert body["facets"]["lang"] == {"ru": 37} and body["facets"]["year"]["2019"] == 29
    english = server.get("/api/search", q="Security Council", lang="en").json()
    assert english["total"] > 10 and {h["language"] for h in english["hits"]} == {"en"}
    grouped = server.get("/api/search", q="торговля людьми", group="document", limit=5).json()
    assert len({h["source"] for h in grouped["hits"]}) == len(grouped["hits"]) / 2
    every = server.get("/api/search", q="торговля людьми", all_versions=1).json()
    assert every["total"] == 37 and every["folded"] == 0  # no revision in the bundled corpus
    assert server.get("/api/search", q="ввоз", all_versions="maybe").status == 400
    html = server.get("/api/search", q="торговля людьми", limit=1, snippets="html").json()
    assert "<mark>торговле</mark>" in html["hits"][0]["snippet"]


def test_did_you_mean_is_in_the_answer(server: Server) -> None:
    body = server.get("/api/search", q="самооборне").json()
    assert body["suggestion"] == "самообороне" and body["suggestion_applied"] is True
    assert any(h["citation"].endswith("статья 51") for h in body["hits"])


def test_show_a_citation_with_context_and_parallel(server: Server) -> None:
    body = server.get("/api/show", citation=CITED, context=1, parallel="en").json()
    assert body["citation"] == CITED and body["block"]["number"] == "36"
    assert [b["number"] for b in body["before"]] == ["35"]
    assert [b["number"] for b in body["after"]] == ["37"]
    assert body["parallel"]["en"]["text"].startswith("The Group of Experts")
    assert body["document"]["source"] == "hrc/A_HRC_WG.6_34_ITA_3-RU.pdf"
    same = server.get("/api/show", doc="A/HRC/WG.6/34/ITA/3", para="36", context=0).json()
    assert same["block"] == body["block"] and same["before"] == []


def test_explain_answers_what_the_cli_prints(served: tuple[Server, Path]) -> None:
    server, root = served
    body = server.get("/api/explain", q="мигр* торговля").json()
    cli = searchkit("explain", "мигр* торговля", "--index", str(root / "index"), "--json")
    assert body == json.loads(cli.stdout)
    assert "мигрантов" in body["plan"]  # the index's own prefix forms
    assert server.get("/api/explain", q='"незакрытая').status == 400


def test_stats_and_health(server: Server) -> None:
    stats = server.get("/api/stats").json()
    assert stats["documents"] == 5 and stats["languages"] == {"ru": 3, "en": 2}
    assert "path" not in stats and stats["backend"] == "whoosh"
    health = server.get("/healthz")
    assert health.status == 200
    assert health.json() == {"status": "ok", "generation": "g000001", "backend": "whoosh"}


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({}, 400, "missing_query"),
        ({"q": "   "}, 400, "missing_query"),
        ({"q": '"незакрытая фраза'}, 400, "bad_query"),
        ({"q": "ввоз", "limit": "1000"}, 400, "bad_parameter"),
        ({"q": "ввоз", "limit": "ten"}, 400, "bad_parameter"),
        ({"q": "ввоз", "offset": "995"}, 400, "too_deep"),
        ({"q": "ввоз", "lang": "../etc"}, 400, "bad_parameter"),
        ({"q": "ввоз", "group": "year"}, 400, "bad_parameter"),
        ({"q": "ввоз " * 300}, 414, "query_too_long"),
    ],
)
def test_bad_searches_get_a_typed_error(
    server: Server, params: dict[str, str], status: int, code: str
) -> None:
    answer = server.get("/api/search", **params)
    assert answer.status == status
    error = answer.json()["error"]
    assert error["code"] == code and error["message"] and "\n" not in error["message"]


def test_show_errors(server: Server) -> None:
    missing = server.get("/api/show", citation="A/HRC/99/99, para. 1")
    assert missing.status == 404 and missing.json()["error"]["code"] == "not_found"
    no_para = server.get("/api/show", doc="A/HRC/WG.6/34/ITA/3", para="999")
    assert no_para.status == 404 and "999" in no_para.json()["error"]["message"]
    nothing = server.get("/api/show")
    assert nothing.status == 400 and nothing.json()["error"]["code"] == "missing_parameter"
    assert server.get("/api/show", citation=CITED, context="99").status == 400


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/api/search?q=%D0%B2%D0%B2%D0%BE%D0%B7", "/", "/healthz"])
def test_only_get_and_head_are_served(server: Server, method: str, path: str) -> None:
    answer = server.request(method, path)
    assert answer.status == 405 and answer.headers["allow"] == "GET, HEAD"
    assert answer.json()["error"]["code"] == "method_not_allowed"


def test_head_answers_without_a_body(server: Server) -> None:
    answer = server.request("HEAD", "/api/search?q=%D0%B2%D0%B2%D0%BE%D0%B7")
    assert answer.status == 200 and answer.body == b""
    assert answer.headers["content-type"].startswith("application/json")
    assert server.request("HEAD", "/").status == 200


def test_unknown_routes_are_404(server: Server) -> None:
    api = server.get("/api/nothing")
    assert api.status == 404 and api.json()["error"]["code"] == "no_such_route"
    page = server.get("/nothing")
    assert page.status == 404 and "Не найдено" in page.text


def test_no_answer_names_a_path_of_the_servers_disk(served: tuple[Server, Path]) -> None:
    server, root = served
    answers = [
        server.get("/api/search", q="торговля людьми", facets=1, parallel="en", limit=50),
        server.get("/api/show", citation=CITED, context=3),
        server.get("/api/stats"),
        server.get("/healthz"),
        server.get("/search", q="торговля людьми", parallel="en"),
        server.get("/show", citation=CITED),
        server.get("/api/show", citation="A/HRC/99/99, para. 1"),
    ]
    for answer in answers:
        assert str(root) not in answer.text and str(root.resolve()) not in answer.text
        assert "/tmp" not in answer.text
    hits = answers[0].json()["hits"]
    assert hits and all(not h["source"].startswith("/") for h in hits)


def test_cors_is_off_unless_configured(served: tuple[Server, Path]) -> None:
    server, root = served
    origin = {"Origin": "https://example.org"}
    answer = server.request("GET", "/api/stats", origin)
    assert "access-control-allow-origin" not in answer.headers
    allowed = Server(root / "index", "--cors-origin", "https://example.org")
    try:
        answer = allowed.request("GET", "/api/stats", origin)
        assert answer.headers["access-control-allow-origin"] == "https://example.org"
        other = allowed.request("GET", "/api/stats", {"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
    finally:
        assert allowed.stop() == 0


def test_a_slow_query_answers_503_and_does_not_hold_the_server(
    served: tuple[Server, Path],
) -> None:
    """A budget no search can keep: every search answers 503 ``timeout`` at
    once, and the server goes on answering."""
    _, root = served
    hurried = Server(root / "index", "--time-budget", "0.001")
    try:
        for _ in range(3):
            start = time.monotonic()
            answer = hurried.get("/api/search", q="права человека")
            assert answer.status == 503 and answer.json()["error"]["code"] == "timeout"
            assert time.monotonic() - start < 5
        assert hurried.get("/static/style.css").status == 200
    finally:
        assert hurried.stop() == 0


def test_a_missing_index_is_503_until_it_is_built(tmp_path: Path) -> None:
    server = Server(tmp_path / "index")
    try:
        health = server.get("/healthz")
        assert health.status == 503 and health.json()["status"] == "unavailable"
        search = server.get("/api/search", q="ввоз")
        assert search.status == 503 and search.json()["error"]["code"] == "index_unavailable"
        assert str(tmp_path) not in search.text
        page = server.get("/search", q="ввоз")
        assert page.status == 503 and "временно" in page.text
        corpus = bundled_corpus(tmp_path / "corpus")
        searchkit("reindex", str(corpus), "--index", str(tmp_path / "index"), "--quiet")
        assert server.get("/healthz").status == 200
        assert server.get("/api/search", q="ввоз").json()["total"] > 0
    finally:
        assert server.stop() == 0


NEW_DOCUMENT = """\
Генеральная Ассамблея

1. Вопрос о сохранении популяции снежных барсов в горах Памира обсуждался впервые.
"""


def test_reindex_while_serving(tmp_path: Path) -> None:
    """cron reindexes while clients search: no error, the new document is
    found, and a --full rebuild's new generation is followed."""
    corpus = bundled_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    searchkit("reindex", str(corpus), "--index", str(index), "--quiet")
    server = Server(index)
    try:
        assert server.get("/api/search", q="снежных барсов").json()["total"] == 0
        results: list[dict[str, object]] = []
        paths = ["/api/search?q=%D1%82%D0%BE%D1%80%D0%B3%D0%BE%D0%B2%D0%BB%D1%8F", "/healthz"]
        clients = threading.Thread(target=lambda: results.append(load(server.port, paths, 4, 6)))
        clients.start()
        (corpus / "barsy.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
        searchkit("reindex", str(corpus), "--index", str(index), "--quiet")
        searchkit("reindex", str(corpus), "--index", str(index), "--full", "--quiet")
        clients.join()
        assert results[0]["errors"] == 0 and results[0]["requests"] > 10  # type: ignore[operator]
        found = server.get("/api/search", q="снежных барсов").json()
        assert found["hits"][0]["source"] == "barsy.txt" and found["hits"][0]["paragraph"] == "1"
        assert server.get("/healthz").json()["generation"] == "g000002"
    finally:
        assert server.stop() == 0


def test_eight_clients_get_no_error(server: Server) -> None:
    """8 concurrent clients, 10 s here (a minute in ``python -m bench.web``)."""
    queries = ["торговля людьми", "право на самооборону", "мигр*", '"рабочая группа"', "ввоз"]
    paths = [f"/api/search?q={quote(q)}&parallel=en" for q in queries] + ["/search?q=%D0%B2"]
    figures = load(server.port, paths, 8, 10)
    assert figures["errors"] == 0, figures["statuses"]
    assert figures["requests"] > 8


def test_sigterm_stops_it_cleanly_and_frees_the_port(served: tuple[Server, Path]) -> None:
    _, root = served
    server = Server(root / "index")
    assert server.get("/healthz").status == 200
    assert server.stop(signal.SIGTERM) == 0
    assert port_is_free(server.port)
    interrupted = Server(root / "index")
    assert interrupted.stop(signal.SIGINT) == 0  # Ctrl-C
    assert port_is_free(interrupted.port)


def test_a_port_in_use_is_one_clear_error(served: tuple[Server, Path]) -> None:
    server, root = served
    taken = searchkit(
        "serve", "--index", str(root / "index"), "--port", str(server.port), check=False
    )
    assert taken.returncode == 2
    assert taken.stderr.strip() == (
        f"searchkit: error: cannot listen on 127.0.0.1:{server.port}: Address already in use"
    )
    assert free_port() != server.port


def test_several_worker_processes(served: tuple[Server, Path]) -> None:
    _, root = served
    server = Server(root / "index", "--workers", "2")
    try:
        for _ in range(4):
            assert server.get("/api/search", q="торговля людьми").json()["total"] == 37
    finally:
        assert server.stop() == 0
        assert port_is_free(server.port)


def test_a_xapian_index_is_served_the_same_way(tmp_path: Path) -> None:
    pytest.importorskip("xapian", reason="the Xapian bindings are not installed")
    corpus = bundled_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    searchkit("reindex", str(corpus), "--index", str(index), "--backend", "xapian", "--quiet")
    server = Server(index)
    try:
        body = server.get("/api/search", q="торговля людьми", parallel="en", limit=1).json()
        assert body["hits"][0]["citation"] == CITED and body["hits"][0]["parallel"]["en"]
        assert server.get("/healthz").json()["backend"] == "xapian"
        assert server.get("/api/stats").json()["documents"] == 5
        assert server.get("/api/show", citation=CITED).json()["block"]["number"] == "36"
    finally:
        assert server.stop() == 0


def test_the_api_bench_runs_end_to_end(tmp_path: Path) -> None:
    """``python -m bench.web`` on the bundled corpus for a second (no timing asserted)."""
    from bench.web import main

    out = tmp_path / "web.json"
    assert (
        main(
            [
                "--corpus",
                str(bundled_corpus(tmp_path / "c")),
                "--seconds",
                "1",
                "--backends",
                "whoosh",
                "--json",
                str(out),
            ]
        )
        == 0
    )
    run = json.loads(out.read_text(encoding="utf-8"))["runs"]["whoosh"]
    assert run["errors"] == 0 and run["requests"] > 0 and run["p95_ms"] >= run["p50_ms"]
