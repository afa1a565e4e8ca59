"""Rule `signatory.labelled`: blocks whose parts are labelled beside their values.

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

from extractors.rules.names import (
    LEGAL_SUFFIX_RE,
    clean_name,
    join_split_capitals,
    looks_like_name,
)
from extractors.rules.signatures.block import Block, Cell, text_lines
from extractors.rules.signatures.lexicon import (
    E_SIGNATURE,
    LABEL_RE,
    TITLE_WORDS,
    WITNESS,
    bare_label,
    is_rule,
    label_at,
    looks_like_signer,
)
from extractors.rules.signatures.surroundings import (
    cut_description,
    header_above,
    split_name_title,
    witnessed,
)

RULE = "signatory.labelled"
Cells = dict[str, list[Cell]]  # label kind -> one cell per block standing side by side


def _labels(line: str) -> list[re.Match[str]]:
    """The labels on a line: with their colons, or one at its start without ("Name How Kok Choong")."""
    return list(LABEL_RE.finditer(line)) or [bare for bare in [bare_label(line)] if bare]


def _cells(line: str, offset: int) -> Cells:
    """The labelled cells of one line: {"name": [Cell, Cell]} for two blocks side by side."""
    matches = _labels(line)
    out: Cells = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        raw = line[match.end() : end]
        value = raw.strip(" _\t|")
        start = offset + match.end() + (raw.find(value) if value else 0)
        out.setdefault(label_at(match), []).append(Cell(value, start, start + len(value)))
    return out


def _strip_signature(cell: Cell) -> Cell:
    """A "By:" cell without its rule and "/s/" mark: the name typed on the signature line, if any."""
    match = re.match(r"[_\s.|]*(?:/s/\s*)?", cell.value)
    offset = match.end() if match else 0
    return Cell(cell.value[offset:].strip(" _|"), cell.start + offset, cell.end)


def _pick(values: list[Cell], column: int, columns: int) -> Cell | None:
    """The cell of one column: side-by-side blocks give one cell per column, a single block one."""
    if len(values) == columns:
        return values[column] if values[column].value else None
    return values[0] if columns == 1 and values and values[0].value else None


def _value_below(lines: list[tuple[int, str]], index: int) -> Cell | None:
    """ "Name:" with its value on the next line (a wide form puts them on separate OCR lines)."""
    if index + 1 >= len(lines):
        return None
    offset, line = lines[index + 1]
    text = line.strip(" _|\t")
    if not text or _labels(line) or is_rule(line):
        return None
    start = offset + line.find(text)
    return Cell(text, start, start + len(text))


def _inline_header(offset: int, line: str) -> tuple[bool, Cell | None, int, str]:
    """ "ACME, INC. By: Jane Roe Its: President": the party, then the block, on one line. Returns whether
    the line can start a block, the party cell, and the line from its first label on."""
    first_label = LABEL_RE.search(line)
    if not first_label or not line[: first_label.start()].strip():
        return True, None, offset, line
    lead = line[: first_label.start()]
    name = cut_description(clean_name(lead))
    if (
        label_at(first_label) != "by"
        or not looks_like_name(name, max_tokens=8)
        or ":" not in first_label.group()
    ):
        return False, None, offset, line
    start = offset + lead.find(name[:3])
    return (
        True,
        Cell(name, start, start + len(name)),
        offset + first_label.start(),
        line[first_label.start() :],
    )


def _fill_below(lines: list[tuple[int, str]], index: int, cells: Cells) -> int:
    """Empty labels of line `index` take their value from the next line; how many lines that used."""
    step = 1
    for values in cells.values():
        if len(values) == 1 and not values[0].value and (below := _value_below(lines, index)):
            values[0] = below
            step = 2
    return step


def _fill_label_column(lines: list[tuple[int, str]], run: list[Cells], j: int) -> int:
    """Labels in one column and values in another come out of OCR as two runs of lines:
    "Name:", "Title:", "Date:" then "Jane Roe", "Director", "3 March 2024". Returns the next line."""
    labelled = [values for part in run for kind, values in part.items() if kind != "by"]
    empties = [values[0] for values in labelled if len(values) == 1 and not values[0].value]
    if len(empties) < 2 or len(empties) != sum(len(values) for values in labelled):
        return j
    k, filled = j, []
    while k < len(lines) and len(filled) < len(empties):
        candidate = _value_below(lines, k - 1)
        if candidate is None:
            break
        filled.append(candidate)
        k += 1
    if len(filled) != len(empties):
        return j
    for empty, value in zip(empties, filled, strict=True):
        empty.value, empty.start, empty.end = value.value, value.start, value.end
    return k


def _read_run(lines: list[tuple[int, str]], first: int, cells: Cells) -> tuple[list[Cells], int]:
    """A run of labelled lines from `first` (blank lines and signature rules may sit between them)."""
    run, j = [cells], first + _fill_below(lines, first, cells)
    while j < len(lines) and j - first < 8:
        stripped = lines[j][1].strip()
        if not stripped or is_rule(stripped):
            j += 1
            continue
        more = _cells(lines[j][1], lines[j][0])
        starts_labelled = LABEL_RE.match(stripped) or bare_label(stripped)
        if not more or not starts_labelled or ("by" in more and len(run) > 1):
            break
        # A label met again on a line of its own starts the next block ("Name:" twice, stacked).
        if any(len(values) == 1 and kind in part for kind, values in more.items() for part in run):
            break
        # After another empty label, an empty label is part of a label column (values come later).
        previous_empty = any(
            kind != "by" and len(values) == 1 and not values[0].value for kind, values in run[-1].items()
        )
        run.append(more)
        j += 1 if previous_empty else _fill_below(lines, j, more)
    return run, _fill_label_column(lines, run, j)


def _merge_run(run: list[Cells]) -> Cells:
    merged: Cells = {}
    for part in run:
        for kind, values in part.items():
            merged.setdefault(kind, []).extend(values)
    for both in merged.pop("name_title", []):
        # "Name and Title: Jane Roe, Director"
        name_cell, title_cell = split_name_title(both)
        merged.setdefault("name", []).append(name_cell)
        if title_cell:
            merged.setdefault("title", []).append(title_cell)
    return merged


def _signer_names(merged: Cells) -> list[Cell]:
    names = [c for c in merged.get("name", []) if c.value]
    if names:
        return names
    # "By: /s/ Jane Roe" with no separate name line: the signature line names the signatory.
    typed = [_strip_signature(c) for c in merged.get("by", [])]
    split = (split_name_title(c) for c in typed)
    signers = [(n, t) for n, t in split if looks_like_signer(clean_name(n.value))]
    # "By: Jane Roe, Director": the title after the name, in every column or not at all.
    titles = [t for _, t in signers if t is not None and TITLE_WORDS.search(t.value)]
    if signers and not merged.get("title") and len(titles) == len(signers):
        merged["title"] = titles
    return [n for n, _ in signers]


def _signer(raw_name: Cell) -> tuple[Cell, Cell | None] | None:
    """The signer's name cell (and a title written after it), or None when the cell names no one."""
    cleaned = clean_name(raw_name.value)
    name_cell, title_cell = raw_name, None
    if not looks_like_name(join_split_capitals(cleaned), max_tokens=6):
        # "Name: Jane Roe, Director"
        name_cell, title_cell = split_name_title(raw_name)
        cleaned = clean_name(name_cell.value)
        if not looks_like_signer(join_split_capitals(cleaned)):
            return None
    if TITLE_WORDS.fullmatch(cleaned) or WITNESS.search(cleaned):
        return None
    name = join_split_capitals(cleaned)
    return Cell(name, name_cell.start, name_cell.start + len(cleaned)), title_cell


def find_blocks(text: str) -> list[Block]:
    """Every labelled signature block on a page with a filled-in name."""
    lines = text_lines(text)
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        can_start, inline_header, offset, line = _inline_header(*lines[i])
        cells = _cells(line, offset) if can_start else {}
        if not {"by", "name", "name_title"} & cells.keys():
            i += 1
            continue
        first = i
        run, j = _read_run(lines, first, cells)
        if witnessed(lines, first, j - 1):
            i = j
            continue
        merged = _merge_run(run)
        header, role = (inline_header, None) if inline_header else header_above(lines, first)
        names = _signer_names(merged)
        columns = len(names)
        for column, raw_name in enumerate(names):
            signer = _signer(raw_name)
            if signer is None:
                continue
            name, title = signer
            blocks.append(
                Block(
                    name=name,
                    rule=RULE,
                    title=_pick(merged.get("title", []), column, columns) or title,
                    date=_pick(merged.get("date", []), column, columns),
                    party=header if columns == 1 else None,
                    role=role if columns == 1 else None,
                )
            )
        if columns > 1:
            _columns_headers(lines, first, blocks[-columns:] if len(blocks) >= columns else [])
        i = j
    return blocks


def _columns_headers(lines: list[tuple[int, str]], first: int, blocks: list[Block]) -> None:
    """Side-by-side blocks under one OCR line of headers ("ACME, INC.   BEACON LTD."): split the line
    where a legal suffix or a "Role:" ends one header, and give each column its own. Lines that split into
    no headers at all (signatures read as text, an e-signature's envelope ID) are passed over."""
    for back in range(1, 6):
        if first - back < 0:
            return
        offset, line = lines[first - back]
        if not line.strip() or is_rule(line) or E_SIGNATURE.search(line):
            continue
        parts = list(re.finditer(r"[^:|]+?(?:" + LEGAL_SUFFIX_RE.pattern + r"|:|\|)", line, re.I))
        if not parts and not LABEL_RE.search(line):
            continue
        if len(parts) != len(blocks):
            return
        for block, part in zip(blocks, parts, strict=True):
            name = cut_description(clean_name(part.group()))
            if looks_like_name(name, max_tokens=8):
                start = offset + part.start() + part.group().find(name[:3])
                block.party = Cell(name, start, start + len(name))
        return
