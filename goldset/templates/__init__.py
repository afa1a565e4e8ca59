"""Per-split phrasing pools. `POOLS["dev"]` tunes, `POOLS["test"]` reports; `TUNING_POOLS` tune too."""

from __future__ import annotations

from goldset.templates.pool import PhrasingPool, pool_hash
from goldset.templates.pool_dev import DEV_POOL
from goldset.templates.pool_test import TEST_POOL
from goldset.templates.pool_tuning import TUNING_POOLS

POOLS: dict[str, PhrasingPool] = {"dev": DEV_POOL, "test": TEST_POOL}

__all__ = [
    "DEV_POOL",
    "POOLS",
    "TEST_POOL",
    "TUNING_POOLS",
    "PhrasingPool",
    "pool_hash",
    "test_templates_hash",
]


def test_templates_hash() -> str:
    """The hash recorded in goldset/TEST_TEMPLATES.sha256."""
    return pool_hash(TEST_POOL)


test_templates_hash.__test__ = False  # type: ignore[attr-defined]  # not a pytest test despite the name
