"""Shared fixtures of the extractor tests: test documents built once per session into a temp folder."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="session")
def make(builders: ModuleType) -> ModuleType:
    """The document builders of tests/fixtures/make_fixtures.py."""
    return builders


@pytest.fixture(scope="session")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session folder the builders write into; tests name their files to avoid clashes."""
    return tmp_path_factory.mktemp("docs")
