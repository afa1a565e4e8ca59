"""The shape of a phrasing pool: every way the generator may write a labelled field or lay out a page.

Each split draws from its own pool, so a score on `test` measures generalisation to wordings and layouts
that tuning on `dev` never saw. The test pool's hash is recorded in `goldset/TEST_TEMPLATES.sha256`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class PhrasingPool:
    """Format strings (str.format placeholders named in each field's comment)."""

    layouts: tuple[str, ...]  # "font:size:numbering:heading_case"
    date_formats: tuple[str, ...]  # {month} {mon} {day} {dd} {mm} {yyyy} {ordinal}
    money_formats: tuple[str, ...]  # {sym} {code} {n2} {n0} {millions}
    duration_formats: tuple[str, ...]  # {words} {n} {unit}
    days_formats: tuple[str, ...]  # {words} {n}
    titles: dict[str, tuple[str, ...]]  # per ContractType value
    preambles: tuple[str, ...]  # {title} {date}? {p1} {d1} {r1} {p2} {d2} {r2}
    recital_openings: tuple[str, ...]  # {title} {date}
    recitals: tuple[str, ...]  # {p1} {d1} {r1} {p2} {d2} {r2} {business}
    signature_only_openings: tuple[str, ...]  # {title} {date}
    effective_date_clauses: tuple[str, ...]  # {date}
    term_clauses: tuple[str, ...]  # {term}
    expiration_clauses: tuple[str, ...]  # {expiration}
    renewal_auto_clauses: tuple[str, ...]  # {renewal} {nonrenew}
    renewal_none_clauses: tuple[str, ...]
    termination_clauses: tuple[str, ...]  # {notice}
    cure_clauses: tuple[str, ...]  # {cure}: a distractor number of days
    governing_law_clauses: tuple[str, ...]  # {law} or {law_adj}
    venue_clauses: tuple[str, ...]  # {city}
    value_clauses: dict[str, tuple[str, ...]]  # per ContractType value: {value} {a} {b}
    liability_cap_clauses: tuple[str, ...]  # {cap}: a distractor amount
    payment_terms_clauses: tuple[str, ...]  # {days} {n} {a} {b}
    reference_clauses: tuple[str, ...]  # {ref_title} {ref_date}: another agreement's date (distractor)
    witness_clauses: tuple[str, ...]  # {exec_date}? (without it: "as of the date first written above")
    signature_blocks: tuple[str, ...]  # lines; {role} {party} {name} {title} {date} (line dropped if no date)
    schedule_titles: tuple[str, ...]  # exhibit holding the payment schedule table
    schedule_headers: tuple[str, ...]  # "col|col|col": milestone, due date, amount
    scope_titles: tuple[str, ...]  # exhibit describing services / premises / products


def pool_hash(pool: PhrasingPool) -> str:
    """sha256 of the pool's text in a canonical JSON form (stable under code reformatting)."""
    canonical = json.dumps(asdict(pool), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
