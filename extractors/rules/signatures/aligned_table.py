"""Rule `signatory.aligned_table`: a table of signatories whose column rules OCR did not keep.

    Party                Name            Title        Date
    Acme Widgets, Inc.   Jane Roe        Director     2024-03-01

OCR reads a row as one line; its words are put into columns by where the header's labels start.
"""

from __future__ import annotations

from extractors.rules.signatures.block import Block, Cell
from extractors.rules.signatures.lexicon import header_cells, table_columns
from extractors.rules.signatures.table_rows import row_block
from extractors.rules.text import PageText

RULE = "signatory.aligned_table"
_MAX_ROWS = 8


def _header(page: PageText, start: int, end: int) -> list[tuple[str, int]] | None:
    """(column kind, left edge in pixels) of a header row: three kinds at least, one of them names."""
    cells = header_cells(page.text[start:end])
    if cells is None:
        return None
    kinds = table_columns([kind for kind, _ in cells])
    columns: list[tuple[str, int]] = []
    for kind, (_, position) in zip(kinds, cells, strict=True):
        if kind is not None and kind not in dict(columns):
            columns.append((kind, page.words[page.word_indices(start + position, end)[0]].left))
    known = dict(columns)
    return columns if {"name", "name_title"} & known.keys() and len(known) >= 3 else None


def _row_cells(page: PageText, words: range, columns: list[tuple[str, int]]) -> dict[str, Cell]:
    by_kind: dict[str, list[int]] = {}
    for i in words:
        word = page.words[i]
        # The column whose header starts at or before the word (with a little slack).
        kind = max(
            (column for column in columns if column[1] <= word.left + 0.5 * word.height),
            key=lambda column: column[1],
            default=columns[0],
        )[0]
        by_kind.setdefault(kind, []).append(i)
    cells: dict[str, Cell] = {}
    for kind, indices in by_kind.items():
        start, end = page.starts[indices[0]], page.ends[indices[-1]]
        cells[kind] = Cell(page.text[start:end], start, end)
    return cells


def find_signature_table(page: PageText) -> list[Block]:
    lines = page.lines()
    words = [page.word_indices(start, end) for start, end in lines]
    blocks: list[Block] = []
    for position, (start, end) in enumerate(lines):
        columns = _header(page, start, end)
        if columns is None:
            continue
        for row in words[position + 1 : position + 1 + _MAX_ROWS]:
            block = row_block(_row_cells(page, row, columns), RULE)
            if block is None:
                if blocks:
                    break  # the table has ended
                continue
            blocks.append(block)
    return blocks
