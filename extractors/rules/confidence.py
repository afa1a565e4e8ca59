"""Confidences: how often each rule's answer is right, measured on the golden set's dev split.

A value's confidence = its rule's measured precision, scaled down when OCR was unsure of the words it
was read from. "Nothing here" confidences are per field: how often the field really is absent from a
document where no rule found it. The measured figures are data, not code: `precision.json` beside this
file, written by the dev harness (`python -m goldset.rule_precision`, see README: embedded engine),
which also records what they were measured on and from how many answers. A rule the file does not name
(new since the last measurement, or never exercised by the dev split) gets DEFAULT_PRECISION.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

PRECISION_FILE = Path(__file__).with_name("precision.json")
# A rule not in the file: a modest figure, so an unmeasured cue never outranks a measured strong one. The
# harness smooths every measured figure towards it too, so a rule seen a few times stays near it.
DEFAULT_PRECISION = 0.6
DEFAULT_ABSENT = 0.6
# The dev split's layouts and wordings are fewer than real contracts use: a rule measured at 99% there is
# right less often elsewhere (version 2 answered 0.96 and was right 77% of the time on unseen layouts).
# Precisions above 0.9 are shrunk by this factor.
GENERALIZATION = 0.92
# A field found nowhere may still be there in a layout the rules do not read: never claim more than this.
MAX_ABSENT = 0.9
# A page that mentions a field's subject ("governing law", "renew") but yielded no value is less sure:
# the ratio of "really absent" rates with and without such a mention, pooled over fields (too few
# documents per field to measure it field by field).
CUED_ABSENT_FACTOR = 0.972


@dataclasses.dataclass(frozen=True)
class Measured:
    """The figures confidences are computed from, as precision.json holds them."""

    # Rule -> share of its winning answers that were right.
    rules: Mapping[str, float] = dataclasses.field(default_factory=dict)
    # Field -> share of the documents where nothing was found and the label was empty too.
    absent: Mapping[str, float] = dataclasses.field(default_factory=dict)
    # List field -> share of the documents it answered where no labelled element was missed.
    completeness: Mapping[str, float] = dataclasses.field(default_factory=dict)


def load_measured(path: Path = PRECISION_FILE) -> Measured:
    """The figures of a precision file (the `value` of each entry; the counts beside it are the record)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return Measured(
        rules={rule: entry["value"] for rule, entry in data["rules"].items()},
        absent={name: entry["value"] for name, entry in data["absent"].items()},
        completeness={name: entry["value"] for name, entry in data["completeness"].items()},
    )


_measured = load_measured()


@contextmanager
def measured_as(figures: Measured) -> Iterator[None]:
    """Compute confidences from `figures` instead of precision.json while the block runs. For the dev
    harness, which measures each round with the figures of the round before; not for concurrent use."""
    global _measured  # noqa: PLW0603 (one table for the process, swapped for the harness's rounds only)
    previous, _measured = _measured, figures
    try:
        yield
    finally:
        _measured = previous


def rule_precision(rule: str) -> float:
    """The share of the rule's answers that were right on the dev split (DEFAULT_PRECISION if unmeasured)."""
    return _measured.rules.get(rule, DEFAULT_PRECISION)


def ocr_factor(ocr_confidence: float) -> float:
    """OCR word confidence (0..1) -> multiplier: clean print costs nothing, garbled words a lot."""
    return min(1.0, 0.55 + 0.5 * ocr_confidence)


def value_confidence(rule: str, ocr_confidence: float, field: str | None = None) -> float:
    """How likely the answer is right. For a list field (parties, signatories) the merged field reports
    its least confident item, and is right only when no element is missing, so items also carry the
    share of documents whose list the rules found complete."""
    completeness = _measured.completeness.get(field, 1.0) if field else 1.0
    precision = rule_precision(rule)
    if precision > 0.9:
        precision *= GENERALIZATION
    return round(precision * completeness * ocr_factor(ocr_confidence), 4)


def absent_confidence(field: str, cued: bool) -> float:
    """How likely a field the rules did not find is really absent; lower on a page that talks about it."""
    base = min(MAX_ABSENT, _measured.absent.get(field, DEFAULT_ABSENT))
    return round(base * (CUED_ABSENT_FACTOR if cued else 1.0), 4)
