"""The analysts' reports page: the stored accuracy and search-quality runs, never client documents.

Everything comes from the database rows `abstractor eval` wrote: metrics, trend, calibration, cost, the
engines compared, the wrong answers. The run's own report.html is served by run id (its folder comes
from the database, never from the request) under a CSP of its own, and embedded in a sandboxed frame.
"""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import Response

from abstractor.web import report_figures
from abstractor.web.auth import Services, area_user
from abstractor.web.evidence import format_value
from abstractor.web.params import MAX_ROW_ID, OutcomeIndex, RowId
from abstractor.web.security import REPORT_CSP
from abstractor.web.templating import render
from extractors.render import RenderConfig, render_pages, thumbnail_jpeg
from goldset.confusion import confusion
from goldset.labels import document_path
from goldset.list_diff import list_diff
from goldset.metrics import FieldOutcome, Metrics
from goldset.sets import NAMED
from schemas.clauses import CUAD_NAMES
from storage.db.access import Principal
from storage.db.queries import eval_run, eval_runs, search_eval_report_dir, search_eval_runs

router = APIRouter(prefix="/reports")
Analyst = Annotated[Principal, Depends(area_user("reports"))]
TREND_RUNS = 30  # nights shown in the trend
THUMBNAIL_WIDTH = 200
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run as a formula
_THUMBNAIL_RENDER = RenderConfig(dpi=50)  # the lowest allowed: plenty for a 200-pixel thumbnail


def _metrics(services: Services, run_id: RowId) -> tuple[Metrics, str | None]:
    found = eval_run(services.db, run_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such accuracy run")
    return Metrics.model_validate(found[0]), found[1]


def _comparison(runs: list[dict[str, Any]], chosen: dict[str, Any]) -> list[dict[str, Any]]:
    """The latest run of each engine label on the chosen run's set and split: the models side by side."""
    latest: dict[str, dict[str, Any]] = {}
    for run in runs:
        if _same_set(run, chosen) and run["split"] == chosen["split"]:
            latest[run["engine"]] = run
    return sorted(latest.values(), key=lambda r: -(r["micro_f1"] or 0.0))


def _same_set(run: dict[str, Any], other: dict[str, Any]) -> bool:
    return (run["goldset"], run["variant"]) == (other["goldset"], other["variant"])


def _golden_sets(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The latest run of each golden set (and variant, engine and split): every set's headline at once."""
    latest: dict[tuple[Any, ...], dict[str, Any]] = {}
    for run in runs:
        latest[(run["goldset"], run["variant"], run["engine"], run["split"])] = run
    return sorted(latest.values(), key=lambda r: (r["goldset"], r["split"], r["engine"]))


def _wrong_answers(metrics: Metrics, fields: list[str]) -> list[dict[str, Any]]:
    """The wrong answers of `fields`, field by field, documents in scoring order."""
    return [
        _wrong_answer(index, outcome.document, name, outcome.fields[name])
        for name in fields
        for index, outcome in enumerate(metrics.outcomes)
        if name in outcome.fields and not outcome.fields[name].correct
    ]


def _wrong_answer(index: int, document: str, field: str, outcome: FieldOutcome) -> dict[str, Any]:
    """One wrong answer as the table shows it; a list field also as a diff (missing and extra elements)."""
    diff = list_diff(field, outcome.truth, outcome.predicted)
    return {
        "index": index,
        "document": document,
        "field": field,
        "truth": format_value(outcome.truth),
        "predicted": format_value(outcome.predicted),
        "confidence": outcome.confidence,
        "matched": [format_value(t) for t, _ in diff.matched] if diff else [],
        "missing": [format_value(t) for t in diff.missing] if diff else [],
        "extra": [format_value(p) for p in diff.extra] if diff else [],
        "is_list": diff is not None,
    }


def _search_quality(services: Services) -> dict[str, Any]:
    """The latest search run of each golden set, split and variant, and each one's trend."""
    runs = search_eval_runs(services.db)
    latest: dict[tuple[str, str, str], dict[str, Any]] = {}
    for found in runs:
        latest[(found["goldset"], found["split"], found["variant"])] = found
    trends = {
        key: report_figures.search_trend(
            [r["created_at"].strftime("%m-%d") for r in same],
            [r["ndcg_at_5"] for r in same],
            title=" ".join(key),
        )
        for key in latest
        if len(same := [r for r in runs if (r["goldset"], r["split"], r["variant"]) == key][-TREND_RUNS:]) > 1
    }
    return {"search_runs": [latest[key] for key in sorted(latest)], "search_trends": list(trends.values())}


@router.get("")
def reports_page(
    request: Request,
    services: Services,
    who: Analyst,
    run: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
    field: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    runs = eval_runs(services.db)
    search = _search_quality(services)
    if not runs:
        return render(request, "reports.html", who, run=None, **search)
    chosen = next((r for r in runs if r["id"] == run), None) if run is not None else runs[-1]
    if chosen is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such accuracy run")
    metrics, _ = _metrics(services, chosen["id"])
    same = [
        r
        for r in runs
        if r["engine"] == chosen["engine"] and r["split"] == chosen["split"] and _same_set(r, chosen)
    ]
    same = [r for r in same if r["id"] <= chosen["id"]][-TREND_RUNS:]
    history = [metrics if r["id"] == chosen["id"] else _metrics(services, r["id"])[0] for r in same]
    if field not in metrics.fields:  # by default the weakest field: where the wrong answers are
        scored = [name for name, m in metrics.fields.items() if m.f1 is not None]
        field = min(scored, key=lambda name: metrics.fields[name].f1 or 0.0, default=None)
    wrong = _wrong_answers(metrics, [field] if field is not None else [])
    labels = [r["created_at"].strftime("%m-%d") for r in same]
    return render(
        request,
        "reports.html",
        who,
        run=chosen,
        runs=runs,
        metrics=metrics,
        field_chart=report_figures.field_f1(metrics),
        trend_chart=report_figures.f1_over_runs(labels, history),
        field_trends=report_figures.field_over_runs(labels, history),
        contract_types=confusion(metrics.outcomes, "contract_type"),
        reliability_chart=report_figures.reliability(metrics),
        threshold_chart=report_figures.thresholds(metrics),
        comparison=_comparison(runs, chosen),
        golden_sets=_golden_sets(runs),
        clause_names=CUAD_NAMES,
        field=field,
        wrong=wrong,
        **search,
    )


def _report_html(folder: str | None) -> Response:
    """A run's report.html from the folder its database row names, under the reports' own CSP."""
    path = Path(folder) / "report.html" if folder else None
    if path is None or not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this run's report.html is gone")
    return Response(
        path.read_bytes(),
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": REPORT_CSP},
    )


@router.get("/search/{run_id}/report.html")
def stored_search_report(services: Services, who: Analyst, run_id: RowId) -> Response:
    return _report_html(search_eval_report_dir(services.db, run_id))


@router.get("/{run_id}/report.html")
def stored_report(services: Services, who: Analyst, run_id: RowId) -> Response:
    _, folder = _metrics(services, run_id)
    return _report_html(folder)


def _safe(text: str) -> str:
    """A leading quote keeps a value read off a scan (`=…`) from running as a spreadsheet formula."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


@router.get("/{run_id}/wrong.csv")
def wrong_answers_csv(
    services: Services,
    who: Analyst,
    run_id: RowId,
    field: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """The run's wrong answers as CSV: of one field (the page's filter), or of every value field."""
    metrics, _ = _metrics(services, run_id)
    if field is not None and field not in metrics.fields:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such field in this run")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["document", "field", "truth", "predicted", "confidence", "missing", "extra"])
    for w in _wrong_answers(metrics, [field] if field else list(metrics.fields)):
        texts = (w["document"], w["field"], w["truth"], w["predicted"])
        confidence = "" if w["confidence"] is None else round(w["confidence"], 3)
        writer.writerow(
            [
                *(_safe(t) for t in texts),
                confidence,
                _safe("; ".join(w["missing"])),
                _safe("; ".join(w["extra"])),
            ]
        )
    name = f"wrong-answers-run-{run_id}{f'-{field}' if field else ''}.csv"
    return Response(
        out.getvalue().encode("utf-8-sig"),  # the BOM: Excel reads the file as UTF-8, not a code page
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@functools.lru_cache(maxsize=256)
def _golden_thumbnail(path: Path, modified: float) -> bytes:
    """The golden document's first page (the one report.html shows), small; cached by file and mtime."""
    del modified  # part of the cache key only: an edited golden file is rendered again
    _, image = next(iter(render_pages(path, _THUMBNAIL_RENDER, pages=[1])))
    return thumbnail_jpeg(image, THUMBNAIL_WIDTH, _THUMBNAIL_RENDER.jpeg_quality)


@router.get("/{run_id}/outcomes/{index}/page.jpg")
def wrong_answer_page(services: Services, who: Analyst, run_id: RowId, index: OutcomeIndex) -> Response:
    """The page of a scored golden document, by run id and outcome number: no name or path from outside."""
    metrics, _ = _metrics(services, run_id)
    if not 0 <= index < len(metrics.outcomes):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such document in this run")
    name = metrics.outcomes[index].document
    # The set this run scored, when it is one of the shipped ones; else the configured one.
    folder = NAMED.get(metrics.goldset or "", services.settings.goldset.dir)
    path = document_path(folder, name) if Path(name).name == name else None
    if path is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "the golden document is not in the golden set here")
    return Response(_golden_thumbnail(path, path.stat().st_mtime), media_type="image/jpeg")
