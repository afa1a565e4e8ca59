"""One real page: typeset, OCR'd by tesseract, read by the engine; values AND evidence boxes checked."""

import asyncio
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors.engines.base import PageInput
from extractors.ocr import OcrConfig, ocr_image_file
from extractors.rules.engine import RulesEngine
from schemas.results import BoundingBox

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LINES = [
    "SUPPLY AGREEMENT",
    "",
    "This Supply Agreement is entered into as of 3 March 2024 by and between Acme Widgets, Inc.,",
    'a Delaware corporation (the "Buyer"), and Beacon Foods Ltd., an English company (the "Supplier").',
    "",
    "This Agreement shall be governed by the laws of England and Wales.",
    "The aggregate purchase price for the Products under this Agreement is GBP 80,000.",
]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[PageInput, dict[str, BoundingBox]]:
    """The page image, OCR'd, and where each line was drawn."""
    font = ImageFont.truetype(str(FONT), 26) if FONT.exists() else ImageFont.load_default(26)
    image = Image.new("L", (1700, 800), 255)
    draw = ImageDraw.Draw(image)
    drawn: dict[str, BoundingBox] = {}
    for index, line in enumerate(LINES):
        y = 60 + index * 48
        draw.text((60, y), line, font=font, fill=0)
        x0, y0, x1, y1 = draw.textbbox((60, y), line, font=font)
        drawn[line] = BoundingBox(x0=x0, y0=y0, x1=x1, y1=y1)
    path = tmp_path_factory.mktemp("rules-e2e") / "page.jpg"
    image.save(path, quality=90)
    ocr = ocr_image_file(path, OcrConfig())
    return PageInput(number=1, image_jpeg=path.read_bytes(), ocr=ocr), drawn


def _inside(inner: BoundingBox, outer: BoundingBox, slack: int = 8) -> bool:
    return (
        inner.x0 >= outer.x0 - slack
        and inner.y0 >= outer.y0 - slack
        and inner.x1 <= outer.x1 + slack
        and inner.y1 <= outer.y1 + slack
    )


def test_values_and_evidence_boxes(page: tuple[PageInput, dict[str, BoundingBox]]) -> None:
    page_input, drawn = page
    (result,) = asyncio.run(RulesEngine().extract_pages([page_input]))
    values = {name: [i.value for i in field.items] for name, field in result.fields.items()}
    assert values["title"] == ["Supply Agreement"]
    assert values["contract_type"] == ["supply"]
    assert values["effective_date"] == ["2024-03-03"]
    assert values["governing_law"] == ["England and Wales"]
    assert values["contract_value"] == [{"amount": 80_000.0, "currency": "GBP"}]
    assert [p["name"] for p in values["parties"]] == ["Acme Widgets, Inc.", "Beacon Foods Ltd."]

    law = result.fields["governing_law"].items[0].evidence
    assert law is not None and law.bbox is not None and law.text.startswith("England")
    assert _inside(law.bbox, drawn[LINES[5]])
    # The box holds "England and Wales." only: it starts well right of the line's start.
    assert law.bbox.x0 > drawn[LINES[5]].x0 + 400
    money = result.fields["contract_value"].items[0].evidence
    assert money is not None and money.bbox is not None and "80,000" in money.text
    assert _inside(money.bbox, drawn[LINES[6]])
    date = result.fields["effective_date"].items[0].evidence
    assert date is not None and date.bbox is not None and date.text == "3 March 2024"
    assert _inside(date.bbox, drawn[LINES[2]])
    assert (law.page_width, law.page_height) == (1700, 800)
