from conftest import EXAMPLES

from newsfuse import clean


def seed(name):
    return (EXAMPLES / name).read_text(encoding="utf-8")


def test_seed_b_loses_all_chrome_and_keeps_all_story():
    text, removed = clean.strip_chrome(seed("samarkand_b.txt"))
    body, title = clean.split_title(text, None)
    assert title == "Putin, Xi meet for high-stakes talks in challenge to West"
    for chrome in ("Sunday 24th of September 2023", "Last Update", "Latest News", "Most Read Articles"):
        assert chrome not in body
        assert any(chrome in line for line in removed)
    assert body.startswith("SAMARKAND, Uzbekistan — Chinese President Xi Jinping told")
    assert body.endswith("a “clear provocation”.")
    assert "Tight security, empty streets" in body  # a real subheading stays


def test_seed_a_keeps_every_paragraph():
    original = seed("samarkand_a.txt")
    text, removed = clean.strip_chrome(original)
    assert removed == ["…"]
    assert text.startswith("Chinese leader Xi Jinping and Russian President Vladimir Putin meet")
    assert text.endswith("the leaders of Azerbaijan and Turkey, the Kremlin said.")
    assert len(text.splitlines()) == len(original.splitlines()) - 1


def test_chrome_is_only_removed_at_edges_and_in_known_patterns():
    text = ("Home | World | Business | Sport\nShare this article\n\nThe council voted on Monday to close the bridge.\n"
            "Read more: Ten bridges to see\nIt reopens next year.\n\nRelated Articles\nAnother headline here\n"
            "Yet another headline\n© 2024 Example News")
    cleaned, removed = clean.strip_chrome(text)
    assert cleaned == "The council voted on Monday to close the bridge.\nIt reopens next year."
    assert "Read more: Ten bridges to see" in removed


def test_short_last_paragraph_is_not_chrome():
    text = "The vote passed after a long debate in parliament.\n\nMore to follow."
    assert clean.strip_chrome(text)[0] == text


def test_trailing_header_followed_by_prose_is_kept():
    text = "Lead paragraph of the story about the vote.\nRelated\n" + "A long paragraph " * 20
    assert clean.strip_chrome(text)[0].endswith("A long paragraph")


def test_date_banner_is_not_a_dateline():
    assert clean.is_date_banner("Sunday 24th of September 2023 |")
    assert clean.is_date_banner("Updated: 10:32 GMT, 3 March 2018")
    assert not clean.is_date_banner("Sunday was the hottest day of 2023.")
    assert clean.find_dateline("SAMARKAND, Uzbekistan — Chinese", ["Sunday 24th of September 2023 |"]) is None
    assert clean.find_dateline("WASHINGTON, March 3, 2018 (Reuters) - The") == "2018-03-03"
    assert clean.find_dateline("text", ["Published: 12 Jan 2019"]) == "2019-01-12"


def test_sentences_respect_abbreviations():
    text = "Russia invaded Ukraine on Feb. 24, officials said. Mr. Xi arrived.\nA heading\nU.S. officials agreed."
    sentences = [text[s:e] for s, e in clean.split_sentences(text)]
    assert sentences == ["Russia invaded Ukraine on Feb. 24, officials said.", "Mr. Xi arrived.", "A heading",
                         "U.S. officials agreed."]


def test_content_id_ignores_spacing_case_and_quote_style():
    assert clean.content_id("He said “yes”.\n\nThen left.") == clean.content_id('he said "yes". then  left.')
    assert clean.content_id("He said yes.") != clean.content_id("He said no.")


def test_language_detection():
    assert clean.detect_language(seed("samarkand_a.txt")) == "en"
    assert clean.detect_language("Der Bundestag hat am Montag über das neue Gesetz abgestimmt und es beschlossen.") == "de"


def test_word_count_handles_unspaced_scripts():
    assert clean.word_count("The vote passed today.") == 4
    assert clean.word_count("先日、不正に改造したiPhoneを販売した") == 7  # 14 CJK characters


def test_date_lines_on_top_are_chrome_and_a_plain_texts_own_address_names_its_page():
    body = ("http://usatoday30.usatoday.com/news/world/2005-11-27-iran-quake_x.htm\n"
            "Posted Nov. 27, 2005 7:21 AM\nUpdated 11 / 27 / 2005 3:41 PM\n"
            "Strong earthquake jolts southern Iran, felt in Oman\n"
            "A powerful earthquake hit southern Iran on Sunday, killing at least 10 people.")
    text, removed = clean.strip_chrome(body[body.index("\n") + 1:])
    assert text.startswith("Strong earthquake jolts") and len(removed) == 2
    assert clean.find_dateline(text, removed) == "2005-11-27"  # the "Posted" line
    assert clean.page_url(body) == "http://usatoday30.usatoday.com/news/world/2005-11-27-iran-quake_x.htm"
    assert clean.strip_chrome(body)[0].startswith("http://usatoday30")  # kept: its words tell the story
    assert clean.page_url("A story that cites http://example.com/x\nhttp://example.com/x") is None


def test_a_headline_derived_from_the_lead_skips_the_pages_address_and_date_lines():
    text = "http://www.example.com/iran-quake.html\nPosted Nov. 27, 2005 7:21 AM\nStrong quake jolts southern Iran"
    assert clean.lead_headline(text, clean.split_sentences(text)) == "Strong quake jolts southern Iran"
