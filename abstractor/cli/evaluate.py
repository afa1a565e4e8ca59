"""`abstractor eval`: score extraction on the golden set and write the accuracy report."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from abstractor.cli.common import Exit, fail, load_settings, print_json
from abstractor.jobs import compare_candidates, eval_job
from abstractor.prefect_env import configure_prefect
from abstractor.settings import Settings
from goldset.sets import VARIANTS
from pipeline.engine_comparison import run_compare
from pipeline.evaluation import EvalJob


def evaluate(
    goldset: Annotated[
        str | None,
        typer.Option(
            help="A golden set: synthetic (the default), cuad, or a folder (documents + labels.jsonl)."
        ),
    ] = None,
    split: Annotated[str, typer.Option(help="dev, test, or all.")] = "test",
    variant: Annotated[
        str | None,
        typer.Option(
            help="scanned (degraded copies; the default for synthetic and cuad) or born-digital "
            "(the documents as they are; the default for a folder)."
        ),
    ] = None,
    engine: Annotated[
        str | None, typer.Option(help="rules, vlm or auto; default: the configured one.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Report folder; default <data_home>/reports/<time>.")
    ] = None,
    accept: Annotated[bool, typer.Option(help="Make this run the regression baseline.")] = False,
    compare: Annotated[
        str | None,
        typer.Option(
            help="Rank several engines: rules, small, large, cascade or extraction.candidates names."
        ),
    ] = None,
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
    if variant is not None and variant not in VARIANTS:
        fail(f"--variant must be {' or '.join(VARIANTS)}, not {variant!r}")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    try:
        job = eval_job(
            settings,
            goldset=goldset,
            split=None if split == "all" else split,
            engine=engine,
            out_dir=out or settings.data_home / "reports" / stamp,
            accept=accept,
            variant="scanned" if variant == "scanned" else "born-digital" if variant else None,
        )
    except ValueError as error:
        fail(str(error))
    if compare is not None:
        _compare(settings, job, [name.strip() for name in compare.split(",") if name.strip()], as_json)
        return
    configure_prefect(settings)
    from flows.eval_flow import nightly_eval  # Prefect reads its environment on import

    try:
        (outcome,) = nightly_eval(job)["runs"]
    except ValueError as error:
        fail(str(error))
    if as_json:
        print_json(outcome["metrics"])
    else:
        metrics = outcome["metrics"]
        typer.echo(
            f"Eval run {outcome['run']} ({metrics['goldset']}, {metrics['variant']}): "
            f"{metrics['documents']} documents, micro F1 "
            f"{metrics['micro_f1']:.3f}, macro F1 {metrics['macro_f1']:.3f}"
        )
        if metrics.get("clause_macro_f1") is not None:
            typer.echo(
                f"clause presence: macro F1 {metrics['clause_macro_f1']:.3f} over "
                f"{metrics['clause_macro_categories']} categories (coverage {metrics['clause_coverage']:.0%})"
            )
        typer.echo(f"report: {outcome['report']}")
    if outcome["regressed"]:
        typer.echo(f"regressed fields: {', '.join(outcome['regressed'])}", err=True)
        raise typer.Exit(int(Exit.regression))


def _compare(settings: Settings, job: EvalJob, names: list[str], as_json: bool) -> None:
    try:
        candidates = compare_candidates(settings, names)
        results, html = run_compare(job, candidates)
    except ValueError as error:
        fail(str(error))
    if as_json:
        print_json(json.loads(html.with_name("compare.json").read_text()))
        return
    for result in sorted(results, key=lambda r: r.micro_f1 or 0.0, reverse=True):
        cost = "CPU only" if result.cost_per_1000_pages is None else f"${result.cost_per_1000_pages:,.2f}"
        typer.echo(f"{result.name:12s} micro F1 {result.micro_f1 or 0:.3f}  cost/1,000 pages {cost}")
    typer.echo(f"report: {html}")


def register(app: typer.Typer) -> None:
    app.command(name="eval")(evaluate)
