"""Entities, canonical names, places and the event's location (real spaCy model)."""

from pathlib import Path

import pytest

from newsfuse.analyze.entities import (
    find_entities,
    initials,
    merge_entities,
    place_label,
)
from newsfuse.analyze.location import dateline_place, pick_location, place_scores
from newsfuse.analyze.nlp import load_nlp
from newsfuse.analyze.places import gazetteer
from newsfuse.config import Options
from newsfuse.ingest.article import to_article
from newsfuse.ingest.sources import iter_raw_items
from newsfuse.records import Entity

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "samarkand"


@pytest.fixture(scope="module")
def seeds():
    articles = {Path(item.origin).stem: to_article(item, Options()) for item in iter_raw_items([str(EXAMPLES)])}
    nlp = load_nlp()
    return {name: (article, *find_entities(nlp(article.text))) for name, article in articles.items()}


def by_name(entities):
    return {e.name: e for e in entities}


@pytest.mark.parametrize("seed", ["samarkand_a", "samarkand_b"])
def test_people_are_one_entity_under_every_name(seeds, seed):
    _, mentions, entities = seeds[seed]
    people = by_name(e for e in entities if e.type == "person")
    assert "Xi" in people["Xi Jinping"].aliases
    assert "Putin" in people["Vladimir Putin"].aliases
    assert "Xi" not in people and "Putin" not in people
    # "Modi" alone is tagged as a place by the model; it is the person named in full
    assert "Modi" in people["Narendra Modi"].aliases
    for name in ("Xi Jinping", "Vladimir Putin", "Yuri Ushakov"):
        assert people[name].key == "person:" + name.lower()


def test_the_short_name_of_an_organisation_joins_its_full_name(seeds):
    for seed in ("samarkand_a", "samarkand_b"):
        orgs = by_name(e for e in seeds[seed][2] if e.type == "org")
        assert "SCO" in orgs["Shanghai Cooperation Organisation"].aliases
        assert "SCO" not in orgs


def test_xi_putin_compound_is_two_people(seeds):
    article, mentions, _ = seeds["samarkand_a"]
    at = article.text.index("Xi-Putin")
    assert {m.entity for m in mentions if at <= m.start < at + 8} == {"person:xi jinping", "person:vladimir putin"}


def test_countries_have_iso_codes_and_cities_coordinates(seeds):
    _, mentions, entities = seeds["samarkand_a"]
    places = {e.key: e for e in entities}
    assert places["country:RU"].name == "Russia" and "Russian" in places["country:RU"].aliases
    samarkand = by_name(entities)["Samarkand"]
    assert samarkand.country == "UZ" and samarkand.lat == pytest.approx(39.65, abs=0.05)
    # "Leningrad, now St Petersburg": one city under both names
    assert {"Leningrad", "St Petersburg"} <= set(by_name(entities)["Saint Petersburg"].aliases)
    assert all(m.text == "Kyrgyz" for m in mentions if m.entity == "country:KG")


def test_mention_spans_point_into_the_text(seeds):
    for article, mentions, _ in seeds.values():
        assert mentions and all(article.text[m.start:m.end] == m.text for m in mentions)
        assert not any(m.text.endswith(("'s", "’s", "(")) for m in mentions)


@pytest.mark.parametrize("seed", ["samarkand_a", "samarkand_b"])
def test_each_report_says_the_event_was_in_samarkand(seeds, seed):
    article, mentions, entities = seeds[seed]
    by_key = {e.key: e for e in entities}
    place = pick_location(place_scores(article.text, article.sentences, mentions, by_key), by_key)
    assert place_label(place) == "Samarkand, Uzbekistan"


def test_dateline_place():
    assert place_label(dateline_place("SAMARKAND, Uzbekistan — Chinese President Xi ...")) == "Samarkand, Uzbekistan"
    assert dateline_place("MOSCOW (Reuters) - The Kremlin said") .country == "RU"
    assert dateline_place("Moscow is far away - said nobody") is None


def test_gazetteer_disambiguates_by_context_and_size():
    gaz = gazetteer()
    assert gaz.resolve("Moscow").country == "RU"
    assert gaz.resolve("Moscow", {"US"}).country == "US"
    assert gaz.resolve("the United States").key == "country:US"
    assert gaz.resolve("Britain").key == "country:GB"
    assert gaz.resolve("Uzbek").key == "country:UZ"
    assert gaz.resolve("Kiev").name == "Kyiv"
    assert gaz.resolve("Victoria").key != gaz.resolve("Hong Kong").key
    assert gaz.resolve("Narnia") is None


def test_initials():
    assert initials("Shanghai Cooperation Organisation") == "SCO"
    assert initials("North Atlantic Treaty Organization") == "NATO"
    assert initials("Kremlin") is None


def test_a_story_merges_short_names_with_full_names_from_other_reports():
    first = [Entity("person:putin", "Putin", "person", mentions=3), Entity("org:sco", "SCO", "org", mentions=2),
             Entity("person:xi", "Xi", "person", mentions=1)]
    second = [Entity("person:vladimir putin", "Vladimir Putin", "person", ["Putin"], mentions=2),
              Entity("org:shanghai cooperation organisation", "Shanghai Cooperation Organisation", "org", mentions=1),
              Entity("person:xi jinping", "Xi Jinping", "person", mentions=4)]
    merged, remap = merge_entities([first, second])
    names = by_name(merged)
    assert set(names) == {"Vladimir Putin", "Shanghai Cooperation Organisation", "Xi Jinping"}
    assert names["Vladimir Putin"].mentions == 5 and "Putin" in names["Vladimir Putin"].aliases
    assert remap["org:sco"] == "org:shanghai cooperation organisation"
    assert remap["person:xi"] == "person:xi jinping"


def test_an_ambiguous_surname_goes_to_the_most_mentioned_full_name():
    merged, remap = merge_entities([[Entity("person:bush", "Bush", "person", mentions=1)],
                                    [Entity("person:george w. bush", "George W. Bush", "person", mentions=5),
                                     Entity("person:jeb bush", "Jeb Bush", "person", mentions=2)]])
    assert remap["person:bush"] == "person:george w. bush"
