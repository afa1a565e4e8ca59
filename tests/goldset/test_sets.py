"""Named golden sets: `abstractor eval --goldset synthetic|cuad|DIR` and the variant each scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from abstractor.jobs import eval_job, scheduled_eval_job
from abstractor.settings import Settings
from goldset.labels import load_goldset, write_labels
from goldset.sets import NAMED, resolve_goldset

REPO = Path(__file__).resolve().parents[2]


def _job(tmp_path: Path, goldset: str | Path | None, variant: str | None = None):
    settings = Settings(data_home=tmp_path / "home")
    return eval_job(
        settings, goldset=goldset, split="test", engine="rules", out_dir=tmp_path / "out", accept=False,
        variant=variant,  # type: ignore[arg-type]
    )  # fmt: skip


def test_cuad_resolves_to_the_committed_set_scored_as_scans(tmp_path: Path) -> None:
    job = _job(tmp_path, "cuad")
    assert (job.goldset_name, job.goldset_dir, job.variant) == ("cuad", REPO / "goldset" / "cuad", "scanned")
    assert len(load_goldset(job.goldset_dir, split="test")) > 80
    assert _job(tmp_path, "cuad", "born-digital").variant == "born-digital"


def test_synthetic_stays_the_default_and_its_folder_is_the_same_set(tmp_path: Path) -> None:
    default = _job(tmp_path, None)
    assert (default.goldset_name, default.variant) == ("synthetic", "scanned")
    assert _job(tmp_path, REPO / "goldset" / "data").goldset_name == "synthetic"


def test_a_folder_is_an_external_set_scored_as_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "gold"
    folder.mkdir()
    write_labels(folder, [])
    job = _job(tmp_path, str(folder))
    assert (job.goldset_name, job.goldset_dir, job.variant) == (str(folder), folder, "born-digital")
    assert _job(tmp_path, str(folder), "scanned").variant == "scanned"


def test_an_unknown_name_says_what_exists(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="synthetic, cuad"):
        resolve_goldset("nonesuch")
    assert set(NAMED) == {"synthetic", "cuad"}


def test_the_nightly_eval_scores_both_shipped_sets_each_into_its_own_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ABSTRACTOR_DATA_HOME", str(tmp_path / "home"))
    jobs = scheduled_eval_job()
    # Extraction on both sets; search too on cuad, the set with a query set.
    assert [(type(job).__name__, job.goldset_name, job.split, job.variant) for job in jobs] == [
        ("EvalJob", "synthetic", "test", "scanned"),
        ("EvalJob", "cuad", "test", "scanned"),
        ("SearchEvalJob", "cuad", "test", "scanned"),
    ]
    assert len({job.out_dir for job in jobs}) == 3
