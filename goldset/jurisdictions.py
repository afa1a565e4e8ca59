"""Jurisdiction aliases -> canonical names, keyed by the same cleaning normalize_jurisdiction applies."""

from __future__ import annotations

import re
import unicodedata

_STATES = {
    "Alabama": ("AL", "Ala."), "Alaska": ("AK",), "Arizona": ("AZ", "Ariz."), "Arkansas": ("AR", "Ark."),
    "California": ("CA", "Cal.", "Calif."), "Colorado": ("CO", "Colo."), "Connecticut": ("CT", "Conn."),
    "Delaware": ("DE", "Del."), "Florida": ("FL", "Fla."), "Georgia": ("GA", "Ga."), "Hawaii": ("HI",),
    "Idaho": ("ID",), "Illinois": ("IL", "Ill."), "Indiana": ("IN", "Ind."), "Iowa": ("IA",),
    "Kansas": ("KS", "Kan."), "Kentucky": ("KY", "Ky."), "Louisiana": ("LA", "La."), "Maine": ("ME",),
    "Maryland": ("MD", "Md."), "Massachusetts": ("MA", "Mass."), "Michigan": ("MI", "Mich."),
    "Minnesota": ("MN", "Minn."), "Mississippi": ("MS", "Miss."), "Missouri": ("MO", "Mo."),
    "Montana": ("MT", "Mont."), "Nebraska": ("NE", "Neb."), "Nevada": ("NV", "Nev."),
    "New Hampshire": ("NH", "N.H."), "New Jersey": ("NJ", "N.J."), "New Mexico": ("NM", "N.M."),
    "New York": ("NY", "N.Y."), "North Carolina": ("NC", "N.C."), "North Dakota": ("ND", "N.D."),
    "Ohio": ("OH",), "Oklahoma": ("OK", "Okla."), "Oregon": ("OR", "Ore."),
    "Pennsylvania": ("PA", "Pa.", "Penn."),
    "Rhode Island": ("RI", "R.I."), "South Carolina": ("SC", "S.C."), "South Dakota": ("SD", "S.D."),
    "Tennessee": ("TN", "Tenn."), "Texas": ("TX", "Tex."), "Utah": ("UT",), "Vermont": ("VT", "Vt."),
    "Virginia": ("VA", "Va."), "Washington": ("WA", "Wash."), "West Virginia": ("WV", "W.Va."),
    "Wisconsin": ("WI", "Wis."), "Wyoming": ("WY", "Wyo."),
    "District of Columbia": ("DC", "D.C.", "Washington, D.C.", "Washington DC"),
}  # fmt: skip
_OTHERS = {
    "England and Wales": ("England & Wales", "England", "English", "English law", "the laws of England",
                          "England and Wales law", "Wales"),
    "Scotland": ("Scottish", "Scots law"),
    "Northern Ireland": (),
    "United Kingdom": ("UK", "U.K.", "Great Britain"),
    "Ireland": ("Irish", "Republic of Ireland", "Eire"),
    "Germany": ("German", "Federal Republic of Germany", "Deutschland"),
    "France": ("French", "French Republic"),
    "Netherlands": ("Dutch", "The Netherlands", "Holland"),
    "Switzerland": ("Swiss",),
    "Luxembourg": (), "Belgium": ("Belgian",), "Spain": ("Spanish",), "Italy": ("Italian",),
    "Sweden": ("Swedish",), "Denmark": ("Danish",), "Norway": ("Norwegian",), "Finland": ("Finnish",),
    "Singapore": ("Singaporean", "Republic of Singapore", "Singapore law"),
    "Hong Kong": ("Hong Kong SAR",), "Japan": ("Japanese",), "India": ("Indian",),
    "China": ("PRC", "People's Republic of China", "Chinese"), "Israel": ("Israeli",),
    "Australia": ("Australian",), "New South Wales": ("NSW",), "Victoria": (),
    "Canada": ("Canadian",), "Ontario": ("Province of Ontario", "Ont."), "Quebec": ("Québec",),
    "British Columbia": ("BC", "B.C."), "Alberta": (),
    "United States": ("USA", "U.S.A.", "US", "U.S.", "United States of America"),
}  # fmt: skip


def alias_key(text: str) -> str:
    """Lower-case ASCII words; dots after single letters dropped so "N.Y." and "NY" agree."""
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"(?<=\b[a-z])\.", "", s).replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", s).split())


def _build() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for canonical, others in (_STATES | _OTHERS).items():
        for alias in (canonical, *others):
            aliases[alias_key(alias)] = canonical
    return aliases


ALIASES: dict[str, str] = _build()


def aliases_of(canonical: str) -> set[str]:
    """Every alias key that maps to `canonical` (used to find a labelled jurisdiction on a page)."""
    return {alias for alias, name in ALIASES.items() if name == canonical}
