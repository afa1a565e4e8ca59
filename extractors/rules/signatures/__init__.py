"""Signature blocks: who signed, in what capacity, for which party, on what date.

Contracts lay their signatures out in a handful of ways; each has a reader of its own, which names its
rule (the key of its measured precision in confidence.py):

    labelled.py        signatory.labelled        "By: / Name: / Title: / Date:", blocks side by side
    labelled_below.py  signatory.labelled_below  forms with the label under the line ("Printed Name")
    clause.py          signatory.clause          "Signed for and on behalf of X by Y, Director"
    aligned_table.py   signatory.aligned_table   a table with a header row ("Party  Name  Title")
    pipe_table.py      signatory.pipe_table      the same table read by OCR with its rules as "|"
    under_rule.py      signatory.under_rule      a name under a signature rule, no labels
    name_lines.py      signatory.name_line       a name and a capacity after the execution clause

They share one vocabulary (lexicon.py) and the reading of a block's surroundings (surroundings.py);
resolve.py keeps one answer where several readers read the same signatory.
"""

from __future__ import annotations

from extractors.rules.confidence import rule_precision
from extractors.rules.signatures.aligned_table import find_signature_table
from extractors.rules.signatures.block import Block
from extractors.rules.signatures.clause import find_signed_by
from extractors.rules.signatures.labelled import find_blocks
from extractors.rules.signatures.labelled_below import find_labelled_below
from extractors.rules.signatures.lexicon import SIGNATURE_CUE
from extractors.rules.signatures.name_lines import find_name_lines
from extractors.rules.signatures.pipe_table import find_pipe_table
from extractors.rules.signatures.resolve import resolve
from extractors.rules.signatures.under_rule import find_rule_blocks
from extractors.rules.text import PageText

__all__ = ["SIGNATURE_CUE", "ends_with_execution_clause", "read_signatories"]


def ends_with_execution_clause(text: str, tail: int = 400) -> bool:
    """Whether a page ends with an execution clause, so the signatures are on the next page."""
    return SIGNATURE_CUE.search(text[-tail:]) is not None


def read_signatories(page: PageText, *, continued: bool = False) -> list[Block]:
    """Every signatory on a page, one block each, by every layout reader; `continued`: the previous
    page ended with the execution clause, so unlabelled blocks may be on this one without a clause."""
    found = [
        *find_blocks(page.text),
        *find_signed_by(page.text),
        *find_labelled_below(page),
        *find_signature_table(page),
        *find_pipe_table(page.text),
        *find_rule_blocks(page.text, continued=continued),
        *find_name_lines(page.text, continued=continued),
    ]
    return resolve(found, rule_precision)
