"""The HTTP API of `newsfuse serve`, through FastAPI's TestClient, on databases
built once per module: the bundled example (with analysis) plus a few short
unrelated articles (without), and a slice of news_cluster."""

import json
import os
import shutil
import sqlite3
from dataclasses import replace
from itertools import groupby
from urllib.parse import quote

import pytest
from conftest import EXAMPLES, BagOfWordsEmbedder, shared_file
from fastapi.testclient import TestClient

from newsfuse import Options, RawItem, Store, get_story, ingest, iter_raw_items, list_stories
from newsfuse.serve.app import CSP, create_app

TOKEN = "s3cret-token"
OTHER_TOPICS = {
    "tides.txt": "Harbour engineers in Porto measured record spring tides this week along the Douro estuary. "
                 "The tide gauges recorded water levels forty centimetres above the usual mark, and fishermen "
                 "moved their boats inland while the municipal port authority closed two quays for repairs.",
    "bees.txt": "Beekeepers across Andalusia report that orange blossom honey yields fell sharply after a dry "
                "winter. Hives produced roughly half the usual harvest, cooperatives raised prices, and "
                "agronomists urged growers to plant wildflower strips between the citrus rows next season.",
    "chess.txt": "A teenage grandmaster from Chennai won the rapid chess open in Reykjavik on Sunday after a "
                 "tense final round. She defeated the defending champion with the black pieces in a long rook "
                 "endgame, finishing a full point ahead of the field of ninety players from thirty countries.",
}


def _other_items():
    return [RawItem(name, "text", text, {"source": f"{name[:-4]}.example", "published": "2024-05-0" + str(i)})
            for i, (name, text) in enumerate(OTHER_TOPICS.items(), start=1)]


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    """The Samarkand story (analysed, with its record), three one-article
    stories (not analysed), one of them merged into the Samarkand story."""
    db = tmp_path_factory.mktemp("serve") / "seed.db"
    bow = BagOfWordsEmbedder()
    with Store(db) as store:
        ingest(iter_raw_items([EXAMPLES]), store, embedder=bow)
        ingest(_other_items(), store, embedder=bow, options=replace(Options(), analyze=False))
        samarkand = max(list_stories(store), key=lambda r: r["n_articles"])["id"]
        chess = store.story_of_article(_article_id(store, "chess"))
        with store.transaction():
            store.record_merge(chess, samarkand, "test: merged by hand")
    return {"db": db, "samarkand": samarkand, "merged": chess}


def _article_id(store, word):
    return store.db.execute("SELECT id FROM articles WHERE text LIKE ?", (f"%{word}%",)).fetchone()[0]


@pytest.fixture(scope="module")
def client(seed):
    return TestClient(create_app(seed["db"], token=TOKEN))


@pytest.fixture(scope="module")
def writer(seed, tmp_path_factory):
    """An app over a copy of the seed database that takes writes (with the test embedder: no MiniLM)."""
    db = tmp_path_factory.mktemp("write") / "write.db"
    shutil.copy(seed["db"], db)
    app = create_app(db, token=TOKEN)
    bow = BagOfWordsEmbedder()
    app.state.embedders = (bow, bow)
    return TestClient(app)


def error_of(response, status, code=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "hint"}
    assert body["error"]["code"].startswith("NF") and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


# -- stories ------------------------------------------------------------------

def test_stories_list_and_page_with_a_cursor(client):
    everything = client.get("/api/stories", params={"limit": 100}).json()
    assert everything["next_cursor"] is None and len(everything["items"]) == 3  # the merged one is gone
    seen, cursor = [], None
    for _ in range(5):
        page = client.get("/api/stories", params={"limit": 1, "sort": "largest", **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200
        seen += [item["id"] for item in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(i["id"] for i in everything["items"]) and len(seen) == 3
    largest = client.get("/api/stories", params={"sort": "largest", "limit": 1}).json()["items"][0]
    assert largest["n_articles"] == 3 and {"place", "entities", "claim_counts", "record_state"} <= set(largest)


def test_stories_filters(client, seed):
    by_text = client.get("/api/stories", params={"q": "honey"}).json()["items"]
    assert len(by_text) == 1 and by_text[0]["id"] != seed["samarkand"]
    samarkand = client.get(f"/api/stories/{seed['samarkand']}").json()
    assert samarkand["analysis"]["where"]["name"].startswith("Samarkand")
    person = samarkand["analysis"]["who"][0]["key"]
    assert [s["id"] for s in client.get("/api/stories", params={"entity": person}).json()["items"]] == \
        [seed["samarkand"]]
    place = samarkand["analysis"]["where"]["key"]
    assert [s["id"] for s in client.get("/api/stories", params={"place": place}).json()["items"]] == [seed["samarkand"]]
    dated = client.get("/api/stories", params={"from": "2024-05-02", "to": "2024-05-02"}).json()["items"]
    assert len(dated) == 1 and "honey" in client.get(f"/api/stories/{dated[0]['id']}").json()["articles"][0]["excerpt"]


def test_bad_parameters_are_422_in_the_error_shape(client):
    error = error_of(client.get("/api/stories", params={"sort": "random"}), 422, "NF401")
    assert "sort" in error["message"]
    error_of(client.get("/api/stories", params={"limit": 0}), 422, "NF401")
    error_of(client.get("/api/stories", params={"from": "last tuesday"}), 422, "NF401")
    error_of(client.get("/api/search", params={"q": "x", "mode": "magic"}), 422, "NF401")
    error_of(client.get("/api/stories", params={"cursor": "not-a-cursor"}), 400)  # the library's ConfigError


def test_a_story_as_json_markdown_and_html(client, seed):
    record = client.get(f"/api/stories/{seed['samarkand']}")
    assert record.status_code == 200 and record.headers["content-type"] == "application/json"
    body = record.json()
    assert body["id"] == body["requested_id"] == seed["samarkand"] and body["n_articles"] == 3
    assert body["record_state"] in ("current", "stale") and body["merge_history"][0]["from"] == seed["merged"]
    md = client.get(f"/api/stories/{seed['samarkand']}", params={"format": "md"})
    assert md.headers["content-type"].startswith("text/markdown") and md.text.startswith("# ")
    html = client.get(f"/api/stories/{seed['samarkand']}", params={"format": "html"})
    assert html.headers["content-type"].startswith("text/html") and "<html" in html.text
    assert "script-src" not in html.headers["content-security-policy"]  # its own: style only, nothing runs
    assert "default-src 'none'" in html.headers["content-security-policy"]


def test_a_merged_id_redirects_to_the_surviving_story_and_a_prefix_works(client, seed):
    merged = client.get(f"/api/stories/{seed['merged']}", params={"format": "md"}, follow_redirects=False)
    assert merged.status_code == 308
    assert merged.headers["location"] == f"/api/stories/{seed['samarkand']}?format=md"
    assert client.get(f"/api/stories/{seed['merged']}").json()["id"] == seed["samarkand"]  # followed
    prefix = client.get(f"/api/stories/{seed['samarkand'][:7]}", follow_redirects=False)
    assert prefix.status_code == 307 and prefix.headers["location"] == f"/api/stories/{seed['samarkand']}"
    error_of(client.get("/api/stories/s0000nothing"), 404, "NF210")


# -- articles, entities, search, timeline ---------------------------------------

def test_an_article_with_its_analysis_spans(client, seed):
    record = client.get(f"/api/stories/{seed['samarkand']}").json()
    article_id = record["articles"][0]["id"]
    article = client.get(f"/api/articles/{article_id}").json()
    assert article["id"] == article_id and article["story_id"] == seed["samarkand"]
    text = article["text"]
    start, end = article["sentences"][0]
    assert text[start:end].strip()
    mentions = article["analysis"]["mentions"]
    assert mentions and all(text[m["start"]:m["end"]] for m in mentions)
    error_of(client.get("/api/articles/nothing-here"), 404)


def test_entities_list_and_one_entity_with_a_key_of_colons_and_spaces(client):
    listed = client.get("/api/entities", params={"q": "Putin"}).json()
    assert listed and "Putin" in listed[0]["name"]
    key = listed[0]["key"]
    assert ":" in key or " " in key
    entity = client.get(f"/api/entities/{quote(key, safe='')}")
    assert entity.status_code == 200 and entity.json()["key"] == key and entity.json()["stories"]
    error_of(client.get(f"/api/entities/{quote('person:Nobody At All')}"), 404)


def test_text_search_gives_plain_snippet_parts(client, seed):
    hits = client.get("/api/search", params={"q": "Samarkand"}).json()
    assert hits and hits[0]["story_id"] == seed["samarkand"]
    assert any(part["hit"] for part in hits[0]["snippet"])
    assert client.get("/api/search", params={"q": "zzyzx"}).json() == []
    error_of(client.get("/api/search"), 422, "NF401")  # q is required


def test_semantic_search_without_the_model_cache_is_503_with_a_hint(seed, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSFUSE_CACHE", str(tmp_path / "no-cache-here"))
    fresh = TestClient(create_app(seed["db"]))
    error = error_of(fresh.get("/api/search", params={"q": "summit", "mode": "semantic"}), 503, "NF307")
    assert "ingest" in error["hint"]
    assert not (tmp_path / "no-cache-here").exists()  # nothing distilled, nothing written


@pytest.mark.slow
def test_semantic_and_hybrid_search_with_the_static_model(tmp_path, static):
    db = tmp_path / "static.db"
    with Store(db) as store:  # bodies encoded by the static model, as an ingest does by default (headlines too)
        ingest([*iter_raw_items([EXAMPLES]), *_other_items()], store, embedder=static,
               body_embedder=static, options=replace(Options(), analyze=False))
        samarkand = max(list_stories(store), key=lambda r: r["n_articles"])["id"]
    app = create_app(db)
    client = TestClient(app)
    for mode in ("semantic", "hybrid"):
        hits = client.get("/api/search", params={"q": "the presidents of China and Russia held talks", "mode": mode})
        assert hits.status_code == 200, hits.text
        assert hits.json()[0]["story_id"] == samarkand
    assert app.state.static is not None and app.state.embedders is None  # loaded once, for queries only


def test_timeline_in_date_order(client, seed):
    items = client.get("/api/timeline").json()
    dates = [i["date"] for i in items if i["date"]]
    assert items and dates == sorted(dates)
    assert all(i["story_id"] == seed["samarkand"] for i in client.get("/api/timeline", params={"place": "Samarkand"}).json())


# -- writes ---------------------------------------------------------------------

def test_writes_need_the_token(writer, seed):
    one = {"text": OTHER_TOPICS["bees.txt"]}
    error_of(writer.post("/api/articles", json=one), 401, "NF601")
    error_of(writer.post("/api/articles", json=one, headers={"Authorization": "Bearer wrong"}), 401, "NF601")
    error_of(writer.post("/api/articles", json=one, headers={"Authorization": TOKEN}), 401, "NF601")
    read_only = TestClient(create_app(seed["db"]))  # no token configured: writes are off
    error_of(read_only.post("/api/articles", json=one, headers={"Authorization": f"Bearer {TOKEN}"}), 403, "NF602")


def test_too_large_a_body_is_413_before_it_is_read(writer):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    limit = Options().max_file_bytes
    error_of(writer.post("/api/articles", content=b"x", headers={**auth, "Content-Length": str(limit + 1)}), 413,
             "NF130")

    def stream():  # no Content-Length: counted as it arrives
        for _ in range(limit // (1 << 20) + 2):
            yield b" " * (1 << 20)
    error_of(writer.post("/api/articles", content=stream(), headers=auth), 413, "NF130")


def test_items_are_ingested_or_reported_one_by_one(writer, seed):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    _, b = sorted(EXAMPLES.glob("*.txt"))[:2]
    reprint = b.read_text(encoding="utf-8") + "\nThe leaders are expected to meet again at the next summit."
    items = [{"text": reprint, "title": "Reprint", "source": "reprint.example", "published": "2022-09-16"},
             {"title": "no body"},
             {"text": "too short"},
             {"text": OTHER_TOPICS["bees.txt"]},  # already stored: a duplicate
             "not an object",
             {"text": reprint}]  # the same text again in this request
    response = writer.post("/api/articles", json=items, headers=auth)
    assert response.status_code == 200, response.text
    result = response.json()
    outcomes = [(o["index"], o["outcome"], o["code"]) for o in result["items"]]
    assert outcomes == [(0, "ingested", None), (1, "skipped", "NF108"), (2, "skipped", "NF110"),
                        (3, "duplicate", None), (4, "skipped", "NF107"), (5, "duplicate", None)]
    assert result["items"][0]["story_id"] == seed["samarkand"] and result["stories"] == [seed["samarkand"]]
    assert (result["ingested"], result["duplicates"], result["skipped"]) == (1, 2, 3)
    assert all(o["reason"] for o in result["items"] if o["outcome"] == "skipped")
    story = writer.get(f"/api/stories/{seed['samarkand']}").json()
    assert result["items"][0]["article_id"] in [a["id"] for a in story["articles"]]
    error_of(writer.post("/api/articles", content=b"{not json", headers=auth), 400, "NF107")
    error_of(writer.post("/api/articles", json=[], headers=auth), 400, "NF108")


# -- the whole app ----------------------------------------------------------------

def test_every_response_has_the_security_headers(client, seed):
    for url in ("/healthz", "/api/stories", f"/api/stories/{seed['samarkand']}", "/api/nowhere", "/openapi.json",
                "/api/stories?limit=0"):
        headers = client.get(url).headers
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] in ("no-referrer", "same-origin")
        assert headers["content-security-policy"] in (CSP,) or url.endswith("html")
        assert "access-control-allow-origin" not in headers  # no CORS
    assert "unsafe-inline" not in CSP


def test_unknown_urls_and_a_missing_database_answer_in_the_error_shape(client, tmp_path):
    error_of(client.get("/api/nowhere"), 404, "NF604")
    error_of(client.delete("/api/stories"), 405, "NF605")
    missing = TestClient(create_app(tmp_path / "missing.db"))
    error_of(missing.get("/healthz"), 503, "NF202")
    error_of(missing.get("/api/stories"), 503, "NF202")
    assert not (tmp_path / "missing.db").exists()


def test_an_unexpected_error_is_500_in_the_error_shape_with_the_headers(seed, monkeypatch):
    import newsfuse

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")
    monkeypatch.setattr(newsfuse, "find_stories", broken)
    response = TestClient(create_app(seed["db"]), raise_server_exceptions=False).get("/api/stories")
    assert error_of(response, 500, "NF000")["message"] == "unexpected error: RuntimeError"  # no details leak
    assert response.headers["content-security-policy"] == CSP


def test_health(client):
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["articles"] == 5 and health["stories"] == 3
    assert health["schema_version"] >= 7 and health["writes"] is True


def test_gets_never_write(seed):
    db = seed["db"]
    before = _fingerprint(db)
    client = TestClient(create_app(db, token=TOKEN))
    urls = ["/healthz", "/api/stories", f"/api/stories/{seed['samarkand']}", f"/api/stories/{seed['merged']}",
            f"/api/stories/{seed['samarkand']}?format=html", "/api/entities", "/api/search?q=summit",
            "/api/timeline", "/openapi.json"]
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert _fingerprint(db) == before


def _fingerprint(db):
    files = [db, db.with_name(db.name + "-wal")]
    stat = [(os.stat(f).st_size, os.stat(f).st_mtime_ns) if f.exists() else None for f in files]
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        counts = [conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("articles", "stories", "ingest_runs", "story_merges")]
    return stat, version, counts


def test_the_openapi_document_lists_every_route(client):
    document = json.loads(client.get("/openapi.json").text)
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) >= {"/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}",
                                      "/api/articles", "/api/entities", "/api/entities/{key}", "/api/search",
                                      "/api/timeline", "/healthz"}
    assert "post" in document["paths"]["/api/articles"]
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<script" not in page.text and "GET /api/stories/{story_id}" in page.text  # works offline, under the CSP


# -- a slice of news_cluster ------------------------------------------------------

def test_a_news_cluster_slice_pages_and_filters(tmp_path):
    lines = shared_file("data", "stories", "news_cluster.jsonl").read_text(encoding="utf-8").splitlines()
    records = sorted((json.loads(line) for line in lines), key=lambda r: r["event_id"])
    chosen = [r for _, group in groupby(records, key=lambda r: r["event_id"]) for r in list(group)[:3]][:12]
    from newsfuse import jsonl_record

    db = tmp_path / "nc.db"
    with Store(db) as store:
        ingest([jsonl_record(f"nc:{i}", json.dumps(r).encode()) for i, r in enumerate(chosen)], store,
               embedder=BagOfWordsEmbedder())
    client = TestClient(create_app(db))
    everything = client.get("/api/stories", params={"limit": 100}).json()["items"]
    assert len(everything) >= 3
    seen, cursor = [], None
    while True:
        page = client.get("/api/stories", params={"limit": 2, "sort": "outlets", **({"cursor": cursor} if cursor else {})}).json()
        seen += [s["id"] for s in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(s["id"] for s in everything)
    latest = [s["last_seen"] for s in client.get("/api/stories", params={"limit": 100}).json()["items"]]
    assert latest == sorted(latest, reverse=True)
    with Store(db, readonly=True) as store:
        first = get_story(store, everything[0]["id"])
    assert client.get(f"/api/stories/{first['id']}").json()["n_articles"] == first["n_articles"]
    assert client.get("/api/search", params={"q": chosen[0]["title"].split()[0]}).status_code == 200
