"""infra/ deploys what the code and the sizing guide (docs/deployment.md) say: pinned images, model servers
the worker waits for, vLLM flags that match the client's requests, and GPU memory shares that leave each
model a KV cache. Parsed with PyYAML, no Docker needed; the `compose` tier also runs `docker-compose config`
on the one-GPU override and the embedder profile."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from abstractor.settings import Settings

INFRA = Path(__file__).resolve().parents[2] / "infra"
BASE = INFRA / "docker-compose.yml"
ONE_GPU = INFRA / "docker-compose.one-gpu.yml"
DOCKERFILES = [INFRA / "Dockerfile", INFRA / "embedder.Dockerfile"]

# The page image the client sends: olmOCR's 1,288 px on the longest side (the default of `max_image_side` in
# extractors/vlm/client.py EndpointConfig). vLLM's max_pixels must allow that page in any orientation, and
# no more, or its profiler reserves memory for images the client never sends.
MAX_IMAGE_SIDE = 1288
QWEN_TOKEN_PX = 28  # Qwen2.5-VL: 14-px patches merged 2 x 2 into one visual token
MAX_IMAGE_TOKENS = (MAX_IMAGE_SIDE // QWEN_TOKEN_PX) ** 2  # 2,116
# Instructions + schema (~1.5k tokens), anchor text (~2k), the answer (<= 2,048 on the 72B).
PROMPT_AND_ANSWER_TOKENS = 5000

# Sizing constants from docs/deployment.md (estimates until measured there): usable GiB per card as the
# driver reports it, weights, and activations + CUDA graphs per server.
CARD_GIB = {"H200": 140.0}
WEIGHTS_GIB = {"Qwen/Qwen2.5-VL-7B-Instruct-AWQ": 7.0, "Qwen/Qwen2.5-VL-72B-Instruct-AWQ": 41.0}
OVERHEAD_GIB = {"Qwen/Qwen2.5-VL-7B-Instruct-AWQ": 4.0, "Qwen/Qwen2.5-VL-72B-Instruct-AWQ": 6.0}
KV_KIB_PER_TOKEN = {  # 2 (K, V) x layers x KV heads x head dim x 2 bytes
    "Qwen/Qwen2.5-VL-7B-Instruct-AWQ": 2 * 28 * 4 * 128 * 2 / 1024,  # 56
    "Qwen/Qwen2.5-VL-72B-Instruct-AWQ": 2 * 80 * 8 * 128 * 2 / 1024,  # 320
}
MIN_PAGES_IN_FLIGHT = 16  # a KV cache smaller than this many full-length requests starves the batch
# Keys the one-GPU override may set: the ones Compose merges the way `_merge` does (scalars and lists
# replaced, mappings merged by key). A device list, for one, is appended to instead: never override it.
OVERRIDABLE = {"command", "environment", "depends_on", "profiles"}


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def _merge(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _layouts() -> dict[str, dict]:
    """Each layout's services as Compose runs them: enabled services only (no profile)."""
    base = _load(BASE)
    one_gpu = _merge(base, {k: v for k, v in _load(ONE_GPU).items() if not k.startswith("x-")})
    return {
        name: {n: s for n, s in config["services"].items() if not s.get("profiles")}
        for name, config in {"multi-gpu": base, "one-gpu": one_gpu}.items()
    }


def _flags(service: dict) -> dict[str, str]:
    flags = {}
    for item in service.get("command") or []:
        name, _, value = str(item).partition("=")
        flags[name] = value
    return flags


def _model_servers(services: dict) -> dict[str, dict]:
    return {name: s for name, s in services.items() if "--model" in _flags(s)}


def _gpus(service: dict) -> list[str]:
    return service["environment"]["CUDA_VISIBLE_DEVICES"].split(",")


def test_every_image_is_pinned():
    images = [s["image"] for s in _load(BASE)["services"].values() if "image" in s]
    images += [s["image"] for s in _load(ONE_GPU)["services"].values() if "image" in s]
    for path in DOCKERFILES:
        images += re.findall(r"^FROM\s+(\S+)", path.read_text(), flags=re.MULTILINE)
    assert len(images) >= 10
    for image in images:
        tag = image.rpartition("/")[2].partition(":")[2]
        assert tag and tag != "latest" and "${" not in tag, f"unpinned image: {image}"
    vllm = {i for i in images if i.startswith("vllm/vllm-openai:")}
    # One vLLM release, >= 0.12 (structured_outputs / response_format json_schema as the client sends them).
    assert len(vllm) == 1
    major, minor, _ = re.fullmatch(r"vllm/vllm-openai:v(\d+)\.(\d+)\.(\d+)", vllm.pop()).groups()
    assert (int(major), int(minor)) >= (0, 12)


@pytest.mark.parametrize("layout", ["multi-gpu", "one-gpu"])
def test_model_servers_are_health_checked_and_the_worker_waits_for_them(layout):
    services = _layouts()[layout]
    servers = _model_servers(services)
    assert {"vllm-small-1", "vllm-large"} <= set(servers)
    for name, server in servers.items():
        assert "/health" in " ".join(server["healthcheck"]["test"]), name
    worker = services["worker"]
    for name in ("vllm-small-1", "vllm-large"):
        assert worker["depends_on"][name]["condition"] == "service_healthy"
    # Every model URL the app is given names a server this layout starts.
    env = worker["environment"]
    for setting in ("ABSTRACTOR_EXTRACTION__SMALL__BASE_URL", "ABSTRACTOR_EXTRACTION__LARGE__BASE_URL"):
        value = env[setting]
        urls = json.loads(value) if value.startswith("[") else [value]
        for url in urls:
            host = re.fullmatch(r"http://([^:/]+):8000/v1", url).group(1)
            assert host in servers, f"{layout}: {setting} names {host}, which is not started"


@pytest.mark.parametrize("layout", ["multi-gpu", "one-gpu"])
def test_vllm_flags_match_the_clients_requests(layout):
    for name, server in _model_servers(_layouts()[layout]).items():
        flags = _flags(server)
        # awq_marlin is vLLM's own pick for an AWQ checkpoint; forcing `awq` is ~5x slower (vllm#21376).
        assert "--quantization" not in flags, name
        assert not any("quantization" in str(item) for item in server["command"]), name
        assert json.loads(flags["--limit-mm-per-prompt"]) == {"image": 1, "video": 0}, name
        max_pixels = json.loads(flags["--mm-processor-kwargs"])["max_pixels"]
        assert max_pixels == MAX_IMAGE_SIDE * MAX_IMAGE_SIDE, name
        assert max_pixels // QWEN_TOKEN_PX**2 == MAX_IMAGE_TOKENS
        assert int(flags["--max-model-len"]) >= MAX_IMAGE_TOKENS + PROMPT_AND_ANSWER_TOKENS, name
        outputs = json.loads(flags["--structured-outputs-config"])
        assert outputs == {"backend": "xgrammar", "disable_any_whitespace": True}, name
        assert int(flags["--max-logprobs"]) >= 20, name  # the client asks for top_logprobs


def test_the_servers_image_bound_is_the_clients():
    from extractors.vlm.client import EndpointConfig

    # The client scales each page to this side and sends max_pixels = side^2 per request as well.
    assert EndpointConfig.model_fields["max_image_side"].default == MAX_IMAGE_SIDE


def test_multi_gpu_layout_gives_each_server_its_own_gpus():
    servers = _model_servers({n: s for n, s in _load(BASE)["services"].items() if not s.get("profiles")})
    assert set(servers) == {"vllm-small-1", "vllm-small-2", "vllm-large"}
    taken = [gpu for server in servers.values() for gpu in _gpus(server)]
    assert len(taken) == len(set(taken)) == 4
    large = servers["vllm-large"]
    assert int(_flags(large)["--tensor-parallel-size"]) == len(_gpus(large)) == 2
    for server in servers.values():
        assert float(_flags(server)["--gpu-memory-utilization"]) <= 0.95


def test_one_gpu_layout_fits_both_models_with_a_kv_cache_on_one_h200():
    servers = _model_servers(_layouts()["one-gpu"])
    assert set(servers) == {"vllm-small-1", "vllm-large"}
    assert {gpu for s in servers.values() for gpu in _gpus(s)} == {"0"}
    shares = {name: float(_flags(s)["--gpu-memory-utilization"]) for name, s in servers.items()}
    assert sum(shares.values()) <= 0.92, shares  # CUDA contexts and allocator slack need the rest
    for name, server in servers.items():
        flags = _flags(server)
        model = flags["--model"]
        assert int(flags.get("--tensor-parallel-size", "1")) == 1
        kv_gib = shares[name] * CARD_GIB["H200"] - WEIGHTS_GIB[model] - OVERHEAD_GIB[model]
        pages = kv_gib * 1024 * 1024 / (KV_KIB_PER_TOKEN[model] * int(flags["--max-model-len"]))
        assert pages >= MIN_PAGES_IN_FLIGHT, f"{name}: KV cache for {pages:.0f} full-length requests only"
    # Two servers profiling memory on one card at once would each see the other loading.
    assert servers["vllm-large"]["depends_on"]["vllm-small-1"]["condition"] == "service_healthy"


def test_the_override_sets_only_keys_compose_merges_as_assumed():
    override = _load(ONE_GPU)
    assert set(override) <= {"services"} | {k for k in override if k.startswith("x-")}
    base_services = _load(BASE)["services"]
    for name, service in override["services"].items():
        assert name in base_services, f"{name}: the override adds no services"
        assert set(service) <= OVERRIDABLE, f"{name}: {set(service) - OVERRIDABLE}"


def test_the_one_gpu_environment_names_real_settings(monkeypatch):
    environment = _layouts()["one-gpu"]["worker"]["environment"]
    for name, value in environment.items():
        if name.startswith("ABSTRACTOR_"):
            monkeypatch.setenv(name, str(value).replace("${POSTGRES_PASSWORD:-abstractor}", "abstractor"))
    settings = Settings()
    assert settings.extraction.small is not None and settings.extraction.large is not None
    assert settings.extraction.small.base_urls == ["http://vllm-small-1:8000/v1"]


def test_the_gpu_embedder_reindexes_with_colpali_on_cuda(monkeypatch):
    embedder = _load(BASE)["services"]["embedder"]
    assert embedder["profiles"] == ["embedder"]  # opt-in: never started by a plain `up`
    assert embedder["build"]["dockerfile"] == "infra/embedder.Dockerfile"
    assert embedder["command"] == ["reindex"]
    assert embedder["deploy"]["resources"]["reservations"]["devices"][0]["capabilities"] == ["gpu"]
    for name, value in embedder["environment"].items():
        if name.startswith("ABSTRACTOR_"):
            monkeypatch.setenv(name, str(value).replace("${POSTGRES_PASSWORD:-abstractor}", "abstractor"))
    settings = Settings()
    assert settings.embedders.device == "cuda"
    assert settings.embedders.colpali_model and settings.embedders.colpali_base
    dockerfile = (INFRA / "embedder.Dockerfile").read_text()
    assert "torch==2.13.0" in dockerfile and "download.pytorch.org/whl/cpu" not in dockerfile
    assert 'CMD ["reindex"]' in dockerfile


@pytest.mark.compose
@pytest.mark.parametrize(
    "arguments",
    [["-f", str(BASE), "-f", str(ONE_GPU)], ["-f", str(BASE), "--profile", "embedder"]],
    ids=["one-gpu", "embedder"],
)
def test_the_other_layouts_are_valid_for_docker_compose(arguments):
    binary = shutil.which("docker-compose") or shutil.which("docker-compose", path="/usr/bin")
    if binary is None:
        pytest.fail("docker-compose is missing: `make test` installs it (scripts/system_deps.sh)")
    result = subprocess.run(
        [binary, *arguments, "config", "-q"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
