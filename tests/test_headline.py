"""Headlines made from the lead for articles that came without one, always marked derived."""

from newsfuse.clean import LEAD_HEADLINE_CHARS, lead_headline, split_sentences
from newsfuse.export import story_markdown
from newsfuse.query import headline
from newsfuse.render import source_label, title_text


def _headline(text: str) -> str:
    return lead_headline(text, split_sentences(text))


def test_a_short_lead_is_the_headline_without_its_full_stop_or_dateline():
    assert _headline("WASHINGTON (AP) — The Senate passed the budget bill.\nMore follows.") == \
        "The Senate passed the budget bill"
    assert _headline("SAMARKAND, Uzbekistan — Xi met Putin on Thursday.") == "Xi met Putin on Thursday"
    assert _headline("(Reuters) - Oil prices rose on Monday.") == "Oil prices rose on Monday"


def test_a_long_lead_is_cut_at_a_word_boundary_not_on_a_dangling_word():
    lead = ("Rescue teams in the northern province searched through the night for dozens of villagers missing "
            "after a landslide buried their homes on Sunday.")
    cut = _headline(lead)
    assert len(cut) <= LEAD_HEADLINE_CHARS and cut.endswith("…")
    assert lead.startswith(cut[:-1])
    assert cut[:-1].split()[-1] not in ("of", "the", "for", "after", "a")
    assert lead[len(cut) - 1] == " "  # cut between words


def test_the_record_marks_a_derived_headline_everywhere_it_is_shown():
    text = "Chinese leader Xi Jinping met Russian President Vladimir Putin on Thursday in Samarkand.\nMore."
    row = {"title": None, "text": text, "sentences": split_sentences(text)}
    view = {"id": "a1", "source": None, "origin": "x/a.txt", "url": None, "published": None,
            "near_dup_of": None, **headline(row)}
    assert view["title_derived"] is True and view["title"].startswith("Chinese leader Xi Jinping")
    assert title_text(view, "(untitled)").endswith("(from the lead)")
    assert source_label(view).endswith("(from the lead)")
    given = headline({**row, "title": "Xi meets Putin"})
    assert given == {"title": "Xi meets Putin", "title_derived": False}
    assert title_text(given, "(untitled)") == "Xi meets Putin"
    record = {"id": "s1", "title": view["title"], "title_derived": True, "n_articles": 1, "n_sources": 0,
              "n_independent": 0, "first_seen": None, "last_seen": None, "articles": [view], "analysis": None,
              "summary": [], "timeline": [], "claims": None, "claim_counts": None, "record_state": "missing"}
    markdown = story_markdown(record)
    assert f"# *{view['title']}* (from the lead)" in markdown
    assert markdown.count("(from the lead)") >= 2
