"""A born-digital PDF's text layer, page by page: the text the classifier is trained on.

Training reads the text layer, not OCR: it is what CUAD's lawyers marked their clause texts in, so the
marked texts can be found in it, and poppler reads a 15-page contract in a fraction of a second where
OCR takes minutes. Inference reads OCR text of scans; the words are folded the way `PageText` folds OCR
words (typographic quotes and dashes to ASCII, ligatures split), so both reach the encoder alike. What is
left between the two is OCR's misreadings, which the encoder largely shrugs off.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from extractors.rules.text import clean_word

# Fewer letters and digits than this in the whole document: a scan without a text layer, skipped.
MIN_DOCUMENT_CHARS = 200
_TOKEN = re.compile(r"\S+")


def _pdftotext() -> str:
    found = shutil.which("pdftotext")
    if found is None:
        raise RuntimeError("pdftotext (poppler-utils) is needed to read PDFs' text layers")
    return found


def fold(text: str) -> str:
    """Each word folded as OCR words are (`extractors.rules.text.clean_word`); whitespace kept."""
    return _TOKEN.sub(lambda m: clean_word(m.group()), text)


def text_layer_pages(pdf: Path) -> list[str]:
    """The folded text of each page (poppler's `pdftotext -layout`, pages split at form feeds)."""
    result = subprocess.run(
        [_pdftotext(), "-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        timeout=120,
    )
    pages = result.stdout.decode("utf-8", errors="replace").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends every page with a form feed, the last one too
    return [fold(page) for page in pages]


def has_text_layer(pages: list[str]) -> bool:
    return sum(ch.isalnum() for page in pages for ch in page) >= MIN_DOCUMENT_CHARS


def poppler_version() -> str:
    result = subprocess.run([_pdftotext(), "-v"], capture_output=True, text=True, check=False)
    first = (result.stderr or result.stdout).splitlines()
    return first[0].strip() if first else "unknown"
