"""Rule `signatory.labelled_below`: forms that print the label under the line it names.

    ACME WIDGETS, INC.              BEACON LTD.
    ______________________          ______________________
    Signature                       Signature
    Jane Roe                        John Smith
    Printed Name                    Printed Name
    Director                        Secretary
    Title                           Title

Blocks side by side are read column by column, from where each "Printed Name" label starts.
"""

from __future__ import annotations

import re

from extractors.rules.names import clean_name
from extractors.rules.signatures.block import Block, Cell
from extractors.rules.signatures.lexicon import LABELS, label_alone, looks_like_signer
from extractors.rules.signatures.surroundings import header_above, witnessed
from extractors.rules.text import PageText

RULE = "signatory.labelled_below"

# The name label once per block when blocks stand side by side: "Printed Name        Printed Name".
_NAME_LABEL = re.compile(rf"\(?(?:{LABELS['name']})\)?", re.I)
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
        for block in _read_column(lines)
    ]


def _read_column(lines: list[tuple[int, str]]) -> list[Block]:
    blocks: list[Block] = []
    for index, (_, line) in enumerate(lines):
        if index == 0 or label_alone(line) != "name":
            continue
        offset, above = lines[index - 1]
        name = clean_name(above)
        if not looks_like_signer(name) or witnessed(lines, index - 1, index):
            continue
        start = offset + above.find(name)
        block = Block(name=Cell(name, start, start + len(name)), rule=RULE)
        # The values over the title and date labels that follow, as far as the next block.
        for later in range(index + 1, min(index + 5, len(lines) - 1)):
            below = label_alone(lines[later + 1][1])
            value_offset, value = lines[later]
            cell = Cell(
                value.strip(), value_offset + value.find(value.strip()), value_offset + len(value.rstrip())
            )
            if below == "title":
                block.title = cell
            elif below == "date":
                block.date = cell
        block.party, block.role = header_above(lines, max(0, index - 2))
        blocks.append(block)
    return blocks
