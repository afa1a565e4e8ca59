"""The eval run's cost per document, from the stored tries of its pages (pipeline.evaluation)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extractors.engines.config import ExtractionConfig
from extractors.vlm.client import EndpointConfig
from extractors.vlm.cost import GpuPrice, Throughput, TokenPrice, write_throughput
from pipeline.evaluation import _predictions
from schemas.results import PageTry
from storage.db import Database, Document, Extraction, Matter, open_database

DAY = dt.date(2026, 5, 1)
SMALL = GpuPrice(gpu_hour_price=2.0, source="a price list", as_of=DAY)
LARGE = TokenPrice(input_per_million=1.0, output_per_million=4.0, source="https://example.test", as_of=DAY)


def _try(model: str, tokens_in: int, tokens_out: int, error: str | None = None) -> dict:
    attempt = PageTry(
        model=model, temperature=0.0, max_tokens=1024, tokens_in=tokens_in, tokens_out=tokens_out, error=error
    )
    return attempt.model_dump(mode="json")


def _page(
    number: int, tries: list[dict] | None, *, escalated: bool = False, tokens: tuple[int, int] = (0, 0)
):
    spent = (
        tokens if tries is None else (sum(t["tokens_in"] for t in tries), sum(t["tokens_out"] for t in tries))
    )
    return Extraction(
        page_number=number,
        engine="vlm",
        model="small",
        version="v",
        status="ok",
        fields={},
        confidence=0.9,
        tokens_in=spent[0],
        tokens_out=spent[1],
        escalated=escalated,
        tries=tries,
    )


def _database(tmp_path: Path, pages: list[Extraction]) -> Database:
    db = open_database(f"sqlite:///{tmp_path / 'eval.db'}")
    with db.session() as session:
        matter = Matter(name="golden")
        session.add(matter)
        session.flush()
        document = Document(
            matter_id=matter.id, sha256="ab" * 32, filename="nda.pdf", size_bytes=1, original_key="o/ab"
        )
        session.add(document)
        session.flush()
        merged = _page(1, [])
        merged.page_number = None
        for row in [merged, *pages]:
            row.document_id = document.id
            session.add(row)
    return db


def _config(tmp_path: Path, small_throughput: Throughput, **update) -> ExtractionConfig:
    endpoint = EndpointConfig(base_url="http://h/v1", model="small")
    large = EndpointConfig(base_url="http://h/v1", model="large")
    throughput = tmp_path / "throughput.json"
    write_throughput(throughput, "small", small_throughput)
    config = ExtractionConfig(
        engine="vlm",
        small=endpoint,
        large=large,
        prices={"small": SMALL, "large": LARGE},
        throughput_file=throughput,
    )
    return config.model_copy(update=update)


def test_a_cascade_document_pays_every_try_of_both_models(tmp_path: Path, throughput_at):
    pages = [
        _page(1, [_try("small", 2000, 100)]),
        # retried once on the small model, then escalated to the large one: three paid requests
        _page(
            2,
            [_try("small", 2000, 1024, "cut off"), _try("small", 2000, 90), _try("large", 2500, 200)],
            escalated=True,
        ),
    ]
    db = _database(tmp_path, pages)
    predictions, _ = _predictions(db, None, "cascade", _config(tmp_path, throughput_at(1000.0)))  # type: ignore[arg-type]
    stats = predictions["nda.pdf"].stats
    assert stats is not None
    # 3 small requests x $2 / 1,000 per hour + the large one's 2,500 x $1/M + 200 x $4/M
    assert stats.cost_usd == pytest.approx(3 * 2.0 / 1000 + (2500 + 800) / 1e6)
    assert stats.tokens_in == 8500 and stats.escalated_pages == 1 and stats.unpriced_models == []
    db.dispose()


def test_an_unpriced_large_model_is_named_not_counted_as_zero(tmp_path: Path, throughput_at):
    pages = [_page(1, [_try("small", 2000, 100), _try("large", 2500, 200)], escalated=True)]
    db = _database(tmp_path, pages)
    config = _config(tmp_path, throughput_at(1000.0), prices={"small": SMALL})
    predictions, _ = _predictions(db, None, "cascade", config)  # type: ignore[arg-type]
    stats = predictions["nda.pdf"].stats
    assert stats is not None and stats.cost_usd is None and stats.unpriced_models == ["large"]
    db.dispose()


def test_rows_written_before_tries_were_stored_count_their_tokens_on_the_small_model(
    tmp_path: Path, throughput_at
):
    db = _database(tmp_path, [_page(1, None, tokens=(2000, 100))])
    predictions, _ = _predictions(db, None, "small", _config(tmp_path, throughput_at(1000.0)))  # type: ignore[arg-type]
    stats = predictions["nda.pdf"].stats
    assert stats is not None and stats.cost_usd == pytest.approx(2.0 / 1000)
    db.dispose()


def test_a_cpu_engine_has_no_cost(tmp_path: Path, throughput_at):
    db = _database(tmp_path, [_page(1, [])])
    predictions, _ = _predictions(db, None, "rules", _config(tmp_path, throughput_at(1000.0), engine="rules"))  # type: ignore[arg-type]
    stats = predictions["nda.pdf"].stats
    assert stats is not None and stats.cost_usd is None and stats.unpriced_models == []
    db.dispose()
