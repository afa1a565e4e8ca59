"""Ingest throughput: the raw tools, our render + OCR stages, and the whole ingest flow, side by side.

    .venv/bin/python bench/ingest.py [--pages 40] [--workers N]

The same scanned pages (golden-set documents degraded by the seeded scan step) are processed three ways
on the same cores, each with a cold OCR cache:
  raw     pdftoppm (JPEG, 200 dpi) per document, then per page tesseract's orientation pass (--psm 0)
          and tesseract OCR (TSV), `workers` pages at a time: the work the flow does, without the flow;
  stages  our render, upright (OSD + deskew), JPEG + thumbnail and OCR functions in a thread pool;
  flow    `abstractor ingest` as a user runs it (Prefect, database, blob store), extraction and indexing
          off, in a data home whose Prefect database already exists (its one-time creation is printed).
It prints pages/s for each and the flow/raw time ratio (target: at most 1.15).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader

from extractors.ocr import OcrConfig, ocr_image_file
from extractors.orientation import make_upright
from extractors.render import RenderConfig, encode_jpeg, render_pages, thumbnail_jpeg
from goldset.labels import load_goldset
from goldset.scan import plan_scan, scan_document

REPO = Path(__file__).resolve().parents[1]
TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


def make_scans(pages_wanted: int, folder: Path) -> list[Path]:
    """Scanned golden-set documents (dev split) until at least `pages_wanted` pages."""
    folder.mkdir(parents=True)
    scans, total = [], 0
    for document in load_goldset(REPO / "goldset" / "data", split="dev"):
        assert document.path is not None
        plan = plan_scan(document.document, len(PdfReader(document.path).pages), seed=0)
        # One resolution for all three ways, as the flow renders at 200 dpi; PDFs only, as the raw
        # renderer (pdftoppm) reads nothing else.
        plan = replace(plan, dpi=200, scan=Path(plan.scan).with_suffix(".pdf").name)
        scans.append(scan_document(document.path, plan, folder, seed=0))
        total += len(plan.pages)
        if total >= pages_wanted:
            return scans
    return scans


def _raw_page(image: Path) -> None:
    subprocess.run(
        ["tesseract", str(image), "-", "--psm", "0"], env=TESSERACT_ENV, capture_output=True, check=False
    )  # OSD says "too few characters" on sparse pages
    subprocess.run(
        ["tesseract", str(image), "-", "--psm", "3", "tsv"],
        env=TESSERACT_ENV,
        capture_output=True,
        check=True,
    )


def raw_tools(scans: list[Path], workers: int, work: Path) -> int:
    pages: list[Path] = []
    for number, scan in enumerate(scans):
        subprocess.run(["pdftoppm", "-r", "200", "-jpeg", str(scan), str(work / f"doc{number}")], check=True)
        pages += sorted(work.glob(f"doc{number}-*.jpg"))
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(_raw_page, pages))
    return len(pages)


def our_stages(scans: list[Path], workers: int, work: Path) -> int:
    render, ocr = RenderConfig(), OcrConfig()

    def one(args: tuple[int, int, object]) -> None:
        document, number, image = args
        upright, _rotation, _skew = make_upright(image)  # type: ignore[arg-type]
        path = work / f"{document}-{number}.jpg"
        path.write_bytes(encode_jpeg(upright, render.jpeg_quality))
        thumbnail_jpeg(upright, render.thumbnail_width, render.jpeg_quality)
        ocr_image_file(path, ocr)

    with ThreadPoolExecutor(workers) as pool:
        jobs = (
            (index, number, image)
            for index, scan in enumerate(scans)
            for number, image in render_pages(scan, render)
        )
        return len(list(pool.map(one, jobs)))


def _ingest(source: Path, env: dict[str, str]) -> int:
    abstractor = Path(sys.executable).with_name("abstractor")
    completed = subprocess.run(
        [str(abstractor), "ingest", str(source), "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(json.loads(completed.stdout)["pages"])


def warm_up_flow(work: Path, workers: int) -> float:
    """Seconds of the first `abstractor ingest` in a new data home: Prefect creates its database once."""
    empty = work / "empty"
    empty.mkdir(parents=True)
    start = time.perf_counter()
    _ingest(empty, _flow_environment(work, workers))
    return time.perf_counter() - start


def _flow_environment(work: Path, workers: int) -> dict[str, str]:
    # Extraction and indexing off: the flow does the work the raw tools do (render, orient, OCR).
    return {
        **os.environ,
        "ABSTRACTOR_DATA_HOME": str(work / "home"),
        "ABSTRACTOR_INGEST__WORKERS": str(workers),
        "ABSTRACTOR_EXTRACTION__ENGINE": "none",
        "ABSTRACTOR_INGEST__INDEX": "false",
    }


def whole_flow(scans: list[Path], workers: int, work: Path) -> int:
    inbox = work / "inbox" / "bench"
    inbox.mkdir(parents=True)
    for scan in scans:
        shutil.copy(scan, inbox / scan.name)
    return _ingest(work / "inbox", _flow_environment(work, workers))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="abstractor-bench-") as tmp:
        root = Path(tmp)
        scans = make_scans(args.pages, root / "scans")
        timings: dict[str, tuple[int, float]] = {}
        # The nightly run's Prefect home is long made; a new data home's first run pays for it once.
        first_start = warm_up_flow(root / "flow", args.workers)
        for name, way in (("raw", raw_tools), ("stages", our_stages), ("flow", whole_flow)):
            work = root / name
            work.mkdir(exist_ok=True)
            start = time.perf_counter()
            pages = way(scans, args.workers, work)
            timings[name] = (pages, time.perf_counter() - start)
        print(f"{len(scans)} documents, workers={args.workers}")
        for name, (pages, seconds) in timings.items():
            print(f"{name:7s} {pages:4d} pages in {seconds:7.1f} s = {pages / seconds:5.2f} pages/s")
        raw = timings["raw"][1]
        print(f"stages / raw time ratio: {timings['stages'][1] / raw:.3f}")
        print(f"flow / raw time ratio:   {timings['flow'][1] / raw:.3f}  (target <= 1.15)")
        print(
            f"(not counted above: the first run in a new data home took {first_start:.1f} s with no "
            "documents, Prefect creating its database)"
        )


if __name__ == "__main__":
    main()
