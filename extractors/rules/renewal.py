"""Whether the term renews by itself: "shall automatically renew" versus "shall not renew automatically"."""

from __future__ import annotations

from extractors.rules.candidates import Candidate
from extractors.rules.cues import cues
from extractors.rules.text import PageText

_RENEWS = cues(
    (
        "renews.no",
        r"\b(?:shall|will|does|do|may)\s+not\s+(?:be\s+)?(?:automatically\s+)?(?:renew|renewed|extend|"
        r"extended)(?:\s+automatically)?\b",
    ),
    (
        "renews.no",
        r"\bno\s+(?:automatic|tacit)\s+(?:renewal|extension)|\bnot\s+(?:be\s+)?subject\s+to\s+"
        r"(?:automatic\s+)?renewal",
    ),
    (
        "renews.no",
        r"\b(?:renewal|extension)\s+(?:shall|must|will)\s+(?:only\s+)?(?:be\s+)?(?:subject\s+to|agreed|"
        r"by\s+mutual|require)",
    ),
    (
        "renews.no",
        r"\bmay\s+(?:only\s+)?be\s+(?:renewed|extended)\s+(?:only\s+)?(?:by|upon|with)\s+(?:the\s+)?"
        r"(?:mutual|written)",
    ),
    ("renews.no", r"\bauto(?:matic)?[\s-]?renew\w*\s*[:|\-]\s*(?:no|none|n/?a|not\s+applicable)\b"),
    # "No renewal of this Agreement shall occur without a written amendment".
    ("renews.no", r"\bno\s+(?:renewal|extension)\b[^.;]{0,80}?\b(?:without|unless|except|other\s+than)\b"),
    (
        "renews.mutual",
        r"\b(?:may|can|could)\s+(?:only\s+)?be\s+(?:renewed|extended)\b[^.;]{0,100}?\b(?:mutual|"
        r"written\s+agreement|agreement\s+of\s+(?:the|both)\s+parties|signed\s+by\s+both)|\bnon-?renewable\b|"
        r"\bunless\s+(?:renewed|extended)\s+by\s+(?:the\s+)?(?:mutual|written)|\bnot\s+(?:be\s+)?"
        r"automatically\s+(?:renewable|renewed|extended)|\bshall\s+expire\b[^.;]{0,80}\bwithout\s+(?:any\s+)?"
        r"(?:further\s+)?(?:renewal|extension)",
    ),
    ("renews.label", r"\b(?:auto(?:matic)?[\s-]?renew\w*|renewal)\s*[:|\-]\s*(?:yes|automatic)\b"),
    (
        "renews.yes",
        r"\b(?:automatically|tacitly)\s+(?:be\s+)?(?:renew|renews|renewed|extend|extends|extended)\b|\b"
        r"(?:renew|renews|renewed|extend|extends|extended)\s+automatically\b",
    ),
    ("renews.yes", r"\bauto-?renew\w*|\bevergreen\b"),
    (
        "renews.implied",
        r"\b(?:notice|intention)\s+of\s+(?:its\s+intention\s+)?(?:non-?renewal|not\s+to\s+renew)",
    ),
    # "shall be renewed for successive one-year periods unless either party ...": renews by default.
    (
        "renews.unless",
        r"\b(?:shall|will)\s+(?:thereafter\s+)?(?:be\s+)?(?:renew|renewed|extend|extended)\b[^.;]{0,160}"
        r"\bunless\b",
    ),
    # "Unless either party gives notice ..., the term is extended by one year each time."
    (
        "renews.unless",
        r"\bunless\b[^.;]{0,160}?\b(?:is|are|shall\s+be|will\s+be)\s+(?:automatically\s+)?(?:renewed|extended)\b",
    ),
    ("renews.year_to_year", r"\b(?:from\s+)?(?:year|month)[\s-]+to[\s-]+(?:year|month)\b"),
    # "shall renew for successive one-year terms", "will continue for further periods of 12 months".
    (
        "renews.successive",
        r"\b(?:shall|will|does)\s+(?:thereafter\s+)?(?:be\s+)?(?:renew|renewed|extend|extended|continue|"
        r"roll\s+over|rolled\s+over)\s+(?:thereafter\s+)?(?:for|on|by)\s+(?:an?\s+)?(?:successive|"
        r"additional|further|consecutive|subsequent|rolling)\b",
    ),
    (
        "renews.rolling",
        r"\bon\s+a\s+rolling\s+(?:basis|monthly|annual|yearly)|\brolling\s+(?:contract|term)\b",
    ),
)


def renewal_candidates(page: PageText) -> list[Candidate]:
    out: list[Candidate] = []
    for name, pattern in _RENEWS:
        for match in pattern.finditer(page.text):
            value = not name.startswith(("renews.no", "renews.mutual"))
            # "shall not renew automatically" also reads as "renew automatically": the negation wins.
            if value and any(c.start <= match.start() < c.end for c in out if c.value is False):
                continue
            out.append(Candidate("auto_renewal", value, page.number, match.start(), match.end(), name))
    return out
