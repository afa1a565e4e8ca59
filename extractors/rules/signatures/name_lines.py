"""Rule `signatory.name_line`: blocks with no labels and no rule that OCR kept, a name then a capacity.

    ACME WIDGETS, INC.            LICENSOR                         Signed for Beacon Ltd.:
    ______________________        ______________________
    Jane Roe                      Jane Roe, Chief Executive Officer   Jane Roe (Director)
    Chief Executive Officer       3 March 2024                         Dated 3 March 2024
    Date: 3 March 2024

Tesseract often drops a signature rule (a line of underscores) altogether, so these blocks are found from
their text: after the page's execution clause, a line holding only a person's name, with a job title or a
party role after a comma, in brackets or on the next line, or with the party's header above and a date
line below. The party is the header above (a name, or a role the preamble defined), the date the date
line below.
"""

from __future__ import annotations

import re

from extractors.rules.names import clean_name, has_legal_suffix, join_split_capitals
from extractors.rules.parties import PARTY_ROLES
from extractors.rules.signatures.block import Block, Cell, text_lines
from extractors.rules.signatures.lexicon import (
    COMPANY_SUFFIX,
    LABEL_RE,
    SIGNATURE_CUE,
    TITLE_WORDS,
    is_capacity,
    is_rule,
    looks_like_signer,
)
from extractors.rules.signatures.surroundings import date_below, header_above, witnessed

RULE = "signatory.name_line"

# "Jane Roe, Director", "Jane Roe (Director)", "Jane Roe - Director": name and capacity on one line.
_NAME_AND_TITLE = re.compile(r"^(?P<name>[^,()]+?)\s*(?:,|\(|\s-\s|\s/\s)\s*(?P<title>[^()]+?)\)?$")
# "Acme Ltd: Jane Roe, Director", "For the Landlord: Jane Roe (Director)": the party, then a colon.
_PARTY_PREFIX = re.compile(
    r"^\s*(?:(?:signed\s+)?for\s+)?(?:the\s+)?(?P<party>[^:]{2,80}?)\s*:\s*(?=\S)", re.I
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
    both = _NAME_AND_TITLE.match(text)
    # "ACME WIDGETS, INC., by Jane Roe": a company's name runs on past the comma, into no one's capacity.
    if both and COMPANY_SUFFIX.match(" " + both.group("title")):
        return None
    if both and is_capacity(both.group("title")):
        name = join_split_capitals(clean_name(both.group("name")))
        return (name, both.group("title").strip()) if looks_like_signer(name) else None
    name = join_split_capitals(clean_name(text))
    return (name, None) if looks_like_signer(name) and not TITLE_WORDS.search(name) else None


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


def _capacity_cell(
    lines: list[tuple[int, str]], index: int, offset: int, line: str, title: str | None
) -> tuple[Cell | None, int]:
    """The signer's capacity: after the name on its line, else the next line; and the block's last line."""
    if title is not None:
        start = offset + line.find(title)
        return Cell(title, start, start + len(title)), index
    if index + 1 < len(lines) and is_capacity(below := _unlabelled(lines[index + 1][1])):
        start = lines[index + 1][0] + lines[index + 1][1].find(below)
        return Cell(below, start, start + len(below)), index + 1
    return None, index


def _block_at(text: str, lines: list[tuple[int, str]], index: int) -> tuple[Block | None, int]:
    """The block whose signer's line is line `index`, if it is one, and the block's last line."""
    offset, line = lines[index]
    party, skip = _party_prefix(offset, line)
    offset, line = offset + skip, line[skip:]
    signer = _signer(line)
    if signer is None:
        return None, index
    name, title = signer
    title_cell, last = _capacity_cell(lines, index, offset, line, title)
    header, role = (party, None) if party else header_above(lines, index)
    date = date_below(text, lines[last][0])
    # Without a capacity, a name is a signer's only between its party's header and a date line.
    if title_cell is None and not (header and date_below(text, lines[index][0], limit=1)):
        return None, index
    if witnessed(lines, index, last):
        return None, index
    name_start = offset + line.find(name[:3])
    name_cell = Cell(name, name_start, name_start + len(name))
    return Block(name=name_cell, rule=RULE, title=title_cell, date=date, party=header, role=role), last


def find_name_lines(text: str, *, continued: bool = False) -> list[Block]:
    """Unlabelled blocks after the page's first execution clause, or from the top of a page that
    continues one (`continued`: the previous page ended with the clause)."""
    cue = SIGNATURE_CUE.search(text)
    if cue is None and not continued:
        return []
    begin = 0 if continued or cue is None else cue.start()
    lines = [(offset, line) for offset, line in text_lines(text) if offset >= begin and line.strip()]
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        block, last = _block_at(text, lines, index)
        if block is not None:
            blocks.append(block)
        index = last + 1
    return blocks
