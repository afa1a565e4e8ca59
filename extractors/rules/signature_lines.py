"""Signature blocks with no labels and no rule that OCR kept: the signer's name, then their capacity.

    ACME WIDGETS, INC.            LICENSOR                         Signed for Beacon Ltd.:
    ______________________        ______________________
    Jane Roe                      Jane Roe, Chief Executive Officer   Jane Roe (Director)
    Chief Executive Officer       3 March 2024                         Dated 3 March 2024
    Date: 3 March 2024

Tesseract often drops a signature rule (a line of underscores) altogether, so these blocks are found from
their text: after the page's execution clause, a line holding only a person's name, with a job title or a
party role after a comma, in brackets or on the next line. The party is the header above (a name, or a
role the preamble defined), the date the date line below.
"""

from __future__ import annotations

import re

from extractors.rules.names import clean_name, has_legal_suffix, join_split_capitals, looks_like_person
from extractors.rules.parties import PARTY_ROLES
from extractors.rules.signatures import (
    LABEL_RE,
    SIGNATURE_CUE,
    TITLE_WORDS,
    Block,
    Cell,
    date_below,
    header_above,
    is_rule,
    witnessed,
)

# "Jane Roe, Director", "Jane Roe (Director)", "Jane Roe - Director": name and capacity on one line.
_NAME_AND_TITLE = re.compile(r"^(?P<name>[^,()]+?)\s*(?:,|\(|\s-\s|\s/\s)\s*(?P<title>[^()]+?)\)?$")
# Capacities that are not job titles: a person signing for themselves under the role the contract gave them.
_SELF_ROLES = re.compile(r"^(?:employee|executive|consultant|contractor|tenant|licensee|individual)$", re.I)


def _capacity(text: str) -> bool:
    words = text.split()
    return (
        1 <= len(words) <= 6
        and not re.search(r"\d", text)
        and bool(TITLE_WORDS.search(text) or _SELF_ROLES.match(text.strip()))
    )


def _unlabelled(line: str) -> str:
    """ "Title: Director" -> "Director" (a block whose "Name:" label OCR lost still labels the title)."""
    label = LABEL_RE.match(line.strip())
    return line.strip()[label.end() :].strip() if label else line.strip()


def _signer(line: str) -> tuple[str, str | None] | None:
    """The name (and the capacity, when on the same line) a line holds, if it is a signer's line."""
    text = line.strip()
    if not text or text.endswith((".", ":", ";")) or LABEL_RE.search(text) or is_rule(text):
        return None
    if (both := _NAME_AND_TITLE.match(text)) and _capacity(both.group("title")):
        name = join_split_capitals(clean_name(both.group("name")))
        return (name, both.group("title").strip()) if looks_like_person(name) else None
    name = join_split_capitals(clean_name(text))
    return (name, None) if looks_like_person(name) and not TITLE_WORDS.search(name) else None


# "Acme Ltd: Jane Roe, Director", "For the Landlord: Jane Roe (Director)": the party, then a colon.
_PARTY_PREFIX = re.compile(
    r"^\s*(?:(?:signed\s+)?for\s+)?(?:the\s+)?(?P<party>[^:]{2,80}?)\s*:\s*(?=\S)", re.I
)


def _party_prefix(offset: int, line: str) -> tuple[Cell | None, int]:
    """The party a line names before its signer, and where the signer's part begins."""
    prefix = _PARTY_PREFIX.match(line)
    if prefix is None:
        return None, 0
    party = clean_name(prefix.group("party"))
    if not (has_legal_suffix(party) or party.lower() in PARTY_ROLES):
        return None, 0
    start = offset + prefix.start("party")
    return Cell(party, start, start + len(party)), prefix.end()


def ends_with_execution_clause(text: str, tail: int = 400) -> bool:
    """Whether a page ends with an execution clause, so the signatures are on the next page."""
    return SIGNATURE_CUE.search(text[-tail:]) is not None


def find_name_lines(text: str, *, continued: bool = False) -> list[Block]:
    """Unlabelled blocks after the page's first execution clause, or from the top of a page that
    continues one (`continued`: the previous page ended with the clause)."""
    cue = SIGNATURE_CUE.search(text)
    if cue is None and not continued:
        return []
    begin = 0 if continued or cue is None else cue.start()
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text) if m.start() >= begin]
    lines = [(offset, line) for offset, line in lines if line.strip()]
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        offset, line = lines[index]
        party, skip = _party_prefix(offset, line)
        offset, line = offset + skip, line[skip:]
        signer = _signer(line)
        if signer is None:
            index += 1
            continue
        name, title = signer
        last = index
        title_cell = None
        if title is not None:
            start = offset + line.find(title)
            title_cell = Cell(title, start, start + len(title))
        elif index + 1 < len(lines) and _capacity(below := _unlabelled(lines[index + 1][1])):
            last = index + 1
            start = lines[last][0] + lines[last][1].find(below)
            title_cell = Cell(below, start, start + len(below))
        if title_cell is None or witnessed(lines, index, last):
            index += 1
            continue
        name_start = offset + line.find(name[:3])
        header, role = (party, None) if party else header_above(lines, index)
        blocks.append(
            Block(
                name=Cell(name, name_start, name_start + len(name)),
                title=title_cell,
                date=date_below(text, lines[last][0]),
                party=header,
                role=role,
                labels={"rule"},
            )
        )
        index = last + 1
    return blocks
