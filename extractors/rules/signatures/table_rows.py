"""A row of a signatories table, whichever way the table was read: its cells by column kind -> a block."""

from __future__ import annotations

from extractors.rules.names import clean_name, join_split_capitals
from extractors.rules.signatures.block import Block, Cell
from extractors.rules.signatures.lexicon import looks_like_signer
from extractors.rules.signatures.surroundings import split_name_title


def row_block(cells: dict[str, Cell], rule: str) -> Block | None:
    """The signatory a row names, or None when its name cell holds no person's name (a blank row, the
    table's end)."""
    name, title = cells.get("name"), cells.get("title")
    if name is None and (both := cells.get("name_title")) is not None:
        name, title = split_name_title(both)  # "Jane Roe, Director" under "Name and Title"
    if name is None:
        return None
    value = join_split_capitals(clean_name(name.value))
    if not looks_like_signer(value):
        return None
    party = cells.get("party")
    if party is not None:
        party = Cell(clean_name(party.value), party.start, party.end)
    return Block(
        name=Cell(value, name.start, name.start + len(value)),
        rule=rule,
        title=title,
        date=cells.get("date"),
        party=party,
    )
