"""Rule `signatory.under_rule`: blocks without labels, the signer's name under the line signed on.

    ACME, INC.                        ______________________            EXECUTIVE
    By: ____________________          /s/ Jane Roe                      ______________________
    Jane Roe, Chief Executive Officer Director                          Rachel Moreno

A signature rule (or an empty "By:"), the signer's name under it, and a job title on the next line or
after a comma; "/s/ Jane Roe" stands for the rule and the name at once. The date is a "Date:" line below.
A name without a capacity needs the party's header above the rule or the date below the name.
"""

from __future__ import annotations

import re

from extractors.rules.names import clean_name, join_split_capitals
from extractors.rules.signatures.block import Block, Cell, text_lines
from extractors.rules.signatures.lexicon import (
    LABEL_RE,
    LABELS,
    SIGNATURE_CUE,
    TITLE_WORDS,
    is_rule,
    looks_like_signer,
)
from extractors.rules.signatures.surroundings import header_above, split_name_title, witnessed

RULE = "signatory.under_rule"

# "/s/ Jane Roe", "By: /s/ Jane Roe": a typed signature, the mark of signing and the name at once.
_TYPED = re.compile(rf"^(?:(?:{LABELS['by']})\s*:?\s*)?/s/\s*(?P<name>.+)$", re.I)
# "By Jane Roe" with the colon left out: a name, but no mark of signing ("By Return Mail" reads the same).
_BY_NAME = re.compile(r"^(?:By|Per)\s+(?P<name>(?-i:[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){1,3}))\s*$", re.I)
_EMPTY = re.compile(rf"(?:(?:{LABELS['by']})\s*:?\s*)?[_.]{{5,}}", re.I)
_DATE = re.compile(rf"^\s*(?:{LABELS['date']})\s*[:|]?\s*(?P<d>\S.*)$", re.I)


def _name_line(lines: list[tuple[int, str]], index: int) -> tuple[int, int, str, bool] | None:
    """Where the signer's name is for a rule on line `index`: (line index, offset, text, typed "/s/")."""
    offset, line = lines[index]
    stripped = line.strip()
    if typed := _TYPED.match(stripped):
        return index, offset + line.find(typed.group("name")), typed.group("name"), True
    if by := _BY_NAME.match(stripped):
        return index, offset + line.find(by.group("name")), by.group("name"), False
    if not _EMPTY.fullmatch(stripped):
        return None
    below = next((k for k in range(index + 1, min(index + 3, len(lines))) if lines[k][1].strip()), None)
    if below is None:
        return None
    return below, *lines[below], False


def _title_below(lines: list[tuple[int, str]], after: int) -> Cell | None:
    """A job title on line `after`: title words, a few of them, and no label ("Its President" keeps its
    colon-less "Its" out of the title)."""
    if after >= len(lines):
        return None
    offset, line = lines[after]
    text = re.sub(r"^Its\s+", "", line.strip())
    if TITLE_WORDS.search(text) and len(text.split()) <= 6 and not LABEL_RE.search(line):
        start = offset + line.find(text)
        return Cell(text, start, start + len(text))
    return None


def _date_below(lines: list[tuple[int, str]], after: int) -> Cell | None:
    for offset, line in lines[after : after + 2]:
        if found := _DATE.match(line):
            return Cell(found.group("d"), offset + found.start("d"), offset + len(line))
    return None


def _signer(name_offset: int, name_line: str) -> tuple[Cell, Cell | None] | None:
    """The name (and a title after a comma) a line under a rule holds, or None if it names no one."""
    if LABEL_RE.search(name_line) or is_rule(name_line):
        return None
    value = name_line.strip()
    start = name_offset + name_line.find(value)
    name_cell, title_cell = split_name_title(Cell(value, start, start + len(value)))
    name = join_split_capitals(clean_name(name_cell.value))
    if title_cell is not None and not TITLE_WORDS.search(title_cell.value):
        return None  # "Jane Roe, 1 High Street": not a capacity after the comma
    if not looks_like_signer(name) or TITLE_WORDS.search(name):
        return None
    return Cell(name, name_cell.start, name_cell.start + len(name)), title_cell


def find_rule_blocks(text: str, *, continued: bool = False) -> list[Block]:
    """Blocks on a page with an execution clause, or on the page after one (`continued`)."""
    if not (continued or SIGNATURE_CUE.search(text)):
        return []
    lines = text_lines(text)
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        found = _name_line(lines, index)
        signer = _signer(found[1], found[2]) if found else None
        if found is None or signer is None:
            index += 1
            continue
        name_index, _, _, typed = found
        name, title = signer
        after = name_index + 1
        while after < len(lines) and not lines[after][1].strip():
            after += 1
        if title is None and (title := _title_below(lines, after)) is not None:
            after += 1
        header, role = header_above(lines, index)
        date = _date_below(lines, after)
        # A name alone under a rule, with no capacity, is a signature only where the block says so
        # otherwise: a party's header above it ("ACME INC.", "EXECUTIVE") or a date line below it.
        if title is None and not (typed or header or date):
            index += 1
            continue
        if not witnessed(lines, index, name_index):
            blocks.append(Block(name=name, rule=RULE, title=title, date=date, party=header, role=role))
        index = name_index + 1
    return blocks
