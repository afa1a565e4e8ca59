"""`eval --compare`: several engines on the same split with the production path, ranked by F1 and cost."""

from __future__ import annotations

from pathlib import Path

from extractors.engines.config import ExtractionConfig
from goldset.engine_ranking import CandidateResult, write_comparison
from pipeline.evaluation import EvalJob, EvalOutcome, run_eval


def _result(name: str, outcome: EvalOutcome, out_dir: Path) -> CandidateResult:
    cost = outcome.metrics.cost
    return CandidateResult(
        name=name,
        engine_version=outcome.engine_version,
        micro_f1=outcome.metrics.micro_f1,
        macro_f1=outcome.metrics.macro_f1,
        cost_per_1000_pages=cost.cost_per_1000_pages if cost is not None else None,
        escalation_rate=cost.escalation_rate if cost is not None else None,
        report=str(outcome.report_html.relative_to(out_dir)),
        tokens_in_per_page=cost.tokens_in_per_page if cost is not None else None,
        tokens_out_per_page=cost.tokens_out_per_page if cost is not None else None,
        unpriced_models=cost.unpriced_models if cost is not None else [],
        cost_basis=cost.cost_basis if cost is not None else None,
    )


def run_compare(job: EvalJob, candidates: dict[str, ExtractionConfig]) -> tuple[list[CandidateResult], Path]:
    """Each candidate scored in a work folder and report of its own; then the comparison report."""
    results = []
    for name, extraction in candidates.items():
        outcome = run_eval(
            job.model_copy(
                update={
                    "label": name,
                    "out_dir": job.out_dir / name,
                    "work_dir": job.work_dir / name,
                    "ingest": job.ingest.model_copy(update={"extraction": extraction}),
                }
            )
        )
        results.append(_result(name, outcome, job.out_dir))
    html, _json = write_comparison(results, job.out_dir)
    return results, html
