"""One answer per signatory when several layout readers read the same block.

A block can fit more than one layout: a pipe table is a table of aligned words too, and a labelled block
whose labels OCR garbled still has a name under a rule. Each reader then reports the signatory, perhaps
with a different party or title. Where readers overlap (the same person, or the same words on the page),
the answer kept is the one of the reader measured to be right most often on the dev split.
"""

from __future__ import annotations

from collections.abc import Callable

from extractors.rules.names import same_name
from extractors.rules.signatures.block import Block


def overlap(a: Block, b: Block) -> bool:
    """Whether two blocks are one signatory: the same person, or names read from the same words."""
    same_words = a.name.start < b.name.end and b.name.start < a.name.end
    return same_words or same_name(a.name.value, b.name.value)


def resolve(blocks: list[Block], precision: Callable[[str], float]) -> list[Block]:
    """The blocks of one page, one per signatory, in page order. Among overlapping blocks the reader with
    the highest `precision` (rule -> measured precision) wins; on a tie, the reader listed first."""
    ranked = sorted(blocks, key=lambda block: -precision(block.rule))  # stable: ties keep reader order
    kept: list[Block] = []
    for block in ranked:
        if not any(overlap(block, other) for other in kept):
            kept.append(block)
    return sorted(kept, key=lambda block: block.name.start)
