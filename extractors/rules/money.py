"""The money grammar: amounts with their currency, as symbols, ISO codes or words.

    $1,250,000.00 | USD 1.25 million | EUR 80,000 | £10,000 | S$525,000 | 1.250.000,00 EUR | Rs. 5,00,000
    two million dollars ($2,000,000) | 80,000 euros | GBP 1.5m

An amount without any currency mark is not money here: a bare "1,000" is as likely a count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Currency marks -> ISO 4217. Prefixed dollars first: "S$" must not read as "$".
_SYMBOLS: dict[str, str] = {
    "US$": "USD", "U.S.$": "USD", "C$": "CAD", "CA$": "CAD", "CAN$": "CAD", "A$": "AUD", "AU$": "AUD",
    "S$": "SGD", "SG$": "SGD", "NZ$": "NZD", "HK$": "HKD", "R$": "BRL", "MX$": "MXN", "$": "USD",
    "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR", "Rs.": "INR", "CHF": "CHF", "Fr.": "CHF",
}  # fmt: skip
_CODES = [
    "USD",
    "EUR",
    "GBP",
    "CAD",
    "AUD",
    "SGD",
    "CHF",
    "JPY",
    "INR",
    "HKD",
    "NZD",
    "SEK",
    "NOK",
    "DKK",
    "CNY",
    "ZAR",
    "MXN",
    "BRL",
    "PLN",
    "CZK",
    "HUF",
    "ILS",
    "AED",
    "SAR",
    "KRW",
    "TWD",
    "THB",
    "MYR",
    "IDR",
    "PHP",
]
_WORDS: dict[str, str] = {
    "us dollars": "USD", "u.s. dollars": "USD", "united states dollars": "USD", "dollars": "USD",
    "canadian dollars": "CAD", "australian dollars": "AUD", "singapore dollars": "SGD",
    "new zealand dollars": "NZD", "hong kong dollars": "HKD", "euros": "EUR", "euro": "EUR",
    "pounds sterling": "GBP", "british pounds": "GBP", "pounds": "GBP", "sterling": "GBP",
    "swiss francs": "CHF", "yen": "JPY", "rupees": "INR",
}  # fmt: skip
_SCALES: dict[str, float] = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mm": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
    "b": 1e9,
}  # fmt: skip

_SYMBOL_RE = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_CODE_RE = "|".join(_CODES)
_WORD_RE = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(_WORDS, key=len, reverse=True))
# 1,250,000.00 | 1.250.000,00 | 80'000 (Swiss) | 5,00,000 (Indian lakhs) | 1250000 | 1.25
_AMOUNT = (
    r"(?P<amount>\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|"
    r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?|\d{1,3}(?:'\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d+)?)"
)
_SCALE = r"(?:\s?(?P<scale>thousand|million|billion|mm|mn|bn|m|k|b)\b)?"

_PATTERNS: tuple[re.Pattern[str], ...] = (
    # Not inside a word: "years 5" is no "Rs. 5".
    re.compile(rf"(?<![A-Za-z])(?P<symbol>{_SYMBOL_RE})\s?{_AMOUNT}{_SCALE}", re.I),
    re.compile(rf"\b(?P<code>{_CODE_RE})\s?{_AMOUNT}{_SCALE}"),
    re.compile(rf"(?<![\d.,]){_AMOUNT}{_SCALE}\s?(?P<code>{_CODE_RE})\b"),
    re.compile(rf"(?<![\d.,$£€]){_AMOUNT}{_SCALE}\s+(?P<word>{_WORD_RE})\b", re.I),
)


@dataclass(frozen=True)
class MoneyMatch:
    start: int
    end: int
    amount: float
    currency: str


def parse_amount(text: str) -> float | None:
    """ "1,250,000.00" -> 1250000.0; "1.250.000,00" -> 1250000.0; "1.25" -> 1.25."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?", text):
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "").replace("'", "")
    try:
        return float(text)
    except ValueError:
        return None


def _currency(groups: dict[str, str | None]) -> str | None:
    if groups.get("symbol"):
        symbol = groups["symbol"] or ""
        return next((code for mark, code in _SYMBOLS.items() if mark.lower() == symbol.lower()), None)
    if groups.get("code"):
        return (groups["code"] or "").upper()
    word = " ".join((groups.get("word") or "").lower().split())
    return _WORDS.get(word)


def find_money(text: str) -> list[MoneyMatch]:
    """All amounts with a currency in `text`, in order; overlapping readings keep the longest."""
    found: list[MoneyMatch] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            amount, currency = parse_amount(groups["amount"] or ""), _currency(groups)
            if amount is None or currency is None:
                continue
            scale = (groups.get("scale") or "").lower()
            # A bare "m"/"b" after a figure is a scale only when the figure is small ("1.5m", not "300 m").
            if scale in ("m", "b", "k") and amount >= 1000:
                continue
            amount = round(amount * _SCALES.get(scale, 1.0), 2)
            found.append(MoneyMatch(match.start(), match.end(), amount, currency))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[MoneyMatch] = []
    for match in found:
        if kept and match.start < kept[-1].end:
            continue
        kept.append(match)
    return kept
