"""The Prefect flow `nightly-eval`: score the golden set and publish the summary as an artifact."""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.scheduled import scheduled_job
from pipeline.evaluation import EvalJob, EvalOutcome, run_eval


def _summary_markdown(outcome: EvalOutcome) -> str:
    metrics = outcome.metrics
    lines = [
        f"# Accuracy run {outcome.run_id} ({metrics.engine})",
        "",
        f"{metrics.documents} documents; micro F1 **{metrics.micro_f1:.3f}**, "
        f"macro F1 {metrics.macro_f1:.3f}; all fields right in {metrics.all_fields_right:.0%} of documents.",
        "",
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
    """Run the golden set through extraction, score it, record it and write the report.

    Without a job (a scheduled run) the job is built from the settings, in the worker, when the run starts.
    """
    outcome = run_eval(job or scheduled_job("eval"))
    create_markdown_artifact(
        key="accuracy-summary", markdown=_summary_markdown(outcome), description="Golden-set accuracy"
    )
    return {
        "run": outcome.run_id,
        "metrics": outcome.metrics.model_dump(mode="json", exclude={"outcomes"}),
        "regressed": outcome.regressed,
        "report": str(outcome.report_html),
        "failed_documents": outcome.failed_documents,
    }
