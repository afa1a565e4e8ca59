"""Which place's law governs: "governed by the laws of <place>", "<place> law", "Governing Law: <place>".

A place named for incorporation ("organised under the laws of Germany") or for the courts is not the answer.
"""

from __future__ import annotations

import re

from extractors.rules.candidates import Candidate
from extractors.rules.context import after, before, sentence, sentence_bounds
from extractors.rules.cues import cues, first_cue
from extractors.rules.jurisdictions import US_STATES, find_places
from extractors.rules.text import PageText

_LAW_CONTEXT = re.compile(
    r"\b(?:gove(?:rn|m)\w*|constru\w*|interpret\w*|applicable\s+law|laws?\s+shall\s+apply|subject\s+to\s+"
    r"(?:the\s+)?(?:\w+\s+)?laws?|(?:resolved|determined|decided|settled)\s+(?:under|in\s+accordance\s+with)"
    r"\s+(?:the\s+)?laws?)\b",
    re.I,
)
_LAW_LABEL = re.compile(r"\b(?:governing|applicable)\s+law\s*[:.\-]\s*$", re.I)
_LAW_BEFORE = cues(
    ("law.laws_of", r"\blaws?\s+(?:of|in\s+force\s+in|applicable\s+in|prevailing\s+in)\s*(?:the\s+)?$"),
    ("law.heading", r"\bgoverning\s+law\s*(?:and\s+jurisdiction\s*)?[:.\-]\s*$"),
)
_LAW_AFTER = re.compile(r"^\s*law\b", re.I)
# "a corporation organised under the laws of Delaware": where a party is incorporated, not the governing law.
_INCORPORATED_BEFORE = re.compile(
    r"\b(?:organi[sz]ed|incorporated|existing|formed|registered|constituted|established)\s+"
    r"(?:and\s+existing\s+)?(?:under|in\s+accordance\s+with)\s+(?:the\s+)?laws?\s+of\s+(?:the\s+)?$",
    re.I,
)


def law_candidates(page: PageText) -> list[Candidate]:
    out = []
    for found in find_places(page.text):
        whole = sentence(page.text, found.start, found.end)
        lo, _ = sentence_bounds(page.text, found.start, found.end)
        # "Governing law: The laws of ...": the label ends the sentence before the one naming the place.
        labelled = _LAW_LABEL.search(page.text[max(0, lo - 40) : lo])
        if not (_LAW_CONTEXT.search(whole) or labelled):
            continue
        left, right = before(page.text, found.start, 60), after(page.text, found.end, 20)
        rule = first_cue(_LAW_BEFORE, left) or ("law.adjective" if _LAW_AFTER.search(right) else None)
        if rule is None or _INCORPORATED_BEFORE.search(left):
            continue
        # "the federal laws of the United States and the laws of the State of New York": the state decides.
        if found.name == "United States" and any(p.name in US_STATES for p in find_places(whole)):
            continue
        out.append(Candidate("governing_law", found.name, page.number, found.start, found.end, rule))
    return out
