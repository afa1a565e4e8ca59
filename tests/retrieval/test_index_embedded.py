"""What only the embedded index promises: persistence across reopen, and one owning process."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from retrieval.index import IndexBusy, IndexConfig, IndexFilter, PageQuery, open_index

ROOT = Path(__file__).resolve().parents[2]

Corpus = Any  # the conftest fixture's class: pytest's importlib mode cannot import conftest


def test_reopen_keeps_points_and_payload_indexes(tmp_path: Path, corpus: type[Corpus]) -> None:
    config = IndexConfig(backend="embedded", path=tmp_path / "index")
    points = corpus.build()
    with open_index(config) as index:
        index.upsert(points)
    with open_index(config) as index:
        assert index.count() == len(points)
        hits = index.search(
            PageQuery(sparse_text=corpus.sparse([1000])), 1, IndexFilter(matters=["m1"], party="Globex")
        )["sparse"]
        assert (hits[0].document_id, hits[0].page) == ("doc-a", 1)


def test_second_process_gets_index_busy(tmp_path: Path, corpus: type[Corpus]) -> None:
    config = IndexConfig(backend="embedded", path=tmp_path / "index")
    probe = textwrap.dedent(f"""
        from retrieval.index import IndexBusy, IndexConfig, open_index
        try:
            open_index(IndexConfig(backend="embedded", path={str(config.path)!r}))
        except IndexBusy as error:
            print("busy:", error)
        else:
            print("opened")
    """)
    with open_index(config):
        held = subprocess.run(
            [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
        )
    assert held.stdout.startswith("busy:"), held.stdout + held.stderr
    free = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert free.stdout.strip() == "opened", free.stdout + free.stderr


def test_same_process_second_open_is_busy_too(tmp_path: Path, corpus: type[Corpus]) -> None:
    config = IndexConfig(backend="embedded", path=tmp_path / "index")
    with open_index(config), pytest.raises(IndexBusy, match="another process"):
        open_index(config)
