"""Which amount is the contract's value: a total, an aggregate, a price or fee, not a cap or an instalment.

The total fees payable ... shall not exceed $3,000,000.00     -> the value
aggregate liability ... shall not exceed USD 1,000,000         -> a liability cap, not the value
Milestone 2   March 3, 2024   USD 100,000                      -> one instalment of a schedule
"""

from __future__ import annotations

import re

from extractors.rules.candidates import Candidate
from extractors.rules.context import sentence
from extractors.rules.dates import find_dates
from extractors.rules.money import find_money
from extractors.rules.text import PageText

_VALUE_STRONG = re.compile(
    r"\b(?:total|aggregate|contract\s+(?:value|price|sum|amount)|purchase\s+price|not\s+(?:to\s+)?exceed|"
    r"maximum|total\s+(?:base\s+)?rent|base\s+rent|consideration)\b",
    re.I,
)
_VALUE_WEAK = re.compile(r"\b(?:fees?|price|rent|pay|payable|compensation|sum\s+of|amount\s+of)\b", re.I)
_VALUE_NOT = re.compile(
    r"\b(?:liabilit\w*|insurance|insur\w*|indemn\w*|damages|penalt\w*|late|interest|deposit|coverage|per\s+"
    r"(?:hour|day|week|month|annum|year|occurrence|claim|unit)|hourly|monthly|weekly|annual|salary|bonus|"
    r"expenses?|reimburs\w*|fine|cap)\b",
    re.I,
)


def money_candidates(page: PageText) -> list[Candidate]:
    out = []
    for found in find_money(page.text):
        whole = sentence(page.text, found.start, found.end)
        line_start = page.text.rfind("\n", 0, found.start) + 1
        line = page.text[line_start : page.text.find("\n", found.end) % (len(page.text) + 1)]
        # Rows of a payment schedule ("Milestone 2  March 3, 2024  USD 100,000") are instalments.
        if find_dates(line) or re.match(r"\s*(?:milestone|instal+ment|payment)\s*\d", line, re.I):
            continue
        if _VALUE_NOT.search(whole):
            continue
        rule = (
            "value.total"
            if _VALUE_STRONG.search(whole)
            else "value.fee"
            if _VALUE_WEAK.search(whole)
            else None
        )
        if rule:
            value = {"amount": found.amount, "currency": found.currency}
            out.append(Candidate("contract_value", value, page.number, found.start, found.end, rule))
    return out
