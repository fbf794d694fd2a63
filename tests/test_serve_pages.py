"""The web pages of `newsfuse serve` through TestClient (no browser): status
codes, citations that land on their sentence, escaping of hostile articles,
and the highlighting of article text."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import JS_URL, PAYLOADS, XI, build_db

import newsfuse
from newsfuse import Store, list_stories
from newsfuse.serve.app import create_app
from newsfuse.serve.markup import Mark, highlight, safe_url

SERVE = Path(newsfuse.__file__).parent / "serve"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_db(tmp_path_factory.mktemp("pages"))


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(db)) as client:
        yield client


@pytest.fixture(scope="module")
def stories(db):
    with Store(db, readonly=True) as store:
        found = list_stories(store)
    seed = next(s for s in found if "Putin" in s["title"])
    hostile = next(s for s in found if s is not seed)
    return seed, hostile


class Tags(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self, page: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_inert(page: str) -> None:
    """No script, no event handler, no inline style, no link but http(s) or the site's own."""
    for tag, attrs in Tags(page).tags:
        assert tag not in ("script", "svg", "img", "iframe", "object"), tag
        assert not [a for a in attrs if a.startswith("on") or a == "style"], (tag, attrs)
        for name in ("href", "src", "action"):
            if attrs.get(name):
                assert re.match(r"(/|#|https?://)", attrs[name]), (tag, attrs)


def test_home_lists_latest_and_largest_and_has_the_filter_form(client, stories):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Latest stories" in page.text and "Largest stories" in page.text
    assert f'href="/stories/{stories[0]["id"]}"' in page.text
    for field in ("q", "date_from", "date_to", "place", "entity"):
        assert f'name="{field}"' in page.text
    assert '<link rel="stylesheet" href="/static/style.css">' in page.text


def test_home_filters_by_entity_name_place_and_dates(client, stories):
    seed, hostile = stories
    for query in ("entity=Xi+Jinping", "entity=person%3Axi+jinping", "place=Samarkand", "q=Samarkand",
                  "date_from=2022-09-01&date_to=2022-09-30"):
        found = client.get("/?" + query).text.split('id="latest-h"')[0]
        assert "Matching stories" in found and seed["id"] in found and hostile["id"] not in found, query
    assert "No story matches" in client.get("/?date_from=2030-01-01").text


def test_the_story_page_cites_sentences_and_every_citation_lands_on_an_anchor(client, stories):
    page = client.get(f"/stories/{stories[0]['id']}").text
    assert "Putin, Xi meet for high-stakes talks" in page and "Samarkand" in page
    for section in ("Summary", "Claims", "Timeline", "Events", "Quotes by speaker", "Sources"):
        assert f">{section}</h2>" in page
    cites = re.findall(r'href="/articles/(\w+)\?start=(\d+)&amp;end=(\d+)#s-(\d+)"', page)
    assert len(cites) > 10
    article_id, start, end, anchor = cites[0]
    assert start == anchor
    article = client.get(f"/articles/{article_id}?start={start}&end={end}").text
    assert f'id="s-{start}"' in article and '<mark class="cited">' in article


def test_claims_carry_badges_with_words_and_filter_by_status(client, stories):
    url = f"/stories/{stories[0]['id']}"
    everything = client.get(url).text
    assert 'badge badge-corroborated">corroborated<' in everything
    assert 'badge badge-single-source">single source<' in everything
    only = client.get(url + "?status=corroborated").text
    rows = re.findall(r'<tr class="claim claim-([\w-]+)">', only)
    assert rows and set(rows) == {"corroborated"}
    assert len(rows) < len(re.findall(r'<tr class="claim ', everything))
    assert "No conflicting claims" in client.get(url + "?status=conflicting").text


def test_a_prefix_redirects_and_a_merged_id_redirects_for_good(client, stories, monkeypatch):
    seed = stories[0]["id"]
    moved = client.get(f"/stories/{seed[:6]}", follow_redirects=False)
    assert moved.status_code == 302 and moved.headers["location"] == f"/stories/{seed}"
    real = newsfuse.get_story

    def merged(store, story_id, **kw):
        record = real(store, seed, **kw)
        return {**record, "requested_id": story_id, "merge_history": [{"from": "sold", "into": seed, "at": "x",
                                                                       "reason": "bridge"}]}

    monkeypatch.setattr(newsfuse, "get_story", merged)
    moved = client.get("/stories/sold?status=updated", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == f"/stories/{seed}?status=updated"


def test_a_stale_record_shows_how_to_build_it(client, stories, monkeypatch):
    real = newsfuse.get_story
    monkeypatch.setattr(newsfuse, "get_story", lambda store, sid, **kw: {
        **real(store, sid, **kw), "record_state": "stale", "record_hint": "the story record is stale: run build"})
    assert "the story record is stale: run build" in client.get(f"/stories/{stories[0]['id']}").text


def test_the_article_page_highlights_entities_quotes_and_times_and_keeps_the_removed_chrome(client):
    page = client.get("/articles/4de1dd5af151b6428111").text
    assert '<a class="ent" href="/entities/person:xi%20jinping">Xi Jinping</a>' in page
    assert '<span class="timex" title="2022-09-15">Thursday</span>' in page
    assert '<span class="quote"' in page and 'id="s-0"' in page
    chrome = page.split('<details class="chrome">')[1]
    assert "Sunday 24th of September 2023 |" in chrome and "Latest News" in chrome


def test_the_entity_page_has_its_stories_and_quotes(client, stories):
    page = client.get("/entities/" + XI.replace(" ", "%20"))
    assert page.status_code == 200
    assert "<h1>Xi Jinping</h1>" in page.text and stories[0]["id"] in page.text and "great powers" in page.text


def test_odd_parameters_still_give_the_page(client, stories):
    assert client.get("/articles/4de1dd5af151b6428111?start=abc&end=-1").status_code == 200
    assert client.get(f"/stories/{stories[0]['id']}?status=bogus").status_code == 200
    assert client.get("/search?q=" + "x" * 5000 + "&mode=nonsense").status_code == 200


def test_unknown_ids_are_404_pages(client):
    for url in ("/stories/snothing", "/articles/0000", "/entities/person:nobody%20at%20all"):
        page = client.get(url)
        assert page.status_code == 404 and "Not found" in page.text, url


def test_text_search_finds_the_story_and_marks_the_hits(client, stories):
    page = client.get("/search?q=Samarkand").text
    assert "<mark>Samarkand</mark>" in page.replace("<mark>SAMARKAND</mark>", "<mark>Samarkand</mark>")
    assert f'href="/stories/{stories[0]["id"]}"' in page


def test_semantic_search_without_a_model_gives_text_results_and_says_so(client, monkeypatch):
    from newsfuse.serve import writes

    def no_model(app):
        raise newsfuse.ModelError("no static model cached", code="NF307")

    monkeypatch.setattr(writes, "static_model", no_model)
    page = client.get("/search?q=Samarkand&mode=semantic").text
    assert "these are text results" in page and "<mark>" in page


def test_hostile_articles_are_shown_as_text_everywhere(client, stories):
    hostile = stories[1]["id"]
    record = client.get(f"/stories/{hostile}").text
    article_id = re.search(r'href="/articles/(\w+)"', record).group(1)
    pages = [record, client.get(f"/articles/{article_id}").text, client.get("/").text,
             client.get("/search?q=harbour").text]
    pages += [client.get(href.replace("&amp;", "&")).text for href in re.findall(r'href="(/entities/[^"]+)"', record)]
    for page in pages:
        assert_inert(page)
        assert "<script>alert" not in page and "<img src=x" not in page and "<svg" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[1]
    assert JS_URL in pages[1] and f'href="{JS_URL}' not in pages[1]  # shown, not linked


def test_templates_and_stylesheet_need_nothing_inline_or_from_elsewhere():
    for path in (SERVE / "templates").glob("*.html"):
        text = path.read_text()
        assert "<script" not in text and "style=" not in text and not re.search(r"\son\w+=", text), path
        assert "http://" not in text and "https://" not in text, path
    assert "@import" not in (SERVE / "static" / "style.css").read_text()


# ---- markup.py ---------------------------------------------------------------------

def test_highlight_escapes_every_piece_and_nests_overlapping_spans():
    text = 'Xi said "<b>hi</b>" on Monday.\nNext & last.'
    marks = [Mark(0, 2, "ent", key="person:xi"), Mark(8, 19, "quote", title='Quote: "Xi"'),
             Mark(12, 30, "timex", title="2024-01-01"), Mark(500, 600, "ent")]  # overlapping, out of range
    html = str(highlight(text, marks, anchors={0, 31}, cited=(3, 7)))
    assert "<b>" not in html and "&lt;b&gt;" in html and "Next &amp; last." in html
    assert html.startswith('<p><span class="anchor" id="s-0"></span><a class="ent" href="/entities/person:xi">Xi</a>')
    assert '<mark class="cited">said</mark>' in html and '</p>\n<p><span class="anchor" id="s-31"></span>' in html
    assert 'title="Quote: &#34;Xi&#34;"' in html
    # the overlap of the quote and the time expression is cut into pieces that each nest properly
    assert re.search(r'<span class="quote"[^>]*><span class="timex" title="2024-01-01">hi&lt;/b&gt;&#34;</span></span>', html)
    Tags(html)  # well-formed enough to parse


def test_only_http_urls_are_links():
    assert safe_url("https://example.com/a?b=1") == "https://example.com/a?b=1"
    for bad in (JS_URL, " JavaScript:alert(1)", "java\tscript:alert(1)", "data:text/html,x", "/etc/passwd",
                "http://[::1", "https:/nohost", None, *PAYLOADS):
        assert safe_url(bad) is None, bad


def with_conflict_copy_and_merge(record: dict) -> dict:
    """The seed record with what the example lacks: a conflicting claim (two
    values of one slot), the second article a copy of the first, a merge."""
    first, second = record["articles"][:2]
    side = {"article": first["id"], "outlet": "Wire", "start": 0, "end": 20, "text": "Two leaders met.",
            "published": "2022-09-15", "speaker": None}
    conflict = {"status": "conflicting", "attributed": False, "independent_sources": 2, "outlets": ["A", "B"],
                "collapsed": {}, "speakers": [], "evidence": [side], "slot": "dead",
                "values": [{**side, "value": "3"}, {**side, "article": second["id"], "value": "5 <b>"}]}
    articles = [first, {**second, "near_dup_of": first["id"]}]
    from newsfuse.story_record import disputes

    claims = [conflict, *record["claims"]]
    return {**record, "claims": claims, "disputes": disputes(claims), "articles": articles,
            "claim_counts": {**record["claim_counts"], "conflicting": 1},
            "merge_history": [{"from": "sgone", "into": record["id"], "at": "2024-01-02T03:04:05", "reason": "bridge"}]}


def test_a_conflict_shows_both_sides_a_copy_names_its_original_and_merges_are_listed(client, stories, monkeypatch):
    real = newsfuse.get_story
    monkeypatch.setattr(newsfuse, "get_story", lambda store, sid, **kw: with_conflict_copy_and_merge(real(store, sid, **kw)))
    page = client.get(f"/stories/{stories[0]['id']}?status=conflicting").text
    sides = page.split('<div class="sides">')[1].split("</td>")[0]
    assert sides.count('<div class="side">') == 2 and "<strong>3</strong>" in sides and "<strong>5 &lt;b&gt;</strong>" in sides
    disputed = page.split('<div class="disputes">')[1].split("</div>")[0]  # each disputed slot once, above the table
    assert "<strong>dead</strong>" in disputed and "<strong>5 &lt;b&gt;</strong>" in disputed and "[2]" in disputed
    sources = page.split('id="sources"')[1]
    assert '<span class="copy">copy of [1]</span>' in sources
    assert "<code>sgone</code> merged into" in page
