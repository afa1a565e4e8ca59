"""Prefect's environment for the CLI's runs (ephemeral, or on prefect.api_url), set before import.

Prefect reads its settings from the environment at import time, so this runs at the face, once.
"""

from __future__ import annotations

import os

from abstractor.settings import Settings


def configure_prefect(settings: Settings) -> None:
    if settings.prefect.api_url:
        # A Prefect server: runs (the CLI's too) are recorded there and obey its concurrency limits.
        os.environ.setdefault("PREFECT_API_URL", settings.prefect.api_url)
    os.environ.setdefault("PREFECT_HOME", str(settings.prefect_home))
    # The only outside look-ups Prefect makes; these machines (and many customers') have no internet.
    # The server's analytics, and the SDK's own (its first-import banner on a terminal), which only the
    # DO_NOT_TRACK convention turns off.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY", "false")
    # A fresh PREFECT_HOME takes ~20 s to start its ephemeral server on 2 cores: above the default limit.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    # Keep the terminal for our own summary; Prefect's run logs still go to its API.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    settings.prefect_home.mkdir(parents=True, exist_ok=True)
