"""Entity/place linking scored on PLOVER actors' country codes (newsfuse.eval.entities)."""

import json

import pytest
from conftest import shared_file

from newsfuse.errors import EvalError
from newsfuse.eval.entities import actor_country, evaluate_entities, gold_actors


def test_cameo_codes_to_iso():
    assert actor_country("ISRCOP") == "IL"
    assert actor_country("JAP") == "JP"
    assert actor_country("IGOUNO") is None
    assert actor_country(None) is None


def test_gold_actors_need_a_country_and_the_text_in_the_sentence():
    row = {"text": "Israeli police arrested a man in Tokyo.",
           "source": [{"text": "Israeli police", "code": "ISRCOP"}, {"text": "the UN", "code": "IGOUNO"}],
           "target": [{"text": "a man from Osaka", "code": "JPN"}]}
    actors, skipped = gold_actors(row)
    assert actors == [(0, 14, "IL")] and skipped == 1


def test_scores_a_tiny_file(tmp_path):
    rows = [{"text": "Russian troops shelled Kharkiv on Monday.",
             "source": [{"text": "Russian troops", "code": "RUSMIL"}], "target": [{"text": "Kharkiv", "code": "UKR"}]},
            {"text": "Hamas fired rockets at Israel.",
             "source": [{"text": "Hamas", "code": "PSEREB"}], "target": [{"text": "Israel", "code": "ISR"}]}]
    path = tmp_path / "tiny.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    scores = evaluate_entities(path)
    assert scores["n_actors"] == 4
    # "Hamas" is an organisation, not a place: no country predicted, a miss
    assert scores["country_precision"] == 1.0 and scores["country_recall"] == pytest.approx(3 / 4)


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(EvalError, match="not found"):
        evaluate_entities(tmp_path / "nope.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x"}\n')
    with pytest.raises(EvalError, match=r"bad.jsonl:1: not a PLOVER record \(KeyError\(.source.\)\)"):
        evaluate_entities(bad)


@pytest.mark.slow
def test_country_linking_floor_on_plover_actors():
    # measured 0.978 precision / 0.704 recall (2026-11-23); recall is bounded
    # by actors named as people or organisations, which carry no country
    scores = evaluate_entities(shared_file("data", "events", "plover_gsr.jsonl"))
    assert scores["country_precision"] >= 0.95
    assert scores["country_recall"] >= 0.67
