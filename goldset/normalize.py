"""Normalisers: turn a value, however it is written, into the form the scorer compares.

Each returns None when it cannot read its input, so an unreadable prediction counts as wrong, never as
a crash.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from goldset.jurisdictions import ALIASES, alias_key
from goldset.spelling import ONES, TENS

# ---------- numbers written in words ----------
_SMALL = {word: i for i, word in enumerate(ONES)}
_TENS = {word: 10 * i for i, word in enumerate(TENS) if word}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "thirtieth": 30,
}  # fmt: skip


def words_to_number(text: str) -> int | None:
    """ "twenty-four" -> 24, "one hundred and twenty" -> 120, "a" -> 1; None if not a number in words."""
    tokens = [t for t in re.split(r"[\s-]+", text.lower().strip()) if t and t != "and"]
    if not tokens:
        return None
    total, current = 0, 0
    for token in tokens:
        if token in ("a", "an") and len(tokens) > 1 and current == 0:
            current = 1
        elif token in _SMALL:
            current += _SMALL[token]
        elif token in _TENS:
            current += _TENS[token]
        elif token in _ORDINALS:
            current += _ORDINALS[token]
        elif token == "hundred":
            current = max(current, 1) * 100
        elif token == "thousand":
            total, current = total + max(current, 1) * 1000, 0
        else:
            return None
    return total + current


def _leading_count(text: str) -> tuple[int | None, str]:
    """The count at the start of a phrase and the rest: "twelve (12) months" -> (12, "months").

    A figure in parentheses wins over the words before it, as drafters intend ("words (figures)").
    """
    s = text.lower().strip()
    s = re.sub(r"^(a period of|period of|for|of|an initial term of|a term of)\s+", "", s)
    paren = re.match(r"^(.*?)\((\d+)\)\s*(.*)$", s)
    if paren:
        return int(paren.group(2)), paren.group(3)
    digits = re.match(r"^(\d+)\s*-?\s*(.*)$", s)
    if digits:
        return int(digits.group(1)), digits.group(2)
    words = re.match(
        r"^([a-z\s-]+?)\s*-?\s*(days?|weeks?|months?|years?|calendar days?|business days?)\b(.*)$", s
    )
    if words:
        return words_to_number(words.group(1)), words.group(2) + words.group(3)
    return None, s


# ---------- dates ----------
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {abbr.lower(): i for i, abbr in enumerate(calendar.month_abbr) if abbr}
_MONTHS["sept"] = 9


def normalize_date(value: object, *, day_first: bool = False) -> dt.date | None:
    """A date in any common contract form -> date.

    Numeric a/b/yyyy is read month-first (US) unless `day_first` or the first number exceeds 12;
    dotted dd.mm.yyyy is read day-first (the European convention that writes dots).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    s = value.strip().lower()
    if m := re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", s):
        return _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := re.search(r"\b(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})\b", s):
        a, b, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
        year += 2000 if year < 100 else 0
        dotted = m.group(2) == "."
        if day_first or dotted or a > 12:
            return _date(year, b, a)
        return _date(year, a, b)
    s = _ordinal_words_to_digits(s)
    s = re.sub(r"(\d+)(st|nd|rd|th)\b", r"\1", s)
    tokens = re.findall(r"[a-z]+|\d+", s)
    month = next((_MONTHS[t] for t in tokens if t in _MONTHS), None)
    numbers = [int(t) for t in tokens if t.isdigit()]
    years = [n for n in numbers if n >= 1000]
    days = [n for n in numbers if 1 <= n <= 31]
    if month is None or not years or not days:
        return None
    return _date(years[0], month, days[0])


def _ordinal_words_to_digits(text: str) -> str:
    """ "the twenty-first day" -> "the 21 day"."""

    def digits(match: re.Match[str]) -> str:
        return str(_TENS.get(match.group(1) or "", 0) + _ORDINALS[match.group(2)])

    return re.sub(rf"\b(?:(twenty|thirty)[\s-])?({'|'.join(_ORDINALS)})\b", digits, text)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# ---------- party names ----------
_LEGAL_SUFFIXES = {
    "inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "corp", "corporation", "co", "company",
    "gmbh", "plc", "ag", "sa", "sas", "bv", "nv", "pte", "pty", "dac", "srl", "spa", "ab", "oy", "kg", "ulc",
}  # fmt: skip


def normalize_name(value: object) -> str | None:
    """Case-, punctuation- and legal-suffix-insensitive key: "Acme Holdings, L.L.C." -> "acme holdings"."""
    if not isinstance(value, str) or not value.strip():
        return None
    s = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    s = s.replace("&", " and ")
    s = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", s)  # L.L.C. -> LLC, N.V. -> NV, before dots become spaces
    s = re.sub(r"(?<=\b[a-z])\.(?=\s|$)", "", s)
    s = re.sub(r"[^a-z0-9]+", " ", s)
    tokens = s.split()
    if tokens and tokens[0] == "the":
        tokens = tokens[1:]
    while len(tokens) > 1 and (tokens[-1] in _LEGAL_SUFFIXES or tokens[-1] == "and"):
        tokens.pop()
    return " ".join(tokens) or None


def name_similarity(a: object, b: object) -> float:
    """Token-set similarity in [0, 1] of two normalised names (sorted unique tokens, difflib ratio).

    Deliberately without fuzzywuzzy's subset shortcut, so "Acme" does not score 1.0 against "Acme Widgets".
    """
    na, nb = normalize_name(a), normalize_name(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    return SequenceMatcher(None, " ".join(sorted(set(na.split()))), " ".join(sorted(set(nb.split())))).ratio()


def normalize_text(value: object) -> str | None:
    """Free text (titles): case, punctuation and spacing ignored."""
    if not isinstance(value, str):
        return None
    s = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", s).split()) or None


# ---------- jurisdictions ----------
_LAW_WORDS = {
    "the", "laws", "law", "of", "state", "commonwealth", "governed", "by", "construed", "in", "accordance",
    "with", "shall", "govern", "province", "and", "federal", "applicable", "therein", "canada", "this",
    "agreement", "is", "be", "are", "subject", "to", "under", "without", "regard", "its", "conflict",
    "principles",
}  # fmt: skip


def normalize_jurisdiction(value: object) -> str | None:
    """Canonical jurisdiction: "the laws of the State of New York" = "New York" = "NY" -> "New York".

    Exact alias first (abbreviations only match whole), then the longest full-name alias found as whole
    words inside a sentence; an unknown place comes back title-cased so two spellings of it still compare.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    key = alias_key(value)
    if key in ALIASES:
        return ALIASES[key]
    tokens = key.split()
    while tokens and tokens[0] in _LAW_WORDS:
        tokens.pop(0)
    while tokens and tokens[-1] in _LAW_WORDS:
        tokens.pop()
    core = " ".join(tokens)
    if core in ALIASES:
        return ALIASES[core]
    padded = f" {key} "
    found = [alias for alias in ALIASES if len(alias) > 4 and f" {alias} " in padded]
    if found:
        return ALIASES[max(found, key=len)]
    return core.title() or None


# ---------- money ----------
_SYMBOLS = (("us$", "USD"), ("c$", "CAD"), ("a$", "AUD"), ("s$", "SGD"), ("$", "USD"), ("€", "EUR"),
            ("£", "GBP"), ("¥", "JPY"))  # fmt: skip
_CODES = {"USD", "EUR", "GBP", "CAD", "AUD", "SGD", "JPY", "CHF", "INR", "CNY", "HKD", "SEK", "NOK", "DKK"}
_CURRENCY_WORDS = {"dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP",
                   "sterling": "GBP"}  # fmt: skip
_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "million": 1e6, "b": 1e9,
                "bn": 1e9, "billion": 1e9}  # fmt: skip


@dataclass(frozen=True)
class Amount:
    value: float  # rounded to cents
    currency: str | None


def normalize_money(value: object) -> Amount | None:
    """ "$1,250,000.00", "USD 1.25 million", "EUR 80,000", "$1.2M", a Money model or a dict -> Amount."""
    if isinstance(value, dict):
        value = type("M", (), value)()
    if hasattr(value, "amount") and hasattr(value, "currency"):
        return Amount(round(float(value.amount), 2), str(value.currency).upper())
    if isinstance(value, int | float):
        return Amount(round(float(value), 2), None)
    if not isinstance(value, str) or not value.strip():
        return None
    s = value.strip().lower()
    currency = next((code for sym, code in _SYMBOLS if sym in s), None)
    code = re.search(r"\b([a-z]{3})\b", s)
    if code and code.group(1).upper() in _CODES:
        currency = code.group(1).upper()
    currency = currency or next((c for w, c in _CURRENCY_WORDS.items() if re.search(rf"\b{w}\b", s)), None)
    m = re.search(r"(\d[\d,.\s]*\d|\d)\s*(k|thousand|mm|mn|m|million|bn|b|billion)?\b", s)
    if not m:
        return None
    number = m.group(1).replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d{1,2})?", number):  # European 80.000,00
        number = number.replace(".", "").replace(",", ".")
    else:
        number = number.replace(",", "")
    try:
        amount = float(number)
    except ValueError:
        return None
    amount *= _MULTIPLIERS.get(m.group(2) or "", 1.0)
    return Amount(round(amount, 2), currency)


def money_equal(a: Amount | None, b: Amount | None) -> bool:
    """Same amount to the cent and same currency (a missing currency never matches a stated one)."""
    return a is not None and b is not None and abs(a.value - b.value) < 0.005 and a.currency == b.currency


# ---------- durations and day counts ----------
@dataclass(frozen=True)
class Span:
    days: int  # 1 month = 30 days, 1 year = 365 days
    months: int | None  # set when the span is a whole number of months or years


def normalize_duration(value: object) -> Span | None:
    """ "twenty-four (24) months", "two years", "36 months", "90 days" -> Span."""
    if not isinstance(value, str) or not value.strip():
        return None
    count, rest = _leading_count(value)
    unit = re.match(r"\s*(calendar |business )?(day|week|month|year)s?\b", rest)
    if count is None or not unit:
        return None
    kind = unit.group(2)
    if kind == "year":
        return Span(days=365 * count, months=12 * count)
    if kind == "month":
        return Span(days=30 * count, months=count)
    return Span(days=(7 if kind == "week" else 1) * count, months=None)


def durations_equal(a: Span | None, b: Span | None) -> bool:
    """Compare in months when both are month multiples ("2 years" = "24 months"), else in days."""
    if a is None or b is None:
        return False
    if a.months is not None and b.months is not None:
        return a.months == b.months
    return a.days == b.days


def normalize_days(value: object) -> int | None:
    """30, "30", "thirty (30) days", "net 45" -> int days."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not isinstance(value, str):
        return None
    s = re.sub(r"^\s*net\s+", "", value.lower())
    span = normalize_duration(s if re.search(r"[a-z]", s) else f"{s} days")
    return span.days if span else None
