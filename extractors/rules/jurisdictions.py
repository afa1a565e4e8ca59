"""The jurisdiction grammar: places whose law can govern a contract, and how a clause names them.

    the laws of the State of New York | laws of England and Wales | Delaware law | English law
    the Commonwealth of Massachusetts | the Province of Ontario | the laws in force in Singapore

Only places in this gazetteer are answers: a clause naming anything else (a typo, a planet) yields nothing,
so text crafted to steer an extractor cannot put an arbitrary string into the field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_US_STATES: dict[str, tuple[str, ...]] = {
    "Alabama": ("Ala.",), "Alaska": (), "Arizona": ("Ariz.",), "Arkansas": ("Ark.",),
    "California": ("Calif.", "Cal."), "Colorado": ("Colo.",), "Connecticut": ("Conn.",),
    "Delaware": ("Del.",),
    "Florida": ("Fla.",), "Georgia": (), "Hawaii": (), "Idaho": (), "Illinois": ("Ill.",),
    "Indiana": (), "Iowa": (), "Kansas": (), "Kentucky": (), "Louisiana": (), "Maine": (),
    "Maryland": (), "Massachusetts": ("Mass.",), "Michigan": ("Mich.",), "Minnesota": ("Minn.",),
    "Mississippi": (), "Missouri": (), "Montana": (), "Nebraska": (), "Nevada": ("Nev.",),
    "New Hampshire": ("N.H.",), "New Jersey": ("N.J.",), "New Mexico": ("N.M.",), "New York": ("N.Y.",),
    "North Carolina": ("N.C.",), "North Dakota": ("N.D.",), "Ohio": (), "Oklahoma": ("Okla.",),
    "Oregon": (), "Pennsylvania": ("Penn.",), "Rhode Island": ("R.I.",), "South Carolina": ("S.C.",),
    "South Dakota": ("S.D.",), "Tennessee": ("Tenn.",), "Texas": ("Tex.",), "Utah": (), "Vermont": (),
    "Virginia": (), "Washington": (), "West Virginia": ("W. Va.",), "Wisconsin": ("Wis.",),
    "Wyoming": (), "District of Columbia": ("D.C.", "Washington, D.C."),
}  # fmt: skip
# Canonical name -> other ways a clause names it, including the adjective of "English law".
_OTHERS: dict[str, tuple[str, ...]] = {
    "England and Wales": ("England & Wales", "England", "English"),
    "Scotland": ("Scottish", "Scots"),
    "Northern Ireland": (),
    "United Kingdom": ("U.K.", "Great Britain"),
    "Ireland": ("Irish", "Republic of Ireland"),
    "Germany": ("German", "Federal Republic of Germany"),
    "France": ("French",), "Netherlands": ("Dutch", "The Netherlands"), "Switzerland": ("Swiss",),
    "Luxembourg": (), "Belgium": ("Belgian",), "Spain": ("Spanish",), "Italy": ("Italian",),
    "Sweden": ("Swedish",), "Denmark": ("Danish",), "Norway": ("Norwegian",), "Finland": ("Finnish",),
    "Austria": ("Austrian",), "Portugal": ("Portuguese",), "Poland": ("Polish",),
    "Singapore": ("Republic of Singapore",), "Hong Kong": ("Hong Kong SAR",), "Japan": ("Japanese",),
    "India": ("Indian",), "China": ("People's Republic of China", "PRC"), "Israel": ("Israeli",),
    "South Africa": (), "Brazil": (), "Mexico": (), "United Arab Emirates": ("UAE",), "Dubai": (),
    "Australia": ("Australian",), "New South Wales": (), "Victoria": (), "Queensland": (),
    "New Zealand": (), "Canada": ("Canadian",), "Ontario": (), "Quebec": ("Québec",),
    "British Columbia": (), "Alberta": (), "Cayman Islands": (), "Bermuda": (),
    "United States": ("United States of America", "U.S.A.", "U.S."),
}  # fmt: skip


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9&]+", " ", text.replace(".", "")).split())


def _build() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for canonical, others in (_US_STATES | _OTHERS).items():
        for alias in (canonical, *others):
            aliases[_key(alias)] = canonical
    return aliases


ALIASES: dict[str, str] = _build()
US_STATES: frozenset[str] = frozenset(_US_STATES)
# Longest first so "West Virginia" wins over "Virginia" and "England and Wales" over "England".
_NAMES = sorted(
    {a for c, others in (_US_STATES | _OTHERS).items() for a in (c, *others)}, key=len, reverse=True
)
_NAME_RE = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in _NAMES)
# "the State of", "the Commonwealth of", "the Province of", "the Republic of", ...
_PREFIX = r"(?:the\s+)?(?:(?:State|Commonwealth|Province|Republic|Kingdom|Emirate)\s+of\s+(?:the\s+)?)?"
PLACE_RE = re.compile(rf"{_PREFIX}(?P<place>{_NAME_RE})(?![\w])", re.I)


@dataclass(frozen=True)
class PlaceMatch:
    start: int
    end: int
    name: str  # canonical


def canonical(text: str) -> str | None:
    """A place's canonical name: "the State of New York" -> "New York"; None if not a known place."""
    match = PLACE_RE.fullmatch(text.strip().rstrip(".,;"))
    return ALIASES.get(_key(match.group("place"))) if match else None


def find_places(text: str) -> list[PlaceMatch]:
    """Every known place in `text`. Short all-caps abbreviations are not searched: "IN", "OR", "ME"."""
    found = []
    for match in PLACE_RE.finditer(text):
        place = match.group("place")
        # Adjectives and place names are proper nouns: a lower-case "victoria" or "georgia" is not one.
        if not place[0].isupper():
            continue
        name = ALIASES.get(_key(place))
        if name:
            found.append(PlaceMatch(match.start(), match.end(), name))
    return found
