"""Shared fixtures: the committed golden set, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from goldset.labels import GoldDocument, load_goldset

DATA = Path(__file__).resolve().parents[2] / "goldset" / "data"


@pytest.fixture(scope="session")
def gold() -> list[GoldDocument]:
    return load_goldset(DATA)
