"""A /2 contract type scored against labels written with /1's seven kinds."""

from goldset.labels import FIRST_VERSION, GoldDocument
from goldset.score import Prediction, score
from goldset.type_versions import as_labelled
from schemas.contract import ContractFields, ContractType


def test_finer_kinds_fall_under_the_first_versions_kind_and_current_labels_are_read_as_they_are() -> None:
    assert as_labelled(ContractType.distribution, FIRST_VERSION) is ContractType.supply
    assert as_labelled(ContractType.consulting, FIRST_VERSION) is ContractType.master_services
    assert as_labelled(ContractType.franchise, FIRST_VERSION) is ContractType.other
    assert as_labelled(ContractType.nda, FIRST_VERSION) is ContractType.nda
    assert as_labelled(ContractType.distribution, "contract-fields/2") is ContractType.distribution
    assert as_labelled(None, FIRST_VERSION) is None


def _scored(label_version: str, predicted: ContractType) -> tuple[int, int]:
    gold = GoldDocument(
        document="d.pdf",
        split="test",
        fields=ContractFields(contract_type=ContractType.supply),
        schema_version=label_version,
    )
    metrics = score({"d.pdf": Prediction(fields=ContractFields(contract_type=predicted))}, [gold])
    field = metrics.fields["contract_type"]
    return field.tp, field.fp


def test_a_distribution_answer_is_right_for_a_first_version_supply_label_only() -> None:
    assert _scored(FIRST_VERSION, ContractType.distribution) == (1, 0)
    assert _scored(FIRST_VERSION, ContractType.franchise) == (0, 1)
    assert _scored("contract-fields/2", ContractType.distribution) == (0, 1)
