"""Which lengths of time are the term, the renewal term, the termination and non-renewal notices and the
payment terms.

    twenty-four (24) months (the "Initial Term") | renew for successive periods of one (1) year
    terminate ... upon ninety (90) days' prior written notice | payable within 30 days of receipt | net 45

Not every period near those words is one: "for twelve months thereafter" (non-solicitation) is not the term,
and "fails to cure within 30 days" is not a notice period.
"""

from __future__ import annotations

import re

from extractors.rules.candidates import Candidate
from extractors.rules.context import after, before, sentence, sentence_bounds
from extractors.rules.cues import cues, first_cue
from extractors.rules.durations import find_durations
from extractors.rules.text import PageText

_TERM_BEFORE = cues(
    (
        "term.initial",
        r"\binitial\s+(?:term|period)\s+(?:of\s+this\s+\w+\s+)?(?:shall\s+be\s+|is\s+|will\s+be\s+|of\s+|"
        r":\s*)(?:a\s+period\s+of\s+)?(?:the\s+)?$",
    ),
    (
        "term.of",
        r"\bterm\s+of\s+(?:this\s+\w+\s+)?(?:shall\s+be\s+|is\s+|will\s+be\s+)?(?:a\s+period\s+of\s+)?$",
    ),
    ("term.label", r"\bterm\s*(?:[:|\-]|shall\s+be|is|will\s+be)\s*(?:a\s+period\s+of\s+)?$"),
    (
        "term.force",
        r"\b(?:remain|continue|be)\s+in\s+(?:full\s+)?(?:force|effect)(?:\s+and\s+effect)?\s+for\s+(?:an?\s+"
        r"(?:initial\s+)?(?:term|period)\s+of\s+)?(?:a\s+period\s+of\s+)?$",
    ),
    (
        "term.continue",
        r"\b(?:continue|continuing|remain|run|last|extend)\s+(?:thereafter\s+)?for\s+(?:an?\s+(?:initial\s+)"
        r"?(?:term|period)\s+of\s+)?(?:a\s+period\s+of\s+)?$",
    ),
)
_TERM_AFTER = cues(
    (
        "term.defined",
        r"^\s*[,(]?\s*\(?\s*(?:the|this|an?|hereinafter)?\s*[\"']{1,2}\s*(?:initial\s+)?(?:term|period)\b",
    ),
    (
        "term.from",
        r"^\s*(?:from|after|commencing\s+on|beginning\s+on|following)\s+(?:the\s+)?(?:effective\s+date|"
        r"commencement\s+date|date\s+(?:hereof|of\s+this))",
    ),
)
_TERM_NOT = re.compile(
    r"^\s*(?:thereafter|after\s+(?:the\s+)?(?:termination|expiration|expiry)|following\s+(?:its|the)\s+(?:termination|expiration|expiry)|prior|before|notice|'|of\s+(?:the\s+)?(?:termination|expiration))",
    re.I,
)
# "for one additional term", "for up to two (2) further periods", "for one or more successive terms".
_HOW_MANY = r"(?:an?\s+|(?:up\s+to\s+)?(?:one|two|three|four|five|\d)\s+(?:\(\d\)\s+)?(?:or\s+more\s+)?)?"
_RENEWAL_BEFORE = cues(
    (
        "renewal.periods",
        rf"\b(?:renew|extend)\w*\s+(?:automatically\s+)?(?:for|by)\s+{_HOW_MANY}(?:successive|additional|"
        r"further|consecutive|subsequent|like)?\s*(?:renewal\s+)?(?:periods?|terms?)\s+of\s+(?:up\s+to\s+)?$",
    ),
    (
        "renewal.for",
        rf"\b(?:renew\w*|extend\w*)\s+(?:automatically\s+)?(?:for|by)\s+{_HOW_MANY}(?:successive|additional|"
        r"further|consecutive|subsequent)?\s*$",
    ),
    (
        "renewal.loose",
        rf"\b(?:renew\w*|extend\w*|continue\w*|roll\w*\s+over)\b[^.;]{{0,60}}?\b(?:for|by)\s+{_HOW_MANY}"
        r"(?:successive|additional|further|consecutive|subsequent|rolling)\s+(?:renewal\s+)?(?:(?:periods?|terms?)"
        r"\s+of\s+(?:up\s+to\s+)?)?$",
    ),
    (
        "renewal.label",
        r"\brenewal\s+(?:term|period)s?\s*(?:of|shall\s+be|is|will\s+be|:|\||-)\s*(?:a\s+period\s+of\s+)?"
        r"(?:(?:successive|additional|further)\s+)?$",
    ),
)
_RENEWAL_AFTER = cues(
    (
        "renewal.defined",
        r"^\s*[,(]?\s*\(?\s*(?:each\s*,?\s*)?(?:a|an|the)?\s*[\"']{1,2}\s*renewal\s+(?:term|period)",
    ),
)
_PAYMENT_CONTEXT = re.compile(r"\b(?:invoice\w*|payable|payment|pay|paid|remit\w*|due)\b", re.I)
_PAYMENT_BEFORE = cues(
    ("payment.net", r"\bnet\s*$"),
    ("payment.within", r"\b(?:within|no\s+later\s+than|not\s+later\s+than)\s*$"),
)
_PAYMENT_AFTER = re.compile(
    r"^\s*(?:of|after|from|following)\s+(?:the\s+)?(?:receipt|date|delivery|issu\w*|invoice|submission)", re.I
)
_NOTICE_AFTER = re.compile(
    r"^\s*(?:'\s*s?|s')?\s*(?:\)\s*)?(?:prior\s+|advance\s+|previous\s+)?(?:written\s+)?(?:notice|notification)",
    re.I,
)
# "ninety (90) days after receipt of written notice": the period runs from the notice.
_AFTER_NOTICE = re.compile(
    r"^\s*(?:after|following|from)\s+(?:the\s+)?(?:receipt|delivery|giving|service|date)\s+of\s+"
    r"(?:such\s+|a\s+|the\s+)?(?:written\s+)?notice",
    re.I,
)
_NOTICE_BEFORE = re.compile(
    r"\b(?:notice\s+(?:in\s+writing\s+)?(?:of|period\s+of)?|notice\s+(?:in\s+writing\s+)?(?:given\s+)?)\s*"
    r"(?:of\s+)?(?:not\s+less\s+than|no\s+less\s+than|at\s+least|a\s+minimum\s+of|not\s+fewer\s+than)?\s*$",
    re.I,
)
_IN_ADVANCE = re.compile(r"^\s*(?:in\s+advance|prior\s+to|before|beforehand)\b", re.I)
_TERMINATION = re.compile(
    r"\bterminat\w*\b|\bcancel\w*\b|\bend\s+(?:this|the)\s+(?:agreement|contract|lease|engagement|employment)|"
    r"\bbring\s+(?:this|the)\s+\w+\s+to\s+an\s+end|\bresign\w*",
    re.I,
)
# "notice of termination not less than 60 days before the renewal date" stops a renewal: not the
# notice period for ending the agreement early.
_BEFORE_RENEWAL = re.compile(
    r"^\s*(?:\)\s*)?(?:'\s*s?\s*)?(?:prior\s+|advance\s+)?(?:written\s+)?(?:notice\s+)?(?:before|prior\s+to|"
    r"in\s+advance\s+of)\s+(?:the\s+)?(?:(?:end|expiry|expiration)\s+of\s+the\s+)?(?:then[\s-]+current\s+)?"
    r"(?:renewal|anniversary|expir\w*|end\b|term\b|initial\s+term)",
    re.I,
)
_RENEWS_UNLESS = re.compile(r"\b(?:renew\w*|extend\w*|roll\w*\s+over)\b[^.;]{0,200}?\bunless\b", re.I)
# "written notice of non-renewal", "its intention not to renew", "elects not to extend".
_NON_RENEWAL = re.compile(
    r"\bnon-?renewal\b|\b(?:not|elect\w*\s+not)\s+to\s+(?:renew|extend)\b|\bintention\s+not\s+to\b", re.I
)
_NOT_TERMINATION_NOTICE = re.compile(
    r"\b(?:cure|cured|remedy|remedied|breach\w*|non-?renewal|not\s+to\s+renew|insolven\w*)\b", re.I
)


def _days(count: int, unit: str) -> int:
    return count * {"day": 1, "week": 7, "month": 30, "year": 365}[unit]


def duration_candidates(page: PageText) -> list[Candidate]:
    out: list[Candidate] = []
    text = page.text
    for found in find_durations(text):
        left, right = before(text, found.start), after(text, found.end)
        whole = sentence(text, found.start, found.end)
        span = (page.number, found.start, found.end)
        # Term and renewal term.
        renewal = first_cue(_RENEWAL_AFTER, right) or first_cue(_RENEWAL_BEFORE, left)
        term = None
        if renewal and (found.unit != "day" or found.count >= 30):
            out.append(Candidate("renewal_term", found.value, *span, renewal))
        elif not _TERM_NOT.search(right):
            term = first_cue(_TERM_AFTER, right) or first_cue(_TERM_BEFORE, left)
            if term and not re.search(r"\brenew", left, re.I):
                out.append(Candidate("term", found.value, *span, term))
        # Notice of termination.
        notice = (
            _NOTICE_AFTER.search(right)
            or _NOTICE_BEFORE.search(left)
            or (_IN_ADVANCE.search(right) and re.search(r"\bnotice\b", whole, re.I))
            or _AFTER_NOTICE.search(right)
        )
        # Near the period and in its own sentence: the next sentence's cure period is no exclusion.
        lo, hi = sentence_bounds(text, found.start, found.end)
        near = text[max(lo, found.start - 90) : min(hi, found.end + 90)]
        local_exclusion = (
            _NOT_TERMINATION_NOTICE.search(near)
            or re.search(r"\bnon-?renewal|not\s+to\s+renew|\bcure\b", whole, re.I)
            or (re.search(r"\brenew", whole, re.I) and _BEFORE_RENEWAL.search(right))
            # "renews for one-year terms, unless terminated by either party on 90 days' notice": the
            # notice stops the renewal; it is not the notice for ending the agreement early.
            or (_RENEWS_UNLESS.search(whole) and re.search(r"\bunless\b", left, re.I))
        )
        stops_renewal = (
            _NON_RENEWAL.search(whole)
            or (re.search(r"\brenew", whole, re.I) and _BEFORE_RENEWAL.search(right))
            or (_RENEWS_UNLESS.search(whole) and re.search(r"\bunless\b", left, re.I))
        )
        # The period is a notice (or "at least 60 days before the end of the term") in a sentence about
        # stopping a renewal, and not the term or renewal term that sentence also states.
        if (
            stops_renewal
            and (notice or _BEFORE_RENEWAL.search(right))
            and not (renewal or term)
            and not re.search(r"\bcure\b", near, re.I)
        ):
            days = _days(found.count, found.unit)
            out.append(Candidate("renewal_notice_days", days, *span, "notice.nonrenewal"))
        if notice and _TERMINATION.search(whole) and not local_exclusion:
            days = _days(found.count, found.unit)
            out.append(Candidate("termination_notice_days", days, *span, "notice.terminate"))
        elif re.search(r"\b(?:termination\s+)?notice\s+period\s*[:|\-]?\s*$", left, re.I):
            days = _days(found.count, found.unit)
            out.append(Candidate("termination_notice_days", days, *span, "notice.label"))
        # Payment terms.
        if (
            found.unit in ("day", "week")
            and _PAYMENT_CONTEXT.search(whole)
            and not _TERMINATION.search(whole)
        ):
            rule = first_cue(_PAYMENT_BEFORE, left)
            if rule is None and _PAYMENT_AFTER.search(right) and re.search(r"\binvoic", whole, re.I):
                rule = "payment.after_invoice"
            if rule == "payment.within" and not _PAYMENT_AFTER.search(right):
                # "pay all invoices within 30 days": no anchor after the period, but an invoice in view.
                rule = "payment.within_invoice" if re.search(r"\binvoic", whole, re.I) else None
            if rule:
                out.append(Candidate("payment_terms_days", _days(found.count, found.unit), *span, rule))
    # "shall continue from year to year": renews for a year at a time.
    for match in re.finditer(r"\b(?:from\s+)?(year|month)[\s-]+to[\s-]+\1\b", text, re.I):
        unit = match.group(1).lower()
        out.append(
            Candidate("renewal_term", f"1 {unit}", page.number, match.start(), match.end(), "renewal.x_to_x")
        )
    # "shall renew automatically each year", "renews annually": a year at a time.
    for match in re.finditer(
        r"\b(?:renew\w*|extend\w*)\s+(?:automatically\s+)?(?:annually|each\s+year|every\s+year|on\s+an\s+annual"
        r"\s+basis|for\s+(?:a|one)\s+(?:further|additional)?\s*year)\b",
        text,
        re.I,
    ):
        out.append(
            Candidate("renewal_term", "1 year", page.number, match.start(), match.end(), "renewal.annual")
        )
    # "Payment terms: Net 30" without a unit.
    for match in re.finditer(r"\bnet\s*[-/]?\s*(\d{1,3})\b(?!\s*(?:days?|%|percent))", text, re.I):
        if _PAYMENT_CONTEXT.search(sentence(text, match.start(), match.end())):
            out.append(
                Candidate(
                    "payment_terms_days",
                    int(match.group(1)),
                    page.number,
                    match.start(),
                    match.end(),
                    "payment.net",
                )
            )
    return out
