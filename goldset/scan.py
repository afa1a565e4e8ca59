"""Scanned, degraded copies of the golden set, built on first use and cached by content hash.

    build_scans(goldset_dir, cache_dir, seed, split) -> <cache_dir>/scans-<hash16>-s<seed>/

The folder is itself a golden set (labels.jsonl naming the scans, documents/), plus manifest.jsonl with
each page's degradations. Scans are 350-750 KB a page at 200 dpi, so they are never committed; a changed
golden set has a new hash and therefore a new folder. Only the scans' randomness comes from `seed`.
A document is scanned the first time a run asks for its split, and only then: a dev run does not pay
for the test split's pages.
"""

from __future__ import annotations

import io
import json
import math
import os
import random
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from pdf2image import convert_from_path
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from pypdf import PdfReader

from goldset.labels import DOCUMENTS_DIR, LABELS_FILE, Split, goldset_hash, labels_line, load_goldset

MANIFEST = "manifest.jsonl"
_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


@dataclass(frozen=True)
class PagePlan:
    rotation: int  # 0, 90, 180 or 270 degrees: a page fed the wrong way
    skew: float  # degrees, |skew| <= 3
    noise: float  # std-dev of grey-level noise
    blur: float  # Gaussian radius in pixels
    jpeg_quality: int
    stamp: str | None  # "RECEIVED", "COPY", ... or none
    marks: int  # handwriting-like strokes


@dataclass(frozen=True)
class ScanPlan:
    document: str
    scan: str  # output file name: same stem, .pdf or .tif
    dpi: int
    pages: list[PagePlan] = field(default_factory=list)


def plan_scan(document: str, page_count: int, seed: int) -> ScanPlan:
    """The degradations for one document, drawn from (seed, document name) only."""
    rng = random.Random(f"scan:{seed}:{document}")
    dpi = rng.choice((150, 200, 200, 250, 300))
    tiff = rng.random() < 0.2
    pages = [
        PagePlan(
            rotation=rng.choice((90, 180, 270)) if rng.random() < 0.1 else 0,
            skew=round(rng.uniform(-3.0, 3.0), 2),
            noise=round(rng.uniform(0.0, 14.0), 1),
            blur=round(rng.choice((0.0, 0.0, rng.uniform(0.3, 1.2))), 2),
            jpeg_quality=rng.randint(30, 85),
            stamp=rng.choice(("RECEIVED", "COPY", "FILED", "PAID", "CONFIDENTIAL"))
            if rng.random() < 0.15
            else None,
            marks=rng.randint(1, 4) if rng.random() < 0.3 else 0,
        )
        for _ in range(page_count)
    ]
    return ScanPlan(
        document=document, scan=Path(document).stem + (".tif" if tiff else ".pdf"), dpi=dpi, pages=pages
    )


def _stamp(image: Image.Image, text: str, rng: random.Random) -> Image.Image:
    """A rotated red box with a word and a date, where a mailroom would put it."""
    width, height = image.size
    size = max(18, width // 22)
    font = ImageFont.truetype(str(_FONT), size) if _FONT.exists() else ImageFont.load_default(size)
    month = rng.choice(("JAN", "APR", "JUL", "OCT"))
    label = f"{text}\n{rng.randint(1, 28):02d} {month} {rng.randint(2017, 2026)}"
    layer = Image.new("RGBA", (size * 9, size * 4), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    draw.rectangle(
        (4, 4, layer.width - 5, layer.height - 5), outline=(190, 20, 20, 200), width=max(3, size // 8)
    )
    draw.multiline_text((size // 2, size // 2), label, font=font, fill=(190, 20, 20, 200), spacing=size // 4)
    layer = layer.rotate(rng.uniform(-25, 25), expand=True)
    out = image.convert("RGB")
    out.paste(
        layer, (rng.randint(0, max(1, width - layer.width)), rng.randint(0, max(1, height // 3))), layer
    )
    return out


def _marks(image: Image.Image, count: int, rng: random.Random) -> Image.Image:
    """Pen strokes: wavy polylines (initials, underlines, ticks) in dark ink."""
    draw = ImageDraw.Draw(image)
    width, height = image.size
    ink = 40 if image.mode == "L" else (20, 30, 110)
    for _ in range(count):
        x0, y0 = rng.uniform(0.05, 0.8) * width, rng.uniform(0.05, 0.95) * height
        length, amplitude, waves = rng.uniform(0.05, 0.2) * width, rng.uniform(3, 18), rng.uniform(1, 5)
        points = [
            (
                x0 + length * t / 40,
                y0 + amplitude * math.sin(waves * 2 * math.pi * t / 40) + rng.uniform(-1.5, 1.5),
            )
            for t in range(41)
        ]
        draw.line(points, fill=ink, width=rng.randint(2, 4), joint="curve")
    return image


def degrade(page: Image.Image, plan: PagePlan, rng: random.Random) -> Image.Image:
    image = page.convert("L")
    if plan.stamp:
        image = _stamp(image, plan.stamp, rng)
    image = _marks(image, plan.marks, rng)
    fill = 255 if image.mode == "L" else (255, 255, 255)
    image = image.rotate(plan.skew, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill)
    if plan.rotation:
        image = image.rotate(plan.rotation, expand=True)
    if plan.blur:
        image = image.filter(ImageFilter.GaussianBlur(plan.blur))
    if plan.noise:
        pixels = np.asarray(image, dtype=np.float32)
        noise = np.random.default_rng(rng.getrandbits(32)).normal(0.0, plan.noise, pixels.shape)
        image = Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8), mode=image.mode)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=plan.jpeg_quality)
    return Image.open(io.BytesIO(buffer.getvalue()))


def scan_document(source: Path, plan: ScanPlan, out_dir: Path, seed: int) -> Path:
    """Render each page (one at a time, to bound memory), degrade it, write an image-only PDF or TIFF."""
    rng = random.Random(f"pixels:{seed}:{plan.document}")
    pages = []
    for number, page_plan in enumerate(plan.pages, start=1):
        (rendered,) = convert_from_path(source, dpi=plan.dpi, first_page=number, last_page=number)
        pages.append(degrade(rendered, page_plan, rng))
    target = out_dir / plan.scan
    first, rest = pages[0], pages[1:]
    if target.suffix == ".tif":
        first.save(target, save_all=True, append_images=rest, compression="jpeg", dpi=(plan.dpi, plan.dpi))
    else:
        first.save(target, save_all=True, append_images=rest, resolution=float(plan.dpi))
    return target


def scans_dir(goldset_dir: Path | str, cache_dir: Path | str, seed: int) -> Path:
    return Path(cache_dir) / f"scans-{goldset_hash(goldset_dir)[:16]}-s{seed}"


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def build_scans(
    goldset_dir: Path | str, cache_dir: Path | str, seed: int = 0, split: Split | None = None
) -> Path:
    """Return the cached scans folder for this golden set and seed, with `split`'s documents (all when
    None) scanned; a document already scanned is not scanned again.

    Each scan is made in a private folder and renamed into place, so a scan that is there is whole even
    when two runs build at once. labels.jsonl and manifest.jsonl list every document scanned so far, in
    label order.
    """
    target = scans_dir(goldset_dir, cache_dir, seed)
    documents = target / DOCUMENTS_DIR
    documents.mkdir(parents=True, exist_ok=True)
    gold = load_goldset(goldset_dir)
    plans = {}
    for doc in gold:
        assert doc.path is not None  # load_goldset raised otherwise
        plans[doc.document] = plan_scan(doc.document, len(PdfReader(doc.path).pages), seed)
    missing = [
        doc
        for doc in gold
        if (split is None or doc.split == split) and not (documents / plans[doc.document].scan).is_file()
    ]
    for doc in missing:
        assert doc.path is not None
        with tempfile.TemporaryDirectory(dir=target, prefix=".scanning-") as private:
            made = scan_document(doc.path, plans[doc.document], Path(private), seed)
            made.replace(documents / made.name)
    if missing or not (target / MANIFEST).is_file():
        done = [doc for doc in gold if (documents / plans[doc.document].scan).is_file()]
        scanned = [doc.model_copy(update={"document": plans[doc.document].scan}) for doc in done]
        _write_atomically(target / LABELS_FILE, "".join(labels_line(doc) + "\n" for doc in scanned))
        _write_atomically(
            target / MANIFEST, "".join(json.dumps(asdict(plans[d.document])) + "\n" for d in done)
        )
    return target


def read_manifest(scans: Path) -> list[ScanPlan]:
    plans = []
    for line in (scans / MANIFEST).read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        plans.append(ScanPlan(**{**raw, "pages": [PagePlan(**p) for p in raw["pages"]]}))
    return plans
