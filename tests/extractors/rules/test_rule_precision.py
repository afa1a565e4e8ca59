"""The dev harness: it measures the rules on labelled documents and writes the file confidence.py loads."""

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from extractors.engines.base import PageInput
from extractors.ocr import OcrCache, OcrConfig
from extractors.render import RenderConfig
from extractors.rules import confidence
from extractors.rules.confidence import DEFAULT_PRECISION, load_measured, measured_as
from goldset import page_reading
from goldset.labels import GoldDocument
from goldset.rule_precision import PRIOR_WEIGHT, DevDocument, measure, precision_record, write_precision
from schemas.contract import ContractFields

Pages = Callable[..., list[PageInput]]

SIGNED = [
    "SUPPLY AGREEMENT",
    "",
    'This Supply Agreement is made between Acme Widgets, Inc. (the "Supplier") and',
    'Beacon Ltd. (the "Buyer").',
    "This Agreement shall be governed by the laws of the State of New York.",
    "",
    "IN WITNESS WHEREOF, the parties have executed this Agreement.",
    "",
    "ACME WIDGETS, INC.",
    "By: ______________________",
    "Name: Jane Roe",
    "Title: Chief Executive Officer",
    "",
    "BEACON LTD.",
    "By: ______________________",
    "Name: John Smith",
    "Title: Director",
]
UNSIGNED = ["SUPPLY AGREEMENT", "", "The Buyer buys; the Supplier supplies."]


def _gold(name: str, **fields: object) -> GoldDocument:
    return GoldDocument(document=name, split="dev", fields=ContractFields.model_validate(fields))


@pytest.fixture
def documents(make_pages: Pages) -> list[DevDocument]:
    signed = _gold(
        "signed.pdf",
        contract_type="supply",
        title="Supply Agreement",
        parties=[{"name": "Acme Widgets, Inc."}, {"name": "Beacon Ltd."}],
        governing_law="New York",
        # The label names a third signatory the page does not show: one signatory list incomplete.
        signatories=[
            {"name": "Jane Roe", "party": "Acme Widgets, Inc."},
            {"name": "John Smith", "party": "Beacon Ltd."},
            {"name": "Mary Major", "party": "Beacon Ltd."},
        ],
    )
    unsigned = _gold("unsigned.pdf", contract_type="supply", title="Supply Agreement")
    return [
        DevDocument("synthetic", signed, make_pages(SIGNED)),
        DevDocument("synthetic", unsigned, make_pages(UNSIGNED)),
    ]


def test_the_harness_counts_winning_answers_and_smooths_them(documents: list[DevDocument]) -> None:
    measurement = measure(documents)
    tallies = measurement.tallies
    assert (tallies.rules["signatory.labelled"].right, tallies.rules["signatory.labelled"].of) == (2, 2)
    assert (tallies.rules["law.laws_of"].right, tallies.rules["law.laws_of"].of) == (1, 1)
    # Nothing found and nothing labelled: the unsigned document's governing law and signatories.
    assert (tallies.absent["governing_law"].right, tallies.absent["governing_law"].of) == (1, 1)
    assert (tallies.completeness["signatories"].right, tallies.completeness["signatories"].of) == (0, 1)
    expected = (2 + PRIOR_WEIGHT * DEFAULT_PRECISION) / (2 + PRIOR_WEIGHT)
    assert measurement.figures.rules["signatory.labelled"] == round(expected, 4)
    assert measurement.converged
    assert measurement.metrics["synthetic"].fields["signatories"].fn == 1


def test_confidence_loads_what_the_harness_writes(documents: list[DevDocument], tmp_path: Path) -> None:
    measurement = measure(documents)
    path = tmp_path / "precision.json"
    record = {"goldset": "synthetic", "split": "dev", "documents": len(documents)}
    write_precision(path, precision_record(measurement, [record]))
    written = json.loads(path.read_text())
    assert written["measured_on"] == [record]
    assert written["rules"]["signatory.labelled"] == {
        "right": 2,
        "of": 2,
        "value": measurement.figures.rules["signatory.labelled"],
    }
    loaded = load_measured(path)
    assert loaded == measurement.figures
    with measured_as(loaded):
        assert confidence.rule_precision("signatory.labelled") == loaded.rules["signatory.labelled"]
        # A rule the file does not name (added since it was measured) gets the default.
        assert confidence.rule_precision("renews.brand_new_rule") == DEFAULT_PRECISION


def test_pages_are_read_once_then_come_from_the_ocr_cache(
    make: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = tmp_path / "contract.pdf"
    pdf.write_bytes(make.text_pdf_bytes(pages=1))
    cache = OcrCache(tmp_path / "ocr")
    (first,) = page_reading.read_pages(pdf, RenderConfig(), OcrConfig(), cache)
    assert "AGREEMENT" in {word.text for word in first.ocr.words}

    def no_tesseract(*_: object) -> None:
        raise AssertionError("a cached page was OCR'd again")

    monkeypatch.setattr(page_reading, "ocr_image_file", no_tesseract)
    (again,) = page_reading.read_pages(pdf, RenderConfig(), OcrConfig(), cache)
    assert again.ocr == first.ocr
