import pytest

from extractors.rules.durations import find_durations, parse_duration


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("twenty-four (24) months", "24 months"),
        ("two years", "2 years"),
        ("one (1) year", "1 year"),
        ("a 6-month period", "6 months"),
        ("an eighteen-month term", "18 months"),
        ("thirty (30) days", "30 days"),
        ("90 calendar days", "90 days"),
        ("one hundred and twenty days", "120 days"),
        ("five business days", "5 days"),
    ],
)
def test_duration_forms(text: str, value: str) -> None:
    found = parse_duration(text)
    assert found is not None and found.value == value


def test_the_figure_in_parentheses_wins_over_the_words() -> None:
    found = parse_duration("thirty (60) days")
    assert found is not None and found.count == 60


def test_days_for_comparison() -> None:
    found = parse_duration("2 years")
    assert found is not None and found.days == 730
    assert find_durations("section 12 and year-end") == []
