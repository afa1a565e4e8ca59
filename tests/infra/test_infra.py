"""infra/: the compose file is valid Compose and configures the app with settings that exist; prefect.yaml
declares the same nightly deployments as `abstractor deploy`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from abstractor.settings import Settings

INFRA = Path(__file__).resolve().parents[2] / "infra"
COMPOSE = INFRA / "docker-compose.yml"


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.mark.compose
def test_compose_file_is_valid_for_docker_compose():
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail("docker-compose is missing: `make test` installs it (scripts/system_deps.sh)")
    # `config -q` parses, interpolates and validates against the Compose schema; it needs no engine.
    result = subprocess.run(
        [binary, "-f", str(COMPOSE), "config", "-q"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


def test_compose_brings_up_the_whole_stack_with_health_checks():
    services = _compose()["services"]
    expected = {"postgres", "qdrant", "minio", "minio-setup", "prefect", "deploy", "worker", "web"}
    assert expected | {"vllm-small-1", "vllm-small-2", "vllm-large"} <= set(services)
    for name in expected - {"minio-setup", "deploy"}:
        assert "healthcheck" in services[name], name
    assert services["worker"]["command"] == ["worker"]
    assert services["web"]["command"][0] == "serve"
    small = " ".join(services["vllm-small-1"]["command"])
    assert "Qwen/Qwen2.5-VL-7B-Instruct-AWQ" in small
    assert "--structured-outputs-config" in small and "--max-logprobs=20" in small
    large = " ".join(services["vllm-large"]["command"])
    assert "Qwen/Qwen2.5-VL-72B-Instruct-AWQ" in large and "--tensor-parallel-size=2" in large


def test_the_apps_environment_names_real_settings(monkeypatch):
    environment = _compose()["services"]["worker"]["environment"]
    for name, value in environment.items():
        if name.startswith("ABSTRACTOR_"):
            # The file's ${VAR:-default} interpolation, as Compose does it with nothing set.
            monkeypatch.setenv(name, str(value).replace("${POSTGRES_PASSWORD:-abstractor}", "abstractor"))
    settings = Settings()
    assert settings.database_url == "postgresql+psycopg://abstractor:abstractor@postgres:5432/abstractor"
    assert settings.resolved_blobs_url == "s3://abstractor/blobs"
    assert settings.blobs.s3_endpoint_url == "http://minio:9000"
    assert settings.index.backend == "server" and settings.index.url == "http://qdrant:6333"
    assert settings.ingest.sources == ["/inbox"]
    assert settings.extraction.small is not None and settings.extraction.large is not None
    assert len(settings.extraction.small.base_urls) == 2  # two replicas behind one setting
    assert settings.extraction.resolved_engine == "vlm"
    assert settings.prefect.api_url == "http://prefect:4200/api"
    assert settings.prefect.work_pool == "abstractor"


def test_prefect_yaml_declares_both_nightly_deployments():
    config = yaml.safe_load((INFRA / "prefect.yaml").read_text())
    deployments = {item["name"]: item for item in config["deployments"]}
    assert set(deployments) == {"nightly-ingest", "nightly-eval"}
    assert [s["cron"] for s in deployments["nightly-ingest"]["schedules"]] == ["0 2 * * *"]
    assert [s["cron"] for s in deployments["nightly-eval"]["schedules"]] == ["0 5 * * *"]
    assert deployments["nightly-ingest"]["entrypoint"] == "flows.ingest_flow:ingest"
    assert deployments["nightly-eval"]["entrypoint"] == "flows.eval_flow:nightly_eval"
    for item in deployments.values():
        assert item["work_pool"]["name"] == "abstractor"
