"""Deliberate decisions about what one story is, checked with the real model."""

import pytest

from newsfuse import Store, ingest, list_stories
from newsfuse.records import RawItem

pytestmark = pytest.mark.slow

QUAKE_2018 = ("A magnitude 7.5 earthquake struck the Indonesian island of Sulawesi on Friday, triggering a tsunami "
              "that swept into the city of Palu. Officials said at least 384 people were killed and hundreds more "
              "injured as waves up to six metres high crashed onto the beach, where a festival was being prepared. "
              "Rescue teams struggled to reach Donggala, a town closer to the epicentre, where communications were cut.")
QUAKE_2018_B = ("Rescuers in Palu dug through collapsed hotels on Saturday after an earthquake and tsunami hit "
                "Sulawesi, Indonesia, killing at least 384 people. The magnitude 7.5 quake on Friday sent waves "
                "crashing into the city's shoreline, and officials fear the toll in Donggala will rise sharply "
                "once rescuers reach the area.")
QUAKE_2019 = ("A magnitude 6.5 earthquake shook the Maluku islands in eastern Indonesia on Thursday, killing at "
              "least 20 people in Ambon and damaging a university building, officials said. Thousands of residents "
              "fled to higher ground fearing a tsunami, though no warning was issued by the geophysics agency. "
              "Aftershocks continued through the night in Ambon and on Seram island.")


def test_one_quake_reported_twice_is_one_story_and_a_quake_a_year_later_is_another(tmp_path, minilm, static):
    items = [RawItem("a", "text", QUAKE_2018, {"published": "2018-09-29", "source": "wire"}),
             RawItem("b", "text", QUAKE_2018_B, {"published": "2018-09-30", "source": "paper"}),
             RawItem("c", "text", QUAKE_2019, {"published": "2019-09-26", "source": "wire"})]
    with Store(tmp_path / "n.db") as store:
        report = ingest(items, store, embedder=minilm, body_embedder=static)
        a, b, c = (store.story_of_article(i) for i in report.article_ids)
        assert a == b != c
        assert sorted(s["n_articles"] for s in list_stories(store)) == [1, 2]
