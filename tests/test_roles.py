"""Role conflicts: two events of one kind fill the same roles differently."""

from collections import Counter

import numpy as np

from newsfuse.cluster import (ArticleFeatures, ClusterOptions, StoryState, add_to_story, new_story, roles_conflict,
                              score, specific_roles, story_similarity)

MYSORE = ("The Indian Navy said INS Mysore captured 23 pirates in the Gulf of Aden. "
          "The Ethiopian ship called for help, and coach Cheeks was not aboard.")
SUKANYA = "The Indian Navy said INS Sukanya captured 26 pirates in the Gulf of Aden."


def test_roles_are_multiword_names_titled_names_and_counts():
    roles = specific_roles(MYSORE)
    assert roles["ins"] == {"mysore"} and roles["pirates"] == {"23"} and roles["indian"] == {"navy"}
    assert roles["coach"] == {"cheeks"}
    assert "the" not in roles  # a sentence's first word names nothing


def test_urls_years_and_clock_times_fill_no_role():
    text = ("http://www.example.com/2011/11/11/navy-foils-3-attacks\nUpdated: November 11, 2011 20:09 IST\n"
            "Officials said 2011 arrests rose within 24 hours.")
    assert specific_roles(text) == {}


def _told(text, times):
    """A story's roles after ``times`` reports of ``text``."""
    return {role: dict.fromkeys(fillers, times) for role, fillers in specific_roles(text).items()}


def test_roles_the_story_agrees_on_filled_differently_conflict_and_the_same_fillers_do_not():
    mysore = specific_roles(MYSORE)
    assert roles_conflict(mysore, _told(SUKANYA, 2), 2) == 2 / 4  # ins and pirates differ; indian navy agrees; +1
    assert roles_conflict(mysore, _told(MYSORE, 2), 2) == 0.0
    assert roles_conflict(mysore, {"striker": {"rooney": 2}}, 2) == 0.0  # nothing shared, nothing to say


def test_a_role_one_report_named_or_fewer_than_half_of_them_is_not_agreed():
    mysore = specific_roles(MYSORE)
    assert roles_conflict(mysore, _told(SUKANYA, 1), 1) == 0.0
    assert roles_conflict(mysore, _told(SUKANYA, 2), 5) == 0.0
    assert roles_conflict(mysore, _told(SUKANYA, 3), 5) == 2 / 4


def _article(text, n, headline=False):
    vec = np.ones(4, dtype=np.float32) / 2
    return ArticleFeatures(f"{n:020x}", vec, vec, Counter(text.lower().split()), headline=headline,
                           roles=specific_roles(text))


def _story(text, reports, options):
    story = new_story(_article(text, 0), {"navy": 1.0}, options)
    for n in range(1, reports):
        add_to_story(story, _article(text, n), {"navy": 1.0}, options)
    return story


def test_a_lead_article_that_fills_the_storys_roles_differently_scores_lower():
    plain, strict = ClusterOptions(), ClusterOptions(lead_roles_weight=0.4)
    story = _story(SUKANYA, 2, plain)
    article = _article(MYSORE, 2)
    lost = score(article, {"navy": 1.0}, story, plain) - score(article, {"navy": 1.0}, story, strict)
    assert abs(lost - 0.4 * 2 / 4) < 1e-9
    headline = _article(MYSORE, 3, headline=True)  # headlines have their own weight, off here
    assert score(headline, {"navy": 1.0}, story, plain) == score(headline, {"navy": 1.0}, story, strict)


def test_stories_whose_roles_disagree_are_less_alike_and_roles_survive_storage():
    options = ClusterOptions(lead_roles_weight=0.4)
    a, b, c = _story(SUKANYA, 2, options), _story(MYSORE, 2, options), _story(SUKANYA, 2, options)
    assert story_similarity(a, b, options) < story_similarity(a, c, options)
    assert StoryState.from_bytes(a.to_bytes()).roles == a.roles == {"indian": {"navy": 2}, "ins": {"sukanya": 2},
                                                                     "pirates": {"26": 2}}
