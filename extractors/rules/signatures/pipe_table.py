"""Rule `signatory.pipe_table`: a table of signatories that OCR read with its column rules as "|".

Party              | Name       | Title     | Date
Acme Widgets, Inc. | Jane Roe   | President | 2024-03-01
"""

from __future__ import annotations

from extractors.rules.signatures.block import Block, Cell, text_lines
from extractors.rules.signatures.lexicon import header_kind, table_columns
from extractors.rules.signatures.table_rows import row_block

RULE = "signatory.pipe_table"
_MAX_ROWS = 8


def _columns(line: str) -> list[str | None] | None:
    """The column kinds of a header row, or None when the line is not one (it names no signer column,
    or fewer than two columns are headers)."""
    if "|" not in line:
        return None
    kinds = table_columns([header_kind(head) for head in line.strip(" |").split("|")])
    if not {"name", "name_title"} & set(kinds) or sum(kind is not None for kind in kinds) < 2:
        return None
    return kinds


def _row_cells(offset: int, row: str, kinds: list[str | None]) -> dict[str, Cell]:
    inner = row.strip(" |")
    base = offset + row.find(inner)
    cells: dict[str, Cell] = {}
    position = 0
    for kind, raw in zip(kinds, inner.split("|"), strict=False):
        value = raw.strip()
        start = base + position + raw.find(value) if value else base + position
        position += len(raw) + 1
        if kind and value:
            cells[kind] = Cell(value, start, start + len(value))
    return cells


def find_pipe_table(text: str) -> list[Block]:
    lines = text_lines(text)
    blocks: list[Block] = []
    for index, (_, line) in enumerate(lines):
        kinds = _columns(line)
        if kinds is None:
            continue
        for row_offset, row in lines[index + 1 : index + 1 + _MAX_ROWS]:
            if "|" not in row:
                if blocks:
                    break  # the table has ended
                continue
            if (block := row_block(_row_cells(row_offset, row, kinds), RULE)) is not None:
                blocks.append(block)
    return blocks
