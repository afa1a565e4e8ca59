"""A merged extraction's clause answers as people read them: present (with evidence), absent, not read.

The stored extraction ({field: ExtractedField JSON}) answers a clause under `clauses.<slug>`: one item
whose value is True (present, its evidence the clause's text, page and box) or False (absent); a missing
key, no item or a null value means nobody read it. `abstractor show` and the document viewer both list
the answers this way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from schemas.clauses import CUAD_NAMES, ClauseCategory

GROUP = "clauses"  # ContractFields.clauses: the stored keys are `clauses.<slug>`


def clause_path(category: ClauseCategory) -> str:
    return f"{GROUP}.{category.value}"


def is_clause_path(name: str) -> bool:
    return name.startswith(f"{GROUP}.")


def clause_name(category: ClauseCategory) -> str:
    """What lawyers call it (CUAD's name), e.g. "Termination For Convenience"."""
    return CUAD_NAMES[category]


@dataclass(frozen=True)
class PresentClause:
    category: ClauseCategory
    item: dict[str, Any]  # the stored ExtractedValue JSON: confidence, model, evidence (page, text, bbox)


@dataclass(frozen=True)
class ClauseAnswers:
    present: list[PresentClause]
    absent: list[ClauseCategory]
    unknown: list[ClauseCategory]


def clause_answers(fields: Mapping[str, Any]) -> ClauseAnswers:
    """Every clause category, sorted into present, absent and unknown, in the categories' order."""
    present: list[PresentClause] = []
    absent: list[ClauseCategory] = []
    unknown: list[ClauseCategory] = []
    for category in ClauseCategory:
        field = fields.get(clause_path(category)) or {}
        items = field.get("items") or []
        value = items[0].get("value") if items else None
        if value is True:
            present.append(PresentClause(category, items[0]))
        elif value is False:
            absent.append(category)
        else:
            unknown.append(category)
    return ClauseAnswers(present, absent, unknown)
