"""Stage versions: what produced each stage's output, chained so a redone stage makes the later ones stale.

Each stage records `<its own version>@<digest of the stage before it>`. A new renderer setting therefore
changes the recorded version of OCR, extraction and indexing too (their input changed), while a new
model or prompt changes only the extract stage and those after it.
"""

from __future__ import annotations

import hashlib

from extractors import ocr as ocr_stage
from extractors.ocr import OcrConfig, tesseract_version
from extractors.render import RenderConfig
from extractors.text_layer import text_layer_version
from storage.db.models import Stage

STAGE_ORDER = (Stage.render, Stage.ocr, Stage.extract, Stage.index)


def own_versions(
    render: RenderConfig, ocr: OcrConfig, engine_version: str | None, index_version: str | None
) -> dict[Stage, str]:
    tesseract = tesseract_version()
    versions = {
        # The orientation pass uses tesseract's OSD, so its version is part of the render stage's.
        Stage.render: f"{render.version};osd=tesseract-{tesseract}",
        Stage.ocr: ocr_version(ocr),
    }
    if engine_version is not None:
        versions[Stage.extract] = engine_version
    if index_version is not None:
        versions[Stage.index] = index_version
    return versions


def ocr_version(ocr: OcrConfig) -> str:
    """The OCR stage's own version: tesseract's, and the text-layer reader's when layers are read.

    Which of the two produced a page is recorded with the page (`PageOcr.engine_version`, stored as
    `pages.ocr_version`); the stage version names both, so turning text layers on or bumping the reader
    makes the stage stale while the OCR cache, keyed by tesseract's version alone, still serves the scans.
    """
    tesseract = ocr_stage.engine_version(ocr)
    return f"{tesseract};{text_layer_version()}" if ocr.text_layer else tesseract


def chain(own: dict[Stage, str]) -> dict[Stage, str]:
    recorded: dict[Stage, str] = {}
    previous = ""
    for stage in STAGE_ORDER:
        if stage not in own:
            continue
        digest = hashlib.sha256(previous.encode()).hexdigest()[:10]
        recorded[stage] = f"{own[stage]}@{digest}"
        previous = recorded[stage]
    return recorded
