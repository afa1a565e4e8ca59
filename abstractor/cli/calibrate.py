"""`abstractor calibrate`: the cascade's escalation threshold, measured on the golden set's dev split."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from abstractor.cli.common import fail, load_settings, print_json
from abstractor.jobs import eval_job
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
    """Pick the escalation threshold that reaches TARGET accuracy with the fewest escalations.

    Runs the small model alone on the split, stores the threshold as a versioned record that the cascade
    reads (extraction.threshold_override wins over it), and writes the report (accuracy and escalation
    rate against the threshold).
    """
    settings = load_settings()
    if split not in ("dev", "test", "all"):
        fail(f"--split must be dev, test or all, not {split!r}")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    try:
        job = eval_job(
            settings,
            goldset=goldset,
            split=None if split == "all" else split,
            engine="vlm",
            out_dir=out or settings.data_home / "reports" / f"calibration-{stamp}",
            accept=False,
        )
        outcome = run_calibration(job, target)
    except ValueError as error:
        fail(str(error))
    result = {
        "calibration": outcome.calibration_id,
        "threshold": outcome.threshold,
        "accuracy": outcome.accuracy,
        "escalation_rate": outcome.escalation_rate,
        "reached_target": outcome.reached_target,
        "curve": [point.model_dump() for point in outcome.curve],
    }
    if as_json:
        print_json(result)
        return
    accuracy = "n/a" if outcome.accuracy is None else f"{outcome.accuracy:.3f}"
    typer.echo(
        f"threshold {outcome.threshold:.2f}: accuracy {accuracy}, "
        f"{outcome.escalation_rate:.1%} of answers escalated"
        + ("" if outcome.reached_target else f" (target {target} not reached)")
    )


def register(app: typer.Typer) -> None:
    app.command()(calibrate)
