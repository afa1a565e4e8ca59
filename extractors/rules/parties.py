"""Defined parties: the names a contract introduces and the defined terms it gives them.

by and between Acme Widgets, Inc., a Delaware corporation (the "Company"), and Jane Roe ("Employee")
WHEREAS, Beacon Ltd., a company incorporated in England ("Landlord"), ...
Acme Widgets, Inc. (hereinafter referred to as the "Supplier")
This Agreement is made between Acme Widgets, Inc. and Beacon Ltd.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.rules.names import (
    DOTTED_ABBREVIATIONS,
    LEGAL_SUFFIX_RE,
    clean_name,
    has_legal_suffix,
    join_split_capitals,
    looks_like_name,
    looks_like_person,
    name_key,
)

# A defined term in parentheses: (the "Company"), ("Tenant"), (hereinafter referred to as "Buyer").
_DEFINED = re.compile(
    r"\(\s*(?:(?:each|both)[^()\"]{0,12})?(?:hereinafter\s*,?\s*(?:(?:referred\s+to|called|designated|known)\s+"
    r"(?:as\s+)?|called\s+)?)?(?:(?:referred\s+to|known)\s+(?:herein\s+|hereafter\s+)?as\s+)?"
    r"(?:the\s+|this\s+|a\s+)?[\"']{1,2}(?P<role>[A-Z][A-Za-z ]{1,38}?)[\"']{1,2}\s*(?:\)|,|;|or\b|which\b)"
    r"|,?\s*(?:hereinafter|herein|hereafter)\s*,?\s*(?:(?:referred\s+to|called|designated|known)\s+(?:as\s+)?|called\s+)?"
    r"(?:the\s+)?[\"']{1,2}(?P<role2>[A-Z][A-Za-z ]{1,38}?)[\"']{1,2}"
    # English drafting often leaves the quotes out: "ACME LIMITED ... (Supplier)". Known roles only.
    r"|\(\s*(?:the\s+)?(?P<role3>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\s*\)",
)
# Where the clause introducing a party begins, searching back from its defined term.
_CLAUSE_START = re.compile(
    r"(?:\bby\s+and\s+between\b|\bbetween\b|\bamong\b|\bWHEREAS\b,?|,\s*and\b|\)\s*,?\s*and\b|;\s*(?:and\b)?|"
    r"\b(?:made|entered\s+into|executed)\s+(?:by|with)\b|[.:;]\s*\n\n|"
    # Headings that open a list of parties: "RECITALS. A.", "BACKGROUND (A)", "PARTIES: (1)".
    r"\b(?-i:RECITALS?|Recitals?|BACKGROUND|Background|PARTIES|WITNESSETH)\s*[.:]?\s*(?:\(?[A-H1-9][.)]\s+)?|"
    r"(?:^|\n)[ \t]*(?-i:Parties|Between)[ \t]*:|"
    # The next lettered recital: "... industrial components. B. Beacon Ltd., a Texas corporation".
    r"(?<=[.;:])\s+\(?(?-i:[A-H])[.)]\s+|"
    # Canadian and English lists put "- and -" or "AND" on a line of its own between the parties.
    r"\n[ \t]*-?[ \t]*and[ \t]*-?[ \t]*\n|\n+(?=\s*\(?(?:\d{1,2}|[a-z]|[ivx]+)[.)]\s)|^|"
    # "..., with an address at ..., California 92618 and TrueLink, Inc.": a postcode ends the first
    # party's address, and "and" opens the next party.
    r"(?<=\d)\s*,?\s+and\s+(?=(?-i:[A-Z]))|"
    r"\bagreement\s+(?:is\s+)?(?:made|entered\s+into)\b[^,()]{0,40}?\bby\b)",
    re.I,
)
# Where the name ends inside that clause: ", a Delaware corporation", ", an individual", ", with offices".
_NAME_END = re.compile(
    r",?\s+(?:a|an)\s+(?!\w+\s*\.)|,\s*(?:with|having|whose|located|residing|of|incorporated\s+(?:in|under)|organi[sz]ed|"
    r"being|acting|registered|doing|d/b/a|formerly|company\s+(?:number|no|registration)|registration|"
    r"CIN|ABN|ACN|EIN|TIN|VAT|address|principal|resident|domiciled|residing)\b|\s+(?:with|having)\s+(?:its|a)\s+|\s*\("
    r"|\s+(?:residing|resident|domiciled|located|situated)\s+(?:at|in)\b|\s+of\s+\d"
    # "WESTFIELD COUNCIL of Town Hall": a lower-case "of" after a name in capitals begins its address.
    r"|(?-i:(?<=[A-Z]{2})\s+of\s+(?=[A-Z][a-z]))"
    r"|\s+(?:incorporated|registered|organi[sz]ed|established)\s+(?:and|in|under|with)\b|\s+whose\s+",
    re.I,
)
# Defined terms that name things, not parties.
NON_PARTY_TERMS = {
    "agreement", "effective date", "commencement date", "initial term", "term", "renewal term", "party",
    "parties", "services", "products", "goods", "confidential information", "premises", "property",
    "software", "deliverables", "fees", "territory", "work", "licensed technology", "license", "licence",
    "sow", "statement of work", "msa", "master agreement", "disclosure", "purpose", "rent", "lease",
    "contract", "documentation", "specifications", "materials", "intellectual property", "order",
}  # fmt: skip
# Party roles contracts commonly define; a role outside this list needs a name that looks like an entity.
PARTY_ROLES = {
    "company", "recipient", "discloser", "disclosing party", "receiving party", "licensor", "licensee",
    "landlord", "tenant", "lessor", "lessee", "employer", "employee", "executive", "customer", "client",
    "supplier", "vendor", "seller", "buyer", "purchaser", "contractor", "consultant", "service provider",
    "provider", "distributor", "manufacturer", "agent", "principal", "borrower", "lender", "investor",
    "owner", "developer", "partner", "reseller", "subcontractor", "member", "guarantor", "sublessor",
    "sublessee", "franchisor", "franchisee", "sponsor", "publisher", "author", "contractee",
    "party a", "party b", "first party", "second party", "sublandlord", "subtenant", "worker", "candidate",
    "freelancer", "agency", "firm", "institution", "university", "grantor", "grantee", "assignor", "assignee",
    "carrier", "shipper", "host", "subscriber", "user", "bank", "landowner", "producer", "artist", "talent",
    "promoter", "school", "hospital", "physician", "advisor", "adviser", "broker", "client company",
    "service recipient", "manager", "operator", "dealer",
}  # fmt: skip


@dataclass(frozen=True)
class DefinedParty:
    name: str
    role: str | None
    start: int  # span of the name in the page text
    end: int
    strong: bool  # a legal suffix or a known party role backs it


def _name_before(text: str, term_start: int) -> tuple[str, int, int] | None:
    window_start = max(0, term_start - 420)
    window = text[window_start:term_start]
    starts = list(_CLAUSE_START.finditer(window))
    begin = starts[-1].end() if starts else 0
    segment = window[begin:]
    # Leading punctuation and an enumeration such as "(1)" or "b." are not part of the name.
    lead_match = re.match(r"[\s,:\"']*(?:\(?(?:\d{1,2}|[a-z]|[ivx]+)[.)]\s+)?", segment)
    lead = lead_match.end() if lead_match else 0
    segment = segment[lead:]
    end_match = _NAME_END.search(segment)
    raw = segment[: end_match.start()] if end_match else segment
    # "Acme GmbH, Musterstrasse 1, Berlin": a company's name ends with its legal form.
    if (
        (suffix := LEGAL_SUFFIX_RE.search(raw))
        and raw[suffix.end() :].strip(" ,.")
        and "," in raw[suffix.end() :][:3]
    ):
        raw = raw[: suffix.end()]
    name = clean_name(raw)
    if not name:
        return None
    start = window_start + begin + lead + raw.find(name[:3])
    return name, start, start + len(name)


def find_defined_parties(text: str) -> list[DefinedParty]:
    """Parties introduced with a defined term, in order of appearance."""
    found: list[DefinedParty] = []
    for match in _DEFINED.finditer(text):
        role = " ".join((match.group("role") or match.group("role2") or match.group("role3") or "").split())
        if match.group("role3") and role.lower() not in PARTY_ROLES:
            continue
        if (
            not role
            or role.lower() in NON_PARTY_TERMS
            or role.lower().endswith(("date", "term", "agreement"))
        ):
            continue
        located = _name_before(text, match.start())
        if located is None:
            continue
        name, start, end = located
        name = join_split_capitals(name)  # "J uniper Biotech Inc.": OCR cut the capital off
        bare = name[4:] if name.lower().startswith("the ") else name  # "The Regents of ..."
        if not looks_like_name(bare, max_tokens=12) or re.search(r"\bagreement\b", name, re.I):
            continue
        known_role = role.lower() in PARTY_ROLES
        # ("Acme") after "Acme Widgets": a short name taken from the party's own name.
        nickname = role.lower() in name.lower().split() or role.lower() in name.lower()[: len(role) + 1]
        entity = has_legal_suffix(name) or looks_like_person(name) or (nickname and bare[:1].isupper())
        if not (known_role or entity):
            continue
        found.append(DefinedParty(name, role, start, end, strong=known_role and entity))
    return found


_ROLE_LINE = re.compile(
    r"^\s*(?:\d{1,2}[.)]\s*)?(?P<role>[A-Z][A-Za-z ]{2,30}?)\s*(?:\([^)]{0,20}\))?\s*[:|\-]\s*(?:\n\s*)?"
    r"(?P<name>[A-Z0-9].*?)\s*$",
    re.M,
)


def find_role_lines(text: str) -> list[DefinedParty]:
    """Parties listed as "Customer: Acme Widgets, Inc., a Delaware corporation" (cover sheets, key terms)."""
    found: list[DefinedParty] = []
    for match in _ROLE_LINE.finditer(text):
        role = " ".join(match.group("role").split())
        if role.lower() not in PARTY_ROLES:
            continue
        raw = match.group("name").strip(" |")
        end = _NAME_END.search(raw)
        name = clean_name(raw[: end.start()] if end else raw)
        if (
            name
            and looks_like_name(name, max_tokens=10)
            and (has_legal_suffix(name) or looks_like_person(name))
        ):
            start = match.start("name")
            found.append(DefinedParty(name, role, start, start + len(name), strong=True))
    return found


_BETWEEN = re.compile(
    r"\bbetween\s+(?P<a>[A-Z][^,;()\n]{2,80}?(?:,\s*(?:Inc|Ltd|LLC|L\.L\.C|LLP|L\.P|Corp|PLC)\.?)?)\s+and\s+"
    r"(?P<b>[A-Z][^,;()\n]{2,80}?(?:,\s*(?:Inc|Ltd|LLC|L\.L\.C|LLP|L\.P|Corp|PLC)\.?)?)(?=\s*[.,;(]|\s+(?:dated|as\s+of|on)\b)",
)

# Words a company name found backwards from its suffix may start with but that are not part of it.
_LEADING_CONNECTORS = re.compile(r"(?:(?:and|of|the|&)\s+)+", re.I)


def _ends_sentence(word: str) -> bool:
    """ "2023." and "Compensation." end a sentence; "Inc.", "J." and "U.S." do not."""
    stem = word[:-1]
    abbreviation = "." in stem or stem.lower() in DOTTED_ABBREVIATIONS
    return word.endswith(".") and len(stem) > 1 and not abbreviation


def _company_before(text: str, suffix_end: int, floor: int) -> tuple[int, str] | None:
    """The company name ending at `suffix_end`: capitalised words (and "&", "of", "and") back from it."""
    tokens = list(re.finditer(r"[^\s,]+", text[floor:suffix_end]))
    start = None
    for position, token in enumerate(reversed(tokens)):
        word = token.group()
        if word.lower() == "and" and text[: floor + token.start()].rstrip().endswith(","):
            break  # ", and Beacon Ltd.": the list's "and", not one inside a name
        if position > 0 and _ends_sentence(word):
            break  # "... on July 15, 2023. The Company": a name does not run across a full stop
        if word[0].isupper() or word[0].isdigit() or word.lower() in ("&", "of", "and", "the"):
            start = floor + token.start()
            continue
        break
    if start is None:
        return None
    # Leading connectors are not the name; the gap after them may be a line break ("between the\nAcme").
    if lead := _LEADING_CONNECTORS.match(text, start, suffix_end):
        start = lead.end()
    name = clean_name(text[start:suffix_end])
    # "the Company" is a defined term in use, not a company's name.
    return (start, name) if LEGAL_SUFFIX_RE.sub("", " " + name).strip(" .") else None


def _between_companies(text: str) -> list[DefinedParty]:
    """ "between Acme Widgets, Inc., a Delaware corporation with offices at ..., and Beacon Ltd., a ...":
    the first two company names (legal suffix required) after "between"."""
    found: list[DefinedParty] = []
    for between in re.finditer(r"\bbetween\s*:?\s+", text, re.I):
        window_end = min(len(text), between.end() + 400)
        names: list[DefinedParty] = []
        floor = between.end()
        for suffix in LEGAL_SUFFIX_RE.finditer(text, between.end(), window_end):
            located = _company_before(text, suffix.end(), floor)
            if located and looks_like_name(located[1], max_tokens=10):
                start, name = located
                names.append(DefinedParty(name, None, start, start + len(name), strong=False))
                floor = suffix.end()
            if len(names) == 2:
                break
        if len(names) == 2 and re.search(r"\band\b", text[names[0].end : names[1].start], re.I):
            found += names
    return found


def find_between_parties(text: str) -> list[DefinedParty]:
    """ "between Acme Inc. and Beacon Ltd." with no defined terms: both names need a legal suffix."""
    found: list[DefinedParty] = _between_companies(text)
    for match in _BETWEEN.finditer(text):
        for group in ("a", "b"):
            name = clean_name(match.group(group))
            # The lazy match stops before the dot of a closing "Ltd." or "Inc.".
            if (
                text[match.end(group) : match.end(group) + 1] == "."
                and name.split()[-1].lower() in DOTTED_ABBREVIATIONS
            ):
                name += "."
            known = any(name_key(name) == name_key(f.name) for f in found)
            if has_legal_suffix(name) and looks_like_name(name, max_tokens=12) and not known:
                start = match.start(group)
                found.append(DefinedParty(name, None, start, start + len(name), strong=False))
    return found


_LIST_HEAD = re.compile(r"(?:^|\n)\s*(?:THE\s+)?(?:PARTIES|BETWEEN)\s*:?\s*(?:\n|(?=\(?1[.)]))", re.I)
_LIST_ITEM = re.compile(
    r"(?:^|\n|;\s*(?:and\s+)?|\band\s+)\s*\(?(?P<n>[1-4]|[a-d]|i{1,3})[.)]\s+(?P<body>[^\n;]{3,300})"
)


def find_listed_parties(text: str) -> list[DefinedParty]:
    """English "PARTIES (1) ACME LIMITED incorporated in England ... (2) BEACON LLC ...": numbered
    parties after a PARTIES or BETWEEN heading, with or without defined terms."""
    found: list[DefinedParty] = []
    for head in _LIST_HEAD.finditer(text):
        window = text[head.end() : head.end() + 1500]
        for item in _LIST_ITEM.finditer(window):
            body = item.group("body")
            end = _NAME_END.search(body)
            raw = body[: end.start()] if end else body
            if suffix := LEGAL_SUFFIX_RE.search(raw):
                raw = raw[: suffix.end()]
            name = clean_name(raw)
            if not name or not looks_like_name(name, max_tokens=10):
                continue
            if not (has_legal_suffix(name) or looks_like_person(name)):
                continue
            start = head.end() + item.start("body") + body.find(name[:3])
            found.append(DefinedParty(name, None, start, start + len(name), strong=has_legal_suffix(name)))
            if len(found) >= 4:
                break
        if found:
            break
    return found
