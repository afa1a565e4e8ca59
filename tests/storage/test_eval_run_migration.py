"""Migration 0006: stored accuracy runs name their golden set, on both databases."""

from __future__ import annotations

import json

from sqlalchemy import text

from storage.db import open_database
from storage.db.engine import create_db_engine, migrate
from storage.db.queries import eval_runs


def test_stored_runs_get_the_golden_set_their_metrics_name(database_url):
    engine = create_db_engine(database_url)
    migrate(engine, "0005")
    named = json.dumps({"goldset": "cuad", "variant": "scanned", "clause_macro_f1": 0.61})
    with engine.begin() as connection:
        for run_id, metrics in ((1, named), (2, json.dumps({"micro_f1": 0.8}))):
            connection.execute(
                text(
                    "INSERT INTO eval_runs (id, created_at, engine, engine_version, split, goldset_hash,"
                    " documents, micro_f1, macro_f1, metrics, accepted, regressed_fields)"
                    " VALUES (:id, '2026-11-01', 'rules', 'v', 'test', 'h', 3, 0.8, 0.7, :metrics,"
                    " false, '[]')"
                ),
                {"id": run_id, "metrics": metrics},
            )
    engine.dispose()

    db = open_database(database_url)  # migrates to the newest revision
    runs = {run["id"]: run for run in eval_runs(db)}
    assert (runs[1]["goldset"], runs[1]["variant"], runs[1]["clause_macro_f1"]) == ("cuad", "scanned", 0.61)
    # A run from before sets had names scored the synthetic set.
    assert (runs[2]["goldset"], runs[2]["variant"], runs[2]["clause_macro_f1"]) == ("synthetic", None, None)
    db.dispose()
