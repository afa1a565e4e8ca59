"""Document-level rules: parties, signatories and the execution date, read across all pages at once.

A party is defined on page 1 and signs on page 7; a signature block may name its party only by role
("LANDLORD:"). These rules see every page, then report each value on the page where its evidence is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractors.rules.candidates import Candidate
from extractors.rules.dates import find_dates
from extractors.rules.names import (
    has_legal_suffix,
    join_split_capitals,
    looks_like_person,
    name_key,
    same_name,
)
from extractors.rules.parties import (
    PARTY_ROLES,
    find_between_parties,
    find_defined_parties,
    find_listed_parties,
    find_role_lines,
)
from extractors.rules.signatures import ends_with_execution_clause, read_signatories
from extractors.rules.text import PageText
from extractors.rules.titles import ROLE_TYPES, contract_type_of


@dataclass(frozen=True)
class _Party:
    name: str
    role: str | None
    candidate: Candidate


def _party(name: str, role: str | None, page: int, start: int, end: int, rule: str) -> _Party:
    name = join_split_capitals(name)
    return _Party(name, role, Candidate("parties", {"name": name, "role": role}, page, start, end, rule))


def _parties(pages: list[PageText]) -> list[_Party]:
    """Parties by their defined terms, then "Role: Name" lines, then "between A and B"; one per name."""
    found: list[_Party] = []

    def add(party: _Party) -> None:
        for i, known in enumerate(found):
            if same_name(known.name, party.name):
                if known.role is None and party.role is not None:
                    c = known.candidate
                    found[i] = _party(known.name, party.role, c.page, c.start, c.end, c.rule)
                return
            if _ends_with(known.name, party.name) or _ends_with(party.name, known.name):
                # "RECITALS. A. Acme Inc." and "Acme Inc.": one party, read with and without the words
                # before its name. The shorter reading is the name; the role is whichever rule found one.
                short, long = sorted((known, party), key=lambda p: len(p.name))
                c = short.candidate
                found[i] = _party(short.name, short.role or long.role, c.page, c.start, c.end, c.rule)
                return
        found.append(party)

    for page in pages:
        for defined in find_defined_parties(page.text):
            rule = "party.defined.strong" if defined.strong else "party.defined"
            add(_party(defined.name, defined.role, page.number, defined.start, defined.end, rule))
    for page in pages:
        for listed in find_role_lines(page.text):
            add(_party(listed.name, listed.role, page.number, listed.start, listed.end, "party.role_line"))
    for page in pages[:2]:
        for listed in find_listed_parties(page.text):
            add(_party(listed.name, None, page.number, listed.start, listed.end, "party.listed"))
    for page in pages:
        for named in find_between_parties(page.text):
            add(_party(named.name, None, page.number, named.start, named.end, "party.between"))
    return found


def _ends_with(longer: str, shorter: str) -> bool:
    """Whether `longer` is `shorter` with words in front: "Jan. 18, 2021. Acme Inc." and "Acme Inc.".
    A person's surname ("Jane Smith", "Smith Ltd.") is not such a case."""
    long_key, short_key = name_key(longer), name_key(shorter)
    grown = bool(short_key) and long_key != short_key and long_key.endswith(" " + short_key)
    return grown and not looks_like_person(longer)


def _resolve_party(header: str | None, parties: list[_Party]) -> str | None:
    """The party a block signs for, by name or by role."""
    if header is None:
        return None
    for party in parties:
        if same_name(party.name, header):
            return party.name
    for party in parties:
        if party.role and party.role.lower() == header.strip(" :").lower():
            return party.name
    if header.strip(" :").lower() in PARTY_ROLES:
        return None  # a role we cannot tie to a name
    for party in parties:
        # "ACME WIDGETS" over a block for "Acme Widgets, Inc.": the header is the name without its suffix.
        if name_key(header) and (name_key(header) == name_key(party.name)):
            return party.name
    # A header that is no known party is trusted only when it reads as a company or a person.
    if has_legal_suffix(header) or looks_like_person(header):
        return header
    return None


_PREAMBLE_NAME = re.compile(
    r"\b(?i:this|the)\s+(?P<name>(?:[A-Z][\w&-]*\s+){0,5}(?i:agreement|contract|lease|letter|order|deed))\b"
)


def _type_hints(pages: list[PageText], parties: list[_Party]) -> list[Candidate]:
    """The contract's type when its title does not say: the name its preamble gives it ("This Software
    License Agreement"), else the roles its parties play (Landlord and Tenant make a lease)."""
    out: list[Candidate] = []
    if not pages:
        return out
    first = pages[0]
    for match in _PREAMBLE_NAME.finditer(first.text[:3000]):
        kind = contract_type_of(match.group("name"))
        if kind != "other":
            out.append(
                Candidate(
                    "contract_type",
                    kind,
                    first.number,
                    match.start("name"),
                    match.end("name"),
                    "type.preamble",
                )
            )
            break
    roles = {p.role.lower() for p in parties if p.role}
    for kind, known in ROLE_TYPES:
        if roles & known:
            party = next(p for p in parties if p.role and p.role.lower() in known)
            c = party.candidate
            out.append(Candidate("contract_type", kind, c.page, c.start, c.end, "type.roles"))
            break
    return out


# "effective as of the date of the last signature below", "effective on the date it is signed by both
# parties": the effective date is the execution date.
_EFFECTIVE_ON_SIGNING = re.compile(
    r"\beffective\s+(?:as\s+of\s+|on\s+|from\s+|upon\s+)?(?:the\s+)?(?:"
    r"(?:date\s+(?:of\s+)?(?:the\s+)?)?(?:last|later|latest|final)\s+(?:date\s+)?(?:of\s+)?(?:the\s+)?"
    r"(?:signature|execution|party\s+to\s+sign|(?:date\s+)?(?:signed|written|set\s+(?:forth|out)))"
    r"|date\s+(?:on\s+which|that|when)\s+(?:it|this\s+\w+)\s+(?:is|has\s+been)\s+(?:signed|executed)\s+by\s+"
    r"(?:both|all|each\s+of\s+the)\s+parties"
    r"|(?:full\s+)?execution\s+(?:hereof|of\s+this\s+\w+)\s+by\s+(?:both|all)\s+parties)",
    re.I,
)


def document_candidates(pages: list[PageText], *, day_first: bool) -> list[Candidate]:
    parties = _parties(pages)
    out: list[Candidate] = []
    signature_dates: list[Candidate] = []
    for previous, page in zip([None, *pages], pages, strict=False):
        continued = previous is not None and ends_with_execution_clause(previous.text)
        for block in read_signatories(page, continued=continued):
            header = join_split_capitals(block.party.value) if block.party else None
            party = _resolve_party(header, parties)
            date = None
            if block.date and (dates := find_dates(block.date.value, day_first=day_first)):
                date = dates[0].date.isoformat()
                signature_dates.append(
                    Candidate(
                        "execution_date",
                        date,
                        page.number,
                        block.date.start,
                        block.date.end,
                        "execution.signatures",
                    )
                )
            title = block.title.value[:60].strip(" ,") if block.title else None
            name = join_split_capitals(block.name.value)
            value = {"name": name, "title": title or None, "party": party, "date": date}
            out.append(
                Candidate("signatories", value, page.number, block.name.start, block.name.end, block.rule)
            )
            # A party that appears only in the signature blocks ("between the parties named below").
            # A person heads a block only when signing for themselves ("Employee: Jane Roe").
            new_party = block.party and party == header and not any(same_name(p.name, party) for p in parties)
            if new_party and party and (not looks_like_person(party) or same_name(party, name)):
                start, end = block.party.start, block.party.end  # type: ignore[union-attr]
                parties.append(_party(party, block.role, page.number, start, end, "party.signature"))
    out.extend(p.candidate for p in parties)
    out += _type_hints(pages, parties)
    if signature_dates:
        # Executed when the last party signed.
        executed = max(signature_dates, key=lambda c: c.value)
        out.append(executed)
        if any(_EFFECTIVE_ON_SIGNING.search(page.text) for page in pages):
            out.append(replace(executed, field="effective_date", rule="effective.on_signing"))
    return out
