"""`abstractor eval`: score extraction on the golden set and write the accuracy report."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from abstractor.cli.common import Exit, fail, load_settings, print_json
from abstractor.cli.progress import RunProgress
from abstractor.jobs import compare_candidates, eval_job, search_eval_job
from abstractor.prefect_env import configure_prefect
from abstractor.settings import Settings
from goldset.sets import VARIANTS, Variant
from pipeline.engine_comparison import run_compare
from pipeline.evaluation import EvalJob
from pipeline.search_evaluation import SearchEvalJob
from retrieval.relevance import fit_calibration


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
    search: Annotated[
        bool,
        typer.Option(
            "--search",
            help="Score search instead of extraction: the golden set's query set (queries.jsonl), "
            "fused and per channel.",
        ),
    ] = False,
    calibrate: Annotated[
        Path | None,
        typer.Option(
            help="With --search --split dev: fit the search relevance calibration and floor on this run "
            "and write it to this file (the packaged one is retrieval/model/relevance-v1.json)."
        ),
    ] = None,
) -> None:
    """Run extraction on the golden set with the production code path and score it.

    Writes report.html and metrics.json. With --search, indexes the split's documents and asks its
    query set instead: nDCG@5/@10, recall@10 and MRR at document and page level. Exit status: 0 ok;
    4 a field's F1 (with --search: a headline search metric) fell below the accepted baseline's 95%
    bootstrap interval; 2 bad usage.
    """
    settings = load_settings()
    if split not in ("dev", "test", "all"):
        fail(f"--split must be dev, test or all, not {split!r}")
    if engine is not None and engine not in ("rules", "vlm", "auto"):
        fail(f"--engine must be rules, vlm or auto, not {engine!r}")
    if variant is not None and variant not in VARIANTS:
        fail(f"--variant must be {' or '.join(VARIANTS)}, not {variant!r}")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    if search:
        if engine is not None or compare is not None:
            fail("--search scores search: --engine and --compare are for extraction")
        if calibrate is not None and split != "dev":
            fail("--calibrate fits on the dev split only: add --split dev")
        reports = out or settings.data_home / "reports" / stamp
        _search(settings, goldset, split, variant, reports, accept, as_json, calibrate)
        return
    if calibrate is not None:
        fail("--calibrate is for --search")
    try:
        job = eval_job(
            settings,
            goldset=goldset,
            split=None if split == "all" else split,
            engine=engine,
            out_dir=out or settings.data_home / "reports" / stamp,
            accept=accept,
            variant=_variant(variant),
        )
    except ValueError as error:
        fail(str(error))
    if compare is not None:
        _compare(settings, job, [name.strip() for name in compare.split(",") if name.strip()], as_json)
        return
    configure_prefect(settings)
    from flows.eval_flow import nightly_eval  # Prefect reads its environment on import

    try:
        with RunProgress("eval"):
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


def _search(
    settings: Settings,
    goldset: str | None,
    split: str,
    variant: str | None,
    out: Path,
    accept: bool,
    as_json: bool,
    calibrate: Path | None,
) -> None:
    try:
        job = search_eval_job(
            settings,
            goldset=goldset,
            split=None if split == "all" else split,
            out_dir=out,
            accept=accept,
            variant=_variant(variant),
        )
    except ValueError as error:
        fail(str(error))
    configure_prefect(settings)
    from flows.eval_flow import nightly_eval  # Prefect reads its environment on import

    try:
        with RunProgress("eval"):
            (outcome,) = nightly_eval(job)["search_runs"]
    except ValueError as error:
        fail(str(error))
    if calibrate is not None:
        _write_calibration(outcome, job, calibrate)
    if as_json:
        print_json(outcome["metrics"])
    else:
        typer.echo(f"Search eval run {outcome['run']} ({job.goldset_name}, {job.variant}, {split}):")
        for name, metrics in outcome["metrics"].items():
            typer.echo(f"  {name:7s} {_figures(metrics)}")
        typer.echo(f"report: {outcome['report']}")
    if outcome["regressed"]:
        typer.echo(f"regressed: {', '.join(outcome['regressed'])}", err=True)
        raise typer.Exit(int(Exit.regression))


def _variant(variant: str | None) -> Variant | None:
    """The checked --variant as the jobs take it (None: the set's default)."""
    return "scanned" if variant == "scanned" else "born-digital" if variant else None


def _figures(metrics: dict) -> str:
    """One line of a channel's headline figures (a level without graded queries reads '-')."""

    def mean(level: str, figure: str) -> str:
        found = metrics[level]
        return "-" if found is None else f"{found[figure]['mean']:.3f}"

    return (
        f"document nDCG@5 {mean('documents', 'ndcg_at_5')}  nDCG@10 {mean('documents', 'ndcg_at_10')}  "
        f"recall@10 {mean('documents', 'recall_at_10')}  MRR {mean('documents', 'mrr')}  | "
        f"page nDCG@5 {mean('pages', 'ndcg_at_5')}"
    )


def _write_calibration(outcome: dict, job: SearchEvalJob, path: Path) -> None:
    fitted_on = {
        "goldset": job.goldset_name,
        "split": job.split,
        "variant": job.variant,
        "run": outcome["run"],
    }
    try:
        calibration = fit_calibration(outcome["cosine_rankings"], outcome["text_version"], fitted_on)
    except ValueError as error:
        fail(f"no calibration written: {error}")
    calibration.save(path)
    found = calibration.fitted_on
    typer.echo(
        f"calibration: floor {calibration.floor:.3f} (cosine {found['floor_cosine']:.3f}, balanced accuracy "
        f"{found['floor_balanced_accuracy']:.3f} over {found['queries']} queries) -> {path}"
    )


def _compare(settings: Settings, job: EvalJob, names: list[str], as_json: bool) -> None:
    try:
        candidates = compare_candidates(settings, names)
        with RunProgress("eval"):
            results, html = run_compare(job, candidates)
    except ValueError as error:
        fail(str(error))
    if as_json:
        print_json(json.loads(html.with_name("compare.json").read_text()))
        return
    for result in sorted(results, key=lambda r: r.micro_f1 or 0.0, reverse=True):
        typer.echo(
            f"{result.name:12s} micro F1 {result.micro_f1 or 0:.3f}  tokens in/out per page "
            f"{result.tokens_label}  cost/1,000 pages {result.cost_label}"
        )
    typer.echo(f"report: {html}")


def register(app: typer.Typer) -> None:
    app.command(name="eval")(evaluate)
