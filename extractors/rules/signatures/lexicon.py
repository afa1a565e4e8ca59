"""The words of signature blocks: one vocabulary that every layout reader reads labels with.

A block labels five things, whatever its layout: the signature line (`By:`), the signer's name, their
capacity, the date, and the party signed for. The same label is written beside its value (`Name: Jane
Roe`), under it on a form (`Jane Roe` over `Printed Name`) or as a table's column header (`Name | Title`),
so each kind's phrases are written once here and each reader frames them for its layout:

    LABEL_RE, label_at    "Name: Jane Roe", "Name (print): Jane Roe"          beside the value
    label_alone           "(Printed Name)" on a line of its own                under the line
    header_kind / _cells  "Signed by", "Position", "Company"                   a table's header row

Besides labels: the words that make a line a job title or a capacity, the lines that head a block
("For and on behalf of Acme"), the marks a signature leaves (a rule, "/s/", an e-signature's ID), and
the wordings of witnesses and notaries, who sign but are not signatories.
"""

from __future__ import annotations

import re

from extractors.rules.names import LEGAL_SUFFIX_RE, clean_name, looks_like_person

# Kind -> the phrases that label it, as a contract prints them (matched case-insensitively). The pieces
# recur: who signs ("Authorised Signatory"), how the name is written ("Printed"), the capacity's words.
_PRINTED = r"(?:print(?:ed)?|typed?|block\s+capitals)"
_SIGNER = r"(?:Authori[sz]ed\s+)?(?:Signatory|Representative|Officer|Director|Signer|Person)"
# Alone, only words that cannot be a notice's "Contact Person:" or a cover sheet's "Project Director:".
_SIGNING_PERSON = (
    r"(?:Authori[sz]ed\s+)?Signatory|Authori[sz]ed\s+(?:Representative|Officer|Person|Signer)|Signer"
)
_CAPACITY = r"(?:Title|Position|Capacity|Designation|Office|Role)"
LABELS: dict[str, str] = {
    # The line signed on; "By: /s/ Jane Roe" names the signer there too. ("Accepted by:" is left out: it
    # leads into a block as often as it labels a signature line.)
    "by": rf"By|Per|Signed(?:\s+by)?|(?:Authori[sz]ed\s+)?Signature(?:\s+of\s+{_SIGNER})?|Sign\s+here",
    "name_title": rf"(?:{_PRINTED}\s+)?Name\s*(?:and|&|/)\s*{_CAPACITY}",
    "name": rf"(?:{_PRINTED}(?:\s+(?:or|and|/)\s+{_PRINTED})?\s+|Full\s+|Signatory\s+|Signer'?s?\s+)?Name"
    rf"(?:\s+of\s+{_SIGNER})?|{_SIGNING_PERSON}|Print",
    "title": rf"(?:Job\s+|Official\s+|Corporate\s+|Signatory\s+|Signer'?s?\s+)?{_CAPACITY}"
    rf"(?:\s*/\s*{_CAPACITY})?(?:\s+held)?(?:\s+of\s+{_SIGNER})?|Its",
    "date": r"Date(?:d)?(?:\s+(?:signed|of\s+(?:signature|signing|execution)))?|(?:Signing|Signature)\s+Date|"
    r"(?:Signed|Executed)\s+on|On",
}
# The party a block signs for: a column of a table, never an inline label ("Company: Acme Inc." heads a
# block and is read as its header).
PARTY_LABEL = (
    r"Party|Company|Entity|Organi[sz]ation|(?:Signed\s+)?For(?:\s+and\s+on\s+behalf\s+of)?|On\s+behalf\s+of"
)

_ALTERNATIVES = "|".join(f"(?P<{kind}>{phrases})" for kind, phrases in LABELS.items())
# How a form says how to fill a label in: "Name (print):", "Date (dd/mm/yyyy):", "By (signature):".
_HINT = r"(?:\s*\([A-Za-z/ ]{2,24}\))?"
# A label beside its value ends with a colon (or what OCR reads for one) or a spaced dash.
LABEL_RE = re.compile(rf"(?<![\w])(?P<label>{_ALTERNATIVES}){_HINT}\s*(?:[:.;|]|-\s)", re.I)
# A label under its line has no colon: "Name:" alone on a line has its value on the next one.
_LABEL_LINE = re.compile(rf"^\s*\(?\s*(?:{_ALTERNATIVES})\s*\)?\s*$", re.I)
_HEADER_CELL = re.compile(rf"(?:{_ALTERNATIVES}|(?P<party>{PARTY_LABEL})){_HINT}", re.I)


# A table's cells need no colon, and OCR of a form drops it: "Name How Kok Choong", "Title Director".
_BARE_LABEL = re.compile(rf"^\s*(?P<label>{_ALTERNATIVES})\s+(?=\S)", re.I)
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")  # what makes a line or a clause's tail a date


def label_at(match: re.Match[str]) -> str:
    """The kind of a label LABEL_RE (or another pattern built on LABELS) matched."""
    return next(kind for kind in LABELS if match.group(kind))


def label_alone(line: str) -> str | None:
    """The kind of the label a line holds and nothing else ("Printed Name", "(Title)"), or None."""
    match = _LABEL_LINE.match(line)
    return label_at(match) if match else None


def bare_label(line: str) -> re.Match[str] | None:
    """A label without its colon at the start of a line, when the rest of the line reads as that
    label's value: a person's name, a capacity, a date. ("By" is left out: "By Return Mail".)"""
    match = _BARE_LABEL.match(line)
    if match is None or LABEL_RE.search(line):
        return None
    return match if _reads_as(label_at(match), line[match.end() :].strip(" _|")) else None


def _reads_as(kind: str, value: str) -> bool:
    if kind == "name":
        return looks_like_signer(clean_name(value))
    if kind == "name_title":
        return looks_like_signer(clean_name(value.split(",", maxsplit=1)[0]))
    if kind == "title":
        return is_capacity(value)
    return kind == "date" and bool(YEAR.search(value))


def _header_at(match: re.Match[str]) -> str:
    return "party" if match.group("party") else label_at(match)


def header_kind(cell: str) -> str | None:
    """The kind a table's column header names ("Signed by" -> by, "Company" -> party), or None."""
    match = _HEADER_CELL.fullmatch(cell.strip(" :|"))
    return _header_at(match) if match else None


def header_cells(line: str) -> list[tuple[str, int]] | None:
    """A table's header row read as a line of words ("Party  Name  Title  Date"): each column's kind and
    where it starts, or None when anything on the line is not a header (then it is not a header row)."""
    cells: list[tuple[str, int]] = []
    position = 0
    for match in _HEADER_CELL.finditer(line):
        if line[position : match.start()].strip(" :|"):
            return None
        cells.append((_header_at(match), match.start()))
        position = match.end()
    return cells if cells and not line[position:].strip(" :|") else None


def table_columns(kinds: list[str | None]) -> list[str | None]:
    """What each column of a signatories table holds, from its header's kinds: a "Signed by" or
    "Signature" column holds the names when no column is headed "Name" (else only the signatures)."""
    by = "name" if not {"name", "name_title"} & set(kinds) else None
    return [by if kind == "by" else kind for kind in kinds]


# Words that make a line a job title: "Chief Executive Officer", "VP, Sales", "Managing Director".
TITLE_WORDS = re.compile(
    r"\b(?:officer|president|director|manager|CEO|CFO|COO|CTO|CIO|secretary|treasurer|partner|member|"
    r"chair(?:man|woman|person)?|principal|owner|founder|head|VP|vice|counsel|attorney|trustee|"
    r"signatory|proprietor|administrator|controller|executive|representative|general\s+manager|"
    r"lead|agent|superintendent|dean|registrar|comptroller|managing|authori[sz]ed)\b",
    re.I,
)
# Capacities that are not job titles: a person signing for themselves under the role the contract gave them.
SELF_ROLES = re.compile(r"^(?:employee|executive|consultant|contractor|tenant|licensee|individual)$", re.I)


# A company's legal form in any case: headers are often in capitals ("ACME WIDGETS, INC.").
COMPANY_SUFFIX = re.compile(LEGAL_SUFFIX_RE.pattern, re.I)


def looks_like_signer(text: str) -> bool:
    """A person's name as a block gives it: "Jane Roe", never "Milestone 1" (a schedule's heading)."""
    return looks_like_person(text) and not re.search(r"\d", text)


def is_capacity(text: str) -> bool:
    """Whether a short line says in what capacity someone signs ("Director", "Employee")."""
    words = text.split()
    return (
        1 <= len(words) <= 6
        and not re.search(r"\d", text)
        and bool(TITLE_WORDS.search(text) or SELF_ROLES.match(text.strip()))
    )


# The wordings that open the signatures: "IN WITNESS WHEREOF", "Executed as a deed", "SIGNATURES".
SIGNATURE_CUE = re.compile(
    r"(?:in|as)\s+witness|executed|signature|signed|agreed\s+(?:and|&)\s+accepted|accepted\s+(?:and|&)\s+agreed",
    re.I,
)
# A witness or a notary signs too, but is not a signatory of the agreement. "IN WITNESS WHEREOF" and
# "AS WITNESS the hands of the parties" introduce the parties' own signatures.
WITNESS = re.compile(
    r"(?<!in\s)(?<!as\s)\bwitness(?!\s*wh)|\bwitnessed\b|in\s+the\s+presence\s+of|\bnotary\b|\bsworn\b|"
    r"acknowledged\s+before|subscribed\s+and|\bcommission\s+expires",
    re.I,
)
# Headers of a block: "Employer: Acme Widgets, Inc.", "FOR AND ON BEHALF OF ACME", "Signed for Acme:".
ROLE_HEADER = re.compile(r"^(?P<role>[A-Z][A-Za-z ]{2,30}?)\s*:\s*(?P<name>\S.*)$")
ON_BEHALF = re.compile(
    r"^(?:signed\s+|executed\s+|agreed\s+)?(?:(?:for\s+and\s+)?on\s+behalf\s+of|for)\s*:?\s*(?P<name>.+?)"
    r"(?:\s+by)?\s*:?$",
    re.I,
)
# Lines that lead into a block without naming its party: "AGREED AND ACCEPTED:", "IN WITNESS WHEREOF ...".
LEAD_IN = re.compile(
    r"^(?:agreed|accepted|acknowledged|in\s+witness|signed|executed|signature|the\s+parties|"
    r"[A-Z]?\W*$)",
    re.I,
)
# What a signature leaves: a rule to sign on, a typed "/s/", or an e-signature's "DocuSigned by:" and its
# envelope or signature ID ("8A1B2C3D4E...").
_SIGNATURE_RULE = re.compile(r"^[_\s./-]*$|^(?:/s/|signature)", re.I)
E_SIGNATURE = re.compile(
    r"^\s*(?:(?:docu|digitally\s+|electronically\s+|e-?)?signed\s+by\s*:?\s*)+$|envelope\s+id|"
    r"^\s*(?:[0-9A-F]{8,}[.\s-]*)+$",
    re.I,
)


def is_rule(text: str) -> bool:
    """Whether a line is a signature rule (or a signature's mark) rather than text."""
    return bool(_SIGNATURE_RULE.match(text.strip()))
