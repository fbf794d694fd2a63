"""extract_html on small pages written for these tests."""

from __future__ import annotations

import pytest

from newsfuse.errors import InputError
from newsfuse.ingest.html import clean_text, extract_html

PARAGRAPHS = [
    "The city council voted on Tuesday to approve a new budget for the public library system, "
    "ending months of debate over branch opening hours.",
    "Council member Ana Ruiz said the plan would keep every branch open six days a week and "
    "would add evening hours at the three busiest locations.",
    "Opponents argued that the money should have gone to road repairs, but the measure passed "
    "by a vote of seven to two after a long public hearing.",
]


def page(body_extra: str = "", head_extra: str = "") -> str:
    paragraphs = "\n".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Council approves library budget | Springfield Gazette</title>
<meta property="og:title" content="Council approves library budget">
<meta property="og:site_name" content="Springfield Gazette">
{head_extra}
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Council approves library budget</h1>
{paragraphs}
{body_extra}
</article>
<footer>Copyright 2024 Springfield Gazette. All rights reserved.</footer>
</body></html>"""


def test_main_text_title_and_sitename():
    result = extract_html(page(), origin="gazette.html")
    for text in PARAGRAPHS:
        assert text in result.text
    assert "Copyright" not in result.text
    assert result.title == "Council approves library budget"
    assert result.sitename == "Springfield Gazette"


def test_paragraphs_are_separate_lines():
    lines = extract_html(page(), origin="gazette.html").text.split("\n")
    assert all(text in lines for text in PARAGRAPHS)


def test_publication_date_from_meta_tag():
    head = '<meta property="article:published_time" content="2022-09-15T10:30:00+00:00">'
    result = extract_html(page(head_extra=head), origin="gazette.html")
    assert result.published == "2022-09-15"
    assert result.date_method == "htmldate"


def test_page_chrome_dates_are_not_publication_dates():
    # the footer's "Copyright 2024" and a "last update" line are not when the report was written
    chrome = "<p>Sunday 24th of September 2023 | Last Update</p>"
    result = extract_html(page(body_extra=chrome), origin="gazette.html")
    assert result.published is None
    assert result.date_method is None


def test_bytes_in_declared_legacy_charset():
    html = page(body_extra="<p>Caf\u00e9 owners near the main branch welcomed the decision, "
                           "saying the evening hours would bring more visitors.</p>")
    data = html.replace('charset="utf-8"', 'charset="iso-8859-1"').encode("iso-8859-1")
    assert "Caf\u00e9 owners" in extract_html(data, origin="latin1.html").text


def test_inline_advertisement_line_dropped():
    result = extract_html(page(body_extra="<p>ADVERTISEMENT</p><p>Share this article</p>"),
                          origin="gazette.html")
    assert "ADVERTISEMENT" not in result.text
    assert "Share this article" not in result.text
    assert PARAGRAPHS[2] in result.text


def test_clean_text_keeps_sentences_that_start_like_furniture():
    text = ("Advertisement\nSubscribe to our newsletter\n"
            "Subscribers to the service rose by a fifth last year, the company said.\n"
            "Share prices fell.\n  \nRead more")
    assert clean_text(text) == ("Subscribers to the service rose by a fifth last year, the company said.\n"
                                "Share prices fell.")


@pytest.mark.parametrize("html", ["", "   \n", b"", "<html><body></body></html>",
                                  "<html><head><title>x</title></head><body><div></div></body></html>"])
def test_nothing_usable_raises_input_error_naming_the_origin(html):
    with pytest.raises(InputError) as caught:
        extract_html(html, origin="feeds/broken-page.html")
    assert "feeds/broken-page.html" in str(caught.value)
    assert caught.value.code.startswith("NF1")
    assert caught.value.origin == "feeds/broken-page.html"


def test_not_html_at_all_raises_input_error():
    with pytest.raises(InputError, match="binary.bin"):
        extract_html(b"\x00\x01\x02\xff\xfe" * 20, origin="binary.bin")


def test_publication_date_from_url_when_markup_has_none():
    result = extract_html(page(), origin="gazette.html",
                          url="https://gazette.example/2019/11/18/council-approves-library-budget/")
    assert result.published == "2019-11-18"
