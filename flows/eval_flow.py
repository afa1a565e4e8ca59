"""The Prefect flow `nightly-eval`: score the golden sets and publish their summaries as an artifact."""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.scheduled import scheduled_job
from pipeline.evaluation import EvalJob, EvalOutcome, run_eval


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


@flow(name="nightly-eval")
def nightly_eval(job: EvalJob | None = None) -> dict:
    """Run golden sets through extraction, score them, record them and write their reports: `job`'s
    set, or (a scheduled run) every set the settings name, each built in the worker when the run starts
    and recorded as a run of its own, so each set keeps its own trend and baseline.
    """
    jobs: list[EvalJob] = [job] if job is not None else scheduled_job("eval")
    outcomes = [run_eval(each) for each in jobs]
    create_markdown_artifact(
        key="accuracy-summary",
        markdown="\n\n".join(_summary_markdown(outcome) for outcome in outcomes),
        description="Golden-set accuracy",
    )
    return {
        "runs": [
            {
                "run": outcome.run_id,
                "metrics": outcome.metrics.model_dump(mode="json", exclude={"outcomes"}),
                "regressed": outcome.regressed,
                "report": str(outcome.report_html),
                "failed_documents": outcome.failed_documents,
            }
            for outcome in outcomes
        ]
    }
