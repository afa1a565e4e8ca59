"""The OCR stage: tesseract words, boxes and confidences for one upright page image, and their cache.

Tesseract runs as a subprocess on the JPEG the render stage already wrote (re-encoding to PNG for pytesseract
costs more than it saves) with OMP_THREAD_LIMIT=1: its OpenMP threads fight the page-level pool for the
cores and make a page about six times slower on two cores.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field, field_validator

from extractors.errors import OcrError, summarise_stderr
from schemas.ocr import OcrWord, PageOcr

_WORD_LEVEL = 5  # tesseract TSV levels: 1 page, 2 block, 3 paragraph, 4 line, 5 word


class OcrConfig(BaseModel):
    """How a page's words are read. Everything here except the timeout changes the output."""

    model_config = ConfigDict(frozen=True)

    lang: str = "eng"  # tesseract language packs, e.g. "eng+deu"
    psm: int = 3  # page segmentation: 3 = fully automatic, no OSD (orientation is fixed beforehand)
    oem: int | None = None  # None = tesseract's default engine (LSTM)
    timeout_s: int = 120
    # Read PDF pages whose embedded text layer passes `extractors.layer_check` from it instead of OCR'ing
    # them; off, the OCR stage version is what it was before text layers were read.
    text_layer: bool = True


def run_tesseract(
    args: list[str], *, timeout_s: float, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run the tesseract CLI single-threaded; the caller judges the return code."""
    try:
        return subprocess.run(
            ["tesseract", *args],
            input=stdin,
            capture_output=True,
            timeout=timeout_s,
            check=False,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
    except subprocess.TimeoutExpired as error:
        raise OcrError(f"tesseract took longer than {timeout_s:g} s") from error
    except FileNotFoundError as error:
        raise OcrError("tesseract is not installed (apt install tesseract-ocr)") from error


@functools.cache
def tesseract_version() -> str:
    """The installed tesseract version, e.g. '5.3.0'; read once per process."""
    result = run_tesseract(["--version"], timeout_s=30)
    output = (result.stdout + result.stderr).decode("utf-8", "replace")  # older releases print to stderr
    match = re.search(r"tesseract v?(\d+\.\d+\.\d+\S*)", output)
    if not match:
        raise OcrError(f"cannot read the tesseract version: {summarise_stderr(output)}")
    return match.group(1)


def engine_version(config: OcrConfig) -> str:
    """What produced a PageOcr; a change means the OCR stage is stale."""
    version = f"tesseract {tesseract_version()} lang={config.lang} psm={config.psm}"
    return version if config.oem is None else f"{version} oem={config.oem}"


def ocr_image_file(path: Path, config: OcrConfig) -> PageOcr:
    """OCR one upright page image file (the stored JPEG); coordinates are pixels of that image."""
    try:
        with Image.open(path) as image:  # reads the header only
            width, height = image.size
    except (OSError, UnidentifiedImageError) as error:
        raise OcrError(f"cannot read the page image {path.name}: {error}") from error
    args = [str(path), "stdout", "-l", config.lang, "--psm", str(config.psm)]
    if config.oem is not None:
        args += ["--oem", str(config.oem)]
    result = run_tesseract([*args, "tsv"], timeout_s=config.timeout_s)
    if result.returncode != 0:
        raise OcrError(f"tesseract failed on {path.name}: {summarise_stderr(result.stderr)}")
    return PageOcr(
        width=width,
        height=height,
        words=parse_tsv(result.stdout.decode("utf-8", "replace")),
        engine_version=engine_version(config),
    )


def parse_tsv(tsv: str) -> list[OcrWord]:
    """The non-empty words of tesseract's TSV output, in its reading order."""
    # QUOTE_NONE: a word may be a lone double quote, which must not open a quoted field.
    rows = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    words: list[OcrWord] = []
    for row in rows:
        text = (row.get("text") or "").strip()
        if int(row["level"]) != _WORD_LEVEL or not text:
            continue
        words.append(
            OcrWord(
                text=text,
                left=int(row["left"]),
                top=int(row["top"]),
                width=int(row["width"]),
                height=int(row["height"]),
                confidence=max(float(row["conf"]), 0.0),
                block=int(row["block_num"]),
                paragraph=int(row["par_num"]),
                line=int(row["line_num"]),
            )
        )
    return words


# --- cache ------------------------------------------------------------------------------------------------


class OcrCacheKey(BaseModel):
    """Everything that decides a page's orientation and OCR result."""

    model_config = ConfigDict(frozen=True)

    # The document's bytes; the pattern also keeps every record path inside the cache folder.
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    page: int = Field(ge=1)
    image_version: str  # RenderConfig.page_image_version: dpi, JPEG quality, upright algorithm
    engine_version: str  # engine_version(OcrConfig): tesseract version, lang, psm

    @field_validator("sha256", mode="before")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()

    @property
    def relative_path(self) -> Path:
        name = f"{self.sha256}-p{self.page}-{_slug(self.image_version)}-{_slug(self.engine_version)}.json"
        return Path(self.sha256[:2]) / name


class CachedPage(BaseModel):
    """The orientation and OCR of one page: what reprocessing would otherwise recompute."""

    rotation: int  # clockwise degrees applied to make the page upright
    skew: float  # degrees of tilt corrected after the rotation
    ocr: PageOcr


class OcrCache:
    """A folder of JSON records, one per page; safe for concurrent readers and writers.

    Writes go to a temporary file in the same folder and are renamed into place, so a reader sees either
    no record or a whole one; two workers writing the same page write the same content.
    """

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir

    def path_for(self, key: OcrCacheKey) -> Path:
        return self.cache_dir / key.relative_path

    def get(self, key: OcrCacheKey) -> CachedPage | None:
        try:
            return CachedPage.model_validate_json(self.path_for(key).read_bytes())
        except FileNotFoundError:
            return None
        except ValueError:  # a record from an incompatible schema: recompute rather than fail the page
            return None

    def put(self, key: OcrCacheKey, page: CachedPage) -> None:
        path = self.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, suffix=".tmp", delete=False) as handle:
            handle.write(page.model_dump_json().encode())
        try:
            Path(handle.name).replace(path)
        except OSError:
            Path(handle.name).unlink(missing_ok=True)
            raise


def _slug(text: str) -> str:
    """A version made safe for a file name: 'tesseract 5.3.0 lang=eng' -> 'tesseract-5.3.0-lang-eng'."""
    return re.sub(r"[^A-Za-z0-9.+_]+", "-", text).strip("-")
