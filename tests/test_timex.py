"""TIMEX3 extraction and normalisation (newsfuse.analyze.timex)."""

from itertools import pairwise
from pathlib import Path

import pytest

from newsfuse.analyze.timex import TimeRef, find_timexes

SEEDS = Path(__file__).resolve().parents[1] / "examples" / "samarkand"
ANCHOR = "2022-09-15"  # a Thursday


def ref_at(text: str, anchor: str | None, phrase: str, word: str | None = None) -> TimeRef:
    """The TimeRef covering ``word`` inside the first occurrence of ``phrase``."""
    word = word or phrase
    position = text.index(phrase) + phrase.index(word)
    for ref in find_timexes(text, anchor):
        if ref.start <= position < ref.end:
            return ref
    raise AssertionError(f"no time expression found at {word!r} in {phrase!r}")


@pytest.fixture(scope="module")
def seed_a() -> str:
    return (SEEDS / "samarkand_a.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_b() -> str:
    return (SEEDS / "samarkand_b.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("phrase, word, value", [
    ("meet on Thursday in an ancient", "Thursday", "2022-09-15"),
    ("Xi arrived in Central Asia on Wednesday", "Wednesday", "2022-09-14"),
    ("will come face-to-face on Friday", "Friday", "2022-09-16"),
    ("told reporters in Moscow on Tuesday", "Tuesday", "2022-09-13"),
    ("invaded Ukraine on Feb. 24", "Feb. 24", "2022-02-24"),
    ("border clashes in 2020", "2020", "2020"),
    ("would visit Iran next week", "next week", "2022-W38"),
    ("the 1991 collapse", "1991", "1991"),
    ("On Friday, Putin is also set to meet", "Friday", "2022-09-16"),
    ("Iran on Thursday signed", "Thursday", "2022-09-15"),
])
def test_seed_a_dates(seed_a, phrase, word, value):
    ref = ref_at(seed_a, ANCHOR, phrase, word)
    assert ref.type == "DATE"
    assert ref.value.startswith(value)
    assert ref.anchor == ANCHOR or not value.startswith("2022")


def test_seed_a_spans_exclude_prepositions(seed_a):
    ref = ref_at(seed_a, ANCHOR, "face-to-face on Friday", "Friday")
    assert ref.text == "Friday"
    assert seed_a[ref.start:ref.end] == ref.text


def test_seed_a_durations(seed_a):
    seven = ref_at(seed_a, ANCHOR, "nearly seven months")
    assert (seven.text, seven.type, seven.value) == ("nearly seven months", "DURATION", "P7M")
    assert seven.mod in ("APPROX", "LESS_THAN")
    forty = ref_at(seed_a, ANCHOR, "the past 40 years")
    assert (forty.text, forty.type, forty.value) == ("the past 40 years", "DURATION", "P40Y")


def test_seed_a_next_decade(seed_a):
    ref = ref_at(seed_a, ANCHOR, "in the next decade", "next decade")
    assert (ref.type, ref.value) == ("DATE", "203")
    assert ref.text == "the next decade"


def test_seed_b(seed_b):
    assert ref_at(seed_b, ANCHOR, "this week").value == "2022-W37"
    early = ref_at(seed_b, ANCHOR, "early February")
    assert (early.value, early.mod) == ("2022-02", "START")
    assert ref_at(seed_b, ANCHOR, "Xi arrived in Uzbekistan on Wednesday", "Wednesday").value == "2022-09-14"
    assert ref_at(seed_b, ANCHOR, "The main summit day will be Friday", "Friday").value == "2022-09-16"
    assert ref_at(seed_b, ANCHOR, "Putin on Thursday", "Thursday").value == "2022-09-15"
    assert ref_at(seed_b, ANCHOR, "deadly fighting in 2020", "2020").value == "2020"


def test_seed_b_winter_olympics_is_not_a_season(seed_b):
    position = seed_b.index("Winter Olympic")
    assert not [r for r in find_timexes(seed_b, ANCHOR) if r.start <= position < r.end]


# --- formats -------------------------------------------------------------

@pytest.mark.parametrize("text, anchor, expected", [
    ("It opened on 2021-03-04.", None, ("2021-03-04", "DATE")),
    ("Filed 3/4/2021 in court.", None, ("2021-03-04", "DATE")),
    ("It happened on March 4, 2021, officials said.", None, ("2021-03-04", "DATE")),
    ("It happened on 4 March 2021.", None, ("2021-03-04", "DATE")),
    ("Sales in January 1998 rose.", None, ("1998-01", "DATE")),
    ("The plant closed in 1996.", None, ("1996", "DATE")),
    ("It grew in the 1990s.", None, ("199", "DATE")),
    ("a 20th century democrat", None, ("19", "DATE")),
    ("In nineteen ninety-one he was convicted.", None, ("1991", "DATE")),
    ("profit in the third quarter of 1989", None, ("1989-Q3", "DATE")),
    ("the first half of 1989", None, ("1989-H1", "DATE")),
    ("They will return next summer.", "1998-02-13", ("1999-SU", "DATE")),
])
def test_absolute_formats(text, anchor, expected):
    refs = find_timexes(text, anchor)
    assert [(r.value, r.type) for r in refs] == [expected]


@pytest.mark.parametrize("phrase, value", [
    ("today", "1998-02-13"), ("yesterday", "1998-02-12"), ("tomorrow", "1998-02-14"),
    ("last week", "1998-W06"), ("this month", "1998-02"), ("next month", "1998-03"),
    ("last year", "1997"), ("two years ago", "1996"), ("five months ago", "1997-09"),
    ("the fourth quarter", "1997-Q4"), ("last fall", "1997-FA"),
])
def test_relative_dates(phrase, value):
    text = f"The company said {phrase} that sales fell."
    refs = find_timexes(text, "1998-02-13")
    assert [(r.text, r.value) for r in refs] == [(phrase, value)]
    assert refs[0].anchor == "1998-02-13"


def test_times_and_parts_of_day():
    refs = find_timexes("The vote is at 3 p.m. and was announced this morning.", "1998-02-13")
    assert [(r.text, r.type, r.value) for r in refs] == [
        ("3 p.m.", "TIME", "1998-02-13T15:00"), ("this morning", "TIME", "1998-02-13TMO")]
    night = find_timexes("Police said last night that two men fled.", "1998-01-20")
    assert (night[0].type, night[0].value) == ("TIME", "1998-01-19TNI")


def test_vague_references():
    text = "Prices are now high; they recently fell, and the future is unclear."
    assert [(r.text, r.value) for r in find_timexes(text, "2000-01-01")] == [
        ("now", "PRESENT_REF"), ("recently", "PAST_REF"), ("the future", "FUTURE_REF")]


# --- tense decides the direction of weekday names -----------------------

@pytest.mark.parametrize("sentence, value", [
    ("The talks will resume on Monday.", "2022-09-19"),
    ("The leaders are due to meet on Saturday.", "2022-09-17"),
    ("The talks resumed on Monday.", "2022-09-12"),
    ("He said on Monday that talks had stalled.", "2022-09-12"),
    ("The leaders meet on Thursday.", "2022-09-15"),
    ("The talks will start next Thursday.", "2022-09-22"),
    ("They met last Thursday.", "2022-09-08"),
])
def test_weekday_direction(sentence, value):
    refs = find_timexes(sentence, ANCHOR)
    assert [r.value for r in refs] == [value]


def test_month_without_year_follows_tense():
    assert find_timexes("The deal closed in November.", "1999-05-06")[0].value == "1998-11"
    assert find_timexes("The summit will be held in April.", "1998-12-05")[0].value == "1999-04"


# --- durations and sets --------------------------------------------------

@pytest.mark.parametrize("text, value, mod", [
    ("for three years", "P3Y", None),
    ("a two-day visit", "P2D", None),
    ("in about a decade", "P1E", "APPROX"),
    ("over two decades", "P20Y", "MORE_THAN"),
    ("for 5 1/2 hours", "PT5H30M", None),
    ("at least 72 hours", "PT72H", "EQUAL_OR_MORE"),
    ("the next several days", "PXD", None),
])
def test_durations(text, value, mod):
    refs = find_timexes(text, None)
    assert [(r.type, r.value, r.mod) for r in refs] == [("DURATION", value, mod)]


def test_ages_are_not_durations():
    assert find_timexes("a 6-year-old boy", "2000-01-01") == []


@pytest.mark.parametrize("text, value", [
    ("The board meets every week.", "P1W"), ("Dividends are paid annually.", "P1Y"),
    ("He runs daily.", "P1D"), ("The club meets each Thursday.", "XXXX-WXX-4"),
])
def test_sets(text, value):
    refs = find_timexes(text, "2000-01-01")
    assert [(r.type, r.value) for r in refs] == [("SET", value)]


# --- no anchor -----------------------------------------------------------

def test_without_anchor_values_are_underspecified():
    text = "Xi arrived on Wednesday; talks begin today and end next week, on Feb. 24 or in June."
    refs = {r.text: r for r in find_timexes(text, None)}
    assert refs["Wednesday"].value == "XXXX-WXX-3"
    assert refs["today"].value == "XXXX-XX-XX"
    assert refs["next week"].value == "XXXX-WXX"
    assert refs["Feb. 24"].value == "XXXX-02-24"
    assert refs["June"].value == "XXXX-06"
    assert all(r.anchor is None for r in refs.values())


def test_anchor_with_time_part_and_garbage():
    assert find_timexes("It rained yesterday.", "1999-05-06T15:05")[0].value == "1999-05-05"
    assert find_timexes("It rained yesterday.", "not a date")[0].value == "XXXX-XX-XX"


def test_earnings_context_carries_the_quarter():
    text = ("Net rose in the third quarter to $5 million from $4 million a year earlier. "
            "In the latest quarter, sales rose.")
    refs = find_timexes(text, "1989-10-26")
    assert [(r.text, r.value) for r in refs] == [
        ("the third quarter", "1989-Q3"), ("a year earlier", "1988-Q3"), ("the latest quarter", "1989-Q3")]


def test_spans_match_text_and_do_not_overlap():
    text = (SEEDS / "samarkand_b.txt").read_text(encoding="utf-8")
    refs = find_timexes(text, ANCHOR)
    assert all(text[r.start:r.end] == r.text for r in refs)
    assert all(a.end <= b.start for a, b in pairwise(refs))


# --- TimeBank span conventions --------------------------------------------

@pytest.mark.parametrize("text, span", [
    ("The flight took about five hours.", "five hours"),
    ("They must leave within two weeks.", "two weeks"),
    ("Prices hit their lowest level in almost two decades.", "two decades"),
    ("The firm said its third quarter was weak.", "third quarter"),
    ("The firm blamed the third-quarter loss on costs.", "third-quarter"),
    ("The board rejected the 14-day limit.", "14-day"),
    ("Friday's vote was close.", "Friday"),
    ("Earlier Friday, the court ruled.", "Friday"),
    ("Right now the plan is stalled.", "now"),
    ("The year-ago results were restated.", "year-ago"),
    ("Losses grew for nearly five months.", "nearly five months"),
    ("Sales fell for more than four hours.", "more than four hours"),
])
def test_spans_leave_hedges_and_determiners_out(text, span):
    refs = find_timexes(text, "1998-02-13")
    assert [r.text for r in refs] == [span]


# --- what TimeBank does not mark -----------------------------------------

@pytest.mark.parametrize("text", [
    "The company previously held a stake.",
    "The board raised its quarterly dividend.",
    "Analysts cheered the recent sale of the unit.",
    "The film High Noon was shown.",
    "He spoke on 60 Minutes about the case.",
    'He said on "This Week" that talks would go on.',
    "It matters for the future of our peoples.",
    "Children in today's world read less.",
])
def test_not_time_expressions(text):
    assert find_timexes(text, "1998-02-13") == []


def test_recently_is_still_past_ref():
    assert [(r.text, r.value) for r in find_timexes("Sales recently fell.", "1998-02-13")] == [
        ("recently", "PAST_REF")]


def test_yesterdays_is_a_date():
    refs = find_timexes("Investors cheered yesterday's announcement.", "1998-02-13")
    assert [(r.text, r.value) for r in refs] == [("yesterday", "1998-02-12")]


# --- direction from prepositions and auxiliaries ---------------------------

@pytest.mark.parametrize("sentence, value", [
    ("The fleet has been on patrol since March and was scheduled to return.", "1998-03"),
    ("The fleet is on patrol since December, and will stay.", "1997-12"),
    ("The loan had to be repaid by February under the plan announced.", "1999-02"),
    ("The ruling keeps the boy here until March, officials said.", "1999-03"),
])
def test_prepositions_set_the_direction_of_months(sentence, value):
    assert find_timexes(sentence, "1998-11-10")[0].value == value


def test_past_auxiliary_before_a_future_cue_looks_ahead():
    refs = find_timexes("Protesters were planning to march on Saturday.", "2000-01-07")  # a Friday
    assert [r.value for r in refs] == ["2000-01-08"]


# --- spoken and spelled forms ---------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("It began in January nineteen ninety-seven.", ("January nineteen ninety-seven", "1997-01")),
    ("Prices peaked in the winter of nineteen ninety-four.", ("the winter of nineteen ninety-four", "1994-WI")),
    ("Spring 1998 sales rose.", ("Spring 1998", "1998-SP")),
    ("The march is on the fifteenth of March.", ("the fifteenth of March", "1998-03-15")),
    ("Women's Day is on March eighth.", ("March eighth", "1998-03-08")),
])
def test_spelled_years_and_days(text, expected):
    refs = find_timexes(text, "1998-02-13")
    assert [(r.text, r.value) for r in refs] == [expected]


@pytest.mark.parametrize("text, value", [
    ("The talks start at eight o'clock tonight.", "1998-02-13T20:00"),
    ("He will leave at four in the morning.", "1998-02-13T04:00"),
    ("The vote is at seven thirty p.m. tomorrow.", "1998-02-14T19:30"),
])
def test_spoken_clock_times(text, value):
    refs = find_timexes(text, "1998-02-13")
    assert [(r.type, r.value) for r in refs] == [("TIME", value)]


def test_duration_and_a_half():
    refs = find_timexes("But a minute and a half later, a pilot called.", None)
    assert [(r.text, r.value) for r in refs] == [("a minute and a half", "PT1M30S")]


# --- anaphora and earnings copy --------------------------------------------

def test_following_month_follows_the_month_named():
    refs = find_timexes("Holders met in March 1989. The following month, the firm was sold.", "1989-11-02")
    assert [(r.text, r.value) for r in refs] == [("March 1989", "1989-03"), ("The following month", "1989-04")]


def test_the_week_is_left_open():
    refs = find_timexes("For the week, the index fell 3%.", "1989-11-02")
    assert [(r.text, r.value) for r in refs] == [("the week", "1989-WXX")]


def test_latest_quarter_is_the_last_completed_one():
    text = "The firm expects a loss in the fourth quarter. In the latest quarter, sales rose."
    refs = find_timexes(text, "1989-11-02")
    assert [(r.text, r.value) for r in refs] == [
        ("the fourth quarter", "1989-Q4"), ("the latest quarter", "1989-Q3")]


def test_weekday_with_part_of_day_is_the_day():
    refs = find_timexes("Protesters rallied Friday night in the plaza.", "2000-01-08")
    assert [(r.text, r.type, r.value) for r in refs] == [("Friday night", "DATE", "2000-01-07")]


def test_second_half_follows_tense():
    assert find_timexes("Sales fell in the second half.", "1998-02-13")[0].value == "1997-H2"
    assert find_timexes("The deal will close in the second half.", "1998-02-13")[0].value == "1998-H2"
