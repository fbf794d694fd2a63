"""The defining example: the two Samarkand reports make one story."""

import re
import shutil

import pytest
from conftest import EXAMPLES

from newsfuse import Store, get_story, ingest, iter_raw_items, list_stories

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seed_story(tmp_path_factory, minilm):
    path = tmp_path_factory.mktemp("seeds") / "n.db"
    with Store(path) as store:
        report = ingest(iter_raw_items([EXAMPLES]), store, embedder=minilm)
        assert report.ingested == 2 and not report.skipped
        stories = list_stories(store)
        return stories, get_story(store, stories[0]["id"], with_text=True)


def test_one_story_holds_both_seed_articles(seed_story):
    stories, story = seed_story
    assert len(stories) == 1
    assert story["n_articles"] == 2 and story["n_sources"] == 2
    assert {a["origin"].rsplit("/", 1)[-1] for a in story["articles"]} == {"samarkand_a.txt", "samarkand_b.txt"}
    assert story["title"] == "Putin, Xi meet for high-stakes talks in challenge to West"
    assert story["first_seen"] == story["last_seen"] == "2022-09-15"


def test_seed_b_is_clean_and_whole(seed_story):
    _, story = seed_story
    b = next(a for a in story["articles"] if a["origin"].endswith("samarkand_b.txt"))
    for chrome in ("Sunday 24th of September 2023", "Last Update", "Latest News", "Most Read Articles"):
        assert chrome not in b["text"]
    assert b["text"].startswith("SAMARKAND, Uzbekistan — Chinese President Xi Jinping told his Russian counterpart")
    assert b["text"].endswith("calling US House Speaker Nancy Pelosi’s visit to the island this summer a “clear provocation”.")
    assert (b["published"], b["published_from"]) == ("2022-09-15", "metadata")


def test_without_metadata_the_chrome_date_is_not_the_publication_date(tmp_path, bow):
    shutil.copy(EXAMPLES / "samarkand_b.txt", tmp_path / "b.txt")
    with Store(tmp_path / "n.db") as store:
        report = ingest(iter_raw_items([tmp_path]), store, embedder=bow)
        article = store.article(report.article_ids[0])
    assert article["published"] is None and article["published_from"] is None
    assert article["title"] == "Putin, Xi meet for high-stakes talks in challenge to West"


# -- what the analysis reads in the seeds, as `newsfuse story` shows it -------


def test_the_story_happened_in_samarkand_on_2022_09_15(seed_story):
    analysis = seed_story[1]["analysis"]
    assert analysis["analysed_articles"] == 2
    assert analysis["where"]["name"] == "Samarkand, Uzbekistan"
    assert analysis["where"]["country"] == "UZ"
    assert analysis["when"]["date"] == "2022-09-15"
    assert "Thursday" in {e["text"] for e in analysis["when"]["evidence"]}


def test_the_story_knows_its_actors_under_all_their_names(seed_story):
    who = {e["name"]: e for e in seed_story[1]["analysis"]["who"]}
    for name, alias in (("Xi Jinping", "Xi"), ("Vladimir Putin", "Putin"), ("Yuri Ushakov", "Ushakov"),
                        ("Narendra Modi", "Modi"), ("Shanghai Cooperation Organisation", "SCO")):
        assert alias in who[name]["aliases"], name
    assert not {"Xi", "Putin", "SCO", "Modi"} & set(who)
    places = {p["key"]: p for p in seed_story[1]["analysis"]["places"]}
    assert places["country:UZ"]["name"] == "Uzbekistan" and places["city:1216265"]["name"] == "Samarkand"


def test_the_xi_putin_meeting_is_a_consult_event_in_samarkand_on_the_day(seed_story):
    events = seed_story[1]["analysis"]["events"]
    meeting = [e for e in events if e["type"] == "CONSULT"
               and {"Xi Jinping", "Vladimir Putin"} <= set(e["sources"]) | set(e["targets"])]
    assert meeting, events
    assert any(e["date"] == "2022-09-15" and e["place"] == "Samarkand, Uzbekistan" for e in meeting)


def test_putins_announced_meetings_are_events(seed_story):
    events = seed_story[1]["analysis"]["events"]
    for other in ("Narendra Modi", "Ebrahim Raisi", "Shehbaz Sharif", "Recep Tayyip Erdogan"):
        assert any(e["type"] == "CONSULT" and {"Vladimir Putin", other} <= set(e["sources"]) | set(e["targets"])
                   for e in events), other


def test_the_quotes_are_grouped_under_their_speakers(seed_story):
    quotes = {q["speaker"]: q["quotes"] for q in seed_story[1]["analysis"]["quotes"]}
    # "Putin's foreign policy aide Yuri Ushakov told reporters": Ushakov speaks, not Putin
    assert any("bilateral agenda" in q["content"] for q in quotes["Yuri Ushakov"])
    assert not any("bilateral agenda" in q["content"] for q in quotes.get("Vladimir Putin", []))
    expected = {"Xi Jinping": "great powers", "Yuri Ushakov": "just world order",
                "Alexander Korolev": "business as usual", "Narendra Modi": "exchanging views",
                "Shakhboz Kombarov": "legendary city"}
    for speaker, phrase in expected.items():
        assert any(phrase in q["content"] for q in quotes.get(speaker, [])), (speaker, list(quotes))


def test_the_stored_record_holds_claims_with_corroboration_and_no_conflict(seed_story):
    facts = seed_story[1]["claims"]
    assert facts and not [f for f in facts if f["status"] == "conflicting"]
    memorandum = next(f for f in facts if any("memorandum" in e["text"] for e in f["evidence"]))
    assert memorandum["status"] == "single-source"
    assert all(e["text"] and e["end"] > e["start"] for f in facts for e in f["evidence"])


@pytest.mark.xfail(strict=True, reason=(
    "known miss since facts are linked by two-way cover (issue 12): 'they declared a \u201cno limits\u201d "
    "partnership' (a sentence that also dates the last meeting) scores 0.935 against AFP's 'Formerly Cold War "
    "allies ... no-limits' (link at 0.98): the two share the phrase but few other words, and the sentence's "
    "other fact (the last meeting) is its best link both ways"))
def test_the_no_limits_partnership_is_corroborated(seed_story):
    facts = seed_story[1]["claims"]
    no_limits = [f for f in facts if all("no limits" in e["text"].replace("-", " ") for e in f["evidence"])]
    assert no_limits and no_limits[0]["status"] == "corroborated" and no_limits[0]["independent_sources"] == 2


def test_every_summary_sentence_comes_from_an_article_and_cites_every_outlet_stating_it(seed_story):
    story = seed_story[1]
    texts = {a["id"]: a["text"] for a in story["articles"]}
    summary = story["summary"]
    assert len(summary) >= 5
    for sentence in summary:
        assert texts[sentence["article"]][sentence["start"]:sentence["end"]] == sentence["text"]
        cited = {c["article"] for c in sentence["citations"]}
        assert sentence["article"] in cited and len(cited) >= sentence["independent_sources"]
        assert all(texts[c["article"]][c["start"]:c["end"]] for c in sentence["citations"])
    assert len({s["text"] for s in summary}) == len(summary)
    # most corroborated first: both outlets' facts lead, single-source ones follow
    sources = [s["independent_sources"] for s in summary]
    assert sources == sorted(sources, reverse=True) and sources[0] == 2


def test_no_summary_sentence_cites_an_outlet_for_words_it_does_not_quote(seed_story):
    """Issue 12: "Xi told Putin ... as 'great powers'" was cited to both
    outlets, but only AFP quotes "great powers"; the other reports the
    meeting. A sentence all its outlets can be cited for stands for the
    meeting instead, and no citation vouches for quoted words it lacks."""
    story = seed_story[1]
    texts = {a["id"]: a["text"] for a in story["articles"]}
    for sentence in story["summary"]:
        for quoted in re.findall(r"[“\"]([^“”\"]+)[”\"]", sentence["text"]):
            for c in sentence["citations"]:
                assert quoted.lower() in texts[c["article"]][c["start"]:c["end"]].lower(), (quoted, c)
    first = story["summary"][0]
    assert "great powers" not in first["text"] and "Thursday" in first["text"]
    assert len({c["article"] for c in first["citations"]}) == 2


def test_the_timeline_gives_dates_the_articles_state_in_order(seed_story):
    timeline = seed_story[1]["timeline"]
    dates = [t["date"] for t in timeline]
    assert dates == sorted(dates) and "2022-09-15" in dates
    meeting = [t for t in timeline if t["date"] == "2022-09-15"]
    assert any("Thursday" in t["written"] for t in meeting)
    # "met ... just weeks before Russia invaded Ukraine on Feb. 24": the invasion's date, not the meeting's
    assert not [t for t in timeline if t["date"] == "2022-02-24"]
    assert any(t["date"].startswith("2022-02") for t in timeline)  # the February meeting, months before


# -- read as a journalist would (issue 12: events once, who, outlets, headlines) --


def _article(story, name):
    return next(a for a in story["articles"] if a["origin"].endswith(name))


def test_the_xi_putin_meeting_is_one_event_with_both_outlets_as_evidence(seed_story):
    story = seed_story[1]
    events = story["analysis"]["events"]
    meetings = [e for e in events if e["type"] == "CONSULT" and not e["background"]
                and set(e["sources"]) | set(e["targets"]) == {"Xi Jinping", "Vladimir Putin"}]
    assert len(meetings) == 1, meetings
    (meeting,) = meetings
    assert (meeting["date"], meeting["place"]) == ("2022-09-15", "Samarkand, Uzbekistan")
    assert {e["article"] for e in meeting["evidence"]} == {a["id"] for a in story["articles"]}
    assert events[0] is meeting  # the most reported event comes first


def test_reporting_acts_are_not_events(seed_story):
    events = seed_story[1]["analysis"]["events"]
    actors = {name for e in events for name in e["sources"] + e["targets"]}
    assert not actors & {"AFP", "Residents", "AFP journalists"}
    evidence = " ".join(ev["text"] for e in events for ev in e["evidence"])
    assert "AFP journalists visited" not in evidence and "Residents told AFP" not in evidence


def test_the_last_meeting_before_the_invasion_is_background_with_its_own_date(seed_story):
    events = seed_story[1]["analysis"]["events"]
    recalled = [e for e in events if "The last time Xi and Putin met" in " ".join(v["text"] for v in e["evidence"])]
    assert recalled and all(e["background"] for e in recalled)
    assert all(e["date"].startswith("2022-02") for e in recalled)
    news = [e for e in events if not e["background"] and e["date"] and len(e["date"]) == 10]
    assert news and all(e["date"] >= "2022-09-08" for e in news)  # nothing months old passes for news


def test_who_is_people_and_organisations_with_xi_and_putin_first(seed_story):
    who = [e["name"] for e in seed_story[1]["analysis"]["who"]]
    assert set(who[:2]) == {"Xi Jinping", "Vladimir Putin"}
    assert not {"Communist", "Central Asian", "Chinese", "Russian", "AFP"} & set(who)
    assert all(e["type"] in ("person", "org") for e in seed_story[1]["analysis"]["who"])


def test_the_outlet_comes_from_the_credit_in_the_text_and_unknown_only_when_nothing_tells(seed_story):
    story = seed_story[1]
    # samarkand_b: "AFP journalists visited" credits its own reporters; "Residents told AFP" alone would not
    assert _article(story, "samarkand_b.txt")["source"] == "AFP"
    # samarkand_a: no metadata, no URL, no credit line anywhere in its text
    assert _article(story, "samarkand_a.txt")["source"] is None


def test_the_article_without_a_headline_shows_one_from_its_lead_marked_derived(seed_story):
    story = seed_story[1]
    a, b = _article(story, "samarkand_a.txt"), _article(story, "samarkand_b.txt")
    assert a["title_derived"] is True and not b["title_derived"]
    assert a["title"].startswith("Chinese leader Xi Jinping and Russian President Vladimir Putin meet")
    assert len(a["title"]) <= 90
    assert story["title_derived"] is False
