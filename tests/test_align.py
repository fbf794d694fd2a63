"""Claims and their alignment across outlets: the seed story as a user checks
it, synthetic conflicts, updates, syndicated copies and attribution, and the
scores against the hand-written seed gold (tests/data/seed_claims_gold.json)."""

from pathlib import Path

import pytest
from conftest import EXAMPLES, shared_file

from newsfuse.align import align_claims, article_claims, extract_claims
from newsfuse.analyze.article import analyze_articles
from newsfuse.clean import content_id, split_sentences
from newsfuse.config import Options
from newsfuse.eval.claims import load_gold, score_story
from newsfuse.ingest.article import to_article
from newsfuse.ingest.sources import iter_raw_items
from newsfuse.records import Article

GOLD = Path(__file__).parent / "data" / "seed_claims_gold.json"

pytestmark = pytest.mark.slow


def article(text: str, source: str | None, published: str | None = "2024-03-04") -> Article:
    return Article(content_id(text), text, "test", source=source, published=published,
                   sentences=split_sentences(text))


def aligned(articles: list[Article], static, copies: dict | None = None) -> list:
    """The facts of these articles, folded in the given order (``copies``: ingest's MinHash links)."""
    analyses = analyze_articles(articles)
    return align_claims([article_claims(a, an, static, copy_of=(copies or {}).get(a.id))
                         for a, an in zip(articles, analyses)])


@pytest.fixture(scope="module")
def seed_facts(static):
    articles = [to_article(item, Options()) for item in iter_raw_items([str(EXAMPLES)])]
    return aligned(sorted(articles, key=lambda a: a.published or ""), static)


def facts_saying(facts, *phrases):
    return [f for f in facts if any(all(p in c.span.text for p in phrases) for c in f.claims)]


def status_of(facts, *phrases) -> set[str]:
    return {f.status for f in facts_saying(facts, *phrases)}


@pytest.mark.parametrize("phrases", [
    pytest.param(("first trip outside China",), marks=pytest.mark.xfail(  # Xi's first trip abroad
        strict=True, reason="the AP lead ('... on Thursday ... during his first trip overseas') and 'On his first "
                            "trip outside China ... Xi arrived ... on Wednesday' score 3.3 log-odds, and the "
                            "hand-set DAY_PENALTY (4.5: days named by both, none agreeing) takes it below the link: "
                            "the lead states two facts and the day is the other one's (docs/MEASUREMENTS.md)")),
    ("a security bloc comprising Russia, China, India",),  # the SCO's membership
    # "The last time Xi and Putin met in person ..." / "Xi and Putin last met in
    # Beijing in early February ...": below the link with the weights fitted on
    # 11 stories (-0.2 log-odds), linked with those fitted on 14
    ("“no limits” partnership",),
    pytest.param(("bilateral meeting between Putin and Modi",), marks=pytest.mark.xfail(
        strict=True, reason="the static vectors score 'a bilateral meeting between Putin and Modi' against "
                            "'Putin will meet ... Indian premier Narendra Modi' at 0.60 (MiniLM 0.98): a known "
                            "cost of encoding every claim once with the static model (docs/MEASUREMENTS.md)")),
])
def test_seed_facts_both_outlets_report_are_corroborated(seed_facts, phrases):
    assert "corroborated" in status_of(seed_facts, *phrases)
    fact = next(f for f in facts_saying(seed_facts, *phrases) if f.status == "corroborated")
    assert fact.independent_sources == 2 and len({c.article_id for c in fact.claims}) == 2


@pytest.mark.parametrize("phrases", [
    ("signed a memorandum on joining the SCO",),
    ("80 large Russian companies",),
    ("Security was tight across the city",),
])
def test_seed_facts_one_outlet_reports_are_single_source(seed_facts, phrases):
    assert status_of(seed_facts, *phrases) == {"single-source"}


def test_seed_story_has_no_conflicts(seed_facts):
    assert not [f for f in seed_facts if f.status in ("conflicting", "updated")]


def test_seed_claims_keep_evidence_and_attribution(seed_facts):
    claims = [c for f in seed_facts for c in f.claims]
    # One seed credits AFP in its text ("AFP journalists"); the other names no outlet,
    # so its article stands for itself. A quoted speaker is never the outlet.
    outlets = {c.article_id: c.outlet for c in claims}
    assert sorted(o == a for a, o in outlets.items()) == [False, True] and "AFP" in outlets.values()
    for claim in claims:
        assert claim.span.text.strip() and claim.outlet == outlets[claim.article_id]
    companies = next(c for c in claims if "80 large Russian companies" in c.span.text)
    assert companies.attributed and companies.speaker == "Vladimir Putin"
    assert [q.value for q in companies.numbers] == [80] and companies.numbers[0].slot == "company"


def test_scores_on_seed_gold(static):
    scores = score_story(load_gold(GOLD), static, data=EXAMPLES.parent)
    # measured: pair P 0.67 R 0.36, status accuracy 0.79, no conflicts (in-sample: see align.py).
    # With the hand-set score: P 0.70 R 0.55, accuracy 0.85. The fitted pair
    # weights raised pair F1 on the 11 development stories, in-sample and
    # leave-one-story-out, and lost two of these 11 pairs, loose paraphrases
    # ("Xi and Putin last met in Beijing in early February" / "The last time
    # Xi and Putin met in person, just weeks before ..." scores -0.3, the
    # link 0). Before facts were split: P 0.75 R 0.64, accuracy 0.92; with
    # MiniLM over every window recall was 0.82 (docs/MEASUREMENTS.md).
    assert scores["pair_precision"] >= 0.6 and scores["pair_recall"] >= 0.3
    assert scores["status_accuracy"] >= 0.75 and scores["conflicting_predicted"] == 0


BLAST = "A bomb blast at a crowded market in Kabul killed {n} people on Monday, the interior ministry said."
OTHER = "The Taliban government said it would investigate the attack and punish those responsible for it."


def test_different_counts_on_the_same_day_conflict(static):
    a = article(BLAST.format(n=12) + " " + OTHER, "Outlet A")
    b = article(BLAST.format(n=15) + " Shops near the market were closed on Tuesday as police searched the area.",
                "Outlet B")
    fact = facts_saying(aligned([a, b], static), "killed")[0]
    assert fact.status == "conflicting" and fact.slot == "killed"
    assert sorted(v.value for v in fact.values) == ["12", "15"]
    assert {v.claim.article_id for v in fact.values} == {a.id, b.id}


def test_a_rising_toll_in_a_later_report_is_an_update(static):
    a = article(BLAST.format(n=12) + " " + OTHER, "Outlet A", "2024-03-04")
    b = article(BLAST.format(n=19) + " Hospitals in the city asked residents to donate blood for the wounded.",
                "Outlet B", "2024-03-05")
    fact = facts_saying(aligned([a, b], static), "killed")[0]
    assert fact.status == "updated"
    assert [v.value for v in fact.values] == ["12", "19"]  # earliest first


def test_syndicated_copies_count_once(static):
    wire = article(BLAST.format(n=12) + " " + OTHER, "Wire")
    copy = article(BLAST.format(n=12) + " " + OTHER + " More to follow.", "Local Paper")
    facts = aligned([wire, copy], static, {copy.id: wire.id})
    fact = facts_saying(facts, "killed")[0]
    assert fact.status == "single-source" and fact.independent_sources == 1
    assert fact.collapsed == {copy.id: wire.id}


def test_a_third_independent_outlet_corroborates_alongside_a_copy(static):
    wire = article(BLAST.format(n=12) + " " + OTHER, "Wire")
    copy = article(BLAST.format(n=12) + " " + OTHER + " More to follow.", "Local Paper")
    own = article("An explosion tore through a busy Kabul market on Monday, killing 12 people, officials said. "
                  "Witnesses described scenes of panic as ambulances rushed to the area.", "Other Outlet")
    facts = aligned([wire, copy, own], static, {copy.id: wire.id})
    fact = max(facts_saying(facts, "killed"), key=lambda f: len(f.claims))
    assert fact.status == "corroborated" and fact.independent_sources == 2
    assert fact.collapsed == {copy.id: wire.id}


def test_reported_speech_is_attributed_to_its_speaker():
    text = ("Kremlin aide Yuri Ushakov said the leaders would discuss Ukraine and Taiwan at the meeting. "
            "The two leaders last met in Beijing in February, weeks before the war began.")
    one = article(text, "Outlet A")
    said, stated = extract_claims(one, next(analyze_articles([one])))
    assert said.attributed and said.speaker == "Yuri Ushakov"
    assert not stated.attributed and stated.speaker is None


def test_a_claim_quoting_a_thing_has_no_speaker():
    """"According to a schedule" attributes the claim but names no one: the
    raw source words are not shown as a speaker."""
    text = ("According to a schedule released by the Kremlin, the two leaders will meet on Thursday afternoon. "
            "Kremlin aide Yuri Ushakov said the leaders would discuss Ukraine and Taiwan at the meeting.")
    one = article(text, "Outlet A")
    speakers = {claim.speaker for claim in extract_claims(one, next(analyze_articles([one])))}
    assert "Yuri Ushakov" in speakers
    assert not any(s and "schedule" in s for s in speakers)


SUMMIT = "The leaders of eight countries gathered in the city on Thursday for the two-day summit of the bloc. "


def test_two_peoples_own_words_are_two_facts(static):
    """Alike quotes by different speakers are not one fact; the same words
    quoted from the same speaker by two outlets are."""
    modi = '"At the summit, I look forward to exchanging views on regional and international issues," Modi said.'
    xi = '"We are willing to use this summit to exchange views on international and regional issues," Xi said.'
    a, b = article(SUMMIT + modi, "Outlet A"), article(SUMMIT + xi, "Outlet B")
    assert status_of(aligned([a, b], static), "exchang") == {"single-source"}
    c = article("Heads of state arrived for talks on trade and security across the region this week. "
                + modi.replace("Modi said", "Modi told reporters"), "Outlet C")
    assert status_of(aligned([a, c], static), "exchang") == {"corroborated"}


def test_a_toll_disputed_across_the_story_shows_on_every_fact_giving_it(static):
    """The third report's toll is in a sentence alignment may join to nothing
    else; it is still one side of the dispute."""
    a = article(BLAST.format(n=12) + " " + OTHER, "Outlet A")
    b = article(BLAST.format(n=15) + " Shops near the market were closed on Tuesday.", "Outlet B")
    c = article("Rescue workers searched the rubble through the night. At least 30 people died in the attack, "
                "a hospital official told reporters.", "Outlet C")
    facts = aligned([a, b, c], static)
    fact = facts_saying(facts, "killed")[0]
    assert fact.status == "conflicting" and fact.disputed
    assert {v.claim.article_id for v in fact.values} == {a.id, b.id, c.id}


def test_another_events_toll_is_no_side(static):
    a = article(BLAST.format(n=12) + " A blast at a Kabul mosque killed 300 people in 2017, officials said.",
                "Outlet A")
    b = article(BLAST.format(n=12) + " Shops near the market were closed on Tuesday.", "Outlet B")
    assert {f.status for f in aligned([a, b], static)} <= {"corroborated", "single-source"}


def test_disagreements_and_citations_on_the_development_gold(static):
    """Floors at the measured figures minus a margin (docs/MEASUREMENTS.md):
    ECB+ development stories and the news_cluster events, pooled."""
    from newsfuse.eval.claims import evaluate_claims

    gold = Path(__file__).parent / "data" / "claims_gold"
    files = [gold / f"ecbplus_{n}_ecbplus.json" for n in (3, 7, 8, 12, 20, 21)] + \
        [gold / f"news_cluster_event_{n}.json" for n in (2, 4, 5, 37)]
    data = shared_file("data", "stories", "news_cluster.jsonl").parents[1]
    scores = evaluate_claims(files, data=data, static=static)
    pooled = scores["pooled"]
    # measured P .831 R .628 once a headline and its lead may be one fact (.833 / .640 before), a dispute shows
    # in a fact half made of its sides (before: .855 / .616 with the weights
    # fitted on 14 stories, no headline a lead; on 11: .852 / .605, the same before the
    # slot feature; .806/.651 on ECB+ alone)
    assert pooled["disagreement_precision"] >= 0.8 and pooled["disagreement_recall"] >= 0.58
    assert pooled["citation_precision"] >= 0.95
    # no false disputes where the reports agree (event 37 had three in an earlier attempt)
    assert all(scores["stories"][f"news_cluster_event_{n}"]["disagreement_predicted"] == 0 for n in (4, 5, 37))


def test_the_written_story_with_times(static):
    """tests/data/written: a fictional three-outlet quake story with
    publication times, gold written with it (not real gold: reported apart).
    Measured: updated 2 of 2, disagreement P 0.86 R 1.0 (the magnitude fact
    also holds a sentence about the epicentre alignment joined to it)."""
    from newsfuse.eval.claims import evaluate_claims

    written = Path(__file__).parent / "data" / "written"
    scores = evaluate_claims([written / "valdora_quake_gold.json"], data=written.parent, static=static)
    story = scores["stories"]["valdora_quake_gold"]
    assert story["updated_recall"] == 1.0 and story["updated_precision"] == 1.0
    assert story["disagreement_recall"] == 1.0 and story["disagreement_precision"] >= 0.8
    assert story["citation_precision"] >= 0.95


def test_a_fact_restated_in_one_article_cites_that_article_once(static, monkeypatch):
    """With restatements on (align.RESTATE_COSINE; off as shipped), an
    article's lead and a later sentence of one fact are both in it: the
    second is ``restated``, not cited, and the outlets are counted once."""
    import newsfuse.align as align

    monkeypatch.setattr(align, "RESTATE_COSINE", 0.4)
    a = article(BLAST.format(n=12) + " Shops near the market were closed on Tuesday. "
                "The bomb that went off in the crowded market on Monday killed 12 people, police said.", "Outlet A")
    b = article(BLAST.format(n=12) + " " + OTHER, "Outlet B")
    facts = [f for f in aligned([a, b], static) if f.restated]
    for fact in facts:
        assert len({c.article_id for c in fact.claims}) == len(fact.claims)
        assert fact.independent_sources == len(fact.outlets) == 2 and fact.status == "corroborated"
        assert {c.article_id for c in fact.restated} <= {c.article_id for c in fact.claims}
    assert facts, "the restatement was not joined"


def test_disputes_grown_article_by_article_equal_those_of_a_restored_alignment(static):
    """A record restored from its saved facts and grown by one more article
    shows the same disputes as the alignment folded in one go."""
    from newsfuse.align import StoryAlignment

    texts = [(BLAST.format(n=12) + " " + OTHER, "Outlet A", "2024-03-04"),
             (BLAST.format(n=15) + " Shops near the market were closed on Tuesday.", "Outlet B", "2024-03-04"),
             ("Rescue workers searched the rubble. At least 30 people died in the attack, a doctor said.",
              "Outlet C", "2024-03-05")]
    articles = [article(*t) for t in texts]
    claims = [article_claims(a, an, static) for a, an in zip(articles, analyze_articles(articles))]
    whole = StoryAlignment()
    for one in claims:
        whole.add(one)
    first = StoryAlignment()
    for one in claims[:2]:
        first.add(one)
    saved = {f: {"members": first.member_keys(first.fact(f)), "score": fact.score, "pair": fact.pair}
             for f, fact in first.facts_by_id.items()}
    grown = StoryAlignment.restore(claims[:2], saved, first.copy_links)
    grown.add(claims[2])

    def shown(alignment):
        return [(f.status, f.slot, [(v.value, v.claim.key) for v in f.values], [c.key for c in f.claims])
                for f in alignment.facts()]
    assert shown(grown) == shown(whole)
    assert any(f.status == "conflicting" for f in whole.facts())
