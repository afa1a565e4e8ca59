"""The ingest run end to end through the plain functions: idempotence, stage versions, bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import func, select

from pipeline.ingest_setup import IngestJob
from storage.db import Document, DocumentSource, Page, RunItem, StageState, open_database
from storage.db.models import Stage
from storage.db.queries import runs


def _count(job: IngestJob, model: type) -> int:
    db = open_database(job.database_url)
    with db.session() as session:
        count = session.scalar(select(func.count()).select_from(model)) or 0
    db.dispose()
    return count


def _states(job: IngestJob, document_id: int) -> dict[str, StageState]:
    db = open_database(job.database_url)
    with db.session() as session:
        states = {
            s.stage: s
            for s in session.scalars(select(StageState).where(StageState.document_id == document_id))
        }
    db.dispose()
    return states


def _pages(job: IngestJob) -> list[Page]:
    db = open_database(job.database_url)
    with db.session() as session:
        pages = list(session.scalars(select(Page).order_by(Page.document_id, Page.number)))
    db.dispose()
    return pages


@pytest.fixture
def inbox(tmp_path: Path, builders: ModuleType) -> Path:
    folder = tmp_path / "inbox" / "northwind"
    folder.mkdir(parents=True)
    builders.write_image_pdf(folder, "msa.pdf", pages=2)
    builders.write_tiff(folder, "fax.tif", pages=2)
    builders.write_png(folder, "upside-down.png", rotate_cw=180)
    return tmp_path / "inbox"


def test_ingesting_a_folder_twice_adds_nothing_the_second_time(inbox, make_job, run_job, builders):
    job = make_job([inbox])
    first = run_job(job)
    assert first.documents == {"new": 3, "updated": 0, "skipped": 0, "partial": 0, "failed": 0}
    assert first.pages == 5
    pages = _pages(job)
    assert len(pages) == 5
    assert all(page.ocr_words and page.ocr_version for page in pages)
    text = " ".join(page.ocr_text or "" for page in pages)
    for word in builders.KNOWN_WORDS:
        assert word in text

    counts = {model: _count(job, model) for model in (Document, DocumentSource, Page, StageState)}
    second = run_job(job)
    assert second.documents == {"new": 0, "updated": 0, "skipped": 3, "partial": 0, "failed": 0}
    assert second.pages == 0
    assert {model: _count(job, model) for model in counts} == counts


def test_pages_turned_in_the_scanner_are_stored_upright(inbox, make_job, run_job, builders):
    job = make_job([inbox])
    run_job(job)
    (turned,) = [page for page in _pages(job) if page.rotation_applied]
    assert turned.rotation_applied == 180
    assert "Brightwater" in (turned.ocr_text or "")


def test_the_matter_comes_from_the_first_folder_or_the_option(inbox, make_job, run_job):
    run_job(job := make_job([inbox]))
    db = open_database(job.database_url)
    with db.session() as session:
        assert {d.matter.name for d in session.scalars(select(Document))} == {"northwind"}
    run_job(make_job([inbox], matter="contoso"))
    with db.session() as session:
        assert (
            sorted(d.matter.name for d in session.scalars(select(Document)))
            == ["contoso"] * 3 + ["northwind"] * 3
        )
    db.dispose()


def test_a_new_render_setting_redoes_render_and_what_follows(inbox, make_job, run_job):
    job = make_job([inbox])
    run_job(job)
    before = {page.document_id: page.image_key for page in _pages(job)}
    rerun = run_job(make_job([inbox], render={"dpi": 150}))
    assert rerun.documents["updated"] == 3
    after = _pages(job)
    assert {page.document_id: page.image_key for page in after} != before
    assert all(page.ocr_words for page in after)


def test_a_new_ocr_setting_redoes_only_ocr(inbox, make_job, run_job):
    job = make_job([inbox])
    run_job(job)
    document_id = _pages(job)[0].document_id
    render_before = _states(job, document_id)[Stage.render]
    keys_before = [page.image_key for page in _pages(job)]

    rerun = run_job(make_job([inbox], ocr={"psm": 4}))
    assert rerun.documents == {"new": 0, "updated": 3, "skipped": 0, "partial": 0, "failed": 0}
    states = _states(job, document_id)
    assert states[Stage.render].completed_at == render_before.completed_at  # not redone
    assert "psm=4" in states[Stage.ocr].version
    assert [page.image_key for page in _pages(job)] == keys_before
    assert all("psm=4" in (page.ocr_version or "") for page in _pages(job))


def test_the_same_bytes_twice_in_a_matter_are_one_document_with_both_sources(
    tmp_path, builders, make_job, run_job
):
    folder = tmp_path / "in" / "acme"
    folder.mkdir(parents=True)
    original = builders.write_png(folder, "contract.png")
    (folder / "copy of contract.png").write_bytes(original.read_bytes())
    other_matter = tmp_path / "in" / "globex"
    other_matter.mkdir()
    (other_matter / "contract.png").write_bytes(original.read_bytes())

    job = make_job([tmp_path / "in"])
    tally = run_job(job)
    assert tally.documents["new"] == 2  # one per matter
    db = open_database(job.database_url)
    with db.session() as session:
        documents = list(session.scalars(select(Document).order_by(Document.id)))
        assert [len(d.sources) for d in documents] in ([2, 1], [1, 2])
        # Two matters, same bytes: two documents that share the page images.
        keys = [session.scalar(select(Page.image_key).where(Page.document_id == d.id)) for d in documents]
    db.dispose()
    assert keys[0] == keys[1]


BAD_INPUTS = {
    "write_empty": "the file is empty",
    "write_text_named_pdf": "not a PDF",
    "write_truncated_pdf": "truncated",
    "write_encrypted_pdf": "password",
    "write_no_pages_pdf": "no pages",
    "write_oversized_pdf": "pixel",
    "write_corrupt_png": "corrupt",
    "write_docx": "unsupported file type: .docx",
}


def test_every_bad_input_fails_alone_with_its_reason(tmp_path, builders, make_job, run_job):
    folder = tmp_path / "in" / "mixed"
    folder.mkdir(parents=True)
    good = builders.write_png(folder, "good.png")
    paths = {getattr(builders, name)(folder).name: expected for name, expected in BAD_INPUTS.items()}
    (folder / "whole-for-truncation.pdf").unlink(missing_ok=True)  # a by-product of the truncation builder
    missing = tmp_path / "no-such-folder"

    job = make_job([tmp_path / "in", missing])
    tally = run_job(job)
    assert tally.documents["new"] == 1
    assert tally.documents["failed"] == len(BAD_INPUTS) + 1
    reasons = {Path(failure["source"]).name: failure["error"] for failure in tally.failures}
    for name, expected in paths.items():
        assert expected in reasons[name], (name, reasons[name])
    assert "no-such-folder" in reasons
    db = open_database(job.database_url)
    with db.session() as session:
        statuses = {d.filename: (d.status, d.error) for d in session.scalars(select(Document))}
        items = session.scalar(select(func.count()).select_from(RunItem))
    db.dispose()
    assert statuses[good.name] == ("ok", None)
    for name, expected in paths.items():
        if expected == BAD_INPUTS["write_empty"]:
            # Failed at discovery, file by file (tests/pipeline/test_intake_duplicates.py): no document.
            assert name not in statuses
            continue
        status, error = statuses[name]
        assert status == "failed" and expected in (error or "")
    assert items == len(BAD_INPUTS) + 2


def test_a_bad_file_is_not_reprocessed_every_night_unless_marked(tmp_path, builders, make_job, run_job):
    folder = tmp_path / "in" / "acme"
    folder.mkdir(parents=True)
    builders.write_encrypted_pdf(folder)
    job = make_job([tmp_path / "in"])
    run_job(job)
    document_id = 1
    failed_at = _states(job, document_id)[Stage.render]
    assert failed_at.status == "failed"

    again = run_job(job)
    assert again.documents["failed"] == 1  # still reported, so the exit status says so
    assert _states(job, document_id)[Stage.render].completed_at == failed_at.completed_at  # not retried

    db = open_database(job.database_url)
    with db.session() as session:
        session.get_one(Document, document_id).retry_requested = True
    db.dispose()
    run_job(job)
    assert _states(job, document_id)[Stage.render].completed_at != failed_at.completed_at  # retried


def test_pages_with_a_good_text_layer_skip_ocr_and_say_so(tmp_path, builders, make_job, run_job):
    folder = tmp_path / "layers" / "northwind"
    folder.mkdir(parents=True)
    builders.write_text_pdf(folder, "born-digital.pdf", pages=2)
    builders.write_image_pdf(folder, "scan.pdf", pages=1)
    builders.write_garbage_layer_pdf(folder)
    job = make_job([tmp_path / "layers"])
    run_job(job)

    def sources() -> dict[int, list[str]]:
        pages: dict[int, list[str]] = {}
        for page in _pages(job):
            pages.setdefault(page.document_id, []).append((page.ocr_version or "").split(" ")[0])
        return pages

    assert sorted(sources().values()) == [["tesseract"], ["tesseract"], ["text_layer", "text_layer"]]
    born_digital = next(number for number, found in sources().items() if found[0] == "text_layer")
    assert "text_layer pdfium" in _states(job, born_digital)[Stage.ocr].version
    words = next(page.ocr_words for page in _pages(job) if page.document_id == born_digital)
    assert words and {word["confidence"] for word in words} == {100.0}

    # A new OCR setting redoes the OCR stage from the stored images: the layer still serves its pages.
    run_job(make_job([tmp_path / "layers"], ocr={"psm": 4}))
    assert sorted(sources().values()) == [["tesseract"], ["tesseract"], ["text_layer", "text_layer"]]
    assert all("psm=4" in page.ocr_version for page in _pages(job) if page.document_id != born_digital)

    # Turned off, every page is OCR'd and the OCR stage version is tesseract's alone, as before.
    run_job(make_job([tmp_path / "layers"], ocr={"text_layer": False}))
    assert sorted(sources().values()) == [["tesseract"], ["tesseract"], ["tesseract", "tesseract"]]
    assert "text_layer" not in _states(job, born_digital)[Stage.ocr].version


def test_a_runs_wall_time_counts_from_when_it_was_asked_for(tmp_path, make_job, run_job):
    """The set-up before the first document (Prefect, models) is part of the run the operator waited for."""
    asked = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=90)
    (tmp_path / "empty").mkdir()
    run_job(make_job([tmp_path / "empty"], requested_at=asked))
    db = open_database(make_job([]).database_url)
    try:
        (run,) = runs(db)
    finally:
        db.dispose()
    assert run["started_at"].replace(tzinfo=dt.UTC) == asked
    assert run["duration_s"] >= 90
