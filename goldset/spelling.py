"""Write values the way contracts write them: dates, money, durations and day counts from a format string."""

from __future__ import annotations

import calendar
import datetime as dt

ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen")  # fmt: skip
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "CAD": "C$", "SGD": "S$"}


def number_words(n: int) -> str:
    """0..999 in words, hyphenated the way drafters write them ("twenty-four")."""
    if n < 20:
        return ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return TENS[tens] + (f"-{ONES[ones]}" if ones else "")
    hundreds, rest = divmod(n, 100)
    return f"{ONES[hundreds]} hundred" + (f" and {number_words(rest)}" if rest else "")


def ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def write_date(date: dt.date, fmt: str) -> str:
    return fmt.format(
        month=calendar.month_name[date.month],
        mon=calendar.month_abbr[date.month],
        day=date.day,
        dd=f"{date.day:02d}",
        mm=f"{date.month:02d}",
        yyyy=date.year,
        ordinal=ordinal(date.day),
    )


def can_write_money(amount: float, fmt: str) -> bool:
    """ "{millions} million" only reads naturally for whole multiples of 10,000 from a million up."""
    return "{millions}" not in fmt or (amount >= 1_000_000 and amount % 10_000 == 0)


def write_money(amount: float, currency: str, fmt: str) -> str:
    millions = f"{amount / 1_000_000:.2f}".rstrip("0").rstrip(".")
    return fmt.format(
        sym=CURRENCY_SYMBOLS.get(currency, currency + " "),
        code=currency,
        n2=f"{amount:,.2f}",
        n0=f"{amount:,.0f}",
        millions=millions,
    )


def write_duration(n: int, unit: str, fmt: str) -> str:
    return fmt.format(words=number_words(n), n=n, unit=unit if n == 1 else unit + "s")


def write_days(n: int, fmt: str) -> str:
    return fmt.format(words=number_words(n), n=n)
