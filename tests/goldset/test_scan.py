"""The seeded scan step on two small documents."""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from goldset.labels import GoldDocument, goldset_hash, load_goldset, write_labels
from goldset.scan import build_scans, plan_scan, read_manifest


def _small_set(gold: list[GoldDocument], root: Path) -> list[GoldDocument]:
    """The two shortest documents as a golden set of their own."""
    small = sorted(gold, key=lambda d: (len(PdfReader(d.path).pages), d.document))[:2]
    (root / "documents").mkdir(parents=True)
    for doc in small:
        assert doc.path is not None
        shutil.copy(doc.path, root / "documents" / doc.document)
    write_labels(root, small)
    return small


def _seed_with_rotation_and_tiff(small: list[GoldDocument]) -> int:
    """Plans are cheap and seeded: pick the first seed whose plans show what the test must see."""
    for seed in range(500):
        plans = [plan_scan(d.document, len(PdfReader(d.path).pages), seed) for d in small]
        if any(p.scan.endswith(".tif") for p in plans) and any(pp.rotation for p in plans for pp in p.pages):
            return seed
    raise AssertionError("no seed in range gives a rotated page and a TIFF")


def test_scans_are_degraded_cached_and_keyed_by_content(gold: list[GoldDocument], tmp_path: Path) -> None:
    small = _small_set(gold, tmp_path / "gold")
    seed = _seed_with_rotation_and_tiff(small)
    out = build_scans(tmp_path / "gold", tmp_path / "cache", seed)
    assert goldset_hash(tmp_path / "gold")[:16] in out.name
    plans = read_manifest(out)
    assert [p.scan.rsplit(".", 1)[0] for p in plans] == [d.document.rsplit(".", 1)[0] for d in small]
    for plan in plans:
        assert all(abs(p.skew) <= 3 for p in plan.pages) and 150 <= plan.dpi <= 300
        path = out / "documents" / plan.scan
        if plan.scan.endswith(".tif"):
            with Image.open(path) as image:
                frames = image.n_frames
                width, height = image.size
            assert frames == len(plan.pages)
        else:
            reader = PdfReader(path)
            assert len(reader.pages) == len(plan.pages)
            assert not (reader.pages[0].extract_text() or "").strip()  # image only: no text layer
            width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
        assert (width > height) == (
            plan.pages[0].rotation in (90, 270)
        )  # a page turned sideways is landscape
    scanned = load_goldset(out)  # the scans folder is itself a golden set
    assert [d.fields for d in scanned] == [d.fields for d in small]
    stamp = (out / "manifest.jsonl").stat().st_mtime_ns
    assert build_scans(tmp_path / "gold", tmp_path / "cache", seed) == out  # cached: not rebuilt
    assert (out / "manifest.jsonl").stat().st_mtime_ns == stamp


def test_only_the_split_asked_for_is_scanned(gold: list[GoldDocument], tmp_path: Path) -> None:
    small = _small_set(gold, tmp_path / "gold")
    dev, test = (d.model_copy(update={"split": side}) for d, side in zip(small, ("dev", "test"), strict=True))
    write_labels(tmp_path / "gold", [dev, test])
    out = build_scans(tmp_path / "gold", tmp_path / "cache", 0, split="dev")
    assert [d.split for d in load_goldset(out)] == ["dev"]
    (dev_scan,) = (out / "documents").iterdir()
    stamp = dev_scan.stat().st_mtime_ns
    assert build_scans(tmp_path / "gold", tmp_path / "cache", 0, split="test") == out
    assert [d.split for d in load_goldset(out)] == ["dev", "test"]  # in label order, as the set has them
    assert dev_scan.stat().st_mtime_ns == stamp  # scanned once
    assert [p.document for p in read_manifest(out)] == [dev.document, test.document]
