"""Failures that name the right file: each empty file its own, and no temporary path in a reason.

Threats (docs/threats.md): a thousand identical empty files were one failure naming one of them (the
other 999 silently gone from the run's record), and a corrupt image's reason showed the machine's
temporary folder to whoever reads documents' errors.
"""

from __future__ import annotations

import tempfile
from types import ModuleType

from sqlalchemy import select

from storage.db import Document, RunItem, open_database

EMPTY_FILES = 200


def test_each_empty_file_is_a_failure_of_its_own(tmp_path, make_job, run_job):
    folder = tmp_path / "inbox" / "acme"
    folder.mkdir(parents=True)
    names = [f"scan-{number:04d}.pdf" for number in range(EMPTY_FILES)]
    for name in names:
        (folder / name).write_bytes(b"")

    job = make_job([tmp_path / "inbox"])
    tally = run_job(job)
    assert tally.documents["failed"] == EMPTY_FILES
    db = open_database(job.database_url)
    with db.session() as session:
        items = {item.source_uri: item.error for item in session.scalars(select(RunItem))}
        documents = list(session.scalars(select(Document)))
    db.dispose()
    assert items == {str(folder / name): "the file is empty" for name in names}
    assert documents == []  # nothing to render, so nothing stored


def test_a_corrupt_image_is_named_by_its_file_not_a_temporary_path(
    tmp_path, builders: ModuleType, make_job, run_job
):
    folder = tmp_path / "inbox" / "acme"
    folder.mkdir(parents=True)
    builders.write_corrupt_png(folder, "broken-lease.png")

    (failure,) = run_job(make_job([tmp_path / "inbox"])).failures
    error = str(failure["error"])
    assert "corrupt" in error
    assert tempfile.gettempdir() not in error and "abstractor-original-" not in error
    assert "broken-lease.png" in error
