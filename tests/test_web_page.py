"""The search page of ``searchkit serve``: its HTML over HTTP, and in a real
browser (Debian's chromium driven by Selenium through chromium-driver;
skipped, saying why, where they are absent)."""

from __future__ import annotations

import html
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.web_server import Server, bundled_corpus, searchkit

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


#: A document whose text holds markup: the page must show it as text.
HOSTILE_DOCUMENT = """\
Заметка

1. Снежный барс <script>alert(1)</script> живёт в горах <img src=x onerror=alert(2)> Памира.
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("page")
    corpus = bundled_corpus(root / "corpus")
    (corpus / "markup.txt").write_text(HOSTILE_DOCUMENT, encoding="utf-8")
    searchkit("reindex", str(corpus), "--index", str(root / "index"), "--quiet")
    served = Server(root / "index")
    yield served
    assert served.stop() == 0


def _citations(page: str) -> list[str]:
    return [
        html.unescape(c) for c in re.findall(r'class="citation" href="[^"]*">([^<]+)</a>', page)
    ]


# ------------------------------------------------------------------ HTML over HTTP


def test_results_page_shows_cited_hits_with_marks(server: Server) -> None:
    page = server.get("/search", q="торговля людьми")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="ru">' in page.text
    assert _citations(page.text)[0] == "A/HRC/WG.6/34/ITA/3, para. 36"
    assert "<mark>торговле</mark> <mark>людьми</mark>" in page.text
    assert "37 фрагментов" in page.text
    assert (
        'href="/show?citation=A%2FHRC%2FWG.6%2F34%2FITA%2F3%2C+para.+36&amp;lang=ru"' in page.text
    )
    assert 'data-copy="A/HRC/WG.6/34/ITA/3, para. 36"' in page.text  # the copy button's text


def test_markup_in_the_indexed_text_is_shown_as_text(server: Server) -> None:
    for path in ("/search?q=%D0%B1%D0%B0%D1%80%D1%81", "/show?doc=markup.txt&para=1"):
        page = server.get(path).text
        assert "<script>alert(1)" not in page and "<img src=x" not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
    assert "<mark>барс</mark>" in server.get("/search?q=%D0%B1%D0%B0%D1%80%D1%81").text


def test_an_english_hit_opens_the_english_version(server: Server) -> None:
    """Both versions of the report carry one symbol: the link names the language."""
    page = server.get("/search", q="trafficking in human beings", lang="en").text
    link = re.search(r'class="citation" href="([^"]+)">A/HRC/WG.6/34/ITA/3, para\. (\d+)<', page)
    assert link is not None
    shown = server.get(html.unescape(link.group(1))).text
    assert '<article class="passage" lang="en">' in shown
    assert "<dd>английский</dd>" in shown and f'<span class="num">{link.group(2)}.</span>' in shown


def test_a_script_in_the_query_is_echoed_escaped(server: Server) -> None:
    for attack in (
        "<script>alert(1)</script><img src=x onerror=alert(1)>",
        '<script>alert("x")</script>"><b>',
    ):  # one with hits, one refused
        page = server.get("/search", q=attack)
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(" in page.text and "<b>" not in page.text
        assert "default-src 'none'" in page.headers["content-security-policy"]
        api = server.get("/api/search", q=attack)  # JSON, never read as HTML
        assert api.headers["content-type"] == "application/json"
        assert api.headers["x-content-type-options"] == "nosniff"
    shown = server.get("/show", citation="<script>alert(1)</script>, para. 1")
    assert shown.status == 404 and "&lt;script&gt;" in shown.text
    assert "<script>alert" not in shown.text


def test_facets_are_links_that_filter(server: Server) -> None:
    page = server.get("/search", q="право OR right").text
    links = dict(re.findall(r'<a href="(/search\?[^"]+)">(ru|en)</a>', page))
    english = next(href for href, label in links.items() if label == "en")
    filtered = server.get(html.unescape(english))
    assert parse_qs(urlsplit(html.unescape(english)).query)["lang"] == ["en"]
    assert '<strong aria-current="true">en</strong>' in filtered.text
    year = re.search(r'<a href="(/search\?[^"]+)">2019</a>', page)
    assert year is not None
    narrowed = server.get(html.unescape(year.group(1)))
    assert "year%3A2019" in year.group(1) and _citations(narrowed.text)
    assert all(c.startswith("A/HRC/WG.6/34/ITA/3") for c in _citations(narrowed.text))


def test_the_form_lands_on_a_clean_permalink(server: Server) -> None:
    """The form sends its empty fields too (lang=&parallel=): the address
    people copy is the search's own, every option set and nothing else."""
    sent = server.request("GET", "/search?q=%D0%B2%D0%B2%D0%BE%D0%B7&lang=&parallel=en&all=1")
    assert sent.status == 303
    assert sent.headers["location"] == "/search?q=%D0%B2%D0%B2%D0%BE%D0%B7&parallel=en&all=1"


def test_paging_links_keep_every_option(server: Server) -> None:
    first = server.get("/search", q="права человека", parallel="en", all="1", all_versions="1").text
    following = re.search(r'<a rel="next" href="([^"]+)"', first)
    assert following is not None
    query = parse_qs(urlsplit(html.unescape(following.group(1))).query)
    assert query == {
        "q": ["права человека"],
        "offset": ["10"],
        "parallel": ["en"],
        "all": ["1"],
        "all_versions": ["1"],
    }
    second = server.get(html.unescape(following.group(1))).text
    assert '<ol class="hits" start="11">' in second and 'rel="prev"' in second
    assert set(_citations(second)).isdisjoint(_citations(first))


def test_did_you_mean_and_nothing_found(server: Server) -> None:
    typo = server.get("/search", q="торговля лбдьми").text
    assert "Возможно, вы имели в виду" in typo and "торговля людьми</a>" in typo
    nothing = server.get("/search", q="крокодилыы бегемотыы", lang="en")
    assert nothing.status == 200
    assert "ничего не найдено" in nothing.text and "Искать без фильтров" in nothing.text
    assert "Попробуйте" in nothing.text


def test_an_abbreviation_the_index_lacks_is_said_so(server: Server) -> None:
    page = server.get("/search", q="ПРООН").text
    assert (
        "Сокращения «ПРООН» (Программа развития Организации Объединенных Наций) в индексе нет"
        in page
    )
    similar = server.get("/search", q="СПП права").text
    link = re.search(r'<a href="([^"]+)">СПЧ</a> — Совет по правам человека', similar)
    assert link is not None and "%D0%A1%D0%9F%D0%A7" in link.group(1)  # СПЧ in its place
    body = server.get("/api/search", q="ПРООН").json()
    assert body["unknown_abbreviations"][0]["abbreviation"] == "ПРООН"


def test_the_parallel_paragraph_is_beside_each_hit(server: Server) -> None:
    page = server.get("/search", q="право на самооборону", parallel="en").text
    assert '<p class="parallel" lang="en">' in page
    assert "inherent right of individual or collective self-defence" in page


def test_show_page_has_context_neighbours_and_languages(server: Server) -> None:
    page = server.get("/show", citation="A/HRC/WG.6/34/ITA/3, para. 36", parallel="en").text
    assert "A/HRC/WG.6/34/ITA/3, para. 36" in page
    assert '<span class="num">35.</span>' in page and '<span class="num">37.</span>' in page
    assert "The Group of Experts on Action against Trafficking" in page
    previous = re.search(r'<a rel="prev" href="([^"]+)"', page)
    assert previous is not None
    before = server.get(html.unescape(previous.group(1))).text
    current = re.search(r'<div class="current beside" id="current">\s*<p[^>]*>(.*?)</p>', before)
    assert current is not None and current.group(1).startswith('<span class="num">35.</span>')


def test_start_page_offers_examples_that_find_cited_paragraphs(server: Server) -> None:
    page = server.get("/").text
    examples = re.findall(r'<li><a href="(/search\?q=[^"]+)">', page)
    assert len(examples) >= 3
    for href in examples:
        cited = _citations(server.get(html.unescape(href)).text)
        assert cited and "symbol unknown" not in cited[0], href
        assert re.search(r", (para\.|статья|Article) \d+", cited[0]), cited[0]


def test_a_bad_parameter_is_a_page_not_a_traceback(server: Server) -> None:
    page = server.get("/search", q="ввоз", limit="many")
    assert page.status == 400 and "Запрос не принят" in page.text and "Traceback" not in page.text
    long = server.get("/search", q="ввоз " * 300)
    assert long.status == 414 and "too long" in long.text


# ------------------------------------------------------------------ in a real browser


def _browser(width: int = 1200, height: int = 900) -> Any:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("no chromium and chromium-driver (apt-get install -y chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="searchkit-chromium-")
    for flag in [*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    driver.profile_dir = profile
    return driver


def _wait_url(driver: Any, part: str, present: bool = True) -> None:
    """Wait until the browser's address holds ``part`` (or, ``present=False``,
    no longer does): a click only starts a navigation."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 10).until(lambda d: (part in d.current_url) == present)


@pytest.fixture
def browser() -> Iterator[Any]:
    driver = _browser()
    yield driver
    driver.quit()
    shutil.rmtree(driver.profile_dir, ignore_errors=True)


def test_type_a_query_follow_a_citation_switch_language_and_page(
    server: Server, browser: Any
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    browser.get(server.url + "/")
    box = browser.find_element(By.ID, "q")
    assert browser.switch_to.active_element == box  # the box has the focus
    assert browser.find_element(By.CSS_SELECTOR, "label[for=q]").text == "Запрос"
    box.send_keys("торговля людьми", Keys.ENTER)
    _wait_url(browser, "/search?")
    assert parse_qs(urlsplit(browser.current_url).query) == {"q": ["торговля людьми"]}

    hits = browser.find_elements(By.CSS_SELECTOR, "li.hit")
    assert len(hits) == 10
    first = hits[0].find_element(By.CSS_SELECTOR, "a.citation")
    assert first.text == "A/HRC/WG.6/34/ITA/3, para. 36"
    marks = hits[0].find_elements(By.TAG_NAME, "mark")
    assert [m.text for m in marks][:2] == ["торговле", "людьми"]
    copy = hits[0].find_element(By.CSS_SELECTOR, "button.copy")
    assert copy.is_displayed()  # the script showed it: the clipboard is there

    # page forward and back
    browser.find_element(By.CSS_SELECTOR, "a[rel=next]").click()
    _wait_url(browser, "offset=10")
    assert browser.find_element(By.CSS_SELECTOR, "ol.hits").get_attribute("start") == "11"
    browser.find_element(By.CSS_SELECTOR, "a[rel=prev]").click()
    _wait_url(browser, "offset=", present=False)
    first = browser.find_element(By.CSS_SELECTOR, "li.hit a.citation")
    assert first.text == "A/HRC/WG.6/34/ITA/3, para. 36"

    # follow the citation: the paragraph in its context
    first.click()
    _wait_url(browser, "/show?")
    current = browser.find_element(By.ID, "current")
    assert current.text.startswith("36. Группа экспертов")
    browser.find_element(By.CSS_SELECTOR, "a[rel=next]").click()
    _wait_url(browser, "para=%2354")
    assert browser.find_element(By.ID, "current").text.startswith("37.")

    # the same paragraph in English beside it
    browser.find_element(By.CSS_SELECTOR, "nav.langs a[hreflang=en]").click()
    _wait_url(browser, "parallel=en")
    beside = browser.find_element(By.CSS_SELECTOR, "#current .parallel")
    assert beside.get_attribute("lang") == "en" and "CoE-GRETA" in beside.text

    # switch the parallel language in the search form
    browser.get(server.url + "/search?" + urlencode({"q": "право на самооборону"}))
    browser.find_element(By.CSS_SELECTOR, "details.options summary").click()
    Select(browser.find_element(By.ID, "parallel")).select_by_value("en")
    browser.find_element(By.CSS_SELECTOR, "form.search button[type=submit]").click()
    _wait_url(browser, "parallel=en")
    texts = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "li.hit p.parallel")]
    assert any("self-defence" in t for t in texts)


def test_keyboard_alone_reaches_the_results(server: Server, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server.url + "/search?q=%D0%BC%D0%B8%D0%B3%D1%80%D0%B0%D0%BD%D1%82")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    skip = browser.switch_to.active_element
    assert skip.text == "К результатам"
    skip.send_keys(Keys.ENTER)
    _wait_url(browser, "#main")
    for _ in range(12):  # Tab on until a citation link has the focus
        browser.switch_to.active_element.send_keys(Keys.TAB)
        if "citation" in (browser.switch_to.active_element.get_attribute("class") or ""):
            break
    focused = browser.switch_to.active_element
    assert "citation" in focused.get_attribute("class")
    focused.send_keys(Keys.ENTER)
    _wait_url(browser, "/show?")


def test_it_fits_a_phone(server: Server) -> None:
    from selenium.webdriver.common.by import By

    driver = _browser(390, 844)
    try:
        for path in (
            "/",
            "/search?q=%D1%82%D0%BE%D1%80%D0%B3%D0%BE%D0%B2%D0%BB%D1%8F&parallel=en&facets=1",
            "/show?citation=A%2FHRC%2FWG.6%2F34%2FITA%2F3%2C+para.+36&parallel=en",
        ):
            driver.get(server.url + path)
            width = driver.execute_script("return document.documentElement.scrollWidth")
            viewport = driver.execute_script("return window.innerWidth")
            assert width <= viewport, f"{path}: {width}px wide in a {viewport}px screen"
            assert driver.find_element(By.ID, "q").is_displayed()
    finally:
        driver.quit()
        shutil.rmtree(driver.profile_dir, ignore_errors=True)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_text_colours_keep_a_contrast_of_4_5_to_1() -> None:
    """WCAG AA for body text, for every text colour of the stylesheet on every
    background it is used on."""
    css = (Path(__file__).resolve().parent.parent / "searchkit/web/static/style.css").read_text(
        "utf-8"
    )
    colours = dict(re.findall(r"--(\w+): (#[0-9a-f]{6});", css))
    current = re.search(r"\.current \{[^}]*background: (#[0-9a-f]{6})", css)
    assert current is not None
    backgrounds = [colours["bg"], colours["panel"], current.group(1)]
    for text in ("ink", "muted", "link"):
        for background in backgrounds:
            assert _contrast(colours[text], background) >= 4.5, (text, background)
    assert _contrast("#ffffff", colours["accent"]) >= 4.5  # the button, the current page
    assert _contrast("#ffffff", colours["muted"]) >= 4.5  # the language tag
    assert _contrast(colours["ink"], colours["mark"]) >= 4.5  # a matched word
    assert _contrast("#777777", "#ffffff") < 4.5  # the check can fail
