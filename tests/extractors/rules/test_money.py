import pytest

from extractors.rules.money import find_money


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("$1,250,000.00", 1_250_000.0, "USD"),
        ("USD 1.25 million", 1_250_000.0, "USD"),
        ("EUR 80,000", 80_000.0, "EUR"),
        ("£10,000", 10_000.0, "GBP"),
        ("S$525,000.00", 525_000.0, "SGD"),
        ("C$950,000", 950_000.0, "CAD"),
        ("1.250.000,00 EUR", 1_250_000.0, "EUR"),
        ("80,000 euros", 80_000.0, "EUR"),
        ("GBP 1.5m", 1_500_000.0, "GBP"),
        ("two million US dollars ($2,000,000)", 2_000_000.0, "USD"),
        ("CHF 80'000", 80_000.0, "CHF"),
        ("Rs. 5,00,000", 500_000.0, "INR"),
    ],
)
def test_money_forms(text: str, amount: float, currency: str) -> None:
    (found,) = find_money(f"a fee of {text}.")
    assert (found.amount, found.currency) == (amount, currency)


def test_a_figure_without_a_currency_is_not_money() -> None:
    assert find_money("1,000 units and 300 m of cable") == []


def test_span_ends_before_the_full_stop() -> None:
    text = "is CAD 625,000."
    (found,) = find_money(text)
    assert text[found.start : found.end] == "CAD 625,000"


def test_a_currency_mark_inside_a_word_is_not_one() -> None:
    assert find_money("after three years. 5,000 units, or 2 yrs. 5 units") == []
