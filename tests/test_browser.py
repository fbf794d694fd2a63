"""The web pages in a real browser: Debian's chromium driven by playwright,
against uvicorn serving a database of the bundled example and hostile
articles. Skipped (loudly) where /usr/bin/chromium is absent; never
`playwright install` (it downloads)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from web_helpers import XI, build_db, live_server

from newsfuse import Store, list_stories

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"BROWSER TESTS SKIPPED: {CHROMIUM} not found "
                                                     "(apt-get install chromium; never `playwright install`)"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db = build_db(tmp_path_factory.mktemp("browser"))
    with Store(db, readonly=True) as store:
        stories = list_stories(store)
    with live_server(db) as base:
        yield base, stories


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A page on which any dialog (alert, confirm, prompt) fails the test: a
    dialog means script from an article ran; so does a console error (a CSP
    violation: the server forbids inline style and script)."""
    dialogs, errors = [], []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    yield page
    page.close()
    assert not dialogs, f"a dialog fired: {dialogs}"
    assert not errors, f"console errors: {errors}"


def seed(stories):
    return next(s for s in stories if "Putin" in s["title"])


def test_the_seed_story_page_loads_with_its_sections(site, page):
    base, stories = site
    response = page.goto(f"{base}/stories/{seed(stories)['id']}")
    assert response.status == 200
    assert "Putin, Xi meet" in page.locator("h1").inner_text()
    for section in ("summary", "claims", "timeline", "events", "quotes", "sources"):
        assert page.locator(f"section#{section}").is_visible()
    assert page.locator(".badge-corroborated").first.is_visible()


def test_a_citation_leads_to_its_evidence_sentence_in_view(site, page):
    base, stories = site
    page.goto(f"{base}/stories/{seed(stories)['id']}")
    sentence = page.locator("#summary .summary p").first.inner_text()
    link = page.locator("#summary a.cite").first
    start = int(re.search(r"#s-(\d+)$", link.get_attribute("href")).group(1))
    link.click()
    page.wait_for_load_state()
    assert re.search(rf"/articles/\w+\?start={start}&end=\d+#s-{start}$", page.url)
    assert page.locator(f"#s-{start}").count() == 1
    cited = page.locator(".article-text mark.cited")
    top = cited.first.bounding_box()["y"]
    assert 0 <= top < page.evaluate("innerHeight") / 2  # scrolled to: the sentence near the top of the window
    marked = " ".join(cited.all_inner_texts()).split()
    assert marked[:6] == sentence.split()[:6]  # the sentence the summary quoted


def test_a_search_finds_the_story(site, page):
    base, stories = site
    page.goto(base + "/")
    page.fill("#site-q", "Samarkand")
    page.press("#site-q", "Enter")
    page.wait_for_load_state()
    assert "/search?q=Samarkand" in page.url
    assert page.locator(".snippet mark").count() > 0
    page.locator(f'.in-story a[href="/stories/{seed(stories)["id"]}"]').first.click()
    assert "Putin, Xi meet" in page.locator("h1").inner_text()


def test_the_entity_page_of_xi_jinping(site, page):
    base, stories = site
    page.goto(f"{base}/stories/{seed(stories)['id']}")
    page.locator(".facts a.tag", has_text="Xi Jinping").click()
    page.wait_for_load_state()
    assert page.url.endswith("/entities/" + XI.replace(" ", "%20"))
    assert page.locator("h1").inner_text() == "Xi Jinping"
    assert page.locator(f'a[href="/stories/{seed(stories)["id"]}"]').count() >= 1


def test_hostile_articles_run_no_script_and_link_no_javascript_url(site, page):
    base, stories = site
    hostile = next(s for s in stories if s is not seed(stories))
    page.goto(f"{base}/stories/{hostile['id']}")
    assert "<script>alert(1)</script>" in page.locator("h1").inner_text()  # shown as text
    urls = [f"{base}/", f"{base}/stories/{hostile['id']}", f"{base}/search?q=harbour"]
    urls += [base + href for href in page.locator("a[href^='/articles/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")]
    urls += [base + href for href in page.locator("a[href^='/entities/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")]
    for url in dict.fromkeys(urls):
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.locator("script, svg, img, iframe").count() == 0, url
        hrefs = page.locator("[href]").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:"))], url
