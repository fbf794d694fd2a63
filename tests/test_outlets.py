"""Outlet credits read from an article's text, and press actors (newsfuse.outlets)."""

import pytest

from newsfuse.ingest.article import to_article
from newsfuse.outlets import credited_outlet, is_press
from newsfuse.records import RawItem

BODY = ("The council voted on Tuesday to close the old bridge to heavy traffic after engineers found cracks "
        "in two of its supports, officials said.\nRepairs are expected to take six months.\n")

CREDITED = [
    ("WASHINGTON (AP) — " + BODY, "AP"),
    ("LONDON (Reuters) - " + BODY, "Reuters"),
    ("(Reuters) - " + BODY, "Reuters"),
    ("KYIV, Ukraine (AP) — " + BODY, "AP"),
    ("By Jane Doe, AFP\n" + BODY, "AFP"),
    ("By Jane Doe | Reuters\n" + BODY, "Reuters"),
    (BODY + "— Agence France-Presse\n", "AFP"),
    (BODY + "© AFP 2022\n", "AFP"),
    (BODY + "Copyright 2022 The Associated Press. All rights reserved.\n", "AP"),
    (BODY + "The streets stood empty as AFP journalists visited on Wednesday.\n", "AFP"),
    (BODY + "An AFP reporter saw smoke rising over the port.\n", "AFP"),
    (BODY + "Reuters reporters counted at least 40 trucks at the crossing.\n", "Reuters"),
]

NOT_CREDITED = [
    BODY + "Residents told AFP of their pride in hosting the summit.\n",
    BODY + "The minister told Reuters the plan would go ahead.\n",
    BODY + "About 200 people were evacuated, according to AFP.\n",
    BODY + "AFP reported that the airport was closed.\n",
    BODY + "Reuters said it could not verify the figures.\n",
    BODY + "A spokesman told AFP journalists visited the site illegally.\n",
    BODY + "Police detained two AFP reporters who visited the camp.\n",
    BODY + "In an interview with the Associated Press, the mayor said the bridge was safe.\n",
    BODY + "The (AP) style guide was cited in the complaint.\n",
    BODY,
]


@pytest.mark.parametrize("text, outlet", CREDITED)
def test_a_credit_in_the_text_names_the_outlet(text, outlet):
    assert credited_outlet(text) == outlet


@pytest.mark.parametrize("text", NOT_CREDITED)
def test_a_quoted_or_mentioned_agency_is_not_the_outlet(text):
    assert credited_outlet(text) is None


def test_the_source_metadata_comes_before_a_credit_in_the_text():
    text = "LONDON (Reuters) - " + BODY
    assert to_article(RawItem("a.txt", "text", text, {"source": "The Daily"})).source == "The Daily"
    assert to_article(RawItem("a.txt", "text", text, {"url": "https://www.example.org/x"})).source == "example.org"
    assert to_article(RawItem("a.txt", "text", text, {})).source == "Reuters"
    assert to_article(RawItem("a.txt", "text", BODY, {})).source is None


@pytest.mark.parametrize("phrase, press", [
    ("AFP journalists", True), ("reporters", True), ("the media", True), ("Reuters", True),
    ("Residents", False), ("Vladimir Putin", False), ("the ship's crew", False), ("APEC", False),
])
def test_press_phrases(phrase, press):
    assert is_press(phrase) is press
