"""`abstractor eval` end to end: the golden set through ingest and the engine, scored, stored, reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select

from goldset.labels import GoldDocument, load_goldset, write_labels
from goldset.score import Prediction, score
from storage.db import EvalRun, open_database

pytestmark = pytest.mark.slow

ABSTRACTOR = Path(sys.executable).with_name("abstractor")
REPO = Path(__file__).resolve().parents[2]
SMALL_TEST_DOCUMENTS = ("nda-0021.pdf", "nda-0063.pdf")  # 1 and 2 pages: cheap to OCR


def _external_set(folder: Path, *, wrong_law: bool) -> Path:
    """A golden set in the external format: documents + labels.jsonl (here, two of ours)."""
    gold = {doc.document: doc for doc in load_goldset(REPO / "goldset" / "data", split="test")}
    (folder / "documents").mkdir(parents=True)
    chosen = []
    for name in SMALL_TEST_DOCUMENTS:
        document = gold[name]
        assert document.path is not None
        (folder / "documents" / name).symlink_to(document.path)
        fields = document.fields
        if wrong_law:  # labels that disagree with the page: the engine cannot be right on this field
            fields = fields.model_copy(update={"governing_law": "Wyoming"})
        chosen.append(GoldDocument(document=name, split="test", fields=fields))
    write_labels(folder, chosen)
    return folder


def _eval(home: Path, ocr_cache_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ABSTRACTOR_DATA_HOME": str(home), "ABSTRACTOR_OCR_CACHE_DIR": str(ocr_cache_dir)}
    return subprocess.run(
        [str(ABSTRACTOR), "eval", "--engine", "rules", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def test_eval_scores_stores_and_reports(tmp_path, ocr_cache_dir):
    goldset = _external_set(tmp_path / "gold", wrong_law=False)
    home = tmp_path / "home"
    out = tmp_path / "report"
    result = _eval(home, ocr_cache_dir, "--goldset", str(goldset), "--out", str(out), "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = json.loads(result.stdout)
    assert metrics["documents"] == 2
    assert 0.0 <= metrics["micro_f1"] <= 1.0
    assert {"precision", "recall", "f1"} <= set(metrics["fields"]["parties"])
    assert metrics["micro_f1"] > 0  # real extractions off real pages were scored, not empty records

    parser = _Tags()
    parser.feed((out / "report.html").read_text())
    assert parser.tags.count("svg") >= 3
    assert json.loads((out / "metrics.json").read_text())["micro_f1"] == metrics["micro_f1"]

    db = open_database(f"sqlite:///{home / 'abstractor.db'}")
    with db.session() as session:
        (run,) = session.scalars(select(EvalRun))
        assert run.engine == "rules" and run.split == "test" and len(run.goldset_hash) == 64
        assert run.micro_f1 == metrics["micro_f1"]
    db.dispose()


def test_a_field_that_falls_below_the_accepted_baseline_exits_4(tmp_path, ocr_cache_dir):
    # The accepted baseline: every field right on 25 documents (the labels scored against themselves).
    gold = load_goldset(REPO / "goldset" / "data", split="test")[:25]
    perfect = score({doc.document: Prediction(fields=doc.fields) for doc in gold}, gold, engine="rules")
    home = tmp_path / "home"
    db = open_database(f"sqlite:///{home / 'abstractor.db'}")
    with db.session() as session:
        session.add(
            EvalRun(
                engine="rules",
                engine_version="baseline",
                split="test",
                goldset_hash="0" * 64,
                documents=25,
                micro_f1=1.0,
                macro_f1=1.0,
                metrics=perfect.model_dump(mode="json"),
                accepted=True,
            )
        )
    db.dispose()

    goldset = _external_set(tmp_path / "gold", wrong_law=True)
    result = _eval(home, ocr_cache_dir, "--goldset", str(goldset), "--out", str(tmp_path / "report"))
    assert result.returncode == 4, result.stdout + result.stderr[-3000:]
    assert "governing_law" in result.stderr


CUAD_DOCUMENTS = (  # dev split, one page each: the OCR of their scans is cheap
    "FEDERATEDGOVERNMENTINCOMESECURITIESINC_04_28_2020-EX-99.SERV AGREE-SERVICES AGREEMENT_AMENDMENT.pdf",
    "NETZEEINC_11_14_2002-EX-10.3-MAINTENANCE AGREEMENT.PDF",
)


def test_eval_scans_and_scores_cuad_documents_with_their_unlabelled_fields(tmp_path, ocr_cache_dir):
    """Two real CUAD contracts, labels as converted: scanned on first use, fields CUAD lacks not scored."""
    gold = {doc.document: doc for doc in load_goldset(REPO / "goldset" / "cuad", split="dev")}
    folder = tmp_path / "cuad-two"
    (folder / "documents").mkdir(parents=True)
    for name in CUAD_DOCUMENTS:
        assert gold[name].path is not None
        (folder / "documents" / name).symlink_to(gold[name].path)
    write_labels(folder, [gold[name] for name in CUAD_DOCUMENTS])
    home, out = tmp_path / "home", tmp_path / "report"
    args = ("--goldset", str(folder), "--split", "dev", "--variant", "scanned", "--out", str(out), "--json")
    result = _eval(home, ocr_cache_dir, *args)
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = json.loads(result.stdout)
    assert metrics["documents"] == 2 and metrics["missing_predictions"] == 0
    assert (metrics["goldset"], metrics["variant"]) == (str(folder), "scanned")
    signatories = metrics["fields"]["signatories"]
    assert signatories["unlabelled_documents"] == 2  # CUAD has no signatories: nothing counted
    assert (signatories["tp"], signatories["fp"], signatories["fn"], signatories["f1"]) == (0, 0, 0, None)
    assert metrics["fields"]["title"]["support"] == 2
    assert metrics["micro_f1"] is not None
    (scans,) = (home / "cache" / "goldset-scans").iterdir()
    assert sorted(p.stem for p in (scans / "documents").iterdir()) == sorted(
        Path(n).stem for n in CUAD_DOCUMENTS
    )
    assert f"{folder} (scanned)" in (out / "report.html").read_text()
