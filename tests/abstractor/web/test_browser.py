"""End to end in Debian's Chromium (Playwright) against a real `abstractor serve` on 127.0.0.1.

Screenshots of every page go to the test's folder; with UPDATE_DOCS_SCREENSHOTS=1 the search and report
pages are also written to docs/screenshots/ for the README.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[3]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
DOCS_SCREENSHOTS = REPO / "docs" / "screenshots"
UPDATE_DOCS = os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1"
QUERY = "Horizon Biotech Massachusetts"


@pytest.fixture
def server(corpus, free_port: Callable[[], int], tmp_path: Path, start_server) -> Iterator[str]:
    """`abstractor serve` on the corpus's data home (ABSTRACTOR_DATA_HOME is set by search_home)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        str(Path(sys.executable).parent / "abstractor"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with start_server(command, f"{url}/healthz", tmp_path / "serve.log", cwd=tmp_path):
        yield url


@pytest.fixture
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make test installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


class Visitor:
    """One user's browser context: signs in, remembers console errors (CSP violations show there)."""

    def __init__(self, browser, base: str, shots: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1360, "height": 900}, base_url=base)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.shots = shots

    def _console(self, message) -> None:
        # The 403/404 pages this test asks for on purpose log "Failed to load resource"; anything else
        # (a CSP violation, a script error) is a fault.
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.errors.append(message.text)

    def sign_in(self, token: str, start: str = "/") -> None:
        self.page.goto(start)
        assert "/signin" in self.page.url
        self.page.fill("#token", token)
        self.page.click("text=Sign in >> nth=-1")
        self.page.wait_for_load_state()
        assert "/signin" not in self.page.url

    def shot(self, name: str, *, full_page: bool = True) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def images_loaded(self, timeout_s: float = 10.0) -> bool:
        """Every image on the page decoded. Polled with evaluate: wait_for_function would need the
        'unsafe-eval' our CSP (rightly) refuses."""
        deadline = time.monotonic() + timeout_s
        script = "[...document.images].every(i => i.complete && i.naturalWidth > 0)"
        while not self.page.evaluate(script):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True


def _publish(shot: Path, name: str) -> None:
    if UPDATE_DOCS:
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, DOCS_SCREENSHOTS / name)


def test_a_lawyer_signs_in_searches_opens_a_hit_sees_its_evidence_and_signs_out(
    server, browser, corpus, tmp_path
):
    alice = Visitor(browser, server, tmp_path)
    page = alice.page
    alice.sign_in(corpus.tokens["alice"], "/search")
    assert page.url.endswith("/search")
    assert page.locator("nav[aria-label=main] a").all_inner_texts() == ["Search", "Contracts", "Review"]
    alice.shot("1-search-empty")

    page.fill("#q", QUERY)
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("li.hit")
    assert alice.images_loaded()
    matters = page.locator("li.hit .about > .muted").all_inner_texts()
    assert matters and all(text.endswith("· alpha") for text in matters)
    box = page.locator("li.hit >> nth=0").locator("svg.boxes rect.match >> nth=0").bounding_box()
    thumb = page.locator("li.hit >> nth=0").locator("a.thumb img").bounding_box()
    assert box is not None and thumb is not None and box["width"] > 0
    assert thumb["x"] <= box["x"] and box["x"] + box["width"] <= thumb["x"] + thumb["width"] + 1
    alice.shot("2-search-results")

    page.click("li.hit >> nth=0 >> .docname a")
    page.wait_for_selector(".page img")
    assert "/documents/" in page.url and "page=1" in page.url
    page.click("tr:has(td:text-is('governing law')) a[data-box]")
    page.wait_for_load_state()
    assert page.url.endswith("#box-governing_law-0")
    assert page.evaluate("document.querySelector(':target').id") == "box-governing_law-0"
    target = page.locator("#box-governing_law-0").bounding_box()
    image = page.locator(".page img").bounding_box()
    assert target is not None and image is not None and target["width"] > 0
    assert image["y"] <= target["y"] <= image["y"] + image["height"]
    width = image["width"]
    page.click("button[data-zoom=in]")
    assert page.inner_text(".zoom-level") == "150%"
    zoomed = page.locator(".page img").bounding_box()
    assert zoomed is not None and zoomed["width"] > width * 1.3
    page.click("button[data-zoom=fit]")
    alice.shot("3-document")

    page.click("text=Sign out")
    page.wait_for_url("**/signin")
    page.goto("/search")
    assert "/signin" in page.url
    assert alice.errors == []


def test_other_roles_and_matters_see_only_what_is_theirs(server, browser, corpus, tmp_path):
    alpha_document = corpus.ids[("alpha", "sow-0023.pdf")]

    bob = Visitor(browser, server, tmp_path)
    bob.sign_in(corpus.tokens["bob"], "/search")
    bob.page.goto(f"/search?q={QUERY.replace(' ', '+')}")
    matters = bob.page.locator("li.hit .about > .muted").all_inner_texts()
    assert matters and all(text.endswith("· beta") for text in matters)
    assert "sow-0023.pdf" not in bob.page.content()
    response = bob.page.goto(f"/documents/{alpha_document}")
    assert response is not None and response.status == 404
    bob.shot("4-other-matter-404")

    ann = Visitor(browser, server, tmp_path)
    ann.sign_in(corpus.tokens["ann"])
    assert ann.page.url.endswith("/reports")
    assert ann.page.locator("nav[aria-label=main] a").all_inner_texts() == ["Reports"]
    assert ann.page.locator(".chart svg").count() >= 4
    ann.page.goto("/reports?field=governing_law#wrong")
    assert ann.images_loaded() and "Atlantis" in ann.page.inner_text("table.wrong")
    ann.page.goto("/reports")
    _publish(ann.shot("5-report", full_page=False), "report.png")
    ann.shot("5-report-full")
    ann.page.click("details.embedded summary")
    frame = ann.page.frame_locator("details.embedded iframe")
    assert "Extraction accuracy" in frame.locator("h1").inner_text()
    for path, status in ((f"/documents/{alpha_document}", 404), ("/search", 403), ("/runs", 403)):
        response = ann.page.goto(path)
        assert response is not None and response.status == status, path
        assert "sow-0023" not in ann.page.content()

    root = Visitor(browser, server, tmp_path)
    root.sign_in(corpus.tokens["root"], "/runs")
    assert "the PDF is password-protected" in root.page.inner_text("main")
    root.page.click("text=Retry in the next run")
    root.page.wait_for_selector("text=marked for the next run")
    root.shot("6-runs")
    root.page.goto("/audit?actor=bob")
    assert "denied" in root.page.inner_text("table.audit")  # bob's try at alpha's document
    root.shot("7-audit")
    assert bob.errors == [] and ann.errors == [] and root.errors == []


def _inside(inner: dict | None, outer: dict | None) -> bool:
    assert inner is not None and outer is not None
    return (
        outer["x"] - 1 <= inner["x"]
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
        and outer["y"] - 1 <= inner["y"]
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1
    )


def test_results_grouped_with_marked_snippets_facets_narrow_and_the_viewer_boxes_the_passage(
    stored_clauses, server, browser, corpus, tmp_path
):
    root = Visitor(browser, server, tmp_path)
    page = root.page
    root.sign_in(corpus.tokens["root"], "/search")
    page.fill("#q", "statement of work")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("li.hit")
    assert root.images_loaded()
    # One item per document: the same file in two matters is two documents, each once.
    documents = page.locator("li.hit").evaluate_all("items => items.map(i => i.dataset.document)")
    assert len(documents) == len(set(documents)) == len(corpus.ids)
    first = page.locator("li.hit >> nth=0")
    assert first.locator(".docname").inner_text() == "sow-0023.pdf"
    assert first.locator("p.snippet mark").all_inner_texts() == ["STATEMENT", "WORK"]
    assert first.locator(".more-pages a").all_inner_texts() == ["p. 2"]  # its other matching page
    passage = first.locator("svg.boxes rect.passage >> nth=0").bounding_box()
    assert passage is not None and passage["width"] > 0
    assert _inside(passage, first.locator("a.thumb img").bounding_box())
    _publish(root.shot("8-search-grouped"), "search.png")

    # A clause facet adds its filter: only the documents that have the clause stay.
    facet = page.locator("aside.facets li", has_text="Anti-Assignment")
    assert facet.locator(".count").inner_text() == "1"
    facet.locator("a").click()
    page.wait_for_load_state()
    assert "where=clause.anti_assignment=true" in page.url
    assert page.locator("li.hit .docname").all_inner_texts() == ["nda-0077.pdf"]
    assert page.locator("aside.facets li.active a").inner_text() == "Anti-Assignment"
    assert page.locator("#clause").input_value() == "anti_assignment"
    root.shot("9-search-facet")

    # Back to all: open sow-0023's best page; the passage is boxed on the page and leads back.
    page.locator("aside.facets li.active a").click()
    page.wait_for_load_state()
    page.locator("li.hit >> nth=0 >> .docname a").click()
    page.wait_for_selector(".page img")
    assert root.images_loaded()
    boxes = page.locator(".page svg.boxes rect.passage")
    assert boxes.count() >= 1
    image = page.locator(".page img").bounding_box()
    assert all(_inside(boxes.nth(i).bounding_box(), image) for i in range(boxes.count()))
    # The boxes are pixels of the stored page image: drawn scaled with it, each sits where its line is.
    natural = page.evaluate("document.querySelector('.page img').naturalWidth")
    box = boxes.nth(0).bounding_box()
    assert box is not None and image is not None and natural > 0
    scale = image["width"] / natural
    left = int(page.locator(".page svg.boxes rect.passage >> nth=0").get_attribute("x") or "0")
    assert abs((box["x"] - image["x"]) - left * scale) <= 2
    assert "Marked: the passage that matched" in page.inner_text(".viewer")
    root.shot("10-document-passage")
    page.click("text=← back to results")
    page.wait_for_load_state()
    assert page.url.endswith("/search?q=statement+of+work")
    assert page.locator("#q").input_value() == "statement of work"
    assert page.locator("li.hit").count() == len(documents)
    assert root.errors == []


def test_a_lawyer_corrects_a_value_from_the_review_queue_and_the_contract_table_follows(
    server, browser, corpus, tmp_path
):
    alice = Visitor(browser, server, tmp_path)
    page = alice.page
    alice.sign_in(corpus.tokens["alice"], "/review")
    assert page.url.endswith("/review")
    _publish(alice.shot("8-review-queue", full_page=False), "review.png")

    sow = corpus.ids[("alpha", "sow-0023.pdf")]
    page.goto(f"/documents/{sow}?page=1")
    row = page.locator("#field-governing_law")
    row.locator("input[name=value]").fill("Texas")
    row.locator("button[value=correct]").click()
    page.wait_for_load_state()
    assert "corrected by alice" in page.locator("#field-governing_law").inner_text()

    # The correction wins in the contract table and in its filter.
    page.goto("/contracts?where=governing_law=Texas")
    files = page.locator("table tbody tr td:first-child a").all_inner_texts()
    assert "sow-0023.pdf" in files
    _publish(alice.shot("9-contracts", full_page=False), "contracts.png")
    assert alice.errors == []
