"""Fixtures for the retrieval tests: both index backends, a synthetic corpus, the model-loading marker."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from retrieval.index import IndexConfig, PageIndex, PagePoint, open_index, page_point_id
from retrieval.index.base import SparseVector
from retrieval.index.payload import page_payload
from schemas.contract import ContractFields, ContractType, Money, Party

DIM, TEXT_DIM = 128, 384


@pytest.fixture(params=["embedded", "server"])
def index_config(request: pytest.FixtureRequest, tmp_path: Path) -> IndexConfig:
    """The embedded twin in a temp directory; the server twin through qdrant-client's in-memory mode."""
    if request.param == "embedded":
        return IndexConfig(backend="embedded", path=tmp_path / "index", prefetch_limit=50)
    return IndexConfig(backend="server", collection="pages", prefetch_limit=50)


@pytest.fixture
def make_index(index_config: IndexConfig) -> Iterator[Callable[[], PageIndex]]:
    opened: list[PageIndex] = []

    def make() -> PageIndex:
        opened.append(open_index(index_config))
        return opened[-1]

    yield make
    for index in opened:
        index.close()


class Corpus:
    """A small synthetic corpus of contract pages with known fields, vectors and words (a fixture, since
    pytest's importlib mode cannot import helper modules from a test folder)."""

    DOCS: ClassVar[
        dict[str, tuple]
    ] = {  # document_id: (matter, type, parties, law, effective, expires, value)
        "doc-a": (
            "m1",
            "nda",
            ["Acme Widgets, Inc.", "Globex"],
            "New York",
            "2023-01-15",
            "2025-01-15",
            10_000.0,
        ),
        "doc-b": ("m1", "lease", ["Initech"], "Delaware", "2024-06-01", "2029-06-01", 250_000.0),
        "doc-c": ("m2", "nda", ["Globex", "Umbrella"], "England and Wales", "2022-03-10", None, None),
        "doc-d": (
            "m2",
            "supply",
            ["Acme Widgets, Inc."],
            "New York",
            "2024-11-20",
            "2026-11-20",
            1_500_000.0,
        ),
    }

    @staticmethod
    def unit(rng: np.random.Generator, *shape: int) -> np.ndarray:
        x = rng.standard_normal(shape).astype(np.float32)
        return x / np.linalg.norm(x, axis=-1, keepdims=True)

    @staticmethod
    def fields(doc: str) -> ContractFields:
        _, kind, parties, law, start, end, value = Corpus.DOCS[doc]
        return ContractFields(
            contract_type=ContractType(kind),
            parties=[Party(name=name) for name in parties],
            governing_law=law,
            effective_date=dt.date.fromisoformat(start),
            expiration_date=dt.date.fromisoformat(end) if end else None,
            contract_value=Money(amount=value, currency="USD") if value is not None else None,
        )

    @staticmethod
    def sparse(term_ids: list[int]) -> SparseVector:
        return SparseVector(indices=term_ids, values=[1.0] * len(term_ids))

    @staticmethod
    def build(seed: int = 0, *, visual: bool = True, pages: int = 2) -> list[PagePoint]:
        """Pages per document; page 1 carries its document's own term id (1000 + doc index)."""
        rng = np.random.default_rng(seed)
        points = []
        for number, doc in enumerate(Corpus.DOCS):
            matter = Corpus.DOCS[doc][0]
            sha = hashlib.sha256(doc.encode()).hexdigest()
            for page in range(1, pages + 1):
                multivector = Corpus.unit(rng, 24, DIM) if visual else None  # (tokens, dim)
                points.append(
                    PagePoint(
                        id=page_point_id(matter, sha, page),
                        multivector=multivector,
                        pooled=multivector.reshape(6, 4, DIM).mean(axis=1)
                        if multivector is not None
                        else None,
                        dense_text=Corpus.unit(rng, TEXT_DIM),
                        sparse_text=Corpus.sparse(
                            [1000 + number, 7] if page == 1 else [7, 8]
                        ),  # 7: on every page
                        payload=page_payload(doc, page, matter, Corpus.fields(doc)),
                    )
                )
        return points

    @staticmethod
    def maxsim(query: np.ndarray, page: np.ndarray) -> float:
        return float((query @ page.T).max(axis=1).sum())  # (q, d) -> per query token max -> sum


@pytest.fixture
def corpus() -> type[Corpus]:
    return Corpus
