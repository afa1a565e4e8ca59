"""OCR stage: tesseract on the stored JPEG, TSV parsing, and the per-page cache.

Tesseract reads two pages in this file (about a second each); everything else works on data.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import ValidationError

from extractors.errors import OcrError
from extractors.ocr import (
    CachedPage,
    OcrCache,
    OcrCacheKey,
    OcrConfig,
    engine_version,
    ocr_image_file,
    parse_tsv,
    tesseract_version,
)
from extractors.orientation import make_upright
from extractors.render import RenderConfig, encode_jpeg
from schemas.ocr import OcrWord, PageOcr

SHA = "ab" + "0" * 62


@pytest.fixture(scope="session")
def upright_page_ocr(make: ModuleType, docs: Path) -> PageOcr:
    page = make.contract_page()
    page.info["dpi"] = (200, 200)
    path = docs / "ocr-upright.jpg"
    path.write_bytes(encode_jpeg(page, 85))
    return ocr_image_file(path, OcrConfig())


def test_ocr_reads_the_known_words_with_boxes_inside_the_page(
    make: ModuleType, upright_page_ocr: PageOcr
) -> None:
    ocr = upright_page_ocr
    words = {word.text: word for word in ocr.words}

    assert (ocr.width, ocr.height) == (1166, 1654)
    assert set(make.KNOWN_WORDS) <= set(words)
    assert all(w.left >= 0 and w.left + w.width <= ocr.width for w in ocr.words)
    assert all(w.top >= 0 and w.top + w.height <= ocr.height for w in ocr.words)
    assert all(words[text].confidence > 80 for text in make.KNOWN_WORDS)
    assert ocr.text.splitlines()[0] == make.TITLE
    # The title sits above the first body line, which starts on the same left margin.
    assert words["MASTER"].top < words["Northwind"].top
    first_body_word = next(word for word in ocr.words if word.text == "This")
    assert abs(words["MASTER"].left - first_body_word.left) < 10


def test_engine_version_names_tesseract_lang_and_psm(upright_page_ocr: PageOcr) -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", tesseract_version())
    assert upright_page_ocr.engine_version == f"tesseract {tesseract_version()} lang=eng psm=3"
    assert engine_version(OcrConfig(psm=6, oem=1)).endswith("psm=6 oem=1")


def test_a_page_scanned_upside_down_reads_the_same_once_upright(make: ModuleType, docs: Path) -> None:
    upright, rotation, _ = make_upright(make.contract_page(rotate_cw=180))
    path = docs / "ocr-turned.jpg"
    path.write_bytes(encode_jpeg(upright, 85))

    ocr = ocr_image_file(path, OcrConfig())

    assert rotation == 180
    assert set(make.KNOWN_WORDS) <= {word.text for word in ocr.words}


def test_unreadable_image_is_an_ocr_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")

    with pytest.raises(OcrError, match=r"broken\.jpg"):
        ocr_image_file(path, OcrConfig())


def test_parse_tsv_keeps_non_empty_words_and_a_lone_quote() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "1\t1\t0\t0\t0\t0\t0\t0\t800\t600\t-1\t\n"
        "4\t1\t1\t1\t1\t0\t10\t20\t300\t30\t-1\t\n"
        '5\t1\t1\t1\t1\t1\t10\t20\t40\t30\t91.5\t"\n'
        "5\t1\t1\t1\t1\t2\t60\t20\t90\t30\t88\tTerm:\n"
        "5\t1\t1\t1\t1\t3\t160\t20\t10\t30\t95\t \n"
        "5\t1\t2\t1\t1\t1\t10\t80\t90\t30\t77.25\tFees\n"
    )

    words = parse_tsv(tsv)

    assert [w.text for w in words] == ['"', "Term:", "Fees"]
    assert words[1] == OcrWord(
        text="Term:", left=60, top=20, width=90, height=30, confidence=88, block=1, paragraph=1, line=1
    )
    assert words[2].block == 2


def _page(text: str = "Agreement") -> CachedPage:
    word = OcrWord(text=text, left=1, top=2, width=3, height=4, confidence=90.0)
    return CachedPage(
        rotation=180, skew=1.5, ocr=PageOcr(width=10, height=20, words=[word], engine_version="t")
    )


def _key(**changes: object) -> OcrCacheKey:
    fields: dict[str, object] = {
        "sha256": SHA,
        "page": 3,
        "image_version": "200dpi-q85-u1",
        "engine_version": "tesseract 5.3.0 lang=eng psm=3",
    }
    return OcrCacheKey.model_validate(fields | changes)


def test_cache_round_trip_is_atomic_and_laid_out_by_hash(tmp_path: Path) -> None:
    cache = OcrCache(tmp_path)
    key = _key()

    assert cache.get(key) is None
    cache.put(key, _page())

    assert cache.get(key) == _page()
    assert (
        cache.path_for(key) == tmp_path / "ab" / f"{SHA}-p3-200dpi-q85-u1-tesseract-5.3.0-lang-eng-psm-3.json"
    )
    assert [path.name for path in (tmp_path / "ab").iterdir()] == [cache.path_for(key).name]  # no temp left
    cache.put(key, _page("Lease"))
    assert cache.get(key) == _page("Lease")


@pytest.mark.parametrize(
    "changes",
    [
        {"page": 4},
        {"image_version": RenderConfig(dpi=300).page_image_version},
        {"image_version": RenderConfig(jpeg_quality=90).page_image_version},
        {"engine_version": "tesseract 5.4.1 lang=eng psm=3"},
        {"engine_version": "tesseract 5.3.0 lang=eng+deu psm=3"},
        {"engine_version": "tesseract 5.3.0 lang=eng psm=6"},
    ],
)
def test_cache_misses_when_anything_that_changes_the_result_changes(
    tmp_path: Path, changes: dict[str, object]
) -> None:
    cache = OcrCache(tmp_path)
    cache.put(_key(), _page())

    assert cache.path_for(_key(**changes)) != cache.path_for(_key())
    assert cache.get(_key(**changes)) is None


def test_unreadable_cache_record_is_a_miss(tmp_path: Path) -> None:
    cache = OcrCache(tmp_path)
    cache.path_for(_key()).parent.mkdir(parents=True)
    cache.path_for(_key()).write_text('{"rotation": 0')

    assert cache.get(_key()) is None


def test_cache_key_takes_only_a_real_sha256() -> None:
    assert _key(sha256=SHA.upper()).sha256 == SHA
    with pytest.raises(ValidationError):
        _key(sha256="../../etc/passwd")
