"""The label format across schema versions: fields a line predates are unlabelled, never "not stated"."""

from __future__ import annotations

import pytest

from goldset.labels import FIELDS_ADDED, LABELS_FILE, GoldDocument, labels_line, load_goldset
from goldset.sets import NAMED
from schemas.contract import SCHEMA_VERSION, ContractFields

V2 = "contract-fields/2"


def _line(**extra: object) -> GoldDocument:
    line = {"document": "a.pdf", "fields": {"title": "Supply Agreement"}, **extra}
    return GoldDocument.model_validate(line)


def test_the_label_format_knows_the_schemas_current_version() -> None:
    # A schema bump without a FIELDS_ADDED entry would score older labels' silence on new fields as "none".
    assert list(FIELDS_ADDED)[-1] == SCHEMA_VERSION
    added = {name for names in FIELDS_ADDED.values() for name in names}
    assert added <= set(ContractFields.model_fields)


def test_a_line_without_a_version_does_not_score_the_fields_added_since() -> None:
    doc = _line()
    assert {"renewal_notice_days", "clauses"} <= set(doc.unlabelled)
    assert "contract-fields/2" in doc.unlabelled["renewal_notice_days"]
    assert not doc.scores("renewal_notice_days") and not doc.scores("clauses.non_compete")
    assert doc.scores("title") and doc.scores("termination_notice_days")  # left out: "not stated"


def test_a_current_line_scores_a_left_out_value_as_not_stated_and_an_unanswered_clause_not_at_all() -> None:
    doc = _line(schema_version=V2, fields={"title": "Supply Agreement", "clauses": {"non_compete": False}})
    assert doc.unlabelled == {}
    assert doc.scores("renewal_notice_days")
    assert doc.scores("clauses.non_compete")  # answered "no": scored
    assert not doc.scores("clauses.exclusivity")  # not answered: a yes/no question has no "not stated"


def test_an_old_line_cannot_carry_a_value_for_a_field_it_predates() -> None:
    with pytest.raises(ValueError, match="both labelled and unlabelled: renewal_notice_days"):
        _line(fields={"renewal_notice_days": 30})
    with pytest.raises(ValueError, match="both labelled and unlabelled: clauses"):
        _line(fields={"clauses": {"non_compete": True}})


def test_unlabelled_may_name_the_clause_group_or_one_question() -> None:
    doc = _line(schema_version=V2, unlabelled={"clauses.non_compete": "redacted"})
    assert not doc.scores("clauses.non_compete")
    assert not _line(schema_version=V2, unlabelled={"clauses": "not read"}).scores("clauses.exclusivity")
    with pytest.raises(ValueError, match=r"does not have: clauses\.nope"):
        _line(unlabelled={"clauses.nope": "?"})
    with pytest.raises(ValueError, match=r"both labelled and unlabelled: clauses\.non_compete"):
        _line(
            schema_version=V2,
            fields={"clauses": {"non_compete": True}},
            unlabelled={"clauses.non_compete": "?"},
        )


def test_an_unknown_schema_version_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown schema version 'contract-fields/9'"):
        _line(schema_version="contract-fields/9")


@pytest.mark.parametrize("name", sorted(NAMED))
def test_committed_lines_are_what_labels_line_writes(name: str) -> None:
    # What a line's version implies is not written back, so a loaded set is saved unchanged.
    lines = [line for line in (NAMED[name] / LABELS_FILE).read_text(encoding="utf-8").splitlines() if line]
    assert [labels_line(doc) for doc in load_goldset(NAMED[name])] == lines


def test_the_synthetic_set_is_not_scored_on_clauses_or_the_renewal_notice(gold: list[GoldDocument]) -> None:
    assert all(not d.scores("renewal_notice_days") and not d.scores("clauses.audit_rights") for d in gold)


def test_a_current_line_round_trips_with_its_version_and_clauses() -> None:
    doc = _line(schema_version=V2, fields={"title": "Supply Agreement", "clauses": {"insurance": True}})
    again = GoldDocument.model_validate_json(labels_line(doc))
    assert again == doc and again.fields.clauses.insurance is True
