"""Is a page's text layer good enough to stand in for OCR? Measured on the words, never guessed.

A layer is used only when every test passes; otherwise the page is OCR'd, which is always safe:
- enough words (a near-empty layer is as likely a stray header over a scan as a short page, and OCR of a
  near-empty page is cheap);
- few characters PDFium could not map to Unicode, and few replacement or private-use characters (a font
  without a ToUnicode map yields such codes, or shifted letters, instead of text);
- most tokens look like words: letters with a vowel, numbers, punctuation (a shifted or CID-garbled
  layer gives consonant runs and mixed case that real contract text hardly ever has);
- enough English function words ("the", "of", "shall") on a page of running text: a layer whose letters are
  shifted by a font's encoding keeps vowels and case but loses them all. A contract in another language
  fails this and is OCR'd: slower, never wrong;
- the words cover the page's scan: when an image fills much of the page (a scan, with or without an OCR
  layer from the scanner), the words must span most of it, so a page whose image holds text the layer
  lacks (an exhibit pasted in as a picture) goes to OCR.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from schemas.ocr import OcrWord

MIN_WORDS = 5
MAX_BAD_CHAR_SHARE = 0.05  # unmapped, U+FFFD or private-use characters among all characters
MIN_PLAUSIBLE_SHARE = 0.7  # word-like tokens among all tokens; clean contract text scores above 0.9
# Function words among the alphabetic tokens of pages with at least PROSE_TOKENS of them: English prose
# runs at 30-50%; the lowest of 312 CUAD contract pages (40 documents) measured 8%; a shifted layer ~0%.
MIN_FUNCTION_SHARE = 0.03
PROSE_TOKENS = 40
BIG_IMAGE_SHARE = 0.25  # an image over this share of the page may hold text the layer must cover
MIN_IMAGE_COVERAGE = 0.5  # the words' extent over the big image's area

# The commonest words of English contract prose.
_FUNCTION_TEXT = (
    "a an and any as at be by for from has have if in is it its may no not of on or shall such that the "
    "this to under which will with"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
_MAX_BARE_CAPITALS = 4  # "LLC", "NY", "USD": capitals without a vowel; longer ones are garbage
_VOWELS = set("aeiouyàáâäèéêëìíîïòóôöùúûü")
_NUMBERED = re.compile(r"^\d+[a-zA-Z]{0,2}$")
_PUNCTUATION_ONLY = re.compile(r"^[\W_]+$")
_NUMBER = re.compile(r"^[(\[]?[$€£]?[\d.,:/%-]+[)\].,;:]?$")
# Real words are lower case, capitalised or all capitals; "aBcD" and "xQz" mixtures are garbage.
_CASED_WORD = re.compile(r"^([A-Z]?[a-z]+|[A-Z]+)$")


@dataclass(frozen=True)
class LayerVerdict:
    usable: bool
    reason: str  # why not, or "ok"
    plausible_share: float  # word-like tokens among all tokens (0..1)


def check_layer(
    words: Sequence[OcrWord], *, page_area: float, image_area: float, mapping_error_share: float
) -> LayerVerdict:
    """Whether `words` (one page's text layer, boxes in pixels) can replace OCR of the page."""
    plausible = plausible_share([word.text for word in words])
    if len(words) < MIN_WORDS:
        return LayerVerdict(False, f"{len(words)} words, fewer than {MIN_WORDS}", plausible)
    bad = max(mapping_error_share, bad_char_share("".join(word.text for word in words)))
    if bad > MAX_BAD_CHAR_SHARE:
        return LayerVerdict(False, f"{bad:.0%} unmapped or private-use characters", plausible)
    if plausible < MIN_PLAUSIBLE_SHARE:
        return LayerVerdict(False, f"only {plausible:.0%} of the tokens look like words", plausible)
    function = function_share([word.text for word in words])
    if function is not None and function < MIN_FUNCTION_SHARE:
        return LayerVerdict(False, f"only {function:.0%} English function words", plausible)
    if page_area and image_area / page_area > BIG_IMAGE_SHARE:
        left = min(word.left for word in words)
        top = min(word.top for word in words)
        right = max(word.left + word.width for word in words)
        bottom = max(word.top + word.height for word in words)
        coverage = (right - left) * (bottom - top) / image_area
        if coverage < MIN_IMAGE_COVERAGE:
            return LayerVerdict(False, f"the words cover {coverage:.0%} of the page's image", plausible)
    return LayerVerdict(True, "ok", plausible)


def bad_char_share(text: str) -> float:
    """Share of replacement, private-use and control characters: codes with no text behind them."""
    if not text:
        return 0.0
    bad = sum(char == "\ufffd" or unicodedata.category(char) in ("Co", "Cc", "Cn") for char in text)
    return bad / len(text)


def plausible_share(tokens: Sequence[str]) -> float:
    """Share of tokens that look like words, numbers or punctuation; 0.0 for no tokens."""
    if not tokens:
        return 0.0
    return sum(_plausible(token) for token in tokens) / len(tokens)


def function_share(tokens: Sequence[str]) -> float | None:
    """Share of function words among alphabetic tokens; None for pages with too few to tell."""
    alphabetic = [token.strip(".,;:()\"'").lower() for token in tokens]
    alphabetic = [token for token in alphabetic if token.isalpha()]
    if len(alphabetic) < PROSE_TOKENS:
        return None
    return sum(token in _FUNCTION_WORDS for token in alphabetic) / len(alphabetic)


def _plausible(token: str) -> bool:
    if _PUNCTUATION_ONLY.match(token) or _NUMBER.match(token):
        return True
    core = token.strip("\"'()[]{}.,;:!?«»“”‘’-–—*§")
    if not core:
        return True
    parts = [part for part in re.split(r"['’\-–/.&]", core) if part]
    return bool(parts) and all(_word_like(part) for part in parts)


def _word_like(part: str) -> bool:
    if _NUMBERED.match(part):
        return True  # numbers, ordinals and references: "12", "1st", "10a"
    if not _CASED_WORD.match(unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode() or "?"):
        return False
    # A single letter ("a", "I", "A" in "Exhibit A"), a word with a vowel, or a short abbreviation.
    if len(part) <= 1 or any(char.lower() in _VOWELS for char in part):
        return True
    return part.isupper() and len(part) <= _MAX_BARE_CAPITALS
