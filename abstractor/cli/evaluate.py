"""`abstractor eval`: score extraction on the golden set and write the accuracy report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from abstractor.cli.common import Exit, fail, load_settings, print_json
from abstractor.jobs import eval_job
from abstractor.prefect_env import configure_prefect


def evaluate(
    goldset: Annotated[
        Path | None, typer.Option(help="Golden set folder (documents + labels.jsonl).")
    ] = None,
    split: Annotated[str, typer.Option(help="dev, test, or all.")] = "test",
    engine: Annotated[
        str | None, typer.Option(help="rules, vlm or auto; default: the configured one.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Report folder; default <data_home>/reports/<time>.")
    ] = None,
    accept: Annotated[bool, typer.Option(help="Make this run the regression baseline.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as one JSON object.")] = False,
) -> None:
    """Run extraction on the golden set with the production code path and score it.

    Writes report.html and metrics.json. Exit status: 0 ok; 4 a field's F1 fell below the accepted
    baseline's 95% bootstrap interval; 2 bad usage.
    """
    settings = load_settings()
    if split not in ("dev", "test", "all"):
        fail(f"--split must be dev, test or all, not {split!r}")
    if engine is not None and engine not in ("rules", "vlm", "auto"):
        fail(f"--engine must be rules, vlm or auto, not {engine!r}")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    job = eval_job(
        settings,
        goldset=goldset,
        split=None if split == "all" else split,
        engine=engine,
        out_dir=out or settings.data_home / "reports" / stamp,
        accept=accept,
    )
    configure_prefect(settings)
    from flows.eval_flow import nightly_eval  # Prefect reads its environment on import

    try:
        outcome = nightly_eval(job)
    except ValueError as error:
        fail(str(error))
    if as_json:
        print_json(outcome["metrics"])
    else:
        metrics = outcome["metrics"]
        typer.echo(
            f"Eval run {outcome['run']}: {metrics['documents']} documents, micro F1 "
            f"{metrics['micro_f1']:.3f}, macro F1 {metrics['macro_f1']:.3f}"
        )
        typer.echo(f"report: {outcome['report']}")
    if outcome["regressed"]:
        typer.echo(f"regressed fields: {', '.join(outcome['regressed'])}", err=True)
        raise typer.Exit(int(Exit.regression))


def register(app: typer.Typer) -> None:
    app.command(name="eval")(evaluate)
