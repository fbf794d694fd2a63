"""Figures read from sentences (quantities.py) and whether two reports'
figures disagree (disagreement.py): qualifiers, ranges, sums of parts,
units, scopes, updates by time, named values that clash."""

import math
from types import SimpleNamespace

import pytest

from newsfuse.disagreement import claim_measures, comparable, compare
from newsfuse.quantities import measures, overlaps


def figures(text: str) -> dict[str, list[tuple[float, float]]]:
    found: dict[str, list[tuple[float, float]]] = {}
    for m in measures(text):
        found.setdefault(m.slot, []).append((m.low, m.high))
    return found


def claim(text: str, published: str | None = None):
    return SimpleNamespace(span=SimpleNamespace(text=text), published=published)


def verdict(a: str, b: str, a_time: str | None = None, b_time: str | None = None, slot: str = "") -> str | None:
    """How two sentences' figures for their one shared slot (or ``slot``) relate."""
    x, y = claim(a, a_time), claim(b, b_time)
    mx, my = claim_measures(x), claim_measures(y)
    (key,) = [k for k in mx.keys() & my.keys() if k[0].startswith(slot)]
    return compare(mx[key], x, my[key], y)


@pytest.mark.parametrize("text, slot, interval", [
    ("An earthquake killed at least 10 people.", "killed", (10, math.inf)),
    ("More than 200 people were arrested overnight.", "arrested", (200, math.inf)),
    ("About 50 people were hurt.", "injured", (45, 55)),
    ("Nearly 40 people were injured in the blast.", "injured", (36, 40)),
    ("Up to 15 people are missing.", "missing", (0, 15)),
    ("Between 10 and 15 people were killed.", "killed", (10, 15)),
    ("Police said 10 to 15 people were arrested.", "arrested", (10, 15)),
    ("The 6.1-magnitude quake struck Qeshm island.", "magnitude", (6.1, 6.1)),
    ("The quake measured magnitude-5.9.", "magnitude", (5.9, 5.9)),
    ("The island is home to 120,000 people.", "population", (120000, 120000)),
    ("Ten dead in southern Iran quake", "killed", (10, 10)),
])
def test_qualifiers_and_ranges_are_intervals(text, slot, interval):
    (low, high), = figures(text)[slot]
    assert low == pytest.approx(interval[0]) and high == pytest.approx(interval[1])


def test_a_tally_verb_before_the_number_names_its_slot_and_the_next_one_names_the_next():
    found = figures("A powerful earthquake hit southern Iran, killing at least 10 people and injuring 80.")
    assert found == {"killed": [(10, math.inf)], "injured": [(80, 80)]}


def test_parts_add_up():
    assert (24, 24) in figures("Four people were taken to hospital with serious injuries while "
                               "20 others were slightly hurt.")["injured"]
    assert (3, 3) in figures("Police said two women and one man died at the bank.")["killed"]


def test_miles_and_kilometres_are_one_distance_to_a_named_place():
    km = measures("Qeshm lies 1,500 kilometers south of Tehran.")[0]
    miles = measures("The island is about 940 miles south of Tehran.")[0]
    other = measures("Qeshm, located 1,150 kilometers southeast of Tehran, has a busy port.")[0]
    assert km.slot == miles.slot == other.slot == "distance:tehran"
    assert overlaps(km, miles) and not overlaps(km, other)
    assert measures("Qeshm is a 1,500-square-kilometer island.") == []  # an area, not a distance


@pytest.mark.parametrize("text", [
    "The town's 24-hour strike began at dawn.",               # a compound, not a count
    "One of the hospitals was damaged.",                      # a partitive
    "It added that no one was injured.",                      # nobody
    "A magnitude 6 quake can cause severe damage.",           # a general statement
    "Police seized six AK-47 rifles.",                        # 47 is part of a name
    "Two more bodies were found on Monday.",                  # an increment, not the toll
    "A total of 51 had been taken to two hospitals.",         # hospitals counted, not the injured ...
    "A tram overturned, trapping five people and injuring another 40.",  # ... nor the trapped (Croydon)
    "In all 40 people were injured and five trapped inside the tram.",   # ... whichever comes first
    "The December 6 killing of a teenager by police unleashed a wave of unrest.",  # a day of a month
    "The teenager was killed by a police bullet on 6 December.",
    "The teenager was shot and killed by police in Athens eight days ago.",  # a span of time
])
def test_numbers_that_are_no_figure_of_the_event(text):
    found = figures(text)
    assert "magnitude" not in found and "killed" not in found
    assert not [v for v in found.get("injured", []) if v[0] < 40]
    assert (47, 47) not in found.get("count:rifle", [])


def test_figures_of_another_occasion_or_place_keep_their_own_scope():
    assert {m.scope for m in measures("The 2003 quake in Bam killed more than 26,000 people.")} == {""}
    assert {m.scope for m in measures("A quake in Bam in 2003 killed more than 26,000 people.")} == {"year:2003"}
    assert {m.scope for m in measures("In February, a quake killed 612 people.")} == {"past:february"}
    assert {m.scope for m in measures("In Heraklion, 10,000 people marched.")} == {"place:heraklion"}
    assert {m.scope for m in measures("So far the navy has seized 14 rifles.")} == {"total"}
    assert {m.scope for m in measures("A gray 2013 Toyota Camry hit her.")} == {""}  # a model year
    assert {m.scope for m in measures("Figures show 20 people were injured between March 2015 and March 2016.")} \
        == {"year:2015"}
    # one hospital's patients are a part of the toll (Croydon: 51 in all, 16 walking wounded at one)
    assert {m.scope for m in measures("St George's Hospital said it was treating 16 patients.")} == \
        {"hospital:st george's hospital"}
    # the walking wounded and the seriously hurt at one hospital are two counts (Croydon: 16 and four)
    minor = claim_measures(claim("St George's Hospital in Tooting said it was treating 20 people, four of whom were "
                                 "seriously injured and 16 who were walking wounded."))
    serious = claim_measures(claim("St George's Hospital in Tooting, said 20 people have been brought in for "
                                   "treatment of which four are seriously injured."))
    assert minor and serious
    assert not minor.keys() & serious.keys()
    assert {m.scope for m in measures("Croydon University Hospital said it was treating 31 people.")} == \
        {"hospital:croydon university hospital"}
    assert {m.scope for m in measures("Police took 20 injured people to hospital.")} == {""}


def test_overlapping_figures_agree_and_disjoint_ones_conflict():
    assert verdict("At least 50 people were injured.", "Officials said 80 people were injured.") is None
    assert verdict("About 50 people were injured.", "Officials said 80 people were injured.") == "conflicting"
    assert verdict("The quake measured magnitude 5.9.", "It was a magnitude-6.1 quake.") == "conflicting"


def test_a_later_higher_toll_is_an_update_an_earlier_one_or_a_lower_one_a_conflict():
    early, late = "Three people were killed in the fire.", "Ten people were killed in the fire."
    assert verdict(early, late, "2024-03-04T08:00", "2024-03-04T18:00") == "updated"
    assert verdict(early, late, "2024-03-04T18:00", "2024-03-04T08:00") == "conflicting"
    assert verdict(early, late) == "conflicting"  # no times: nothing says which came first
    assert verdict(early, "The death toll rose to 10.") == "updated"  # written as a rise
    # a lower bound, then a count above it written as a rise: compatible, but revised
    bound = "At least five people were killed in the fire."
    assert verdict(bound, "The death toll rose to 12.") == "updated"
    assert verdict(bound, late, "2024-03-04T08:00", "2024-03-04T18:00") is None  # what the bound allowed for
    assert verdict("About 30 people were injured.", "31 people were injured.", "2024-03-04", "2024-03-05") is None
    # a measure is not a tally: a later, different magnitude is still a conflict
    assert verdict("The quake had a magnitude of 5.9.", "The quake had a magnitude of 6.1.",
                   "2024-03-04", "2024-03-05") == "conflicting"


def test_figures_ten_times_apart_count_different_things():
    this, bam = measures("The quake killed 10 people."), measures("The quake killed 26,000 people.")
    assert not comparable(this, bam)
    assert not comparable(measures("A quake of magnitude 5.9 hit."), measures("A quake of magnitude 3.8 hit."))


def test_named_values_clash():
    assert verdict("She was hit by a silver Toyota Camry.", "She was struck by a grey Toyota Camry.") == "conflicting"
    assert verdict("She was struck by a gray Toyota.", "She was struck by a grey Toyota.") is None
    assert verdict("Three employees were burnt to death.", "Three employees suffocated to death.",
                   slot="cause") == "conflicting"


@pytest.mark.parametrize("text, shown", [
    ("Police said more than 50 people were injured.", "more than 50"),
    ("At least 40 people were injured after the tram overturned.", "at least 40"),
    ("The blast killed between 10 and 15 people.", "between 10 and 15"),
    ("50 or more people were hurt.", "50 or more"),
    ("Four people were taken to hospital with serious injuries while 20 others were slightly hurt.", "Four + 20"),
])
def test_a_figure_is_shown_as_written_with_its_qualifier(text, shown):
    from newsfuse.disagreement import written

    found = claim_measures(claim(text))
    assert written(next(v for (slot, scope), v in found.items() if scope == "")) == shown
