"""Merging page results into one document record, the same way for every engine.

- Scalar fields: the most confident value found on any page wins; other values found elsewhere are kept
  as conflicts so a reviewer sees them.
- List fields (parties, signatories): the union over pages without duplicates; of two items naming the
  same thing, the more confident one stays.
- Yes/no questions (a clause's presence): present on any page means present in the document, with the
  most confident page's evidence; absent only when every page that answered said absent, as sure as the
  least sure of them (a clause on page 9 is not contradicted by pages 1-8 lacking it).
- A field no page found stays empty, with the lowest "nothing here" confidence over the pages: one page
  that was unsure whether the field was there makes the document unsure too.
- An unknown confidence (None: nothing measured it) ranks below every measured one, and a lowest over
  confidences one of which is unknown is unknown.
- The document's status applies an error budget, as olmOCR does: more than `max_failed_share` of its
  pages failed -> `failed`; some failed -> `partial`, the failed pages listed; else `needs_review` when a
  page needs a person, else `ok`. Failed pages contribute no values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from schemas.results import DocumentExtraction, ExtractedField, ExtractedValue, PageExtraction
from schemas.status import Status

# The default share of a document's pages that may fail before the whole document counts as failed.
DEFAULT_MAX_FAILED_SHARE = 0.5


def _identity(value: Any) -> str:
    """What makes two values the same thing: a list item's name, else the whole value, loosely compared."""
    if isinstance(value, dict) and "name" in value:
        value = value["name"]
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


def _rank(item: ExtractedValue) -> float:
    """An unmeasured value loses to any measured one, and is the least sure of a set."""
    return -1.0 if item.confidence is None else item.confidence


def _lowest(confidences: Iterable[float | None]) -> float | None:
    values = list(confidences)
    if any(confidence is None for confidence in values):
        return None
    return min(confidence for confidence in values if confidence is not None)


def _merge_scalar(fields: Sequence[ExtractedField]) -> ExtractedField:
    found = sorted(
        (item for field in fields for item in field.items if item.value is not None), key=_rank, reverse=True
    )
    if not found:
        return ExtractedField(items=[], confidence=_lowest(field.confidence for field in fields))
    best = found[0]
    conflicts: dict[str, ExtractedValue] = {}
    for item in found[1:]:
        key = _identity(item.value)
        if key != _identity(best.value) and key not in conflicts:
            conflicts[key] = item
    return ExtractedField(items=[best], confidence=best.confidence, conflicts=list(conflicts.values()))


def _merge_presence(fields: Sequence[ExtractedField]) -> ExtractedField:
    answers = [item for field in fields for item in field.items if item.value is not None]
    present = sorted((item for item in answers if item.value is True), key=_rank, reverse=True)
    if present:
        return ExtractedField(items=[present[0]], confidence=present[0].confidence)
    if not answers:
        return ExtractedField(items=[], confidence=_lowest(field.confidence for field in fields))
    surest_doubt = min(answers, key=_rank)
    return ExtractedField(items=[surest_doubt], confidence=surest_doubt.confidence)


def _merge_list(fields: Sequence[ExtractedField]) -> ExtractedField:
    chosen: dict[str, ExtractedValue] = {}
    for field in fields:
        for item in field.items:
            key = _identity(item.value)
            if key not in chosen or _rank(item) > _rank(chosen[key]):
                chosen[key] = item
    if not chosen:
        return ExtractedField(items=[], confidence=_lowest(field.confidence for field in fields))
    items = list(chosen.values())
    return ExtractedField(items=items, confidence=_lowest(item.confidence for item in items))


def merge_pages(
    pages: Sequence[PageExtraction],
    list_fields: set[str],
    max_failed_share: float = DEFAULT_MAX_FAILED_SHARE,
    presence_fields: frozenset[str] | set[str] = frozenset(),
) -> DocumentExtraction:
    """One record from the pages' results, with the document's status under the error budget."""
    usable = [page for page in pages if page.usable]
    names = {name for page in usable for name in page.fields}
    merged: dict[str, ExtractedField] = {}
    for name in sorted(names):
        per_page = [page.fields[name] for page in usable if name in page.fields]
        if name in list_fields:
            merged[name] = _merge_list(per_page)
        elif name in presence_fields:
            merged[name] = _merge_presence(per_page)
        else:
            merged[name] = _merge_scalar(per_page)
    status, failed, reason = _document_status(pages, max_failed_share)
    return DocumentExtraction(
        fields=merged, pages=list(pages), status=status, failed_pages=failed, reason=reason
    )


def _document_status(
    pages: Sequence[PageExtraction], max_failed_share: float
) -> tuple[Status, list[int], str | None]:
    failed = [page for page in pages if not page.usable]
    if failed:
        numbers = sorted(page.page for page in failed)
        first_error = next((error for page in failed for error in page.errors), "no reason given")
        reason = f"{len(numbers)} of {len(pages)} pages failed (pages {_ranges(numbers)}): {first_error}"
        over_budget = len(failed) > max_failed_share * len(pages)
        return (Status.failed if over_budget else Status.partial), numbers, reason
    if any(page.status is Status.needs_review for page in pages):
        return Status.needs_review, [], None
    return Status.ok, [], None


def _ranges(numbers: list[int]) -> str:
    """1, 2, 3, 5 -> '1-3, 5': short enough for a status line."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)
