"""What every layout reader asks of the lines around a block: its party's header above it, whether a
witness or a notary signs there, the date line below, and a "name, capacity" line taken apart."""

from __future__ import annotations

import re

from extractors.rules.names import clean_name, has_legal_suffix, looks_like_name
from extractors.rules.parties import PARTY_ROLES
from extractors.rules.signatures.block import Cell
from extractors.rules.signatures.lexicon import (
    COMPANY_SUFFIX,
    E_SIGNATURE,
    LABEL_RE,
    LABELS,
    LEAD_IN,
    ON_BEHALF,
    ROLE_HEADER,
    TITLE_WORDS,
    WITNESS,
    YEAR,
    is_rule,
)


def cut_description(name: str) -> str:
    """ "ACME, INC., a Delaware corporation" -> "ACME, INC."."""
    cut = re.search(r",?\s+(?:a|an)\s+(?=[A-Z][a-z]|[a-z])|,\s*(?:acting|by|through)\b|\s+by\s*:?$", name)
    return clean_name(name[: cut.start()]) if cut else name


def _header_cell(offset: int, line: str, name: str) -> Cell:
    start = offset + line.find(name[:3])
    return Cell(name, start, start + len(name))


def header_above(lines: list[tuple[int, str]], index: int) -> tuple[Cell | None, str | None]:
    """The party a block signs for, and the role its header gives it: the nearest name-like line above
    the block's first line `index` (at most 4 up), past rules, e-signature marks and lead-ins."""
    for back in range(1, 5):
        if index - back < 0:
            break
        offset, line = lines[index - back]
        text = line.strip()
        if not text or is_rule(text) or E_SIGNATURE.search(text):
            continue
        if LABEL_RE.match(text):
            break
        if behalf := ON_BEHALF.match(text):
            name = cut_description(clean_name(behalf.group("name")))
            if looks_like_name(name, max_tokens=10):
                return _header_cell(offset, line, name), None
        if (role := ROLE_HEADER.match(text)) and looks_like_name(
            name := cut_description(clean_name(role.group("name")))
        ):
            return _header_cell(offset, line, name), role.group("role").strip()
        name = cut_description(clean_name(text))
        # "Chief Executive Officer" above a block is the previous signer's title, not a party; a heading
        # in capitals that is a party's role ("EXECUTIVE") is.
        heading_role = name.isupper() and name.lower() in PARTY_ROLES
        if looks_like_name(name, max_tokens=8) and (
            heading_role or not (TITLE_WORDS.search(name) and not has_legal_suffix(name))
        ):
            return _header_cell(offset, line, name), None
        if LEAD_IN.match(text) and len(text) < 80:
            continue
        break
    return None, None


def witnessed(lines: list[tuple[int, str]], first: int, last: int) -> bool:
    """Whether the block on lines first..last is a witness's or a notary's (a label or a heading says so).
    The heading is looked for above the block as far as its party's name: above that, a "Witness:" line
    is the block before's."""
    seen = 0
    for index in range(first - 1, max(-1, first - 6), -1):
        text = lines[index][1].strip()
        if not text:
            continue
        if WITNESS.search(text):
            return True
        seen += 1
        if seen >= 2 or (LABEL_RE.match(text) and not is_rule(text)) or COMPANY_SUFFIX.search(text):
            break
    return any(WITNESS.search(lines[i][1]) for i in range(first, min(last + 1, len(lines))))


def split_name_title(cell: Cell) -> tuple[Cell, Cell | None]:
    """ "Jane Roe, Director", "Jane Roe / CEO" or "Jane Roe (Director)" -> name and title."""
    parts = re.split(r"\s*(?:,|/|\s-\s|\||\()\s*", cell.value, maxsplit=1)
    if len(parts) == 2 and (title := parts[1].rstrip(" )")):
        name = parts[0]
        offset = cell.value.find(title, len(name))
        return Cell(name, cell.start, cell.start + len(name)), Cell(
            title, cell.start + offset, cell.start + offset + len(title)
        )
    return cell, None


# "Date: 6 October 2023" on a line of its own under an execution clause or a signer's name.
_DATE_LINE = re.compile(
    rf"^[ \t]*(?:{LABELS['date']})?[ \t]*[:|]?[ \t]*(?P<d>[^\n]*\d[^\n]*?)[ \t]*$",
    re.I | re.M,
)


def date_below(text: str, position: int, limit: int = 2) -> Cell | None:
    """The date on one of the next `limit` non-empty lines below `position`, when that line is just a date."""
    start = text.find("\n", position)
    if start < 0:
        return None
    for line in list(re.finditer(r"[^\n]*\S[^\n]*", text[start:]))[:limit]:
        found = _DATE_LINE.fullmatch(line.group())
        if found and YEAR.search(found.group("d")) and len(found.group("d")) <= 40:
            begin = start + line.start() + found.start("d")
            return Cell(found.group("d"), begin, begin + len(found.group("d")))
        if re.match(r"\s*(?:signed|executed|for\s+and\s+on)", line.group(), re.I):
            break  # the next block begins
    return None
