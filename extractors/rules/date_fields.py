"""Which dates are the effective, execution and expiration dates: the words around each date decide.

    entered into as of <date> | <date> (the "Effective Date") | shall expire on <date> | executed on <date>

A date beside another document ("supersedes the Letter of Intent dated <date>") dates that document.
"""

from __future__ import annotations

import re

from extractors.rules.candidates import Candidate
from extractors.rules.context import after, before, sentence
from extractors.rules.cues import cues, first_cue
from extractors.rules.dates import DateMatch, find_dates
from extractors.rules.signatures import SIGNATURE_CUE
from extractors.rules.text import PageText

# Left-context cues: each must match the end of the text before the date.
_THIS_AGREEMENT = (
    r"(?:this|the)\s+(?:[A-Z][\w&-]*\s+){0,6}?(?:agreement|contract|lease|amendment|addendum|deed|"
    r"statement\s+of\s+work|sow|licen[cs]e|order|memorandum)"
)
_EFFECTIVE_BEFORE = cues(
    (
        "effective.label",
        r"\b(?:effective|commencement|start|agreement|lease\s+commencement|service\s+start|order\s+start)\s+date"
        r"[\"']?\s*(?:of\s+this\s+\w+\s*)?(?:[:|\-]|is|shall\s+be|means|will\s+be)?\s*(?:the\s+)?$",
    ),
    (
        "effective.become",
        r"\b(?:become|becomes|be|is|shall\s+be|takes?|take)\s+effect(?:ive)?\s+(?:as\s+of|on(?:\s+and\s+from)?|"
        r"from|upon)?\s*(?:the\s+)?$",
    ),
    (
        "effective.as_of",
        r"\b(?:effective|with\s+effect)\s+(?:as\s+of|on(?:\s+and\s+from)?|from)\s*(?:the\s+)?$",
    ),
    # "Effective 8 August 2022, the undersigned agree ...": a sentence that opens with the date.
    ("effective.lead", r"^\s*effective\s*[:,]?\s*(?:as\s+of\s+)?(?:the\s+)?$"),
    (
        "effective.made",
        r"\b(?:made|entered\s+into|executed|dated|signed)(?:\s+and\s+(?:entered\s+into|effective|made))?\s*"
        r"(?:,\s*)?(?:(?:as\s+of|on|effective|this|dated|at\s+[A-Z][a-z]+)\s*){0,3}(?:the\s+)?$",
    ),
    (
        "effective.commence",
        r"\b(?:commenc\w*|start\w*|begin\w*)\s+(?:on|as\s+of|from|with\s+effect\s+from)\s*(?:the\s+)?$",
    ),
    ("effective.dated", r"^\s*dated\s*(?:as\s+of\s*)?[:\-]?\s*(?:the\s+)?$"),
)
# "Date: 3 March 2024" at the head of page 1 (English deeds, order forms): the agreement's date.
_HEADER_DATE = re.compile(r"(?:^|\n)\s*(?:date[d]?|agreement\s+date)\s*[:|]\s*$", re.I)
_EFFECTIVE_AFTER = cues(
    (
        "effective.defined",
        r"^\s*[,(]?\s*\(?\s*(?:the|this|hereinafter)?\s*[\"']{1,2}\s*(?:effective|commencement)\s+date",
    ),
)
_EXECUTION_BEFORE = cues(
    (
        "execution.label",
        r"\b(?:execution\s+date|date\s+of\s+execution|signing\s+date|date\s+of\s+(?:signing|signature)|"
        r"date\s+signed)\s*(?:[:|\-]|is)?\s*$",
    ),
    (
        "execution.signed",
        r"\b(?:executed|signed)\s+(?:by\s+(?:the|both|all)\s+parties\s+)?(?:at\s+[A-Z][a-z]+\s+)?(?:on|this)\s*"
        r"(?:the\s+)?$",
    ),
    (
        "execution.witness",
        r"\b(?:executed|signed)\s+this\s+\w+(?:\s+\w+)?\s+(?:as\s+of|on)\s*(?:the\s+)?$",
    ),
)
_IN_WITNESS = re.compile(r"\bin\s+witness\s+where\w*", re.I)
_EXPIRATION_BEFORE = cues(
    (
        "expiration.label",
        r"\b(?:expiration|expiry|termination|end)\s+date\s*(?:of\s+this\s+\w+\s*)?(?:[:\-]|is|shall\s+be|"
        r"means|will\s+be)\s*(?:the\s+)?$",
    ),
    (
        "expiration.expire",
        r"\b(?:expire|expires|expiring|terminate|terminates|end|ends|ending|cease)\s+(?:automatically\s+)?"
        r"(?:on|at\s+(?:the\s+)?(?:close|end)\s+of\s+(?:business\s+)?(?:on\s+)?|at\s+(?:midnight|noon|"
        r"\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?\s?m\.?)?)\s*(?:\([^)]{0,30}\)\s*|[A-Z]{2,4}\s+)?(?:local\s+time\s+)?on)"
        r"\s*(?:the\s+)?$",
    ),
    # "a term of one year beginning September 1, 2024 and ending August 31, 2025"; not a "year ending".
    (
        "expiration.ending",
        r"(?<!year\s)(?<!quarter\s)(?<!month\s)(?<!period\s)\b(?:ending|expiring|terminating)\s*(?:the\s+)?$",
    ),
    (
        "expiration.until",
        r"\b(?:until|through|to\s+and\s+including|up\s+to\s+and\s+including)\s*(?:the\s+)?$",
    ),
)
_EXPIRATION_AFTER = cues(
    (
        "expiration.defined",
        r"^\s*[,(]?\s*\(?\s*(?:the)?\s*[\"']{1,2}\s*(?:expiration|expiry|end|termination)\s+date",
    ),
)
# Documents that are not this agreement: a date next to them dates that document, not ours.
_OTHER_DOCUMENT = re.compile(
    r"\b(?:supersed\w*|pursuant\s+to|prior|previous|letter\s+of\s+intent|amend\w*|terminat\w*\s+the|"
    r"referenced|framework|original|subject\s+to|reference\s+is\s+made|restat\w*|under\s+the|"
    r"issued\s+under|governed\s+by\s+the)\b"
    # "... the Master Services Agreement dated": a date right after another agreement's name dates it.
    r"|\b(?:the|an?|that|such)\s+(?:(?-i:[A-Z])[\w&-]*\s+){1,6}(?:agreement|contract|order|letter)\s*,?\s*"
    r"(?:dated|made|entered\s+into)\b[^.;]{0,20}$",
    re.I,
)
_TERM_WORDS = re.compile(r"\b(?:term|agreement|lease|contract|force|effect|expire|continue)\b", re.I)


def _date_rule(page: PageText, found: DateMatch) -> list[tuple[str, str]]:
    """(field, rule) pairs a date answers, judged from its context."""
    left, right = before(page.text, found.start), after(page.text, found.end)
    whole = sentence(page.text, found.start, found.end)
    out: list[tuple[str, str]] = []
    if rule := first_cue(_EFFECTIVE_AFTER, right):
        out.append(("effective_date", rule))
    elif (rule := first_cue(_EFFECTIVE_BEFORE, left)) is not None:
        about_this = re.search(_THIS_AGREEMENT, whole, re.I) is not None
        other = _OTHER_DOCUMENT.search(left) is not None
        if rule in ("effective.made", "effective.commence", "effective.dated"):
            if about_this and not other:
                out.append(("effective_date", rule))
                if rule != "effective.commence":
                    # "made and entered into as of <date>": the agreement's own date, which is also when
                    # it was executed unless a signature says otherwise (a signature date's rule is
                    # measured more precise, so it wins where there is one).
                    out.append(("execution_date", "execution.agreement_date"))
        elif not other:
            out.append(("effective_date", rule))
    if rule := first_cue(_EXECUTION_BEFORE, left):
        witness = _IN_WITNESS.search(left) is not None
        out.append(("execution_date", "execution.witness" if witness else rule))
    if (
        not out
        and page.number == 1
        and found.start < 600
        and _HEADER_DATE.search(page.text[max(0, found.start - 40) : found.start])
        and not SIGNATURE_CUE.search(page.text[: found.start])  # a signature block's date is not the header's
    ):
        out.append(("effective_date", "effective.header"))
        out.append(("execution_date", "execution.agreement_date"))
    if rule := first_cue(_EXPIRATION_AFTER, right):
        out.append(("expiration_date", rule))
    elif (rule := first_cue(_EXPIRATION_BEFORE, left)) is not None:
        termination_right = re.search(r"\b(?:notice|cure|breach)\b", left, re.I)
        if _TERM_WORDS.search(left) and not termination_right and not _OTHER_DOCUMENT.search(left):
            out.append(("expiration_date", rule))
    return out


def date_candidates(page: PageText, *, day_first: bool) -> list[Candidate]:
    out = []
    for found in find_dates(page.text, day_first=day_first):
        for field, rule in _date_rule(page, found):
            value = found.date.isoformat()
            suffix = ".ambiguous" if found.ambiguous else ""
            out.append(Candidate(field, value, page.number, found.start, found.end, rule + suffix))
    return out
