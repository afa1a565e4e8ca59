"""A page's OCR words as one searchable string, with every character traceable back to its word.

Rules run regular expressions over `PageText.text`; a match's character span maps back to the OCR words it
covers, which give the evidence box and the OCR confidence of what was read.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from extractors.grounding import union_box
from schemas.ocr import OcrWord, PageOcr
from schemas.results import BoundingBox, Evidence

# Typographic characters OCR reads out of scanned print, folded to the ASCII the grammars are written for.
_FOLD = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "‟": '"', "‘": "'", "’": "'", "‚": "'", "`": "'", "´": "'",
     "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "ﬁ": "fi", "ﬂ": "fl", "\u00a0": " "}
)  # fmt: skip
# A token that is mostly digits: letters OCR confuses with digits inside it are read as those digits.
_NUMERIC_LIKE = re.compile(r"^[$£€(]?[0-9OoIl|]*[0-9][0-9OoIl|,./:-]*[0-9OoIl|][).,;:]?$")
_DIGIT_FIXES = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})


def clean_word(text: str) -> str:
    """One OCR word with typography folded and digit look-alikes inside numbers repaired."""
    text = text.translate(_FOLD)
    if _NUMERIC_LIKE.match(text) and sum(c.isdigit() for c in text) >= 2:
        text = text.translate(_DIGIT_FIXES)
    return text


# Words a contract surely contains, for telling a cut-off capital from an article ("A greement").
_LEXICON = frozenset(
    [
        "agreement",
        "any",
        "and",
        "state",
        "june",
        "july",
        "january",
        "april",
        "august",
        "act",
        "all",
        "article",
        "party",
        "parties",
        "effective",
        "executive",
        "employee",
        "employer",
        "tenant",
        "landlord",
        "licensor",
        "licensee",
        "york",
        "jersey",
    ]
)


def vocabulary(pages: list[PageOcr]) -> frozenset[str]:
    """The words a document spells in full somewhere, lower-cased."""
    words = {re.sub(r"[^a-z]", "", w.text.lower()) for page in pages for w in page.words if len(w.text) > 2}
    return frozenset(words) | _LEXICON


def _split_capital(first: OcrWord, second: OcrWord, known: frozenset[str]) -> bool:
    """Tesseract often cuts a word's capital off ("A greement", "S tate", "J une"). A lone capital then a
    lower-case fragment is one word when the joined word is spelled in full elsewhere in the document,
    or when the gap between them is far less than a space."""
    if len(first.text) != 1 or not first.text.isupper() or not second.text[:1].islower():
        return False
    joined = re.sub(r"[^a-z]", "", (first.text + second.text).lower())
    gap = second.left - (first.left + first.width)
    return joined in known or gap < 0.2 * max(first.height, second.height)


# Words with a hyphen of their own ("twenty-four", "non-exclusive") keep it when split at a line's end.
_HYPHENATED_PREFIXES = frozenset(
    {
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "non", "self", "co",
        "pre", "post", "re", "sub", "multi", "cross", "anti", "inter", "intra", "semi", "quasi", "ex", "vice",
    }
)  # fmt: skip


def _dehyphenated(part: str, next_word: str) -> str | None:
    """The text of a line's last word when the word breaks with a hyphen onto the next line; else None."""
    word = part.lstrip("\n ")
    if not (len(word) >= 3 and word.endswith("-") and word[-2].isalpha() and next_word[:1].islower()):
        return None
    stem = re.sub(r"^\W+", "", word[:-1]).lower()
    return part if stem in _HYPHENATED_PREFIXES else part[:-1]


@dataclass
class PageText:
    """The words of one page in reading order: lines joined by newlines, paragraphs by blank lines."""

    number: int
    width: int
    height: int
    words: list[OcrWord]
    text: str = ""
    starts: list[int] = field(default_factory=list)  # character offset of each word in `text`
    ends: list[int] = field(default_factory=list)
    line_of: list[int] = field(default_factory=list)  # index of the line each word is on

    @classmethod
    def from_ocr(cls, number: int, ocr: PageOcr, known: frozenset[str] = _LEXICON) -> PageText:
        """The page's words as text; `known` is the document's vocabulary (see `vocabulary`)."""
        page = cls(number=number, width=ocr.width, height=ocr.height, words=list(ocr.words))
        parts: list[str] = []
        offset, line_index = 0, -1
        previous: tuple[int, int, int] | None = None
        for word in page.words:
            key = (word.block, word.paragraph, word.line)
            if previous is None:
                separator = ""
            elif key == previous:
                separator = "" if _split_capital(page.words[len(parts) - 1], word, known) else " "
            elif key[:2] == previous[:2] and (joined := _dehyphenated(parts[-1], word.text)) is not None:
                # "Febru-" at a line's end and "ary 3, 2025" on the next: one word again.
                offset -= len(parts[-1]) - len(joined)
                page.ends[-1] = offset
                parts[-1], separator = joined, ""
            else:
                separator = "\n" if key[:2] == previous[:2] else "\n\n"
            if key != previous:
                line_index += 1
            previous = key
            token = clean_word(word.text)
            parts.append(separator + token)
            offset += len(separator)
            page.starts.append(offset)
            offset += len(token)
            page.ends.append(offset)
            page.line_of.append(line_index)
        page.text = "".join(parts)
        return page

    def word_indices(self, start: int, end: int) -> range:
        """The words a character span [start, end) touches."""
        first = bisect.bisect_right(self.ends, start)
        last = bisect.bisect_left(self.starts, end)
        return range(first, max(first, last))

    def box(self, start: int, end: int) -> BoundingBox | None:
        indices = self.word_indices(start, end)
        if not indices:
            return None
        return union_box(self.words[i] for i in indices)

    def confidence(self, start: int, end: int) -> float:
        """Mean OCR confidence (0..1) of the words in the span; 0 when it covers none."""
        indices = self.word_indices(start, end)
        if not indices:
            return 0.0
        return sum(self.words[i].confidence for i in indices) / (100.0 * len(indices))

    def words_text(self, start: int, end: int) -> str:
        """The OCR words of a span as read, on one line: the evidence text."""
        return " ".join(self.words[i].text for i in self.word_indices(start, end))

    def evidence(self, start: int, end: int) -> Evidence:
        """A span as evidence: its words, their box and the page they are on."""
        return Evidence(
            page=self.number,
            text=self.words_text(start, end),
            bbox=self.box(start, end),
            page_width=self.width,
            page_height=self.height,
        )

    def lines(self) -> list[tuple[int, int]]:
        """Character spans of the page's lines."""
        spans: list[tuple[int, int]] = []
        for match in re.finditer(r"[^\n]+", self.text):
            spans.append((match.start(), match.end()))
        return spans
