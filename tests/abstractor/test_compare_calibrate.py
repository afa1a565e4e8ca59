"""`eval --compare` and `calibrate` against the real vLLM server (a tiny random-weight model)."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from extractors.vlm.cost import Throughput, write_throughput
from goldset.engine_ranking import CandidateResult, knee
from goldset.labels import GoldDocument, load_goldset, write_labels
from storage.db import Calibration, open_database

ABSTRACTOR = Path(sys.executable).with_name("abstractor")
REPO = Path(__file__).resolve().parents[2]


def _two_document_set(folder: Path) -> Path:
    gold = {doc.document: doc for doc in load_goldset(REPO / "goldset" / "data", split="test")}
    (folder / "documents").mkdir(parents=True)
    chosen = []
    for name in ("nda-0021.pdf", "nda-0063.pdf"):
        assert gold[name].path is not None
        (folder / "documents" / name).symlink_to(gold[name].path)
        chosen.append(GoldDocument(document=name, split="test", fields=gold[name].fields))
    write_labels(folder, chosen)
    return folder


# The small model self-hosted, its pages/hour from a throughput file (as bench/vlm_client.py --write leaves
# it; the figure here is made up, the test checks the arithmetic); the large one priced per token.
SMALL_PRICE = {"kind": "gpu", "gpu_hour_price": 2.0, "source": "test", "as_of": "2026-12-06"}
LARGE_PRICE = {
    "kind": "tokens",
    "input_per_million": 1.0,
    "output_per_million": 4.0,
    "source": "test",
    "as_of": "2026-12-06",
}


def _throughput_file(folder: Path, small: Throughput) -> Path:
    path = folder / "throughput.json"
    write_throughput(path, "small", small)
    return path


def _env(home: Path, ocr_cache_dir: Path, url: str, small: Throughput) -> dict[str, str]:
    return {
        **os.environ,
        "ABSTRACTOR_DATA_HOME": str(home),
        "ABSTRACTOR_OCR_CACHE_DIR": str(ocr_cache_dir),
        "ABSTRACTOR_EXTRACTION__SMALL__BASE_URL": url,
        "ABSTRACTOR_EXTRACTION__SMALL__MODEL": "small",
        "ABSTRACTOR_EXTRACTION__LARGE__BASE_URL": url,
        "ABSTRACTOR_EXTRACTION__LARGE__MODEL": "large",
        # A random-weight model writes every string to its bound: the whole schema's answer needs more
        # than the default 1,024 tokens (as in the other vllm tests).
        "ABSTRACTOR_EXTRACTION__SMALL__MAX_TOKENS": "2048",
        "ABSTRACTOR_EXTRACTION__LARGE__MAX_TOKENS": "2048",
        # The tiny checkpoint's own 224 px image limit: a 1,288 px page's ~1,650 tokens would leave the
        # answer less than its 2,048 in the 8,192 served.
        "ABSTRACTOR_EXTRACTION__SMALL__MAX_IMAGE_SIDE": "224",
        "ABSTRACTOR_EXTRACTION__LARGE__MAX_IMAGE_SIDE": "224",
        "ABSTRACTOR_EXTRACTION__PRICES": json.dumps({"small": SMALL_PRICE, "large": LARGE_PRICE}),
        "ABSTRACTOR_EXTRACTION__THROUGHPUT_FILE": str(_throughput_file(home.parent, small)),
    }


@pytest.mark.vllm
@pytest.mark.slow
def test_compare_ranks_engines_and_calibrate_stores_a_threshold_the_cascade_reads(
    tmp_path, ocr_cache_dir, vllm_server, throughput_at
):
    goldset = _two_document_set(tmp_path / "gold")
    home = tmp_path / "home"
    env = _env(home, ocr_cache_dir, vllm_server, throughput_at(3600.0))

    compared = subprocess.run(
        [
            str(ABSTRACTOR),
            "eval",
            "--goldset",
            str(goldset),
            "--compare",
            "rules,small,large,cascade",
            "--out",
            str(tmp_path / "compare"),
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert compared.returncode == 0, compared.stderr[-3000:]
    ranking = json.loads(compared.stdout)
    assert sorted(ranking["by_f1"]) == ["cascade", "large", "rules", "small"]
    found = {c["name"]: c for c in ranking["candidates"]}
    costs = {name: c["cost_per_1000_pages"] for name, c in found.items()}
    assert costs["rules"] is None and found["rules"]["cost"] == "CPU only"
    for name in ("small", "large", "cascade"):  # the server's usage of every request, both models'
        assert found[name]["tokens_in_per_page"] > 0 and found[name]["tokens_out_per_page"] > 0
        assert found[name]["unpriced_models"] == [] and found[name]["cost_basis"] == "measured"
    # Every request of the small model is one measured page's share of the GPU hour; retries pay too.
    one_request = 1000 * 2.0 / 3600 * (1 - 1e-9)  # the slack of a float sum over pages
    assert costs["small"] >= one_request
    large = found["large"]
    expected = 1000 * (large["tokens_in_per_page"] * 1.0 + large["tokens_out_per_page"] * 4.0) / 1e6
    assert costs["large"] == pytest.approx(expected)
    assert costs["cascade"] >= one_request  # escalated pages pay the large model too
    assert (tmp_path / "compare" / "compare.html").is_file()
    assert (tmp_path / "compare" / "small" / "report.html").is_file()

    calibrated = subprocess.run(
        [
            str(ABSTRACTOR),
            "calibrate",
            "--goldset",
            str(goldset),
            "--split",
            "test",
            "--target",
            "0.5",
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert calibrated.returncode == 0, calibrated.stderr[-3000:]
    result = json.loads(calibrated.stdout)
    assert 0.0 <= result["threshold"] <= 1.0 and result["curve"]
    assert result["points"] > 0  # the values the pages found, scored against the labels
    assert Path(result["report"]).is_file()
    db = open_database(f"sqlite:///{home / 'abstractor.db'}")
    with db.session() as session:
        (record,) = session.scalars(select(Calibration))
        assert record.threshold == result["threshold"]
        assert record.engine_version.startswith("vlm:small:") and ":cal-" not in record.engine_version
        assert record.map_version == result["map_version"] and record.points == result["points"]
        assert record.confidence_map is not None and len(record.reliability_calibrated or []) == 10
    db.dispose()

    # The cascade of the next ingest reads the calibrated threshold, and its version says so.
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "from abstractor.settings import Settings; from abstractor.jobs import ingest_job; "
            "from pipeline.ingest_setup import build_context; "
            "c = build_context(ingest_job(Settings(), ['x'], None)); "
            "print(c.engine.config.threshold, c.engine.small.version); c.close()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    threshold, small_version = check.stdout.split()
    assert float(threshold) == result["threshold"]
    assert small_version.endswith(f":cal-{result['map_version']}")  # and the small model its maps

    # And eval scores that same cascade: the calibrated threshold, named in its metrics and report.
    scored = subprocess.run(
        [str(ABSTRACTOR), "eval", "--goldset", str(goldset), "--out", str(tmp_path / "after"), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert scored.returncode in (0, 4), scored.stderr[-3000:]  # 4: below a baseline, still scored
    version = json.loads(scored.stdout)["engine_version"]
    assert version.startswith("cascade[") and f"|t={result['threshold']}|" in version
    assert f":cal-{result['map_version']}" in version
    metrics = json.loads((tmp_path / "after" / "metrics.json").read_text())
    assert metrics["page_calibration"]["calibration"] == result["map_version"]
    assert html.escape(version) in (tmp_path / "after" / "report.html").read_text()


def _candidate(name: str, f1: float, cost: float | None) -> CandidateResult:
    return CandidateResult(
        name=name,
        engine_version=name,
        micro_f1=f1,
        macro_f1=f1,
        cost_per_1000_pages=cost,
        escalation_rate=None,
        report=f"{name}/report.html",
    )


def test_the_knee_is_where_more_quality_starts_to_cost_disproportionately_more():
    candidates = [
        _candidate("rules", 0.80, None),  # no GPU cost: not on the curve
        _candidate("small", 0.85, 1.0),
        _candidate("cascade", 0.93, 1.6),  # most of the gain for little more money
        _candidate("large", 0.95, 7.0),
    ]
    assert knee(candidates) == "cascade"
    assert knee(candidates[:3]) is None  # two priced points make no curve
    assert _candidate("small", 0.85, 1.0).f1_per_dollar == pytest.approx(0.85)
