"""The classifier shipped in the package: loadable, and trained on the dev data the repository holds."""

import json

from extractors.clauses import ClauseClassifier
from extractors.clauses.artefact import PACKAGED
from goldset.clause_dataset import read_dev_rows, training_data_hash
from goldset.cuad_split import HASH_FILE
from goldset.sets import NAMED

CUAD = NAMED["cuad"]


def test_the_packaged_artefact_was_trained_on_the_current_dev_split() -> None:
    card = json.loads(PACKAGED.read_text(encoding="utf-8"))
    training = card["training"]
    assert training["split"] == "dev"
    assert training["split_sha256"] == (CUAD / HASH_FILE).read_text(encoding="utf-8").strip()
    # A change to the dev clause labels or PDFs without retraining (python -m goldset.clause_training)
    # fails here rather than shipping weights of other data.
    assert training["data_sha256"] == training_data_hash(CUAD, read_dev_rows(CUAD))


def test_the_packaged_artefact_loads_and_says_which_categories_it_predicts() -> None:
    classifier = ClauseClassifier.load()
    card = classifier.model.card
    predicted = {slug for slug, entry in card["categories"].items() if entry["predicted"]}
    assert {c.value for c in classifier.categories} == predicted
    assert len(predicted) >= 10
    for slug in predicted:
        assert 0.0 < card["categories"][slug]["threshold"] < 1.0
