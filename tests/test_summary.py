"""Which articles a summary sentence may cite (summary.carries_quotes)."""

from types import SimpleNamespace

import pytest

from newsfuse.summary import carries_quotes, is_caption, lead_keys, quotes_balanced


def claim(text: str):
    return SimpleNamespace(span=SimpleNamespace(text=text))


GREAT_POWERS = 'Xi told Putin on Thursday that Beijing would work with Moscow as "great powers".'


@pytest.mark.parametrize("citing, carried", [
    ("Xi and Putin met in Samarkand on Thursday.", False),  # the meeting, not the quoted words
    ("Beijing is willing to work with Moscow as “great powers”, Xi told Putin.", True),
    ("Xi said China would act with Russia as great powers.", True),  # the words, unquoted
    ("Xi spoke of powers that are great.", True),  # both words: as close as words can tell
    ("Xi spoke of great friendship.", False),  # half the words
])
def test_an_article_vouches_for_quoted_words_only_if_its_sentence_carries_them(citing, carried):
    assert carries_quotes(claim(citing), claim(GREAT_POWERS)) is carried


def test_a_sentence_quoting_nothing_is_carried_by_any_restatement_and_apostrophes_are_not_quotes():
    sentence = claim("China’s leader met Russia’s president, the Kremlin’s aide said.")
    assert carries_quotes(claim("Xi met Putin."), sentence)
    assert not carries_quotes(claim("Xi met Putin."), claim("They declared a ‘no limits’ partnership."))
    assert carries_quotes(claim("They signed a no-limits pact."), claim("They declared a ‘no limits’ partnership."))


@pytest.mark.parametrize("text, caption", [
    ("A photo issued by the Rail Accident Investigation Branch of the tram which derailed in Croydon.", True),
    ("Image copyright PA Image caption More than 50 people were taken to hospital", True),
    ("32/34 30 October 2017 England's under 17's pose with the World Cup trophy", True),
    ("The photo shows the tram on its side.", True),
    ("Photographers gathered outside the station.", False),
    ("The image of the crash was shared widely.", False),  # news about a picture
    ("Police said 9/11 was a turning point.", False),
    ("Croydon Tram derailment 1/8 The scene after a tram overturned, trapping five people Steve Parsons/PA "
     "2/8 Police officers walk the site where the tram overturned", True),  # a gallery left as one line
    ("The scene after a tram overturned Steve Parsons/PA 2/8 Police officers walk the site Carl Court/Getty "
     "Images 3/8 Emergency services were called", True),  # the sentence splitter cut the gallery after "1/8"
    ("A police cordon is in place Ben Morgan 7/8 40 people were injured Ben Morgan 8/8 Witnesses reported", True),
    ("The pipe was 1/8 inch wide and 2/8 of it was rusted.", False),
    ("After 9/11 The city changed.", False),
])
def test_a_pictures_caption_or_a_gallerys_counter_is_no_summary_or_timeline_sentence(text, caption):
    assert is_caption(text) is caption


def test_an_articles_lead_is_its_first_sentences_not_its_headline():
    def part(start: int, kind: str = "sentence", number: int = 0):
        return SimpleNamespace(span=SimpleNamespace(start=start), kind=kind, key=(start, number))
    claims = [part(0, "headline"), part(40), part(40, "clause", 1), part(90), part(150), part(200)]
    assert lead_keys(claims) == {(40, 0), (40, 1), (90, 0), (150, 0)}  # three sentences, one of two facts


@pytest.mark.parametrize("text, balanced", [
    ('"In the coming days, we will continue to work alongside the investigators to establish what happened.', False),
    ("“We are working hard,” a spokesman said.", True),
    ('He said the tram was "speeding up" before it tipped over.', True),
    ("The spokesman added: “It is too early to confirm numbers.", False),
])
def test_a_sentence_of_a_quote_that_runs_on_is_no_summary_sentence(text, balanced):
    assert quotes_balanced(text) is balanced


def test_of_a_facts_lead_sentences_the_one_saying_what_the_others_say_stands_for_it():
    from newsfuse.summary import _clearest

    def lead_claim(article: str, text: str):
        return SimpleNamespace(article_id=article, kind="sentence", key=(article, 0), span=SimpleNamespace(text=text))
    claims = [lead_claim("a", "Martin Bamford, 30, was travelling on the tram when it flipped and derailed off "
                              "the tracks near the Sandilands stop on Addiscombe Road."),
              lead_claim("b", "Seven people have died and dozens more have been injured after a tram overturned "
                              "in London."),
              lead_claim("c", "At least seven people were killed and dozens injured when a tram derailed in "
                              "London on Wednesday, police said."),
              lead_claim("d", "Seven people died and dozens were injured when a tram overturned in south London.")]
    fact = SimpleNamespace(status="corroborated", values=[], claims=claims)
    assert _clearest(fact, {c.key for c in claims}).article_id != "a"
