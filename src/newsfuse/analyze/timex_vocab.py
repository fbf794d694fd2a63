"""Vocabulary and regular-expression fragments shared by the TIMEX3 rules."""

from __future__ import annotations

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}


WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
             "saturday": 5, "sunday": 6}


SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}


PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI"}


ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3,
             "4th": 4, "last": 2, "final": 4}


SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]


TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
                 "seventies": 7, "eighties": 8, "nineties": 9}


# TIMEX3 duration letters; units below a day go after the "T".
UNIT_CODES = {"second": "TS", "minute": "TM", "hour": "TH", "day": "D", "week": "W",
               "weekend": "D", "month": "M", "quarter": "Q", "year": "Y", "decade": "E",
               "century": "C", "millennium": "L"}


HALF_UNIT = {"year": (6, "M"), "month": (15, "D"), "day": (12, "TH"), "hour": (30, "TM"),
              "minute": (30, "TS")}


MOD_WORDS = {
    "about": "APPROX", "around": "APPROX", "roughly": "APPROX", "approximately": "APPROX",
    "some": "APPROX", "nearly": "LESS_THAN", "almost": "LESS_THAN", "less than": "LESS_THAN",
    "under": "LESS_THAN", "more than": "MORE_THAN", "over": "MORE_THAN",
    "at least": "EQUAL_OR_MORE", "no more than": "EQUAL_OR_LESS", "at most": "EQUAL_OR_LESS",
    "up to": "EQUAL_OR_LESS", "within": "EQUAL_OR_LESS", "no less than": "EQUAL_OR_MORE",
}


EDGE_WORDS = {"early": "START", "earlier": "START", "the beginning of": "START",
               "the start of": "START", "late": "END", "later": "END", "the end of": "END",
               "mid": "MID", "the middle of": "MID"}


NUMWORD = (rf"(?:(?:{'|'.join(TENS)})(?:[- ](?:{'|'.join(SMALL[1:10])}))?"
            rf"|{'|'.join(sorted(SMALL[1:], key=len, reverse=True))})")


NUM = (rf"(?:\d+(?:\.\d+)?(?: 1/2)?|a couple of|couple of|a few|a hundred|a thousand|a half|"
        rf"{NUMWORD}(?: (?:hundred|thousand))?(?: and a half)?|several|few|an?)")


UNIT = (r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|quarters?|years?|decades?"
         r"|centur(?:y|ies)|millenni(?:um|a))")


# Month names must be capitalised ("may", "march" are common words).
MONTH = (r"(?-i:(?:January|February|March|April|May|June|July|August|September|October"
          r"|November|December)\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)(?:\.|\b))")


WD = r"(?-i:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))"


DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
HOUR_WORD = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
# Spoken days after a month name ("March eighth", "May twenty-first").
DAY_WORDS = {word: n for n, word in enumerate(
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"], start=1)}
DAY_WORDS.update({f"twenty-{word}": 20 + n for word, n in list(DAY_WORDS.items())[:9]})
DAY_WORDS.update({"thirtieth": 30, "thirty-first": 31})
SPOKEN_DAY = rf"(?:{'|'.join(sorted(DAY_WORDS, key=len, reverse=True))})\b"


YEAR = r"(?:1[6-9]\d\d|20\d\d)"
# A year in words ("nineteen ninety-four", "two thousand"); groups c (century) and r (rest).
SPELLED_YEAR = rf"(?P<c>nineteen|two thousand)(?: and)?(?: (?P<r>{NUMWORD}))?\b"


EDGE = r"(?:(?P<edge>early|earlier|late|later|mid|the (?:beginning|start|end|middle) of)[- ])?"


MOD = (r"(?:(?P<mod>about|around|roughly|approximately|nearly|almost|more than|less than"
        r"|at least|no more than|no less than|at most|up to|within|over|under|some) (?!the\b))?")


SEASON = r"(?-i:spring|summer|fall|autumn|winter)"  # "Winter Olympics" is not a date

