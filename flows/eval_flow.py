"""The Prefect flow `nightly-eval`: score the golden sets and publish their summaries as an artifact."""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.scheduled import scheduled_job
from pipeline.evaluation import EvalJob, EvalOutcome, run_eval
from pipeline.search_evaluation import FUSED, SearchEvalJob, SearchEvalOutcome, run_search_eval


def _summary_markdown(outcome: EvalOutcome) -> str:
    metrics = outcome.metrics
    lines = [
        f"# Accuracy run {outcome.run_id} ({metrics.engine}; {metrics.goldset}, {metrics.variant})",
        "",
        f"{metrics.documents} documents; micro F1 **{metrics.micro_f1:.3f}**, "
        f"macro F1 {metrics.macro_f1:.3f}; all fields right in {metrics.all_fields_right:.0%} of documents.",
        "",
    ]
    if metrics.clause_macro_f1 is not None:
        lines += [
            f"Clause presence: macro F1 **{metrics.clause_macro_f1:.3f}** over the "
            f"{metrics.clause_macro_categories} categories with at least 8 labelled documents.",
            "",
        ]
    lines += [
        "| field | precision | recall | F1 | support |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, field in metrics.fields.items():
        cells = [field.precision, field.recall, field.f1]
        lines.append(
            f"| {name} | "
            + " | ".join("-" if c is None else f"{c:.3f}" for c in cells)
            + f" | {field.support} |"
        )
    if outcome.regressed:
        lines += ["", f"**Regressed:** {', '.join(outcome.regressed)}"]
    lines += ["", f"Report: {outcome.report_html}"]
    return "\n".join(lines)


def _search_markdown(outcome: SearchEvalOutcome, job: SearchEvalJob) -> str:
    fused = outcome.metrics[FUSED]
    lines = [
        f"# Search quality run {outcome.run_id} ({job.goldset_name}, {job.variant}, {job.split or 'all'})",
        "",
        f"{fused.queries} queries ({fused.unanswerable} that no document answers).",
        "",
        "| channels | doc nDCG@5 | doc nDCG@10 | doc recall@10 | doc MRR | page nDCG@5 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, metrics in outcome.metrics.items():
        doc, page = metrics.documents, metrics.pages
        cells = [doc and doc.ndcg_at_5, doc and doc.ndcg_at_10, doc and doc.recall_at_10, doc and doc.mrr]
        cells.append(page and page.ndcg_at_5)
        lines.append(f"| {name} | " + " | ".join("-" if c is None else f"{c.mean:.3f}" for c in cells) + " |")
    if outcome.regressed:
        lines += ["", f"**Regressed:** {', '.join(outcome.regressed)}"]
    lines += ["", f"Report: {outcome.report_html}"]
    return "\n".join(lines)


@flow(name="nightly-eval")
def nightly_eval(job: EvalJob | SearchEvalJob | None = None) -> dict:
    """Run golden sets through extraction and their query sets through search, score them, record them
    and write their reports: `job`, or (a scheduled run) every set the settings name, each built in the
    worker when the run starts and recorded as a run of its own, so each keeps its own trend and baseline.
    """
    jobs: list[EvalJob | SearchEvalJob] = [job] if job is not None else scheduled_job("eval")
    extraction = [each for each in jobs if isinstance(each, EvalJob)]
    searches = [each for each in jobs if isinstance(each, SearchEvalJob)]
    outcomes = [run_eval(each) for each in extraction]
    search_outcomes = [(run_search_eval(each), each) for each in searches]
    if outcomes:
        create_markdown_artifact(
            key="accuracy-summary",
            markdown="\n\n".join(_summary_markdown(outcome) for outcome in outcomes),
            description="Golden-set accuracy",
        )
    if search_outcomes:
        create_markdown_artifact(
            key="search-quality-summary",
            markdown="\n\n".join(_search_markdown(outcome, each) for outcome, each in search_outcomes),
            description="Golden-set search quality",
        )
    return {
        "search_runs": [
            {
                "run": outcome.run_id,
                "metrics": {name: m.model_dump(mode="json") for name, m in outcome.metrics.items()},
                "regressed": outcome.regressed,
                "report": str(outcome.report_html),
                "failed_documents": outcome.failed_documents,
                "text_version": outcome.text_version,
                "cosine_rankings": outcome.cosine_rankings,
            }
            for outcome, _ in search_outcomes
        ],
        "runs": [
            {
                "run": outcome.run_id,
                "metrics": outcome.metrics.model_dump(mode="json", exclude={"outcomes"}),
                "regressed": outcome.regressed,
                "report": str(outcome.report_html),
                "failed_documents": outcome.failed_documents,
            }
            for outcome in outcomes
        ],
    }
