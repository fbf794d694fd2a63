"""Languages the English models cannot read: detected, stored, clustered on
their words within their language only, never analysed (and the story says so)."""

from collections import Counter

import numpy as np
from typer.testing import CliRunner

from newsfuse import Options, clean, get_story, ingest
from newsfuse.cli import app
from newsfuse.cluster import ArticleFeatures, StoryIndex, StoryState, content_terms
from newsfuse.process import process_batch
from newsfuse.records import RawItem
from newsfuse.store import open_store

DE_FLOOD_1 = ("Nach tagelangen Regenfällen sind in Passau die Donau und der Inn über die Ufer getreten. Die Feuerwehr "
              "evakuierte am Sonntag mehr als 400 Anwohner aus der Altstadt, der Pegel der Donau erreichte 12,2 Meter. "
              "Der Oberbürgermeister rief den Katastrophenfall aus, Schulen bleiben bis Mittwoch geschlossen.")
DE_FLOOD_2 = ("Hochwasser in Passau: Die Donau hat in der Altstadt einen Pegel von 12,2 Metern erreicht. Feuerwehr und "
              "Technisches Hilfswerk brachten mehr als 400 Anwohner in Sicherheit, der Katastrophenfall gilt weiter. "
              "Der Inn führt ebenfalls Hochwasser, die Schulen der Stadt bleiben bis Mittwoch geschlossen.")
DE_TAX = ("Der Bundestag hat am Donnerstag die Reform der Grundsteuer beschlossen. Finanzminister Lindner sprach von "
          "einer Entlastung für Familien, die Opposition kritisierte die Kosten für die Kommunen. Der Bundesrat "
          "muss dem Gesetz im Juli noch zustimmen, die neuen Regeln gelten ab dem kommenden Jahr.")
DE_FOOTBALL = ("Der FC Bayern hat das Spitzenspiel gegen Borussia Dortmund mit drei zu eins gewonnen. Harry Kane traf "
               "zweimal, Trainer Tuchel lobte die Abwehr. In der Tabelle liegt München nun vier Punkte vor Leverkusen, "
               "das am Samstag in Freiburg nur unentschieden spielte.")
PL_ELECTION = ("Sejm przyjął w piątek ustawę o zmianie kodeksu wyborczego. Za głosowało 235 posłów, przeciw było 201. "
               "Opozycja zapowiedziała, że skieruje ustawę do Trybunału Konstytucyjnego, a prezydent ma 21 dni na "
               "podpisanie ustawy lub jej zawetowanie.")
PL_STORM = ("Silna burza przeszła w nocy nad Pomorzem. Strażacy interweniowali ponad 300 razy, głównie usuwając "
            "powalone drzewa z dróg i dachów domów. Bez prądu pozostaje około 20 tysięcy odbiorców w okolicach "
            "Gdańska i Słupska, energetycy pracują przy naprawie linii.")
EN_FLOOD = ("The Danube and the Inn burst their banks in the Bavarian city of Passau after days of rain. Firefighters "
            "evacuated more than 400 residents from the old town on Sunday as the Danube reached 12.2 metres, and the "
            "mayor declared a state of emergency; schools stay closed until Wednesday.")


def item(origin, text, **meta):
    return RawItem(origin, "text", text, meta)


def test_language_is_detected_with_confidence_and_stored(new_db, bow):
    assert clean.detect_language(DE_TAX) == "de" and clean.detect_language(PL_STORM) == "pl"
    assert clean.detect_language(EN_FLOOD) == "en"
    assert clean.readable("en") and not clean.readable("de") and not clean.readable(None)
    with open_store(new_db("l.db")) as store:
        report = ingest([item("de", DE_TAX), item("pl", PL_STORM)], store, embedder=bow,
                        options=Options(analyze=False))
        assert [store.article(a)["language"] for a in report.article_ids] == ["de", "pl"]


def test_an_unsure_language_is_not_named(monkeypatch):
    class Unsure:
        def classify(self, text):
            return "de", 0.45

    monkeypatch.setattr(clean, "_IDENTIFIER", [Unsure()])
    assert clean.detect_language(DE_TAX) is None


def test_german_and_polish_pages_of_different_topics_stay_apart(new_db, bow):
    pages = [("de-flood-1", DE_FLOOD_1), ("de-tax", DE_TAX), ("pl-election", PL_ELECTION), ("de-flood-2", DE_FLOOD_2),
             ("de-football", DE_FOOTBALL), ("pl-storm", PL_STORM)]
    with open_store(new_db("l.db")) as store:
        report = ingest([item(o, t) for o, t in pages], store, embedder=bow, options=Options(analyze=False))
        story = dict(zip([o for o, _ in pages], map(store.story_of_article, report.article_ids)))
    # Two reports of one flood share their words (Passau, Donau, Pegel, 12,2): one story. Nothing else meets.
    assert story["de-flood-1"] == story["de-flood-2"]
    assert len({story[o] for o in ("de-flood-1", "de-tax", "pl-election", "de-football", "pl-storm")}) == 5


def test_stop_words_of_the_language_do_not_count_as_shared_words():
    terms = content_terms(DE_TAX, "de")
    assert "grundsteuer" in terms and not {"der", "die", "hat", "und"} & terms.keys()
    assert "der" in content_terms(DE_TAX, "xx")  # no list for an unknown code: only the English stop words go


def _features(article_id, vector, language, terms):
    return ArticleFeatures(article_id, vector, vector, Counter(terms), language=language)


def test_an_english_page_never_joins_a_german_story_on_vectors():
    index = StoryIndex(dim=4)
    same = np.array([1.0, 0, 0, 0], dtype=np.float32)  # identical vectors: the models would call them one story
    german = index.assign(_features("d" * 20, same, "de", {"passau": 2, "donau": 1}))
    english = index.assign(_features("e" * 20, same, "en", {"passau": 2, "danube": 1}))
    unknown = index.assign(_features("c" * 20, same, None, {"passau": 2}))
    assert english.created and unknown.created and len({german.story_id, english.story_id, unknown.story_id}) == 3
    again = index.assign(_features("f0" * 10, same, "de", {"passau": 2, "donau": 1}))
    assert again.story_id == german.story_id  # its own language, its words shared


def test_a_story_keeps_its_language_across_the_store():
    state = StoryState("s00000000001", np.ones(4, np.float32), np.ones(4, np.float32), {"donau": 1.0}, 1,
                       language="pl")
    assert StoryState.from_bytes(state.to_bytes()).language == "pl"


def test_unreadable_articles_are_not_analysed_and_the_story_says_so(new_db, bow):
    with open_store(new_db("l.db")) as store:
        report = ingest([item("1", DE_FLOOD_1), item("2", DE_FLOOD_2)], store, embedder=bow,
                        options=Options(analyze=False))
        story_id = store.story_of_article(report.article_ids[0])
        articles = [store.article(a) for a in report.article_ids]
        record = get_story(store, story_id)
    from newsfuse.pipeline import stored_article

    done = process_batch([stored_article(a) for a in articles])  # no model is loaded for these
    assert [(p.analysis, p.claims, p.error) for p in done] == [(None, [], None)] * 2
    assert record["not_analysed"] == {"de": 2}
    shown = CliRunner().invoke(app, ["story", story_id, "--db", str(new_db("l.db"))])
    assert shown.exit_code == 0, shown.output
    assert "Not analysed: 2 in de" in shown.output and "(not analysed: run" not in shown.output


def test_the_markdown_record_says_which_languages_were_not_analysed():
    from newsfuse.export import story_markdown

    record = {"id": "s0", "title": "Hochwasser in Passau", "title_derived": True, "n_articles": 2, "n_sources": 2,
              "n_independent": 2, "first_seen": None, "last_seen": None, "analysis": None,
              "not_analysed": {"de": 2}, "articles": [], "claims": None, "summary": [], "timeline": [],
              "record_state": "missing", "merge_history": []}
    text = story_markdown(record)
    assert "Not analysed: 2 in de" in text and "Not analysed yet" not in text


def test_a_story_of_unreadable_articles_gets_a_record_without_claims(new_db, bow):
    # Articles that were not read store no claims (an empty claims row once broke
    # every record holding one: batch's records stage on news_cluster's one `pcm` page).
    with open_store(new_db("r.db")) as store:
        report = ingest([item("1", DE_FLOOD_1), item("2", DE_FLOOD_2)], store, embedder=bow)
        story_id = store.story_of_article(report.article_ids[0])
        assert not store.article_claims(report.article_ids)
        record = get_story(store, story_id)
    assert record["record_state"] == "current" and record["not_analysed"] == {"de": 2}
