"""Page images sized for the model: the resize, Qwen2.5-VL's token arithmetic, and what a request carries."""

from __future__ import annotations

import asyncio
import base64
import io
from collections.abc import Callable
from typing import Any

from PIL import Image

from extractors.engines.base import PageInput
from extractors.evidence import ground_value
from extractors.vlm.client import ChatClient, EndpointConfig
from extractors.vlm.engine import VlmEngine
from extractors.vlm.page_image import (
    ImageLimits,
    fitted_size,
    image_for_model,
    image_size,
    mm_processor_kwargs,
    qwen_resized,
    qwen_visual_tokens,
)
from schemas.contract import ContractFields

DEFAULT_LIMITS = EndpointConfig(base_url="http://unused", model="m").image_limits
A4_400DPI = (3307, 4677)  # 210 x 297 mm at 400 dpi
A4_300DPI = (2480, 3508)
A4_200DPI = (1654, 2339)
QWEN25_VL_MAX_PIXELS = 12_845_056  # max_pixels in Qwen2.5-VL-7B/72B-Instruct's preprocessor_config.json
MAX_MODEL_LEN = 16_384  # what infra serves the models with


def jpeg(width: int, height: int, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), "white").save(out, "JPEG", quality=60)
    return out.getvalue()


def sent_tokens(width: int, height: int, limits: ImageLimits) -> int:
    """Visual tokens of a stored page as the endpoint is sent it, by a server told `limits`."""
    budget = limits.pixel_budget or QWEN25_VL_MAX_PIXELS
    return qwen_visual_tokens(*fitted_size(width, height, limits), max_pixels=budget)


def test_the_default_is_olmocrs_longest_side_and_goes_to_vllm_as_max_pixels():
    assert DEFAULT_LIMITS.max_side == 1288 and DEFAULT_LIMITS.max_pixels is None
    assert mm_processor_kwargs(DEFAULT_LIMITS) == {"max_pixels": 1288 * 1288}
    assert mm_processor_kwargs(ImageLimits()) is None
    assert mm_processor_kwargs(ImageLimits(1288, 1_000_000)) == {"max_pixels": 1_000_000}
    assert DEFAULT_LIMITS.version == "img-1288" and ImageLimits().version == "img-full"


def test_a_page_is_scaled_to_its_longest_side_with_the_aspect_ratio_kept_and_never_enlarged():
    assert fitted_size(*A4_400DPI, DEFAULT_LIMITS) == (910, 1288)
    assert fitted_size(4677, 3307, DEFAULT_LIMITS) == (1288, 910)  # landscape: the width is the long side
    assert fitted_size(425, 550, DEFAULT_LIMITS) == (425, 550)
    assert fitted_size(*A4_400DPI, ImageLimits()) == A4_400DPI
    width, height = fitted_size(*A4_400DPI, ImageLimits(max_pixels=500_000))
    assert width * height <= 500_000 and abs(width / height - 3307 / 4677) < 0.01


def test_the_token_estimate_is_the_arithmetic_of_qwens_image_processor():
    # Imported here, not at the top: transformers takes seconds to import and only this test needs it.
    from transformers.models.qwen2_vl.image_processing_qwen2_vl import smart_resize

    for width, height in [A4_400DPI, A4_300DPI, A4_200DPI, (910, 1288), (425, 550), (20, 900), (1700, 2200)]:
        for max_pixels in (224 * 224, 1288 * 1288, QWEN25_VL_MAX_PIXELS):
            h_bar, w_bar = smart_resize(height, width, factor=28, min_pixels=56 * 56, max_pixels=max_pixels)
            assert qwen_resized(width, height, max_pixels=max_pixels) == (w_bar, h_bar)
            assert qwen_visual_tokens(width, height, max_pixels=max_pixels) == (h_bar // 28) * (w_bar // 28)


def test_a_400_dpi_page_no_longer_overflows_the_served_context():
    # Sent whole, the checkpoint's own limit lets the image alone fill the context but for ~100 tokens:
    # with the instructions, schema and the answer's max_tokens beside it, the server refuses the page.
    whole = sent_tokens(*A4_400DPI, ImageLimits())
    assert whole > 16_000 and whole + EndpointConfig.model_fields["max_tokens"].default > MAX_MODEL_LEN
    # At the default it is ~1,500 tokens: a tenth of the context, the prompt and answer fit beside it.
    assert sent_tokens(*A4_400DPI, DEFAULT_LIMITS) == 32 * 46 < MAX_MODEL_LEN // 8  # 910 x 1288 px


def test_a_300_dpi_tiff_and_a_200_dpi_pdf_page_cost_the_same_at_the_default():
    assert sent_tokens(*A4_300DPI, ImageLimits()) > 11_000
    assert sent_tokens(*A4_200DPI, ImageLimits()) > 4_800
    assert sent_tokens(*A4_300DPI, DEFAULT_LIMITS) == sent_tokens(*A4_200DPI, DEFAULT_LIMITS) < 1_600


def test_a_page_that_fits_is_sent_as_stored_and_a_large_one_as_a_scaled_copy():
    small = jpeg(425, 550)
    assert image_for_model(small, DEFAULT_LIMITS) is small  # no second lossy encode
    large = jpeg(*A4_300DPI, mode="L")
    scaled = image_for_model(large, DEFAULT_LIMITS)
    assert image_size(scaled) == (910, 1288)
    assert Image.open(io.BytesIO(scaled)).mode == "L"  # a grayscale scan stays a third of the bytes
    assert image_for_model(large, ImageLimits()) is large


def test_bytes_that_are_no_image_pass_unchanged_for_the_server_to_refuse():
    assert image_for_model(b"\xff\xd8jpeg", DEFAULT_LIMITS) == b"\xff\xd8jpeg"
    assert image_for_model(b"", DEFAULT_LIMITS) == b""


# --- what the engine sends, and where its evidence points ---


def extract(engine: VlmEngine, pages: list[PageInput]) -> list[Any]:
    async def run() -> list[Any]:
        try:
            return await engine.extract_pages(pages)
        finally:
            await engine.aclose()

    return asyncio.run(run())


def sent_image(payload: dict[str, Any]) -> tuple[int, int]:
    url = payload["messages"][1]["content"][0]["image_url"]["url"]
    return image_size(base64.b64decode(url.removeprefix("data:image/jpeg;base64,")))


def vlm(url: str, **endpoint_options: Any) -> VlmEngine:
    endpoint = EndpointConfig(base_url=url, model="small", timeout_s=5.0, max_retries=0, **endpoint_options)
    return VlmEngine(ContractFields, ChatClient(endpoint), ground=ground_value)


LINES = ["Page 1", "", "This Agreement shall be governed by the laws of the State of New York."]
ANSWER = ContractFields(governing_law="New York").model_dump_json()


def test_the_request_carries_the_scaled_page(fake_openai, make_pages):
    fake_openai.default = fake_openai.Reply(content=ANSWER, logprob=lambda char: -0.01)
    [page] = make_pages(LINES, images=True)  # a 1700 x 2200 page, as rendered at 200 dpi
    engine = vlm(fake_openai.url)
    assert engine.version.endswith(":img-1288")
    [result] = extract(engine, [page])
    assert result.status == "ok", result.errors
    [payload] = fake_openai.requests
    assert sent_image(payload) == fitted_size(1700, 2200, DEFAULT_LIMITS) == (995, 1288)
    # vLLM refuses per-request processor kwargs unless trusted: they are sent only when asked for.
    assert "mm_processor_kwargs" not in payload


def test_vllms_max_pixels_goes_with_the_request_when_asked_for(fake_openai, make_pages):
    fake_openai.default = fake_openai.Reply(content=ANSWER, logprob=lambda char: -0.01)
    [page] = make_pages(LINES, images=True)
    extract(vlm(fake_openai.url, send_mm_processor_kwargs=True), [page])
    [payload] = fake_openai.requests
    assert payload["mm_processor_kwargs"] == {"max_pixels": 1288 * 1288}


def test_an_endpoint_can_be_sent_the_page_as_stored(fake_openai, make_pages):
    fake_openai.default = fake_openai.Reply(content=ANSWER, logprob=lambda char: -0.01)
    [page] = make_pages(LINES, images=True)
    # Nothing to bound: no max_pixels either, even where the endpoint would send it.
    extract(vlm(fake_openai.url, max_image_side=None, send_mm_processor_kwargs=True), [page])
    [payload] = fake_openai.requests
    assert sent_image(payload) == (1700, 2200)
    assert "mm_processor_kwargs" not in payload


def test_evidence_boxes_stay_on_the_stored_page_when_the_model_sees_a_smaller_one(
    fake_openai, make_pages: Callable[..., list[PageInput]]
):
    # The model answers values only, never coordinates: evidence is grounded on the OCR words, which were
    # read from the stored upright page. So its boxes are the OCR boxes, whatever size the model was sent.
    fake_openai.default = fake_openai.Reply(content=ANSWER, logprob=lambda char: -0.01)
    [page] = make_pages(LINES, images=True)
    [result] = extract(vlm(fake_openai.url, max_image_side=644), [page])
    assert sent_image(fake_openai.requests[0])[1] == 644
    [item] = result.fields["governing_law"].items
    evidence = item.evidence
    assert evidence is not None and evidence.bbox is not None
    assert (evidence.page_width, evidence.page_height) == (page.ocr.width, page.ocr.height) == (1700, 2200)
    words = [w for w in page.ocr.words if w.text.strip(".") in ("New", "York")]
    assert evidence.bbox.x0 == min(w.left for w in words)
    assert evidence.bbox.x1 == max(w.left + w.width for w in words)
    assert evidence.bbox.y0 == min(w.top for w in words)
