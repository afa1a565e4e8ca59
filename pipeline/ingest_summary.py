"""The markdown an ingest run publishes as its Prefect artifact: what operations look at every morning."""

from __future__ import annotations

from pipeline.runs import OUTCOMES, RunTally
from storage.db.runs import ExtractionStats


def _cell(text: str) -> str:
    # A failure reason may hold pipes or line breaks: they would break the table.
    return text.replace("|", "\\|").replace("\n", " ")


def summary_markdown(tally: RunTally, stats: ExtractionStats, elapsed_s: float) -> str:
    counts = tally.documents
    rate = stats.escalation_rate
    throughput = tally.pages / elapsed_s if elapsed_s > 0 else 0.0
    lines = [
        f"# Ingest run {tally.run_id}",
        "",
        "| new | updated | skipped | partial | failed | pages |",
        "| --- | --- | --- | --- | --- | --- |",
        "| " + " | ".join(str(counts[name]) for name in OUTCOMES) + f" | {tally.pages} |",
        "",
        "| throughput | elapsed | pages extracted | escalation rate | needs review |",
        "| --- | --- | --- | --- | --- |",
        f"| {throughput:.2f} pages/s | {elapsed_s:.1f} s | {stats.pages} | "
        + ("-" if rate is None else f"{rate:.1%} ({stats.escalated_pages} pages)")
        + f" | {stats.needs_review_documents} documents |",
    ]
    if tally.failures:
        lines += ["", "## Failures", "", "| source | status | pages | reason |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {_cell(str(item['source']))} | {item.get('status', 'failed')} | "
            f"{', '.join(str(n) for n in item.get('pages', [])) or '-'} | {_cell(str(item['error']))} |"
            for item in tally.failures
        ]
    return "\n".join(lines)
