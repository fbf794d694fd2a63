"""Picture captions and credits that cleaning left in an article's text.

One test for the summary, the timeline and the events: a caption describes a
picture, not the news, so no summary sentence, dated fact or event comes
from it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Page furniture that cleaning left in the text: a photo's caption or credit
# ("A photo issued by ...", "Image copyright PA Image caption ...", a video's "Media
# caption ...", "(Photo: AP)"), a gallery's counter ("12/34 19 November 2017 ..."). It describes a
# picture, not the news, and a gallery's other pictures are other stories.
_CAPTION = re.compile(r"^(?:an?\s+|the\s+|this\s+)?(?:file\s+)?(?:photo|picture|image)s?(?:\s*:|\s+(?:issued|released|"
                      r"provided|taken|shows?|showing|made available|courtesy)\b)|\b(?:Image (?:copyright|caption)|Media caption)\b|"
                      r"\(Photo:|\b\d{1,2}/\d{1,2}\s+\d{1,2}\s+[A-Z][a-z]+\s+\d{4}\b", re.IGNORECASE)


# A gallery that cleaning left as one line: its pictures' captions, each
# after its counter ("1/8 The scene after a tram overturned ... 2/8 Police
# officers walk ..."): two running counters of one gallery, each opening a
# caption; not a lone fraction ("1/8 of an inch") or a date ("9/11").
_COUNTER = re.compile(r"\b(\d{1,2})/(\d{1,2})\s+[A-Z\d]")


def _gallery(text: str) -> bool:
    counters = {(int(m.group(1)), int(m.group(2))) for m in _COUNTER.finditer(text)}
    return any((k + 1, n) in counters for k, n in counters if k < n)


# A story's record asks again of the same sentences each time a fact is
# refreshed (summary.py): each text's answer is kept.
@lru_cache(maxsize=1 << 16)
def is_caption(text: str) -> bool:
    """Whether a sentence is a picture's caption or credit (``_CAPTION``), or a gallery's captions."""
    return bool(_CAPTION.search(text)) or _gallery(text)


# A credit closes its caption: what follows "(Photo: AP)" in one sentence is
# the article's own text that the sentence splitter joined to it.
_CREDIT = re.compile(r"\(Photo:[^)]*\)\s*")


def caption_end(text: str) -> int:
    """Where the caption in ``text`` ends: 0 if it is none, after a closing
    credit ("... Nov. 9, 2016. (Photo: AP) At least seven ..."), else the end."""
    if not is_caption(text):
        return 0
    credits = list(_CREDIT.finditer(text))
    end = credits[-1].end() if credits else len(text)
    return end if not is_caption(text[end:]) else len(text)
