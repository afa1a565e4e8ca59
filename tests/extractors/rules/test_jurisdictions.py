import pytest

from extractors.rules.jurisdictions import canonical, find_places


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("the State of New York", "New York"),
        ("England and Wales", "England and Wales"),
        ("England & Wales", "England and Wales"),
        ("English", "England and Wales"),
        ("the Commonwealth of Massachusetts", "Massachusetts"),
        ("the Province of Ontario", "Ontario"),
        ("West Virginia", "West Virginia"),
        ("Delaware", "Delaware"),
        ("the Republic of Singapore", "Singapore"),
    ],
)
def test_canonical_names(text: str, name: str) -> None:
    assert canonical(text) == name


def test_longest_name_wins() -> None:
    (found,) = find_places("the laws of West Virginia")
    assert found.name == "West Virginia"


def test_places_outside_the_gazetteer_and_lower_case_words_are_ignored() -> None:
    assert canonical("Mars") is None
    assert find_places("the laws of Mars, in georgia font") == []
