"""Extracted fields as the pages show them: one row per value, with its box on its page.

Boxes are pixels on the stored upright page image; the page's width and height travel with them, so a
template draws them in an SVG whose viewBox is the page, laid over the page image or its thumbnail at
any size.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from abstractor.web.clauses import ClauseAnswers, clause_name, clause_path, is_clause_path


@dataclass(frozen=True)
class FieldRow:
    field: str
    label: str  # the field as people read it: "governing law", "Termination For Convenience"
    value: str
    confidence: float | None  # None: unknown (the model endpoint gave no logprobs)
    model: str | None
    page: int | None
    box: tuple[int, int, int, int] | None  # x0, y0, x1, y1 on the upright page image
    page_size: tuple[int, int] | None  # width, height of that image
    escalated: bool
    anchor: str  # the id of the box in the page viewer
    evidence: str | None = None  # the words on the page the value was read from
    # False: nothing was found. Shown as "not found", without a number: the engine's confidence that
    # nothing is there is not calibrated, and beside a value it would read as that value's confidence.
    found: bool = True

    @property
    def rect(self) -> tuple[int, int, int, int] | None:
        """x, y, width, height: what an SVG <rect> wants."""
        if self.box is None:
            return None
        x0, y0, x1, y1 = self.box
        return x0, y0, max(1, x1 - x0), max(1, y1 - y0)


def format_value(value: Any) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(format_value(v) for v in value)
    if isinstance(value, dict):
        if {"amount", "currency"} <= value.keys():
            return f"{value['amount']:,.2f} {value['currency']}"
        return ", ".join(str(v) for v in value.values() if v is not None)
    return str(value)


def edit_text(value: Any) -> str:
    """A value as the correction input shows it, so sending it back unchanged parses to the same value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _row(
    name: str, label: str, value: str, index: int, item: Mapping[str, Any], escalated: frozenset[int]
) -> FieldRow:
    evidence = item.get("evidence") or {}
    bbox = evidence.get("bbox")
    page = evidence.get("page")
    width, height = evidence.get("page_width"), evidence.get("page_height")
    return FieldRow(
        field=name,
        label=label,
        value=value,
        confidence=item["confidence"],
        model=item.get("model"),
        page=page,
        box=(bbox["x0"], bbox["y0"], bbox["x1"], bbox["y1"]) if bbox else None,
        page_size=(width, height) if width and height else None,
        escalated=page in escalated,
        anchor=f"box-{name}-{index}",
        evidence=evidence.get("text"),
    )


def field_rows(fields: Mapping[str, Any], escalated_pages: frozenset[int] = frozenset()) -> list[FieldRow]:
    """Every extracted value of a merged extraction ({field: ExtractedField JSON}); empty fields too.

    Clauses are not among them: they are listed apart, by `clause_rows` and `clause_answers`.
    """
    rows = []
    for name, field in fields.items():
        if is_clause_path(name):
            continue
        label = name.replace("_", " ")
        items = field.get("items") or []
        if not items:
            rows.append(
                FieldRow(
                    field=name,
                    label=label,
                    value="not found",
                    confidence=field["confidence"],
                    model=None,
                    page=None,
                    box=None,
                    page_size=None,
                    escalated=False,
                    anchor=f"box-{name}",
                    found=False,
                )
            )
            continue
        rows += [
            _row(name, label, format_value(item.get("value")), index, item, escalated_pages)
            for index, item in enumerate(items)
        ]
    return rows


def clause_rows(answers: ClauseAnswers, escalated_pages: frozenset[int] = frozenset()) -> list[FieldRow]:
    """One row per present clause, its evidence the clause's text and box, named as lawyers name it."""
    return [
        _row(
            clause_path(found.category),
            clause_name(found.category),
            "present",
            0,
            found.item,
            escalated_pages,
        )
        for found in answers.present
    ]


def on_page(rows: list[FieldRow], page: int) -> list[FieldRow]:
    """The rows whose box is on `page` (and can be drawn: the page size is known)."""
    return [row for row in rows if row.page == page and row.box is not None and row.page_size is not None]
