"""Signature blocks: who signed, in what capacity, for which party, on what date.

    ACME WIDGETS, INC.                 Employer: Acme Widgets, Inc.       EMPLOYEE
    By: ______________________         By: /s/ Jane Roe                   ________________
    Name: Jane Roe                     Print Name: Jane Roe               Name: John Doe
    Title: Chief Executive Officer     Its: President                     Date: 3 March 2024
    Date: March 3, 2024

Blocks are read line by line. Blocks printed side by side come out of OCR as one line holding the same
label twice ("Name: Jane Roe Name: John Doe"); such lines are split into columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.rules.names import clean_name, join_split_capitals, looks_like_name, looks_like_person
from extractors.rules.text import PageText

_LABELS: dict[str, str] = {
    "by": r"By|Signed(?:\s+by)?|(?:Authori[sz]ed\s+)?Signature",
    "name_title": r"Name\s+(?:and|&)\s+Title",
    "name": r"(?:Print(?:ed)?\s+|Full\s+|Typed\s+)?Name(?:\s+of\s+Signatory)?|Signatory",
    "title": r"(?:Job\s+)?Title|Its|Position|Capacity|Designation",
    "date": r"Date(?:d)?(?:\s+(?:signed|of\s+signature))?|Signing\s+Date",
}
_LABEL_RE = re.compile(
    r"(?<![\w])(?P<label>" + "|".join(f"(?P<{k}>{v})" for k, v in _LABELS.items()) + r")\s*[:.;]",
    re.I,
)
# Header of a block: "Employer: Acme Widgets, Inc." or "ACME WIDGETS, INC." or "FOR AND ON BEHALF OF ACME".
_ROLE_HEADER = re.compile(r"^(?P<role>[A-Z][A-Za-z ]{2,30}?)\s*:\s*(?P<name>\S.*)$")
_ON_BEHALF = re.compile(
    r"^(?:signed\s+|executed\s+)?(?:(?:for\s+and\s+)?on\s+behalf\s+of|for)\s*:?\s*(?P<name>.+?)\s*:?$", re.I
)
_SIGNATURE_LINE = re.compile(r"^[_\s./-]*$|^(?:/s/|signature)", re.I)


@dataclass
class Cell:
    value: str
    start: int  # span of the value in the page text
    end: int


@dataclass
class Block:
    """One signature block: the labelled values and the header above it."""

    name: Cell
    title: Cell | None = None
    date: Cell | None = None
    party: Cell | None = None
    role: str | None = None
    labels: set[str] = field(default_factory=set)


def _cells(line: str, offset: int) -> dict[str, list[Cell]]:
    """The labelled cells of one line: {"name": [Cell, Cell]} for two blocks side by side."""
    matches = list(_LABEL_RE.finditer(line))
    out: dict[str, list[Cell]] = {}
    for i, match in enumerate(matches):
        kind = next(k for k in _LABELS if match.group(k))
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        raw = line[match.end() : end]
        value = raw.strip(" _\t")
        start = offset + match.end() + (raw.find(value) if value else 0)
        out.setdefault(kind, []).append(Cell(value, start, start + len(value)))
    return out


def _header(lines: list[tuple[int, str]], index: int) -> tuple[Cell | None, str | None]:
    """The party a block signs for: the nearest name-like line above its first label (at most 3 up)."""
    for back in range(1, 4):
        if index - back < 0:
            break
        offset, line = lines[index - back]
        text = line.strip()
        if not text or _SIGNATURE_LINE.match(text):
            continue
        if _LABEL_RE.match(text):
            break
        if behalf := _ON_BEHALF.match(text):
            name = clean_name(behalf.group("name"))
            return Cell(name, offset + line.find(name[:3]), offset + line.find(name[:3]) + len(name)), None
        if (role := _ROLE_HEADER.match(text)) and looks_like_name(clean_name(role.group("name"))):
            name = clean_name(role.group("name"))
            start = offset + line.find(name[:3])
            return Cell(name, start, start + len(name)), role.group("role").strip()
        name = clean_name(text)
        if looks_like_name(name, max_tokens=8):
            start = offset + line.find(name[:3])
            return Cell(name, start, start + len(name)), None
        break
    return None, None


def _strip_signature(cell: Cell) -> tuple[str, int, int]:
    """A "By:" cell without its rule and "/s/" mark: the name typed on the signature line, if any."""
    match = re.match(r"[_\s.]*(?:/s/\s*)?", cell.value)
    offset = match.end() if match else 0
    return cell.value[offset:].strip(" _"), cell.start + offset, cell.end


def _pick(values: list[Cell], column: int, columns: int) -> Cell | None:
    """The cell of one column: side-by-side blocks give one cell per column, a single block one."""
    if len(values) == columns:
        return values[column] if values[column].value else None
    return values[0] if columns == 1 and values and values[0].value else None


def find_blocks(text: str) -> list[Block]:
    """Every signature block on a page with a filled-in name."""
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]*", text)]
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        cells = _cells(lines[i][1], lines[i][0])
        starts_block = {"by", "name", "name_title"} & cells.keys()
        if not cells or not starts_block or _LABEL_RE.match(lines[i][1].strip()) is None:
            i += 1
            continue
        # A run of labelled lines (blank lines and signature rules may sit between them).
        first, run, j = i, [cells], i + 1
        while j < len(lines) and j - first < 10:
            stripped = lines[j][1].strip()
            if not stripped or _SIGNATURE_LINE.match(stripped):
                j += 1
                continue
            more = _cells(lines[j][1], lines[j][0])
            if not more or _LABEL_RE.match(stripped) is None or ("by" in more and len(run) > 1):
                break
            # A label met again on a line of its own starts the next block ("Name:" twice, stacked).
            if any(len(values) == 1 and kind in part for kind, values in more.items() for part in run):
                break
            run.append(more)
            j += 1
        merged: dict[str, list[Cell]] = {}
        for part in run:
            for kind, values in part.items():
                merged.setdefault(kind, []).extend(values)
        for both in merged.pop("name_title", []):
            # "Name and Title: Jane Roe, Director"
            name, _, title = both.value.partition(",")
            merged.setdefault("name", []).append(
                Cell(name.strip(), both.start, both.start + len(name.strip()))
            )
            if title.strip():
                offset = both.value.find(title.strip())
                merged.setdefault("title", []).append(Cell(title.strip(), both.start + offset, both.end))
        header, role = _header(lines, first)
        names = [c for c in merged.get("name", []) if c.value]
        if not names:
            # "By: /s/ Jane Roe" with no separate name line: the signature line names the signatory.
            typed = [Cell(*_strip_signature(c)) for c in merged.get("by", [])]
            names = [c for c in typed if looks_like_person(clean_name(c.value))]
        columns = len(names)
        for column, raw_name in enumerate(names):
            cleaned = clean_name(raw_name.value)
            if not looks_like_name(join_split_capitals(cleaned), max_tokens=6):
                continue
            blocks.append(
                Block(
                    name=Cell(join_split_capitals(cleaned), raw_name.start, raw_name.start + len(cleaned)),
                    title=_pick(merged.get("title", []), column, columns),
                    date=_pick(merged.get("date", []), column, columns),
                    party=header if columns == 1 else None,
                    role=role if columns == 1 else None,
                    labels=set(merged),
                )
            )
        i = j
    return blocks


# English execution clauses: "Signed by Jane Roe, Director, for and on behalf of Acme Limited".
_SIGNED_BY = re.compile(
    r"\bsigned\s+by\s+(?P<name>[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){1,3})\s*,?\s*"
    r"(?:(?:as\s+|the\s+)?(?P<title>[A-Z][A-Za-z ]{2,40}?)\s*,?\s+)?"
    r"(?:for\s+and\s+)?on\s+behalf\s+of\s+(?P<party>[A-Z][^\n,;]{2,80}?)\s*(?=[\n,;]|\.(?:\s|$)|$)",
    re.I,
)


def find_signed_by(text: str) -> list[Block]:
    blocks = []
    for match in _SIGNED_BY.finditer(text):
        name, party = clean_name(match.group("name")), clean_name(match.group("party"))
        if not (looks_like_person(name) and looks_like_name(party, max_tokens=10)):
            continue
        title = match.group("title")
        blocks.append(
            Block(
                name=Cell(name, match.start("name"), match.start("name") + len(name)),
                title=Cell(title.strip(), match.start("title"), match.end("title")) if title else None,
                party=Cell(party, match.start("party"), match.start("party") + len(party)),
                labels={"by"},
            )
        )
    return blocks


# Forms put the label under the line it names: "________ / Jane Roe / Printed Name / Director / Title".
_LABEL_BELOW = re.compile(
    r"^\s*(?:(?P<name>(?:print(?:ed)?\s+|typed\s+)?name)|(?P<title>title|position)|(?P<date>date))\s*$", re.I
)


def find_labelled_below(text: str) -> list[Block]:
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text)]
    blocks: list[Block] = []
    for index, (_, line) in enumerate(lines):
        label = _LABEL_BELOW.match(line)
        if not label or not label.group("name") or index == 0:
            continue
        offset, above = lines[index - 1]
        name = clean_name(above)
        if not looks_like_person(name):
            continue
        block = Block(name=Cell(name, offset + above.find(name), offset + above.find(name) + len(name)))
        for later in range(index + 1, min(index + 5, len(lines) - 1)):
            below = _LABEL_BELOW.match(lines[later + 1][1])
            value_offset, value = lines[later]
            cell = Cell(
                value.strip(), value_offset + value.find(value.strip()), value_offset + len(value.rstrip())
            )
            if below and below.group("title"):
                block.title = cell
            elif below and below.group("date"):
                block.date = cell
        header, block.role = _header([(o, t) for o, t in lines], max(0, index - 2))
        block.party = header
        blocks.append(block)
    return blocks


_TABLE_HEADERS: dict[str, re.Pattern[str]] = {
    "party": re.compile(r"^(?:party|company|entity|for|organi[sz]ation)$", re.I),
    "name": re.compile(r"^(?:name|signatory|signed)$", re.I),
    "title": re.compile(r"^(?:title|position|capacity|role)$", re.I),
    "date": re.compile(r"^(?:date|dated)$", re.I),
}


def find_signature_table(page: PageText) -> list[Block]:
    """A table of signatories: a header row ("Party  Name  Title  Date") and one row per signatory.

    OCR reads a table row as one line; its words are put into columns by where the header words start.
    """
    lines: dict[int, list[int]] = {}
    for index, line in enumerate(page.line_of):
        lines.setdefault(line, []).append(index)
    order = sorted(lines)
    blocks: list[Block] = []
    for position, line in enumerate(order):
        words = [page.words[i] for i in lines[line]]
        if len(words) > 8:
            continue
        columns: list[tuple[str, int]] = []
        for word in words:
            kind = next((k for k, p in _TABLE_HEADERS.items() if p.match(word.text.strip(":"))), None)
            if kind and kind not in dict(columns):
                columns.append((kind, word.left))
        kinds = dict(columns)
        if "name" not in kinds or len(kinds) < 3:
            continue
        for row_line in order[position + 1 : position + 9]:
            cells: dict[str, list[int]] = {}
            for i in lines[row_line]:
                word = page.words[i]
                # The column whose header starts at or before the word (with a little slack).
                kind = max(
                    (c for c in columns if c[1] <= word.left + 0.5 * word.height),
                    key=lambda c: c[1],
                    default=columns[0],
                )[0]
                cells.setdefault(kind, []).append(i)

            def cell(kind: str, cells: dict[str, list[int]] = cells) -> Cell | None:
                if kind not in cells:
                    return None
                first, last = cells[kind][0], cells[kind][-1]
                start, end = page.starts[first], page.ends[last]
                return Cell(page.text[start:end], start, end)

            name = cell("name")
            if name is None or not looks_like_person(clean_name(name.value)):
                if blocks:
                    break
                continue
            name.value = join_split_capitals(clean_name(name.value))
            party = cell("party")
            if party is not None:
                party.value = clean_name(party.value)
            blocks.append(
                Block(name=name, title=cell("title"), date=cell("date"), party=party, labels={"table"})
            )
    return blocks
