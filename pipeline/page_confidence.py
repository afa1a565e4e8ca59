"""The found page values of an eval run, scored for calibration (goldset.page_points), from its database."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select

from goldset.calibration import expected_calibration_error, reliability
from goldset.labels import GoldDocument
from goldset.metrics import PageCalibration
from goldset.page_points import PagePoint, page_points
from schemas.results import ExtractedField
from storage.db import Database, Document, Extraction


def collect_page_points(db: Database, gold: Sequence[GoldDocument]) -> tuple[list[PagePoint], int]:
    """Every scored found value of every page the run extracted, and how many pages were extracted."""
    by_stem = {document.stem: document for document in gold}
    points: list[PagePoint] = []
    pages = 0
    with db.session() as session:
        rows = session.execute(
            select(Document.filename, Extraction.page_number, Extraction.fields)
            .join(Document, Document.id == Extraction.document_id)
            .where(Extraction.page_number.is_not(None))
            .order_by(Document.filename, Extraction.page_number)
        )
        for filename, number, fields in rows:
            labelled = by_stem.get(Path(filename).stem)
            if labelled is None:
                continue
            pages += 1
            extracted = {name: ExtractedField.model_validate(value) for name, value in fields.items()}
            points.extend(page_points(labelled, number, extracted))
    return points, pages


def page_calibration(points: Sequence[PagePoint], calibration: str | None) -> PageCalibration | None:
    """Reliability of the raw scores and of the confidences reported, on the same page values."""
    if not points:
        return None
    right = [point.right for point in points]
    before = reliability([point.raw for point in points], right)
    after = reliability([point.confidence for point in points], right)
    return PageCalibration(
        points=len(points),
        calibration=calibration,
        ece_raw=expected_calibration_error(before),
        ece=expected_calibration_error(after),
        reliability_raw=before,
        reliability=after,
    )
