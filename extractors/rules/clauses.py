"""Cue phrases: which of a page's dates, durations, amounts and places answer which field.

Every value the grammars find is judged by the words around it ("entered into as of <date>", "<duration>
(the "Initial Term")", "governed by the laws of <place>"). Each cue is a named rule; the engine turns the
rule into a confidence with the table in confidence.py, so a strong cue outranks a weak one. One module
per kind of clause; this one lists the rules a page is read with.
"""

from __future__ import annotations

from collections.abc import Callable

from extractors.rules.candidates import Candidate
from extractors.rules.contract_value import money_candidates
from extractors.rules.governing_law import law_candidates
from extractors.rules.periods import duration_candidates
from extractors.rules.renewal import renewal_candidates
from extractors.rules.text import PageText
from extractors.rules.titles import title_candidates

# Rules that read one page on its own. Dates also need the document's day-first convention
# (date_fields.date_candidates), and parties and signatories the whole document (documents.py).
PAGE_RULES: tuple[Callable[[PageText], list[Candidate]], ...] = (
    duration_candidates,
    renewal_candidates,
    money_candidates,
    law_candidates,
    title_candidates,
)
