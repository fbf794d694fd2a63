"""Claims at the level of facts: a sentence split into the facts it states
(coordinated clauses, appositions, relative clauses), each its own claim, and
facts corroborated only when the outlets state the same fact, not the same
topic. The floor on the ECB+ development gold is slow."""

from pathlib import Path

import pytest

from newsfuse.align import _story_keys, align_claims, article_claims, content_words
from newsfuse.analyze.article import analyze_articles
from newsfuse.analyze.clauses import find_clauses
from newsfuse.analyze.nlp import load_nlp
from newsfuse.claims import extract_claims
from newsfuse.clean import content_id, split_sentences
from newsfuse.records import Article

GOLD = Path(__file__).parent / "data" / "claims_gold"
DATA = Path(__file__).parent.parent.parent / "shared" / "data"


def parts(text: str) -> list[tuple[str, str]]:
    return [(c.kind, c.span.text) for c in find_clauses(load_nlp()(text))]


def article(text: str, source: str, published: str = "2024-03-04") -> Article:
    return Article(content_id(text), text, "test", source=source, published=published,
                   sentences=split_sentences(text))


def test_coordinated_clauses_with_their_own_subjects_are_two_facts():
    found = parts("The gunman killed one man, and police arrested him two hours later, officials said.")
    assert found == [("clause", "The gunman killed one man"), ("clause", "police arrested him two hours later")]


def test_an_attribution_frame_stays_with_what_it_attributes():
    assert parts("Police said the gunman fled the building through a back door.") == []


def test_an_appositive_age_is_a_fact_of_its_own():
    assert ("apposition", "Tara Reid, 33") in parts("Tara Reid, 33, checked into a rehab clinic in Malibu.")


def test_a_relative_clause_is_a_fact_of_its_own():
    assert ("relative", "Raj Chohan, who was 59") in parts("Raj Chohan, who was 59, died at the scene.")


def test_claims_carry_each_part_with_the_sentence_as_evidence():
    text = "Tara Reid, 33, checked into a rehab clinic in Malibu on Monday, her publicist said."
    item = article(text, "Example News")
    claims = extract_claims(item, next(analyze_articles([item])))
    age = [c for c in claims if c.kind == "apposition"]
    assert len(age) == 1 and age[0].fact.text == "Tara Reid, 33" and age[0].span.text == text
    assert [q.value for q in age[0].numbers] == [33] and age[0].part > 0
    assert len({c.key for c in claims}) == len(claims)  # parts of one sentence are told apart


def test_claims_keep_people_and_places_in_their_own_fields():
    item = article("Vladimir Putin met Xi Jinping in Samarkand on Thursday.", "Example News")
    (claim,) = extract_claims(item, next(analyze_articles([item])))
    assert claim.persons and all(p.startswith("person:") for p in claim.persons)
    assert not any(p.startswith("person:") for p in claim.places)


def test_content_words_drop_function_words_and_stem():
    assert content_words("Three bank workers were killed in the fire") == {"three", "bank", "worker", "kill", "fire"}


def test_a_person_is_one_key_with_or_without_first_names_and_suffix():
    """One outlet's "Comeaux" is another's "Arcade Joseph Comeaux Jr." (a
    one-word name was keyed "person:person:comeaux" before, and the full
    name "person:jr")."""
    assert _story_keys(["person:arcade joseph comeaux jr", "person:comeaux", "org:texas department"]) == \
        {"person:comeaux", "org:texas department"}


def _facts(static, *texts):
    items = [article(t, f"Outlet {n}") for n, t in enumerate(texts)]
    return align_claims([article_claims(a, an, static) for a, an in zip(items, analyze_articles(items))])


def test_same_topic_different_fact_is_not_corroborated(static):
    facts = _facts(static,
                   "A magnitude 5.9 earthquake struck Qeshm island in southern Iran on Sunday. "
                   "Officials said the quake destroyed several villages.",
                   "Rescue teams flew tents and blankets to Qeshm island in southern Iran on Monday. "
                   "The Red Crescent sent doctors to the island.")
    assert all(f.status == "single-source" for f in facts)


def test_one_fact_in_other_words_is_corroborated(static):
    facts = _facts(static,
                   "A magnitude 5.9 earthquake struck Qeshm island in southern Iran on Sunday, killing ten people.",
                   "Ten people were killed when an earthquake of magnitude 5.9 hit the Iranian island of Qeshm "
                   "on Sunday.")
    assert [f.status for f in facts if len(f.claims) > 1] == ["corroborated"]


def _ecbplus_scores(static, names: list[str]) -> dict:
    from newsfuse.eval.claims import evaluate_claims

    if not DATA.exists():
        pytest.skip("the shared benchmark data is not here")
    return evaluate_claims([GOLD / f"ecbplus_{n}.json" for n in names], data=DATA, static=static)


@pytest.mark.slow
def test_ecbplus_development_gold_floor(static):
    """Floors at the measured figures (docs/MEASUREMENTS.md, "Issue 12 claims,
    all of it together", "Pair weights fitted", "Headlines and date lines")
    minus a margin: the six ECB+ development stories, pair P .813 R .503,
    status accuracy .741, corroborated P .848 R .735 once a headline and its
    lead may be one fact (pair .814 / .476 before) and a dispute shows in a
    fact half made of its sides (status .739, corroborated P .840 before),
    with the weights fitted
    on 14 stories and no headline a lead (with headlines as leads .821 /
    .463, .729, .836 / .715; on 11: .824 / .452, .725, .848 / .703; before headline
    claims .817 / .429, .717, .846 / .688; in-sample: the weights were fitted on these and eight more
    stories; before the slot feature P .804 R .416, accuracy .727,
    corroborated P .845 R .708; with the hand-set score P .745 R .359)."""
    mean = _ecbplus_scores(static, [f"{n}_ecbplus" for n in (3, 7, 8, 12, 20, 21)])["mean"]
    assert mean["pair_precision"] >= 0.79 and mean["pair_recall"] >= 0.45
    assert mean["status_accuracy"] >= 0.70
    assert mean["corroborated_precision"] >= 0.8 and mean["corroborated_recall"] >= 0.67


@pytest.mark.slow
def test_ecbplus_gold_written_on_2026_12_05_floor(static):
    """The three ECB+ stories written blind on 2026-12-05 (76ers coach,
    Waitrose fire, Greek riots): first contact pair P .804 R .422, status
    accuracy .665, corroborated P .798 R .718, citation .989; with the
    weights fitted on them and 11 more .848 / .424, .691, .808 / .743, .990
    (tests/data/claims_gold/README.md); a headline and its lead one fact:
    .831 / .453, .694, .809 / .749, .990; a date no count: .828 / .446,
    .706, .812 / .768. Their disputes are mostly not
    figures (3 of 24 found): no disagreement floor."""
    scores = _ecbplus_scores(static, ["5_ecb", "14_ecbplus", "19_ecb"])
    mean, pooled = scores["mean"], scores["pooled"]
    assert mean["pair_precision"] >= 0.8 and mean["pair_recall"] >= 0.42
    assert mean["status_accuracy"] >= 0.65
    assert mean["corroborated_precision"] >= 0.77 and mean["corroborated_recall"] >= 0.7
    assert pooled["citation_precision"] >= 0.95


@pytest.mark.slow
def test_ecbplus_held_out_gold_floor(static):
    """The two ECB+ stories kept aside (never tuned on, not used to fit the
    pair weights): pair P .778 R .493, status accuracy .786, corroborated P
    .869 R .782, citation precision .984 once a headline and its lead may be
    one fact (first contact; .755 / .456 and .985 before), with the weights fitted on 14
    stories and no headline a lead (headlines as leads: .742 / .440, .789,
    .861 / .793; on 11: .743 / .436, .786, .870 / .783, .985 with headline
    claims, first contact; with the slot feature .737 / .428, .783, .869 / .779; before
    it .708 / .428, .752, .854 / .732; hand-set score: .685 / .360, .734,
    .833 / .723, 1.0); they find none of the 14 disagreeing sentences,
    so no disagreement floor holds here: docs/MEASUREMENTS.md."""
    scores = _ecbplus_scores(static, ["18_ecbplus", "4_ecb"])
    mean, pooled = scores["mean"], scores["pooled"]
    assert mean["pair_precision"] >= 0.72 and mean["pair_recall"] >= 0.43
    assert mean["status_accuracy"] >= 0.74 and mean["corroborated_precision"] >= 0.83
    assert pooled["citation_precision"] >= 0.95


@pytest.mark.slow
def test_a_dispute_shows_in_a_fact_half_made_of_its_sides(static):
    """ECB+ dev story 8: "Police said 12 people were injured" and "18 people
    had been injured" are joined in one fact with two sentences about other
    things. No fact of the story is mostly the slot's sides, so the fact
    half made of them shows it (before, a fact needed more than half, and
    the dispute showed nowhere)."""
    from newsfuse.align import StoryAlignment
    from newsfuse.eval.claims import article_claims_of, load_gold, story_articles

    if not DATA.exists():
        pytest.skip("the shared benchmark data is not here")
    articles, _, _ = story_articles(load_gold(GOLD / "ecbplus_8_ecbplus.json"), DATA)
    articles.sort(key=lambda a: (a.published is None, a.published or ""))
    alignment = StoryAlignment()
    for claims in article_claims_of(articles, list(analyze_articles(articles)), static):
        alignment.add(claims)
    injured = [f for f in alignment.facts() if any("people were injured in the riots" in c.span.text
                                                   for c in f.claims + f.restated)]
    assert [(f.status, f.slot) for f in injured] == [("conflicting", "injured")]
    assert sorted(v.value for v in injured[0].values) == ["12", "18"]


PLAIN_PAGE = ("http://www.example.com/news/quake.html\nLast Updated: Monday, 28 November 2005, 02:24 GMT\n"
              "Ten dead in southern Iran quake\n"
              "A powerful earthquake has hit southern Iran, killing at least 10 people, officials said.\n"
              "Rescue teams\nRescue teams reached the island of Qeshm on Monday morning.")


def test_a_plain_texts_headline_is_a_claim_and_its_date_line_is_not():
    item = article(PLAIN_PAGE, "Example News")
    claims = extract_claims(item, next(analyze_articles([item])))
    assert [(c.kind, c.span.text) for c in claims][:2] == [
        ("headline", "Ten dead in southern Iran quake"),
        ("sentence", "A powerful earthquake has hit southern Iran, killing at least 10 people, officials said.")]
    assert not any("Updated" in c.span.text or "Rescue teams" == c.span.text for c in claims)  # date line, heading


def test_a_page_with_a_title_has_no_headline_claim():
    """Its title was taken off the text: what tops the text is chrome or a byline."""
    item = article(PLAIN_PAGE, "Example News")
    item.title = "Ten dead in southern Iran quake"
    claims = extract_claims(item, next(analyze_articles([item])))
    assert all(c.kind != "headline" for c in claims) and claims[0].span.text.startswith("A powerful")


def test_a_headline_is_no_lead_claim():
    """Two leads gain on their words ("lead_window"); a headline is no lead
    ("Greece calm after 8 days of riots" / "Fresh wave of rioting hits Greece"
    are two facts): the leads are the first two body claims."""
    import numpy as np

    from newsfuse.align import ArticleClaims, StoryAlignment
    from newsfuse.claim_vectors import ClaimVectors
    from newsfuse.claims import Claim
    from newsfuse.records import Span

    texts = ["Greece calm after 8 days of riots", "Athens was calm on Sunday.", "Riots ran for a week.",
             "Polls show anger."]
    claims = [Claim("a", "A", Span(i * 40, i * 40 + len(t), t), kind="headline" if i == 0 else "sentence")
              for i, t in enumerate(texts)]
    rows = np.zeros((len(claims), 384), dtype=np.float32)
    vectors = ClaimVectors(rows, rows, np.zeros((0, 384), dtype=np.float32), np.zeros(len(claims), dtype=np.int64))
    alignment = StoryAlignment()
    alignment._append(ArticleClaims("a", "A", None, claims, vectors, np.zeros(0, dtype=np.uint64)))
    assert alignment._leads == [False, True, True, False]
    # yet a headline and a lead claim of its article may stand in one fact:
    # the lead restates what the headline announces (not a later claim, and
    # not two body claims alike in nothing)
    assert alignment._restating(0, 1) and alignment._restating(2, 0)
    assert not alignment._restating(0, 3) and not alignment._restating(1, 2)
