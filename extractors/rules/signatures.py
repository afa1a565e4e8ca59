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

from extractors.rules.names import (
    LEGAL_SUFFIX_RE,
    clean_name,
    has_legal_suffix,
    join_split_capitals,
    looks_like_name,
    looks_like_person,
)
from extractors.rules.parties import PARTY_ROLES
from extractors.rules.text import PageText

_LABELS: dict[str, str] = {
    "by": r"By|Signed(?:\s+by)?|(?:Authori[sz]ed\s+)?Signature(?:\s+of\s+(?:Authori[sz]ed\s+)?"
    r"(?:Signatory|Representative|Officer))?|Sign\s+here",
    "name_title": r"Name\s*(?:and|&|/)\s*Title",
    "name": r"(?:Print(?:ed)?\s+|Full\s+|Typed\s+|Signatory\s+|Signer'?s?\s+)?Name"
    r"(?:\s+of\s+(?:Authori[sz]ed\s+)?"
    r"(?:Signatory|Representative|Officer|Signer))?|Signatory|Print",
    "title": r"(?:Job\s+|Official\s+|Signatory\s+)?Title|Its|Position|Capacity|Designation|Office",
    "date": r"Date(?:d)?(?:\s+(?:signed|of\s+(?:signature|execution)))?|Signing\s+Date|Signed\s+on|"
    r"Executed\s+on",
}
LABEL_RE = re.compile(
    r"(?<![\w])(?P<label>" + "|".join(f"(?P<{k}>{v})" for k, v in _LABELS.items()) + r")\s*(?:[:.;|]|-\s)",
    re.I,
)
# A witness or a notary signs too, but is not a signatory of the agreement. "IN WITNESS WHEREOF" and
# "AS WITNESS the hands of the parties" introduce the parties' own signatures.
_WITNESS = re.compile(
    r"(?<!in\s)(?<!as\s)\bwitness(?!\s*wh)|\bwitnessed\b|in\s+the\s+presence\s+of|\bnotary\b|\bsworn\b|"
    r"acknowledged\s+before|subscribed\s+and|\bcommission\s+expires",
    re.I,
)
# Words that make a line a job title: "Chief Executive Officer", "VP, Sales", "Managing Director".
TITLE_WORDS = re.compile(
    r"\b(?:officer|president|director|manager|CEO|CFO|COO|CTO|CIO|secretary|treasurer|partner|member|"
    r"chair(?:man|woman|person)?|principal|owner|founder|head|VP|vice|counsel|attorney|trustee|"
    r"signatory|proprietor|administrator|controller|executive|representative|general\s+manager|"
    r"lead|agent|superintendent|dean|registrar|comptroller|managing|authori[sz]ed)\b",
    re.I,
)
# Header of a block: "Employer: Acme Widgets, Inc." or "ACME WIDGETS, INC." or "FOR AND ON BEHALF OF ACME".
_ROLE_HEADER = re.compile(r"^(?P<role>[A-Z][A-Za-z ]{2,30}?)\s*:\s*(?P<name>\S.*)$")
_ON_BEHALF = re.compile(
    r"^(?:signed\s+|executed\s+|agreed\s+)?(?:(?:for\s+and\s+)?on\s+behalf\s+of|for)\s*:?\s*(?P<name>.+?)"
    r"(?:\s+by)?\s*:?$",
    re.I,
)
# Lines that lead into a block without naming its party: "AGREED AND ACCEPTED:", "IN WITNESS WHEREOF ...".
_LEAD_IN = re.compile(
    r"^(?:agreed|accepted|acknowledged|in\s+witness|signed|executed|signature|the\s+parties|"
    r"[A-Z]?\W*$)",
    re.I,
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
    matches = list(LABEL_RE.finditer(line))
    out: dict[str, list[Cell]] = {}
    for i, match in enumerate(matches):
        kind = next(k for k in _LABELS if match.group(k))
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        raw = line[match.end() : end]
        value = raw.strip(" _\t|")
        start = offset + match.end() + (raw.find(value) if value else 0)
        out.setdefault(kind, []).append(Cell(value, start, start + len(value)))
    return out


# What an e-signature leaves on the page: "DocuSigned by:", its envelope or signature ID ("8A1B2C3D4E...").
_E_SIGNATURE = re.compile(
    r"^\s*(?:(?:docu|digitally\s+|electronically\s+|e-?)?signed\s+by\s*:?\s*)+$|envelope\s+id|"
    r"^\s*(?:[0-9A-F]{8,}[.\s-]*)+$",
    re.I,
)


def is_rule(text: str) -> bool:
    return bool(_SIGNATURE_LINE.match(text.strip()))


def _cut_description(name: str) -> str:
    """ "ACME, INC., a Delaware corporation" -> "ACME, INC."."""
    cut = re.search(r",?\s+(?:a|an)\s+(?=[A-Z][a-z]|[a-z])|,\s*(?:acting|by|through)\b|\s+by\s*:?$", name)
    return clean_name(name[: cut.start()]) if cut else name


def header_above(lines: list[tuple[int, str]], index: int) -> tuple[Cell | None, str | None]:
    """The party a block signs for: the nearest name-like line above its first label (at most 4 up)."""
    for back in range(1, 5):
        if index - back < 0:
            break
        offset, line = lines[index - back]
        text = line.strip()
        if not text or is_rule(text) or _E_SIGNATURE.search(text):
            continue
        if LABEL_RE.match(text):
            break
        if behalf := _ON_BEHALF.match(text):
            name = _cut_description(clean_name(behalf.group("name")))
            if looks_like_name(name, max_tokens=10):
                return Cell(
                    name, offset + line.find(name[:3]), offset + line.find(name[:3]) + len(name)
                ), None
        if (role := _ROLE_HEADER.match(text)) and looks_like_name(
            name := _cut_description(clean_name(role.group("name")))
        ):
            start = offset + line.find(name[:3])
            return Cell(name, start, start + len(name)), role.group("role").strip()
        name = _cut_description(clean_name(text))
        # "Chief Executive Officer" above a block is the previous signer's title, not a party; a heading
        # in capitals that is a party's role ("EXECUTIVE") is.
        heading_role = name.isupper() and name.lower() in PARTY_ROLES
        if looks_like_name(name, max_tokens=8) and (
            heading_role or not (TITLE_WORDS.search(name) and not has_legal_suffix(name))
        ):
            start = offset + line.find(name[:3])
            return Cell(name, start, start + len(name)), None
        if _LEAD_IN.match(text) and len(text) < 80:
            continue
        break
    return None, None


def witnessed(lines: list[tuple[int, str]], first: int, last: int) -> bool:
    """Whether the block on lines first..last is a witness's or a notary's (a label or a heading says so)."""
    seen = 0
    for index in range(first - 1, max(-1, first - 6), -1):
        text = lines[index][1].strip()
        if not text:
            continue
        if _WITNESS.search(text):
            return True
        seen += 1
        if seen >= 2 or (LABEL_RE.match(text) and not is_rule(text)):
            break
    return any(_WITNESS.search(lines[i][1]) for i in range(first, min(last + 1, len(lines))))


def _strip_signature(cell: Cell) -> tuple[str, int, int]:
    """A "By:" cell without its rule and "/s/" mark: the name typed on the signature line, if any."""
    match = re.match(r"[_\s.|]*(?:/s/\s*)?", cell.value)
    offset = match.end() if match else 0
    return cell.value[offset:].strip(" _|"), cell.start + offset, cell.end


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
    if not text or LABEL_RE.search(line) or is_rule(line):
        return None
    start = offset + line.find(text)
    return Cell(text, start, start + len(text))


def _split_name_title(cell: Cell) -> tuple[Cell, Cell | None]:
    """ "Jane Roe, Director" or "Jane Roe / CEO" -> name and title."""
    parts = re.split(r"\s*(?:,|/|\s-\s|\|)\s*", cell.value, maxsplit=1)
    if len(parts) == 2 and parts[1]:
        name, title = parts
        offset = cell.value.find(title, len(name))
        return Cell(name, cell.start, cell.start + len(name)), Cell(title, cell.start + offset, cell.end)
    return cell, None


def _inline_header(offset: int, line: str) -> tuple[bool, Cell | None, int, str]:
    """ "ACME, INC. By: Jane Roe Its: President": the party, then the block, on one line. Returns whether
    the line can start a block, the party cell, and the line from its first label on."""
    first_label = LABEL_RE.search(line)
    if not first_label or not line[: first_label.start()].strip():
        return True, None, offset, line
    lead = line[: first_label.start()]
    name = _cut_description(clean_name(lead))
    kind = next(k for k in _LABELS if first_label.group(k))
    if kind != "by" or not looks_like_name(name, max_tokens=8) or ":" not in first_label.group():
        return False, None, offset, line
    start = offset + lead.find(name[:3])
    return (
        True,
        Cell(name, start, start + len(name)),
        offset + first_label.start(),
        line[first_label.start() :],
    )


def _fill_below(lines: list[tuple[int, str]], index: int, cells: dict[str, list[Cell]]) -> int:
    """Empty labels of line `index` take their value from the next line; how many lines that used."""
    step = 1
    for values in cells.values():
        if len(values) == 1 and not values[0].value and (below := _value_below(lines, index)):
            values[0] = below
            step = 2
    return step


def _fill_label_column(lines: list[tuple[int, str]], run: list[dict[str, list[Cell]]], j: int) -> int:
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


def _read_run(
    lines: list[tuple[int, str]], first: int, cells: dict[str, list[Cell]]
) -> tuple[list[dict[str, list[Cell]]], int]:
    """A run of labelled lines from `first` (blank lines and signature rules may sit between them)."""
    run, j = [cells], first + _fill_below(lines, first, cells)
    while j < len(lines) and j - first < 8:
        stripped = lines[j][1].strip()
        if not stripped or is_rule(stripped):
            j += 1
            continue
        more = _cells(lines[j][1], lines[j][0])
        if not more or LABEL_RE.match(stripped) is None or ("by" in more and len(run) > 1):
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


def _merge_run(run: list[dict[str, list[Cell]]]) -> dict[str, list[Cell]]:
    merged: dict[str, list[Cell]] = {}
    for part in run:
        for kind, values in part.items():
            merged.setdefault(kind, []).extend(values)
    for both in merged.pop("name_title", []):
        # "Name and Title: Jane Roe, Director"
        name_cell, title_cell = _split_name_title(both)
        merged.setdefault("name", []).append(name_cell)
        if title_cell:
            merged.setdefault("title", []).append(title_cell)
    return merged


def _signer_names(merged: dict[str, list[Cell]]) -> list[Cell]:
    names = [c for c in merged.get("name", []) if c.value]
    if names:
        return names
    # "By: /s/ Jane Roe" with no separate name line: the signature line names the signatory.
    typed = [Cell(*_strip_signature(c)) for c in merged.get("by", [])]
    split = (_split_name_title(c) for c in typed)
    signers = [(n, t) for n, t in split if looks_like_person(clean_name(n.value))]
    # "By: Jane Roe, Director": the title after the name, in every column or not at all.
    titles = [t for _, t in signers if t is not None and TITLE_WORDS.search(t.value)]
    if signers and not merged.get("title") and len(titles) == len(signers):
        merged["title"] = titles
    return [n for n, _ in signers]


def find_blocks(text: str) -> list[Block]:
    """Every signature block on a page with a filled-in name."""
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text)]
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
            cleaned = clean_name(raw_name.value)
            name_cell, title_cell = raw_name, None
            if not looks_like_name(join_split_capitals(cleaned), max_tokens=6):
                # "Name: Jane Roe, Director"
                name_cell, title_cell = _split_name_title(raw_name)
                cleaned = clean_name(name_cell.value)
                if not looks_like_person(join_split_capitals(cleaned)):
                    continue
            if TITLE_WORDS.fullmatch(cleaned) or _WITNESS.search(cleaned):
                continue
            blocks.append(
                Block(
                    name=Cell(join_split_capitals(cleaned), name_cell.start, name_cell.start + len(cleaned)),
                    title=_pick(merged.get("title", []), column, columns) or title_cell,
                    date=_pick(merged.get("date", []), column, columns),
                    party=header if columns == 1 else None,
                    role=role if columns == 1 else None,
                    labels=set(merged),
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
        if not line.strip() or is_rule(line) or _E_SIGNATURE.search(line):
            continue
        parts = list(re.finditer(r"[^:|]+?(?:" + LEGAL_SUFFIX_RE.pattern + r"|:|\|)", line, re.I))
        if not parts and not LABEL_RE.search(line):
            continue
        if len(parts) != len(blocks):
            return
        for block, part in zip(blocks, parts, strict=True):
            name = _cut_description(clean_name(part.group()))
            if looks_like_name(name, max_tokens=8):
                start = offset + part.start() + part.group().find(name[:3])
                block.party = Cell(name, start, start + len(name))
        return


_PERSON = r"(?-i:[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){1,3})"
_SUFFIXES = (
    r"(?:Pte\.?\s+Ltd|Pty\.?\s+Ltd|Incorporated|Inc|Ltd|L\.L\.C|LLC|Limited|plc|PLC|LLP|L\.?P|Corporation|Corp|"
    r"Company|Co|GmbH|AG|SA|BV|NV|DAC)"
)
_ENTITY = rf"(?-i:[A-Z0-9][^\n,;()]{{1,80}}?(?:,?\s+{_SUFFIXES}\.?)?)"
# English execution clauses: "Signed by Jane Roe, Director, for and on behalf of Acme Limited",
# "Signed for and on behalf of Acme Limited by Jane Roe, Director",
# "Executed as a deed by Acme Limited acting by Jane Roe, a director, in the presence of".
_SIGNED_BY = re.compile(
    rf"\bsigned\s+(?:as\s+a\s+deed\s+)?by\s+(?P<name>{_PERSON})\s*,?\s*"
    r"(?:(?:as\s+|the\s+|a\s+|its\s+)?(?P<title>(?-i:[A-Z][A-Za-z ]{2,40}?))\s*,?\s+)?"
    r"(?:duly\s+authori[sz]ed\s+)?(?:for\s+and\s+)?on\s+behalf\s+of\s+(?P<party>[A-Z][^\n,;]{2,80}?)\s*(?=[\n,;:]|\.(?:\s|$)|$)",
    re.I,
)
_BEHALF_BY = re.compile(
    rf"\b(?:signed|executed)\s+(?:as\s+a\s+deed\s+)?(?:(?:for\s+and\s+)?on\s+behalf\s+of|for)\s+(?P<party>{_ENTITY})\s*,?\s*"
    rf"by\s+(?P<name>{_PERSON})(?:\s*,\s*(?:its|a|the|as)?\s*(?P<title>(?-i:[A-Z]?[A-Za-z ]{{2,40}}?)))?\s*"
    r"(?=[\n,;:(]|\.(?:\s|$)|$|\s+in\s+the|\s+on\s+(?:\d|[A-Z][a-z]+\s+\d))",
    re.I,
)
# "... by Jane Roe, Director on 28 March 2024": the date the clause itself gives.
_ON_DATE = re.compile(r"[ \t]*,?[ \t]*(?:on|dated)[ \t]+(?P<d>[^\n]{6,40}?)[ \t]*[.;]?[ \t]*(?:\n|$)", re.I)
_DEED_BY = re.compile(
    rf"\bexecuted\s+(?:as\s+a\s+deed\s+)?by\s+(?P<party>{_ENTITY})\s*,?\s*acting\s+by\s+(?:its\s+)?"
    rf"(?P<name>{_PERSON})\s*,?\s*(?:(?:a|its|the|as)\s+)?(?P<title>director|secretary|authori[sz]ed\s+signatory|member|partner|attorney)?",
    re.I,
)


# "Date: 6 October 2023" on a line of its own under an execution clause or a signer's name.
_DATE_LINE = re.compile(
    r"^[ \t]*(?:date[d]?|date\s+signed|signed\s+on|on)?[ \t]*[:|]?[ \t]*(?P<d>[^\n]*\d[^\n]*?)[ \t]*$",
    re.I | re.M,
)


_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")  # what makes a line or a clause's tail a date


def date_below(text: str, position: int, limit: int = 2) -> Cell | None:
    """The date on one of the next `limit` non-empty lines below `position`, when that line is just a date."""
    start = text.find("\n", position)
    if start < 0:
        return None
    for line in list(re.finditer(r"[^\n]*\S[^\n]*", text[start:]))[:limit]:
        found = _DATE_LINE.fullmatch(line.group())
        if found and _YEAR.search(found.group("d")) and len(found.group("d")) <= 40:
            begin = start + line.start() + found.start("d")
            return Cell(found.group("d"), begin, begin + len(found.group("d")))
        if re.match(r"\s*(?:signed|executed|for\s+and\s+on)", line.group(), re.I):
            break  # the next block begins
    return None


def _date_after(text: str, position: int) -> Cell | None:
    found = _ON_DATE.match(text, position)
    if found is None or not _YEAR.search(found.group("d")):
        return None
    return Cell(found.group("d"), found.start("d"), found.end("d"))


def find_signed_by(text: str) -> list[Block]:
    blocks = []
    for pattern in (_SIGNED_BY, _BEHALF_BY, _DEED_BY):
        for match in pattern.finditer(text):
            name = clean_name(match.group("name"))
            party = _cut_description(clean_name(match.group("party")))
            bare = re.sub(r"^the\s+(?=\S)", "", party, flags=re.I)  # "THE BOROUGH COUNCIL OF WESTFIELD"
            if not (looks_like_person(name) and looks_like_name(bare, max_tokens=10)):
                continue
            if TITLE_WORDS.search(name) or party.lower() in ("the", "a"):
                continue
            title = match.group("title")
            title_cell = None
            if title and title.strip() and (pattern is not _SIGNED_BY or TITLE_WORDS.search(title)):
                title_cell = Cell(title.strip(), match.start("title"), match.end("title"))
            blocks.append(
                Block(
                    name=Cell(name, match.start("name"), match.start("name") + len(name)),
                    title=title_cell,
                    party=Cell(party, match.start("party"), match.start("party") + len(party)),
                    date=_date_after(text, match.end()) or date_below(text, match.end()),
                    labels={"by"},
                )
            )
    return sorted(blocks, key=lambda block: block.name.start)


# Forms put the label under the line it names: "________ / Jane Roe / Printed Name / Director / Title".
_NAME_BELOW = r"(?:print(?:ed)?\s+|typed\s+|full\s+)?name(?:\s+of\s+signatory)?"
_LABEL_BELOW = re.compile(
    rf"^\s*\(?\s*(?:(?P<name>{_NAME_BELOW})|(?P<title>title|position|capacity)|(?P<date>date))\s*\)?\s*$",
    re.I,
)
# The same label once per block when blocks stand side by side: "Printed Name        Printed Name".
_NAME_LABEL = re.compile(rf"\(?{_NAME_BELOW}\)?", re.I)
_NAME_LABEL_ROW = re.compile(rf"^\s*(?:{_NAME_LABEL.pattern}\s*){{1,4}}$", re.I)


def _label_columns(page: PageText) -> set[tuple[int, ...]]:
    """The left edges of the blocks on the page, one tuple per row of "Printed Name" labels."""
    layouts: set[tuple[int, ...]] = set()
    for start, end in page.lines():
        if _NAME_LABEL_ROW.match(page.text[start:end]):
            labels = _NAME_LABEL.finditer(page.text, start, end)
            layouts.add(tuple(page.words[page.word_indices(m.start(), m.end())[0]].left for m in labels))
    return layouts


def _column_lines(page: PageText, lefts: tuple[int, ...]) -> list[list[tuple[int, str]]]:
    """Each column's lines as (offset, text) spans of the page text. A word belongs to the column whose
    left edge is the last one at or before it (with a little slack), as a filled-in form is aligned."""
    columns: list[list[tuple[int, str]]] = [[] for _ in lefts]
    cells: dict[tuple[int, int], list[int]] = {}
    for index, word in enumerate(page.words):
        column = max((k for k, left in enumerate(lefts) if left <= word.left + 0.5 * word.height), default=0)
        cells.setdefault((page.line_of[index], column), []).append(index)
    for (_, column), indices in sorted(cells.items()):
        start, end = page.starts[indices[0]], page.ends[indices[-1]]
        columns[column].append((start, page.text[start:end]))
    return columns


def find_labelled_below(page: PageText) -> list[Block]:
    return [
        block
        for lefts in sorted(_label_columns(page))
        for lines in _column_lines(page, lefts)
        for block in _read_labelled_below(lines)
    ]


def _read_labelled_below(lines: list[tuple[int, str]]) -> list[Block]:
    blocks: list[Block] = []
    for index, (_, line) in enumerate(lines):
        label = _LABEL_BELOW.match(line)
        if not label or not label.group("name") or index == 0:
            continue
        offset, above = lines[index - 1]
        name = clean_name(above)
        if not looks_like_person(name) or witnessed(lines, index - 1, index):
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
        header, block.role = header_above(lines, max(0, index - 2))
        block.party = header
        blocks.append(block)
    return blocks


SIGNATURE_CUE = re.compile(
    r"(?:in|as)\s+witness|executed|signature|signed|agreed\s+(?:and|&)\s+accepted|accepted\s+(?:and|&)\s+agreed",
    re.I,
)


def find_rule_blocks(text: str) -> list[Block]:  # noqa: PLR0915 (one pass over a page's lines)
    """Blocks without labels: a signature rule (or an empty "By:"), the signer's name under it, and a job
    title on the next line or after a comma; "/s/ Jane Roe" stands for the rule and the name at once.

        ACME, INC.                        ______________________
        By: ____________________          /s/ Jane Roe
        Jane Roe, Chief Executive Officer Director
    """
    if not SIGNATURE_CUE.search(text):
        return []
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text)]
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        offset, line = lines[index]
        stripped = line.strip()
        typed = re.match(r"^(?:(?:By|Signature)\s*:?\s*)?/s/\s*(?P<name>.+)$", stripped, re.I)
        empty = re.fullmatch(r"(?:(?:By|Signature|Signed)\s*:?\s*)?[_.]{5,}", stripped, re.I)
        if not (typed or empty):
            index += 1
            continue
        rule_index = index
        if typed:
            name_index, name_offset, name_line = (
                index,
                offset + line.find(typed.group("name")),
                typed.group("name"),
            )
        else:
            name_index = next(
                (k for k in range(index + 1, min(index + 3, len(lines))) if lines[k][1].strip()), None
            )
            if name_index is None:
                index += 1
                continue
            name_offset, name_line = lines[name_index]
        if LABEL_RE.search(name_line) or is_rule(name_line):
            index += 1
            continue
        cell = Cell(name_line.strip(), name_offset + name_line.find(name_line.strip()), 0)
        cell.end = cell.start + len(cell.value)
        name_cell, title_cell = _split_name_title(cell)
        name = join_split_capitals(clean_name(name_cell.value))
        if title_cell is not None and not TITLE_WORDS.search(title_cell.value):
            title_cell = None
            name = ""
        if not looks_like_person(name) or TITLE_WORDS.search(name):
            index += 1
            continue
        date_cell = None
        after = name_index + 1
        while after < len(lines) and not lines[after][1].strip():
            after += 1
        if title_cell is None and after < len(lines):
            title_offset, title_line = lines[after]
            title_text = title_line.strip()
            if (
                TITLE_WORDS.search(title_text)
                and len(title_text.split()) <= 6
                and not LABEL_RE.search(title_line)
            ):
                title_cell = Cell(title_text, title_offset + title_line.find(title_text), 0)
                title_cell.end = title_cell.start + len(title_text)
                after += 1
        for k in range(after, min(after + 2, len(lines))):
            date_match = re.match(r"^\s*(?:date[d]?\s*[:|]?\s*)(?P<d>\S.*)$", lines[k][1], re.I)
            if date_match:
                date_cell = Cell(
                    date_match.group("d"), lines[k][0] + date_match.start("d"), lines[k][0] + len(lines[k][1])
                )
                break
        header, role = header_above(lines, rule_index)
        # A name alone under a rule signs only under a role's heading ("EXECUTIVE"): a person signing
        # for themselves has no title to give.
        self_signed = header is not None and header.value.lower() in PARTY_ROLES
        if title_cell is None and not (typed or self_signed):
            index += 1
            continue
        if witnessed(lines, rule_index, name_index):
            index = name_index + 1
            continue
        blocks.append(
            Block(
                name=Cell(name, name_cell.start, name_cell.start + len(name)),
                title=title_cell,
                date=date_cell,
                party=header,
                role=role,
                labels={"rule"},
            )
        )
        index = name_index + 1
    return blocks


_PIPE_HEADERS: dict[str, re.Pattern[str]] = {
    "party": re.compile(
        r"^(?:party|company|entity|(?:signed\s+)?for(?:\s+and\s+on\s+behalf\s+of)?|on\s+behalf\s+of|organi[sz]ation)$",
        re.I,
    ),
    "name": re.compile(
        r"^(?:(?:print(?:ed)?\s+|full\s+|signatory\s+)?name(?:\s+of\s+signatory)?|signatory|signed\s+by)$",
        re.I,
    ),
    "title": re.compile(r"^(?:title|position|capacity|role|designation)$", re.I),
    "date": re.compile(r"^(?:date(?:\s+signed)?|dated|signing\s+date)$", re.I),
}


def find_pipe_table(text: str) -> list[Block]:
    """A table of signatories read by OCR with its column rules as "|": "Party | Name | Title | Date"."""
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text)]
    blocks: list[Block] = []
    for index, (_, line) in enumerate(lines):
        if line.count("|") < 1:
            continue
        heads = [h.strip() for h in line.strip(" |").split("|")]
        kinds = [next((k for k, p in _PIPE_HEADERS.items() if p.match(h.strip(" :"))), None) for h in heads]
        if "name" not in kinds or sum(k is not None for k in kinds) < 2:
            continue
        for row_offset, row in lines[index + 1 : index + 9]:
            if "|" not in row:
                if blocks:
                    break
                continue
            inner = row.strip(" |")
            base = row_offset + row.find(inner)
            cells: dict[str, Cell] = {}
            position = 0
            for kind, raw in zip(kinds, inner.split("|"), strict=False):
                value = raw.strip()
                start = base + position + raw.find(value) if value else base + position
                position += len(raw) + 1
                if kind and value:
                    cells[kind] = Cell(value, start, start + len(value))
            name = cells.get("name")
            if name is None or not looks_like_person(join_split_capitals(clean_name(name.value))):
                continue
            name.value = join_split_capitals(clean_name(name.value))
            name.end = name.start + len(name.value)
            party = cells.get("party")
            if party is not None:
                party.value = clean_name(party.value)
            blocks.append(
                Block(
                    name=name, title=cells.get("title"), date=cells.get("date"), party=party, labels={"table"}
                )
            )
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
