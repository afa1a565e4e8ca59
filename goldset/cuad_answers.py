"""CUAD's normalised answers, one category at a time, read into the schema's values.

Each reader returns the value, None for an empty answer (CUAD's lawyers found no such clause), or
`Unscorable` with the reason when the schema cannot hold the answer as CUAD wrote it. Nothing is
repaired by guessing: a redacted day, two answers in one cell or a free-text answer is Unscorable.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from goldset.normalize import normalize_jurisdiction
from schemas.contract import Party

# Bounds of the schema's fields (schemas/contract.py): a longer CUAD answer cannot be a label.
TITLE_MAX, NAME_MAX, ROLE_MAX, LAW_MAX, PARTIES_MAX = 120, 100, 40, 60, 8
# CUAD writes a renewal as "successive 1 year"; these are the spellings its answers use.
_SUCCESSIVE = ("successive", "succesive", "sucessive", "successine")
_DURATION = re.compile(r"^(\d{1,4}) (day|week|month|year)s?$")
_QUOTED = re.compile(r'"\s*([^"]+?)\s*"')
# A parenthesis that names several parties together ("(each a "Party", collectively the "Parties")").
_COLLECTIVE = re.compile(
    r"\b(?:collectively|individually|singularly|each|together|jointly|parties)\b", re.IGNORECASE
)
_PARTY_TERM = re.compile(r"^(?:a |the )?part(?:y|ies)\W*$", re.IGNORECASE)
# A name before "(collectively ...)" that joins entities: "Acme Inc. and Beta LLC", "Acme/Beta".
_SEVERAL = re.compile(r"\band\b|/", re.IGNORECASE)
# Words CUAD's collective notes use besides the parties' names and roles.
_NOTE_WORDS = re.compile(
    r"\b(?:and|or|shall|be|are|is|collectively|individually|together|referred|to|herein|hereinafter|as|"
    r"the|sometimes|with|each|a)\b|[\s,./&]",
    re.IGNORECASE,
)
# A name CUAD copied from a redacted filing: blanks ("__________"), "[*]", "[ * * * ]" or "[]".
_REDACTED_NAME = re.compile(r"^(?:_+|\[[\s*]*\])$")
# A "name" that is really the tail of another: "... and/or certain affiliates of Dassault Systems".
_CONNECTOR = re.compile(r"^(?:and|or|and/or)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Unscorable:
    reason: str


def _several(answer: str) -> Unscorable | None:
    if ";" in answer:
        return Unscorable(f"CUAD gives several answers ({answer!r}); the field holds one")
    return None


def read_title(answer: str) -> str | Unscorable | None:
    """Document Name -> title. Line breaks in CUAD's cell are layout, so whitespace is collapsed."""
    title = " ".join(answer.split())
    if not title:
        return None
    if len(title) > TITLE_MAX:
        return Unscorable(f"the title is {len(title)} characters; the schema holds at most {TITLE_MAX}")
    return title


def read_date(answer: str) -> dt.date | Unscorable | None:
    """CUAD's M/D/YY (or M/D/YYYY) date -> a date.

    Two-digit years follow strptime's POSIX pivot (69-99 -> 19xx, 00-68 -> 20xx); CUAD's contracts were
    filed 1993-2020 and their dates run from 1990 to 2044, so every one lands in its own century.
    """
    answer = answer.strip()
    if not answer:
        return None
    if (several := _several(answer)) is not None:
        return several
    if answer.lower() == "perpetual":
        return Unscorable("CUAD answers 'perpetual'; a date cannot say that the contract never expires")
    if "[" in answer:
        return Unscorable(f"part of the date is redacted in the filing (CUAD writes [] for it: {answer!r})")
    for pattern in ("%m/%d/%y", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(answer, pattern).date()
        except ValueError:
            continue
    return Unscorable(f"{answer!r} is not a month/day/year date")


def written_in(date: dt.date, texts: list[str]) -> bool:
    """Whether a clause CUAD marked writes `date`: its month's name and year, or its figures either way
    round ("13/07/05" is how a day-first contract writes 7/13/05).

    CUAD computes some dates from a term ("five (5) years following the Effective Date"); such a date
    is nowhere on the page, and this tells it apart from a date the contract states.
    """
    names = (calendar.month_name[date.month].lower(), calendar.month_abbr[date.month].lower())
    year = rf"(?:{date.year}|{date.year % 100:02d})"
    month, day = rf"0?{date.month}", rf"0?{date.day}"
    figures = re.compile(rf"\b(?:{month}[/.-]{day}|{day}[/.-]{month})[/.-]{year}\b")
    for text in texts:
        named = str(date.year) in text and any(name in text.lower() for name in names)
        if named or figures.search(text):
            return True
    return False


def read_duration(answer: str) -> str | Unscorable | None:
    """Renewal Term -> "<n> <unit>" ("successive 1 year" -> "1 year", "12 months" -> "12 months")."""
    text = " ".join(answer.lower().split())
    if not text:
        return None
    if (several := _several(text)) is not None:
        return several
    if text == "perpetual":
        return Unscorable("CUAD answers 'perpetual'; a length of time cannot say that it never ends")
    first, _, rest = text.partition(" ")
    if first in _SUCCESSIVE:
        text = rest
    match = _DURATION.match(text)
    if match is None:
        return Unscorable(f"{answer!r} is not '<number> <unit>'")
    count, unit = int(match.group(1)), match.group(2)
    return f"{count} {unit}{'' if count == 1 else 's'}"


def read_governing_law(answer: str) -> str | Unscorable | None:
    """Governing Law -> one jurisdiction; "England; Wales" is one, "Illinois; New York" two."""
    parts = [part.strip() for part in answer.split(";") if part.strip()]
    if not parts:
        return None
    if len({normalize_jurisdiction(part) for part in parts}) > 1:
        return Unscorable(f"CUAD names several governing laws ({answer!r}); the field holds one")
    if len(parts[0]) > LAW_MAX:
        return Unscorable(f"the governing law is longer than the schema's {LAW_MAX} characters")
    return parts[0]


def _top_level(text: str) -> list[str] | None:
    """Text and top-level parenthesised groups, in order; None when the parentheses do not balance."""
    pieces, depth, start = [], 0, 0
    for at, char in enumerate(text):
        if char == "(":
            if depth == 0:
                pieces.append(text[start:at])
                start = at
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                pieces.append(text[start : at + 1])
                start = at + 1
    if depth:
        return None
    pieces.append(text[start:])
    return [piece for piece in pieces if piece]


@dataclass
class _Segment:
    """What one ';'-separated segment says: its parties, and names given to several parties together."""

    parties: list[Party]
    together: list[str]  # the name before a collective note: "Heritage and Premier (each a "Party" ...)"


def _clean_name(text: str) -> str:
    return " ".join(text.split()).strip(" ,;")


def _terms(group: str) -> list[str]:
    """The defined terms in a parenthesis; CUAD's unclosed quote ('("Manufacturer)') still counts."""
    terms = _QUOTED.findall(group)
    if not terms and '"' in group:
        terms = [group.strip('()" ')]
    return terms


def _pieces(text: str) -> list[str] | None:
    """Top-level pieces, with CUAD's unbracketed defined terms ('Excite, Inc."Excite"') bracketed."""
    pieces = _top_level(text)
    if pieces is None:
        return None
    out = []
    for piece in pieces:
        if piece.startswith("(") or '"' not in piece or _COLLECTIVE.search(piece):
            out.append(piece)
            continue
        before, _, rest = piece.partition('"')
        term, _, after = rest.partition('"')
        out += [before, f'("{term}")', after]
    return [piece for piece in out if piece]


def _segment(segment: str) -> _Segment | Unscorable:
    pieces = _pieces(" ".join(segment.replace("“", '"').replace("”", '"').split()))
    if pieces is None:
        return Unscorable(f"unbalanced parentheses in {segment.strip()!r}")
    read = _Segment(parties=[], together=[])
    name = ""
    for piece in pieces:
        if not piece.startswith("("):
            if '"' in piece:  # a note outside parentheses: 'A and B ... referred to as the "Parties".'
                read.together.append(_clean_name(name + piece.partition('"')[0]))
                name = ""
            else:
                name += piece
            continue
        terms, collective = _terms(piece), bool(_COLLECTIVE.search(piece))
        if not terms and not collective:
            name += piece  # a part of the name: "(USA)" in "Fonterra (USA) Inc."
            continue
        pending, name = _clean_name(name), ""
        if collective and (
            not pending or not terms or _PARTY_TERM.match(terms[0]) or _SEVERAL.search(pending)
        ):
            if pending:  # else a note on the parties before it: "(Zebra and Xplore collectively ...)"
                read.together.append(pending)
        else:
            party = _party(pending, terms[0], segment)
            if isinstance(party, Unscorable):
                return party
            read.parties.append(party)
    if rest := _clean_name(name):
        party = _party(rest, None, segment)
        if isinstance(party, Unscorable):
            return party
        read.parties.append(party)
    return read


def _party(name: str, role: str | None, segment: str) -> Party | Unscorable:
    if not name:
        return Unscorable(f"a defined term without a name in {segment.strip()!r}")
    if _REDACTED_NAME.match(name):
        return Unscorable(f"a party's name is redacted in the filing ({segment.strip()!r})")
    if _CONNECTOR.match(name) or len(name) > NAME_MAX or '"' in name:
        return Unscorable(f"cannot read {segment.strip()!r} as 'Name (\"Role\")'")
    if role is not None and len(role) > ROLE_MAX:
        return Unscorable(f"the role {role!r} is longer than the schema's {ROLE_MAX} characters")
    return Party(name=name, role=role)


def _restates(together: str, parties: list[Party]) -> bool:
    """Whether a name given to several parties only repeats names or roles read elsewhere."""
    rest = together.lower()
    known = sorted({p.name.lower() for p in parties} | {(p.role or "").lower() for p in parties}, key=len)
    for term in reversed(known):
        if term:
            rest = rest.replace(term, " ")
    return not _NOTE_WORDS.sub("", rest)


def read_parties(answer: str) -> list[Party] | Unscorable:
    """Parties: 'Name ("Role"); Name ("Role")' -> parties with their first defined term as role.

    CUAD's conventions, read explicitly: a parenthesis without quotes is part of the name ("Fonterra
    (USA) Inc."); a segment that names the parties together ('Heritage and Premier (individually a
    "Party" ...)') is dropped when it only repeats names or roles given elsewhere, and makes the answer
    Unscorable when it names entities the answer lists nowhere else; a party written twice is kept once.
    The parties are scored as a set, so one unreadable segment makes the whole answer Unscorable: a
    partial list would count the parties it lost as false positives.
    """
    if not answer.strip():
        return Unscorable("CUAD names no parties; every contract has some, so the empty answer is a gap")
    segments = []
    for segment in answer.split(";"):
        read = _segment(segment)
        if isinstance(read, Unscorable):
            return read
        segments.append(read)
    parties: dict[str, Party] = {}
    for read in segments:
        for party in read.parties:
            parties.setdefault(party.name.lower(), party)
    for read in segments:
        for together in read.together:
            if _restates(together, list(parties.values())):
                continue
            if _SEVERAL.search(together):
                return Unscorable(f"several parties are named together ({together!r})")
            # One entity with a collective note ('Berkshire Bank ("Party" or "Parties")'): a party.
            party = _party(together, None, together)
            if isinstance(party, Unscorable):
                return party
            parties.setdefault(together.lower(), party)
    if not parties:
        return Unscorable(f"CUAD's answer names no party ({answer!r})")
    if len(parties) > PARTIES_MAX:
        return Unscorable(f"{len(parties)} parties; the schema holds at most {PARTIES_MAX}")
    return list(parties.values())
