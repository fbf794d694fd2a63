"""Which outlet wrote an article, from a credit in its text; and which words name the press.

An article's outlet comes first from what its source says (metadata, the
page's site name, the URL's domain: ``ingest.article``); only when none of
those tells does ``credited_outlet`` read the text for a credit line. A
credit is the outlet signing its own copy; a source it quotes is not:

=====================  ==============================================  =======================================
credit                 written as                                      not a credit (a source quoted)
=====================  ==============================================  =======================================
dateline credit        "WASHINGTON (AP) —", "(Reuters) - Russia ..."   "a report (Reuters, 2019) said"
own reporters          "AFP journalists visited", "an AFP reporter     "told AFP journalists", "police held two
                       saw"                                            AFP reporters"
byline                 "By Jane Doe, AFP", "By Jane Doe | Reuters"     "photo by AFP"
sign-off               "— Agence France-Presse" (last line),           "according to AFP", "told Reuters",
                       "© AFP 2022", "Copyright 2022 The Associated    "AFP reported", "Reuters said"
                       Press"
=====================  ==============================================  =======================================

Only the news agencies of ``AGENCIES`` are read from text: their names are
what wire copy carries, and a regular newspaper's credit ("By X, The
Guardian") is its site name or domain anyway. ``is_press`` tells whether an
actor phrase names the press (journalists, reporters, a news agency), for the
events stage: "AFP journalists visited" reports the reporting, not an event.
"""

from __future__ import annotations

import re

# Canonical outlet name -> the names wire copy credits it under.
AGENCIES = {
    "AFP": ["AFP", "Agence France-Presse", "Agence France Presse"],
    "Reuters": ["Reuters", "Thomson Reuters"],
    "AP": ["AP", "Associated Press", "The Associated Press"],
    "dpa": ["dpa", "Deutsche Presse-Agentur"],
    "Xinhua": ["Xinhua"],
    "TASS": ["TASS"],
    "Kyodo": ["Kyodo", "Kyodo News"],
    "Yonhap": ["Yonhap"],
    "EFE": ["EFE"],
    "ANSA": ["ANSA"],
    "PTI": ["PTI", "Press Trust of India"],
    "UPI": ["UPI", "United Press International"],
    "Anadolu": ["Anadolu", "Anadolu Agency"],
    "Bloomberg": ["Bloomberg"],
}
_CANONICAL = {alias.lower(): name for name, aliases in AGENCIES.items() for alias in aliases}
# Longest first, so "Associated Press" is tried before "AP".
_NAMES = "|".join(re.escape(a) for a in sorted({a for aliases in AGENCIES.values() for a in aliases},
                                                key=len, reverse=True))
_AGENCY = rf"(?P<agency>(?:[Tt]he\s+)?(?:{_NAMES}))"
_DASH = r"[-—–]"
_STAFF = r"(?:journalists?|reporters?|correspondents?|photographers?|camera\s*(?:man|men|crew)|teams?|crew)"
_SEEING = (r"(?:visited|visiting|saw|sees?|witnessed|counted|observed|heard|found|watched|"
           r"accompanied|toured|travel(?:l)?ed|reached|spoke|interviewed)")
# Words before an agency's staff that make it the object of someone else's act:
# "told AFP journalists", "police held two AFP reporters".
_OBJECT_BEFORE = re.compile(r"(?:\b(?:told|tell|tells|telling|to|with|by|according|at|against|held|detained|"
                            r"arrested|killed|attacked|injured|wounded|two|three|several|of)\s+(?:an?\s+|the\s+)?)$",
                            re.IGNORECASE)

# (name, pattern, where): where is "head" (the first lines), "tail" (the last
# lines) or "body" (anywhere). The order is the order of trust.
CREDITS = [
    ("dateline credit", re.compile(rf"^(?:[A-Z][\w .,'’/-]{{0,60}}?)?\(\s*{_AGENCY}\s*\)\s*{_DASH}", re.MULTILINE),
     "head"),
    ("byline", re.compile(rf"^\s*By\s+[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){{0,3}}\s*[,|/]\s*{_AGENCY}\s*$",
                          re.MULTILINE), "head"),
    ("sign-off", re.compile(rf"^\s*{_DASH}{{1,2}}\s*{_AGENCY}\s*\.?\s*$", re.MULTILINE), "tail"),
    ("copyright", re.compile(rf"^\s*(?:©|\(c\)|Copyright)\s*(?:\d{{4}}\s*)?{_AGENCY}\b", re.MULTILINE), "tail"),
    ("own reporters", re.compile(rf"\b{_AGENCY}\s+{_STAFF}\s+(?:\w+\s+){{0,2}}?{_SEEING}\b"), "body"),
]
# A credit sits in a text's first or last lines: this many characters of each.
_EDGE_CHARS = 400


def credited_outlet(text: str) -> str | None:
    """The news agency that signs ``text`` (its canonical name), or None."""
    for _, pattern, where in CREDITS:
        for match in pattern.finditer(_part(text, where)):
            if where != "body" or not _OBJECT_BEFORE.search(text[:_offset(text, where) + match.start()]):
                return _canonical(match.group("agency"))
    return None


def _part(text: str, where: str) -> str:
    if where == "head":
        return text[:_EDGE_CHARS]
    return text[-_EDGE_CHARS:] if where == "tail" else text


def _offset(text: str, where: str) -> int:
    return max(0, len(text) - _EDGE_CHARS) if where == "tail" else 0


def _canonical(name: str) -> str:
    name = re.sub(r"^[Tt]he\s+", "", name)
    return _CANONICAL.get(name.lower()) or _CANONICAL.get(("the " + name).lower(), name)


_PRESS_WORDS = {"journalist", "journalists", "reporter", "reporters", "correspondent", "correspondents",
                "media", "newspaper", "photographer", "photographers", "newsroom", "cameraman",
                "cameramen"}


def is_press(phrase: str) -> bool:
    """Whether an actor phrase names the press: "AFP journalists", "reporters",
    "the media", "Reuters" (a news agency by name)."""
    words = re.findall(r"[\w’'-]+", phrase)
    if any(w.lower() in _PRESS_WORDS for w in words):
        return True
    return bool(words) and " ".join(words).lower() in _CANONICAL or any(w in AGENCIES for w in words)
