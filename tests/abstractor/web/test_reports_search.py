"""The reports page's search-quality section: the stored search runs, per channel, their trend and report."""

from __future__ import annotations

from pathlib import Path

from abstractor.settings import Settings
from goldset.queries import RelevantDocument, SearchQuery
from goldset.search_metrics import RankedResult, score_rankings
from goldset.search_report import write_search_report
from storage.db import SearchEvalRun, open_database

QUERIES = [
    SearchQuery(id="q1", split="test", text="walk away", relevant=[RelevantDocument(document="a.pdf")]),
    SearchQuery(id="q2", split="test", text="audit books", relevant=[RelevantDocument(document="b.pdf")]),
    SearchQuery(id="q3", split="test", text="alimony", relevant=[]),
]


def _store(folder: Path, first: list[str], accepted: bool) -> int:
    """A search run whose fused ranking puts `first[i]` first for query i (dense: always wrong)."""
    fused = {
        q.id: RankedResult(documents=[doc, "c.pdf"], answered=q.relevant != [])
        for q, doc in zip(QUERIES, first, strict=True)
    }
    dense = {q.id: RankedResult(documents=["c.pdf"], answered=True) for q in QUERIES}
    metrics = {"fused": score_rankings(QUERIES, fused), "dense": score_rankings(QUERIES, dense)}
    write_search_report(
        metrics,
        folder,
        goldset="cuad",
        split="test",
        variant="scanned",
        encoder="e",
        history=[],
        regressed=[],
    )
    db = open_database(Settings().resolved_database_url)
    try:
        with db.session() as session:
            run = SearchEvalRun(
                goldset="cuad",
                split="test",
                variant="scanned",
                encoder_version="e",
                queries_hash="0" * 64,
                queries=len(QUERIES),
                documents=3,
                ndcg_at_5=metrics["fused"].documents.ndcg_at_5.mean,  # type: ignore[union-attr]
                metrics={name: m.model_dump(mode="json") for name, m in metrics.items()},
                report_dir=str(folder),
                accepted=accepted,
                regressed_metrics=[],
            )
            session.add(run)
            session.flush()
            return run.id
    finally:
        db.dispose()


def test_the_latest_search_run_shows_each_channel_its_trend_and_its_report(client, corpus, sign_in, tmp_path):
    _store(tmp_path / "first", ["c.pdf", "c.pdf", "c.pdf"], accepted=True)  # relevant ones second
    latest = _store(tmp_path / "latest", ["a.pdf", "b.pdf", "c.pdf"], accepted=False)  # right first
    sign_in(client, "ann")
    text = client.get("/reports").text
    section = text.split('id="search-quality"')[1]
    assert f"run #{latest}" in section and "3 queries over 3 documents" in section
    fused = section.split("<td>fused</td>")[1].split("</tr>")[0]
    assert fused.count('<td class="num">1.000</td>') >= 3  # nDCG@5, MRR and recall@10 of the latest run
    dense = section.split("<td>dense</td>")[1].split("</tr>")[0]
    assert '<td class="num">0.000</td>' in dense
    assert "Search quality: cuad test scanned" in section  # the trend over both runs
    assert f'href="/reports/search/{latest}/report.html"' in section
    report = client.get(f"/reports/search/{latest}/report.html")
    assert report.status_code == 200 and "<h1>Search quality</h1>" in report.text
    assert "default-src" in report.headers["content-security-policy"]
    assert client.get("/reports/search/999999/report.html").status_code == 404


def test_a_lawyer_cannot_read_the_search_reports(client, corpus, sign_in, tmp_path):
    run = _store(tmp_path / "run", ["a.pdf", "b.pdf", "c.pdf"], accepted=False)
    sign_in(client, "alice")
    assert client.get(f"/reports/search/{run}/report.html").status_code in (403, 404)
