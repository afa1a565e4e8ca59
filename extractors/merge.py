"""Merging page results into one document record, the same way for every engine.

- Scalar fields: the most confident value found on any page wins; other values found elsewhere are kept
  as conflicts so a reviewer sees them.
- List fields (parties, signatories): the union over pages without duplicates; of two items naming the
  same thing, the more confident one stays.
- A field no page found stays empty, with the lowest "nothing here" confidence over the pages: one page
  that was unsure whether the field was there makes the document unsure too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from schemas.results import DocumentExtraction, ExtractedField, ExtractedValue, PageExtraction, PageStatus


def _identity(value: Any) -> str:
    """What makes two values the same thing: a list item's name, else the whole value, loosely compared."""
    if isinstance(value, dict) and "name" in value:
        value = value["name"]
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


def _merge_scalar(fields: Sequence[ExtractedField]) -> ExtractedField:
    found = sorted(
        (item for field in fields for item in field.items if item.value is not None),
        key=lambda item: item.confidence,
        reverse=True,
    )
    if not found:
        return ExtractedField(items=[], confidence=min(field.confidence for field in fields))
    best = found[0]
    conflicts: dict[str, ExtractedValue] = {}
    for item in found[1:]:
        key = _identity(item.value)
        if key != _identity(best.value) and key not in conflicts:
            conflicts[key] = item
    return ExtractedField(items=[best], confidence=best.confidence, conflicts=list(conflicts.values()))


def _merge_list(fields: Sequence[ExtractedField]) -> ExtractedField:
    chosen: dict[str, ExtractedValue] = {}
    for field in fields:
        for item in field.items:
            key = _identity(item.value)
            if key not in chosen or item.confidence > chosen[key].confidence:
                chosen[key] = item
    if not chosen:
        return ExtractedField(items=[], confidence=min(field.confidence for field in fields))
    items = list(chosen.values())
    return ExtractedField(items=items, confidence=min(item.confidence for item in items))


def merge_pages(pages: Sequence[PageExtraction], list_fields: set[str]) -> DocumentExtraction:
    """One record from the pages' results. Pages that failed or were invalid contribute nothing."""
    usable = [page for page in pages if page.status == PageStatus.ok]
    names = {name for page in usable for name in page.fields}
    merged: dict[str, ExtractedField] = {}
    for name in sorted(names):
        per_page = [page.fields[name] for page in usable if name in page.fields]
        merged[name] = _merge_list(per_page) if name in list_fields else _merge_scalar(per_page)
    needs_review = any(page.needs_review or page.status != PageStatus.ok for page in pages)
    return DocumentExtraction(fields=merged, pages=list(pages), needs_review=needs_review)
