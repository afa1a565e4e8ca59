"""`abstractor calibrate`: the cascade's escalation threshold, measured on the golden set's dev split."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from abstractor.cli.common import fail, load_settings, print_json
from abstractor.jobs import eval_job
from goldset.calibration_report import write_calibration_report
from goldset.report import figure
from pipeline.calibration import run_calibration


def calibrate(
    target: Annotated[float, typer.Option(help="Accuracy the kept answers must reach.", min=0, max=1)] = 0.9,
    split: Annotated[str, typer.Option(help="The split to calibrate on; dev keeps test honest.")] = "dev",
    goldset: Annotated[
        str | None, typer.Option(help="A golden set: synthetic (the default), cuad, or a folder.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Report folder.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Fit the small model's confidence maps and pick the escalation threshold reaching TARGET accuracy.

    Runs the small model alone on the split and scores every value a page found. Fits a map per field from
    raw score to the probability of being right, and picks the lowest threshold on those probabilities
    whose kept values reach TARGET (the fewest pages escalated). Stores both as one versioned record that
    ingestion and eval apply (extraction.threshold_override wins over the threshold), and writes
    calibration.html (reliability before and after, the threshold curve) beside the eval report.
    """
    settings = load_settings()
    if split not in ("dev", "test", "all"):
        fail(f"--split must be dev, test or all, not {split!r}")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    out_dir = out or settings.data_home / "reports" / f"calibration-{stamp}"
    try:
        job = eval_job(
            settings,
            goldset=goldset,
            split=None if split == "all" else split,
            engine="vlm",
            out_dir=out_dir,
            accept=False,
        )
        outcome = run_calibration(job, target)
    except ValueError as error:
        fail(str(error))
    report = write_calibration_report(
        out_dir,
        map_version=outcome.map_version,
        points=outcome.points,
        fields_with_own_map=outcome.fields_with_own_map,
        before=outcome.reliability_raw,
        after=outcome.reliability_calibrated,
        ece_raw=outcome.ece_raw,
        ece_calibrated=outcome.ece_calibrated,
        curve=outcome.curve,
        threshold=outcome.threshold,
        target=target,
    )
    result = {
        "calibration": outcome.calibration_id,
        "map_version": outcome.map_version,
        "points": outcome.points,
        "fields_with_own_map": outcome.fields_with_own_map,
        "ece_raw": outcome.ece_raw,
        "ece_calibrated": outcome.ece_calibrated,
        "threshold": outcome.threshold,
        "accuracy": outcome.accuracy,
        "escalation_rate": outcome.escalation_rate,
        "reached_target": outcome.reached_target,
        "curve": [point.model_dump() for point in outcome.curve],
        "report": str(report),
    }
    if as_json:
        print_json(result)
        return
    accuracy = "n/a" if outcome.accuracy is None else f"{outcome.accuracy:.3f}"
    typer.echo(
        f"confidence maps {outcome.map_version} on {outcome.points} page values: ECE "
        f"{figure(outcome.ece_raw)} raw -> {figure(outcome.ece_calibrated)} calibrated (cross-fitted)"
    )
    typer.echo(
        f"threshold {outcome.threshold:.2f}: accuracy {accuracy}, "
        f"{outcome.escalation_rate:.1%} of pages escalated"
        + ("" if outcome.reached_target else f" (target {target} not reached)")
    )
    typer.echo(f"report: {report}")


def register(app: typer.Typer) -> None:
    app.command()(calibrate)
