"""Migration 0005 moves rows written in the old status words to the one vocabulary, on both databases."""

from __future__ import annotations

from sqlalchemy import inspect, text

from storage.db import open_database
from storage.db.engine import create_db_engine, migrate

OLD_ROWS = """
INSERT INTO matters (id, name, legal_hold, created_at) VALUES (1, 'acme', false, '2026-11-01');
INSERT INTO documents (id, matter_id, sha256, filename, size_bytes, original_key, status, retry_requested,
    created_at, updated_at)
VALUES (1, 1, 'a', 'ok.pdf', 1, 'k', 'done', false, '2026-11-01', '2026-11-01'),
       (2, 1, 'b', 'locked.pdf', 1, 'k', 'failed', false, '2026-11-01', '2026-11-01');
INSERT INTO stage_states (id, document_id, stage, version, status, completed_at)
VALUES (1, 1, 'extract', 'v', 'done', '2026-11-01'), (2, 2, 'render', 'v', 'failed', '2026-11-01');
INSERT INTO pages (id, document_id, number, image_key, thumbnail_key, width, height, rotation_applied,
    skew_corrected, status)
VALUES (1, 1, 1, 'i', 't', 10, 10, 0, 0, 'ocr_done');
INSERT INTO extractions (id, document_id, page_number, engine, model, version, status, fields, confidence,
    tokens_in, tokens_out, latency_s, escalated, needs_review, errors, created_at)
VALUES (1, 1, 1, 'vlm', 'm', 'v', 'invalid', '{}', 0, 0, 0, 0, false, false, '[]', '2026-11-01'),
       (2, 1, 2, 'vlm', 'm', 'v', 'failed', '{}', 0, 0, 0, 0, false, false, '[]', '2026-11-01'),
       (3, 1, NULL, 'vlm', 'm', 'v', 'ok', '{}', 0.9, 0, 0, 0, false, true, '[]', '2026-11-01');
INSERT INTO runs (id, kind, status, started_at, heartbeat_at, host, pid, sources, counts)
VALUES (1, 'ingest', 'succeeded', '2026-11-01', '2026-11-01', 'h', 1, '[]', '{}');
"""


def test_rows_in_the_old_words_come_out_in_the_one_vocabulary(database_url):
    engine = create_db_engine(database_url)
    migrate(engine, "0004")
    with engine.begin() as connection:
        for statement in filter(str.strip, OLD_ROWS.split(";")):
            connection.execute(text(statement))
    engine.dispose()

    db = open_database(database_url)  # migrates to the newest revision
    with db.engine.connect() as connection:

        def rows(query: str) -> list[tuple]:
            return [tuple(row) for row in connection.execute(text(query))]

        assert rows("SELECT id, status FROM documents ORDER BY id") == [(1, "ok"), (2, "failed")]
        assert rows("SELECT id, status, failure FROM stage_states ORDER BY id") == [
            (1, "ok", None),
            (2, "failed", "permanent"),  # only a bad input was ever recorded failed
        ]
        assert rows("SELECT id, status, failure FROM extractions ORDER BY id") == [
            (1, "failed", "invalid"),
            (2, "failed", "transient"),  # the server gave no answer: the next run asks again
            (3, "needs_review", None),
        ]
        assert rows("SELECT status FROM runs") == [("ok",)]
    # The pages' own status column is gone: the OCR stage's state says what it said.
    assert "status" not in {column["name"] for column in inspect(db.engine).get_columns("pages")}
    db.dispose()
