"""The agreement's title (the heading on page 1, else the name a preamble gives it) and its type."""

from __future__ import annotations

import re

from extractors.rules.candidates import Candidate
from extractors.rules.text import PageText

_TITLE_WORDS = re.compile(
    r"\b(?:agreement|contract|lease|statement\s+of\s+work|licen[cs]e|addendum|amendment|memorandum|deed|"
    r"terms\s+and\s+conditions|order\s+form|letter|undertaking|NDA|SOW|EULA|(?:work|purchase|task)\s+order|"
    r"sublease|tenancy)\b",
    re.I,
)
_SMALL_WORDS = {"of", "and", "the", "for", "to", "in", "on", "a", "an", "or", "by", "with", "no"}
# Each type's title words. The earliest match in a title names its type ("Distribution and Supply
# Agreement" is a distribution agreement); at the same place, the earlier rule here wins.
TYPE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.I))
    for name, pattern in (
        (
            "statement_of_work",
            r"\bstatement\s+of\s+work\b|\bSOW\b|\b(?:work|task|service|services|change)\s+order\b|"
            r"\bproject\s+(?:order|schedule)\b",
        ),
        (
            "nda",
            r"\bnon-?\s?disclosure\b|\bconfidentiality\b|\bNDA\b|\bsecrecy\b|\bnon-?\s?circumvention\b|"
            r"\bproprietary\s+information\b|\bconfidential\s+disclosure\b",
        ),
        (
            "employment",
            r"\bemployment\b|\boffer\s+letter\b|\bletter\s+of\s+(?:offer|appointment)\b|\boffer\s+of\s+employment\b|"
            r"\bexecutive\s+(?:service\s+)?agreement\b|\bcontract\s+of\s+service\b",
        ),
        ("lease", r"(?:\b|sub-?)lease\b|\btenancy\b|\brental\b|\bsublet\b"),
        ("non_compete", r"\bnon-?\s?compet\w*|\bnon-?\s?solicitation\b"),
        ("franchise", r"\bfranchis\w*"),
        ("joint_venture", r"\bjoint[\s-]+venture\b"),
        ("strategic_alliance", r"\b(?:strategic\s+)?alliance\b"),
        ("co_branding", r"\bco-?\s?brand\w*"),
        ("sponsorship", r"\bsponsor\w*"),
        ("endorsement", r"\bendorse\w*"),
        ("hosting", r"\bhosting\b"),
        ("outsourcing", r"\boutsourc\w*"),
        ("reseller", r"\bre-?sell\w*|\bvalue[\s-]+added\s+reseller\b"),
        ("distribution", r"\bdistribut\w*|\bdealer(?:ship)?\b"),
        ("manufacturing", r"\bmanufactur\w*"),
        (
            "supply",
            r"\bsupply\b|\bpurchase\b|\bprocurement\b|\bsales?\s+(?:agreement|contract)\b|"
            r"\bsale\s+of\s+goods\b|\bvendor\s+agreement\b",
        ),
        ("intellectual_property", r"\bintellectual\s+property\s+agreement\b|\b(?:IP|patent)\s+assignment\b"),
        ("license", r"\blicen[cs]\w*|\bsubscription\b|\bEULA\b|\bterms\s+of\s+use\b"),
        ("maintenance", r"\bmaintenance\b|\bsupport\s+(?:services\s+)?agreement\b"),
        ("development", r"\bdevelopment\b"),
        ("collaboration", r"\bcollaborat\w*|\bco-?operation\s+agreement\b"),
        ("marketing", r"\bmarketing\b"),
        ("promotion", r"\bpromot\w*"),
        ("transportation", r"\btransport\w*|\bfreight\b|\bshipping\s+agreement\b"),
        ("agency", r"\bagency\b|\bsales\s+(?:agent|representative)\b"),
        ("affiliate", r"\baffiliate\s+(?:agreement|program)\b"),
        (
            "master_services",
            r"\bmaster\s+(?:professional\s+)?services?\b|\bMSA\b|\bframework\s+agreement\s+for\s+services\b",
        ),
        ("consulting", r"\bconsult\w*"),
        (
            "services",
            r"\bservices?\s+(?:agreement|contract)\b|\bindependent\s+contractor\b|"
            r"\b(?:agreement|contract)\s+for\s+(?:the\s+provision\s+of\s+)?(?:professional\s+)?services\b",
        ),
    )
)
# Defined roles that give a contract's type away when its title does not ("AGREEMENT").
ROLE_TYPES: tuple[tuple[str, frozenset[str]], ...] = (
    ("lease", frozenset({"landlord", "tenant", "lessor", "lessee", "sublandlord", "subtenant"})),
    ("employment", frozenset({"employer", "employee", "executive"})),
    ("franchise", frozenset({"franchisor", "franchisee"})),
    ("license", frozenset({"licensor", "licensee"})),
    ("nda", frozenset({"disclosing party", "receiving party", "discloser", "recipient"})),
    ("distribution", frozenset({"distributor"})),
    ("reseller", frozenset({"reseller"})),
    ("manufacturing", frozenset({"manufacturer"})),
    ("sponsorship", frozenset({"sponsor"})),
    ("supply", frozenset({"supplier", "buyer", "seller", "purchaser"})),
    ("consulting", frozenset({"consultant"})),
    ("services", frozenset({"contractor", "service provider"})),
)


def title_case(text: str) -> str:
    """ "MASTER SERVICES AGREEMENT" -> "Master Services Agreement"; mixed case is left as written."""
    if not text.isupper():
        return text
    words = text.lower().split()

    def cap(word: str) -> str:
        if word in ("nda", "sow", "llc"):
            return word.upper()
        return "-".join(part.capitalize() for part in word.split("-"))

    return " ".join(w if i and w in _SMALL_WORDS else cap(w) for i, w in enumerate(words))


# The same keywords with spacing removed: OCR splits words ("EMPLOY MENT AGREEMENT").
_TYPE_STEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("statement_of_work", ("statementofwork", "workorder")),
    ("nda", ("nondisclosure", "confidentiality")),
    ("employment", ("employment",)),
    ("lease", ("lease", "tenancy")),
    ("license", ("license", "licence")),
    ("distribution", ("distribution",)),
    ("supply", ("supply", "purchase")),
    ("master_services", ("masterservice", "masterprofessionalservice")),
    ("consulting", ("consulting", "consultancy")),
)


def contract_type_of(title: str) -> str:
    """The type a title names; in "Employment and Confidentiality Agreement" the first subject leads."""
    matches = [
        (match.start(), order, name)
        for order, (name, pattern) in enumerate(TYPE_RULES)
        if (match := pattern.search(title))
    ]
    if matches:
        return min(matches)[2]
    compact = re.sub(r"[^a-z]", "", title.lower())
    return next((name for name, stems in _TYPE_STEMS if any(s in compact for s in stems)), "other")


def title_candidates(page: PageText) -> list[Candidate]:
    """The heading at the top of the first page; else the agreement a preamble names itself."""
    out: list[Candidate] = []
    if page.number != 1:
        return out
    lines = page.lines()[:10]
    heights = sorted(w.height for w in page.words) or [0]
    body_height = heights[len(heights) // 2]
    for start, end in lines:
        raw = page.text[start:end].strip()
        words = raw.split()
        if not (1 <= len(words) <= 12) or not _TITLE_WORDS.search(raw) or raw.endswith((",", ";")):
            continue
        # A heading, not a sentence: capitalised words (small words aside), no quotes or defined terms.
        significant = [w for w in words if w.lower() not in _SMALL_WORDS]
        if sum(w[0].isupper() or not w[0].isalpha() for w in significant) < 0.8 * len(significant):
            continue
        if re.search(r"[\"()]|^(?:this|the|whereas)\b", raw, re.I):
            continue
        indices = page.word_indices(start, end)
        tall = max((page.words[i].height for i in indices), default=0) > 1.15 * body_height
        rule = "title.heading" if tall or raw.isupper() else "title.line"
        out.append(Candidate("title", title_case(" ".join(words)), page.number, start, end, rule))
        break
    if not out:
        match = re.search(
            r"\b(?i:this|the)\s+(?P<title>(?:[A-Z][\w&-]*\s+){0,6}(?i:agreement|contract|lease|"
            r"statement\s+of\s+work))\b",
            page.text[:1500],
        )
        if match and len(match.group("title").split()) >= 2:
            out.append(
                Candidate(
                    "title",
                    " ".join(match.group("title").split()),
                    page.number,
                    match.start("title"),
                    match.end("title"),
                    "title.preamble",
                )
            )
    for candidate in list(out):
        kind = contract_type_of(candidate.value)
        out.append(
            Candidate(
                "contract_type",
                kind,
                page.number,
                candidate.start,
                candidate.end,
                f"type.{(kind == 'other' and 'other') or 'keyword'}",
            )
        )
    return out
