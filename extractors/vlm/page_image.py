"""The page image as a model is shown it: the stored page scaled down to the endpoint's size limit.

The stored page (200 dpi from a PDF, or whatever dpi a TIFF was scanned at) is sized for OCR. Sent whole,
a Qwen2.5-VL server spends one visual token per 28x28 pixels: ~4,900 tokens for an A4 page at 200 dpi,
~11,000 at 300 dpi, and a 400-dpi page (~19,700) no longer fits `--max-model-len 16384` at all; the
server answers 400, which is not retried. olmOCR sends its pages at 1,288 px on the longest side (~1,500
tokens for A4, ~1,650 for Letter), which keeps body text legible to the model: that is the default
(`EndpointConfig.max_image_side`).

Only the request's copy is resized. OCR words, grounding and evidence boxes keep the stored page's
coordinates: the model returns values, never coordinates, so nothing measured on the small copy has to be
mapped back (see `VlmEngine._evidence`).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

# Qwen2.5-VL: 14 px patches, 2x2 of them merged into one token, so one token is 28x28 px.
QWEN_TOKEN_SIDE = 28
# Qwen2VLImageProcessor's own bounds when a checkpoint sets none (transformers' smart_resize defaults).
QWEN_MIN_PIXELS = 56 * 56
QWEN_MAX_PIXELS = 28 * 28 * 1280
RESIZED_JPEG_QUALITY = 85  # as the stored pages (RenderConfig.jpeg_quality): legible, and small to send


@dataclass(frozen=True)
class ImageLimits:
    """How large a page image one endpoint is sent. None: no limit of that kind."""

    max_side: int | None = None  # px on the longest side
    max_pixels: int | None = None  # px in all

    @property
    def pixel_budget(self) -> int | None:
        """The pixels one image may cover: what the server's image processor is told as `max_pixels`."""
        side_budget = self.max_side * self.max_side if self.max_side is not None else None
        budgets = [b for b in (side_budget, self.max_pixels) if b is not None]
        return min(budgets) if budgets else None

    @property
    def version(self) -> str:
        """Part of the engine version: another image size gives other answers, so pages are redone."""
        side = "full" if self.max_side is None else str(self.max_side)
        return f"img-{side}" + (f"-p{self.max_pixels}" if self.max_pixels is not None else "")


def fitted_size(width: int, height: int, limits: ImageLimits) -> tuple[int, int]:
    """(width, height) scaled down, aspect ratio kept, to fit `limits`; never scaled up."""
    scale = 1.0
    if limits.max_side is not None:
        scale = min(scale, limits.max_side / max(width, height))
    if limits.max_pixels is not None:
        scale = min(scale, math.sqrt(limits.max_pixels / (width * height)))
    if scale >= 1.0:
        return width, height
    # Floor, so the result never exceeds a limit by a rounding pixel; at least 1 px on each side.
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


def image_for_model(jpeg: bytes, limits: ImageLimits) -> bytes:
    """The JPEG to send: the stored bytes when they fit (no second lossy encode), else a scaled copy.

    Bytes that are not a readable image are passed on unchanged: the server refuses them and the page
    fails with that error recorded, rather than this step inventing a failure of its own.
    """
    if not jpeg or (limits.max_side is None and limits.max_pixels is None):
        return jpeg
    try:
        with Image.open(io.BytesIO(jpeg)) as image:
            target = fitted_size(image.width, image.height, limits)
            if target == image.size:
                return jpeg
            # JPEG decoding at 1/2, 1/4 or 1/8 scale (still at least `target`): a 400-dpi page decodes
            # in a fraction of the time and memory, and LANCZOS then makes the exact size.
            image.draft(image.mode, target)
            # A copy only where the mode needs changing: convert() copies even into the same mode.
            usable = image
            if image.mode not in ("L", "RGB"):
                usable = image.convert("L" if image.mode == "1" else "RGB")
            small = usable.resize(target, Image.Resampling.LANCZOS)
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError):
        return jpeg
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=RESIZED_JPEG_QUALITY)
    return buffer.getvalue()


def image_size(jpeg: bytes) -> tuple[int, int]:
    """(width, height) of an encoded image, from its header."""
    with Image.open(io.BytesIO(jpeg)) as image:
        return image.size


def qwen_resized(
    width: int, height: int, *, min_pixels: int = QWEN_MIN_PIXELS, max_pixels: int = QWEN_MAX_PIXELS
) -> tuple[int, int]:
    """(width, height) Qwen2.5-VL's image processor turns an image into: each side a multiple of 28,
    the area within [min_pixels, max_pixels], the aspect ratio nearly kept.

    The arithmetic of transformers' `smart_resize` (qwen2_vl/image_processing_qwen2_vl.py), which vLLM
    calls too (`Qwen2VLProcessingInfo._get_vision_info`), so token counts here match the server's.
    """
    factor = QWEN_TOKEN_SIDE
    h_bar = round(height / factor) * factor
    w_bar = round(width / factor) * factor
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt((height * width) / max_pixels)
        h_bar = max(factor, math.floor(height / beta / factor) * factor)
        w_bar = max(factor, math.floor(width / beta / factor) * factor)
    elif h_bar * w_bar < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        h_bar = math.ceil(height * beta / factor) * factor
        w_bar = math.ceil(width * beta / factor) * factor
    return w_bar, h_bar


def qwen_visual_tokens(
    width: int, height: int, *, min_pixels: int = QWEN_MIN_PIXELS, max_pixels: int = QWEN_MAX_PIXELS
) -> int:
    """Visual (<|image_pad|>) tokens Qwen2.5-VL spends on a `width` x `height` image: (h/28)*(w/28)
    after `qwen_resized`. The prompt holds two more, <|vision_start|> and <|vision_end|>."""
    w_bar, h_bar = qwen_resized(width, height, min_pixels=min_pixels, max_pixels=max_pixels)
    return (h_bar // QWEN_TOKEN_SIDE) * (w_bar // QWEN_TOKEN_SIDE)


def mm_processor_kwargs(limits: ImageLimits) -> dict[str, int] | None:
    """vLLM's per-request image processor override for `limits` (None: nothing to override).

    vLLM's chat completions request takes `mm_processor_kwargs`, "additional kwargs to pass to the HF
    processor" (ChatCompletionRequest in vllm/entrypoints/openai/chat_completion/protocol.py, vLLM 0.32
    as installed in .venv-vllm); for Qwen2-VL/2.5-VL a request's `max_pixels` overrides the checkpoint's
    `size.longest_edge` for that request only (Qwen2VLProcessingInfo._get_vision_size in
    vllm/model_executor/models/qwen2_vl.py). The client has already scaled the image to fit, so this is
    a guard, and it makes the server's token count the one `qwen_visual_tokens` predicts whatever the
    checkpoint's own default (Qwen2.5-VL ships 12,845,056 px; a small test checkpoint less).

    The same vLLM refuses a request carrying it with a 400 unless the server was started with
    --trust-request-mm-kwargs (`validate_request_mm_kwargs` in vllm/entrypoints/generate/base/protocol.py:
    "Per-request mm_processor_kwargs are disabled by default"), hence `send_mm_processor_kwargs` is opt-in;
    a server started with --mm-processor-kwargs '{"max_pixels": N}' applies the bound to every request.
    """
    budget = limits.pixel_budget
    return None if budget is None else {"max_pixels": budget}
