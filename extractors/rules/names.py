"""What a party's or a person's name looks like, and comparing two of them loosely."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

# Legal-form suffixes, as written after a company name (with or without dots and commas).
LEGAL_SUFFIX_RE = re.compile(
    r"(?:,?\s+)(?:Inc|Incorporated|Corp|Corporation|Co|Company|LLC|L\.L\.C|LLP|L\.L\.P|LP|L\.P|Ltd|Limited|"
    r"PLC|plc|P\.L\.C|GmbH|AG|SE|SA|S\.A|SAS|SARL|S\.A\.R\.L|BV|B\.V|NV|N\.V|DAC|Pte\.?\s+Ltd|Pty\.?\s+Ltd|"
    r"Oy|AB|AS|ApS|KK|K\.K|S\.p\.A|SpA|S\.r\.l|Srl|ULC|PC|P\.C|LLLP)\.?(?![\w])",
)
# For comparing names, "ACME WIDGETS, INC." is "Acme Widgets, Inc.".
_SUFFIX_ANY_CASE = re.compile(LEGAL_SUFFIX_RE.pattern, re.I)
# Words that start a phrase, not a name: "This Agreement", "The parties", "Each Party".
_NOT_NAME_START = {
    "this", "the", "such", "each", "any", "all", "its", "our", "your", "their", "said", "whereas", "by",
    "between", "and", "of", "in", "on", "for", "to", "with", "as", "if",
}  # fmt: skip
DOTTED_ABBREVIATIONS = {"inc", "corp", "co", "ltd", "pte", "pty", "bros", "jr", "sr", "plc", "llc"}
# Lower-case words a name may hold: connectors, and "plc" as British companies write it.
_CONNECTORS = {"&", "and", "of", "de", "du", "der", "van", "von", "la", "le", "the", "y", "und", "et", "plc"}


def clean_name(text: str) -> str:
    """Trim a captured name: spacing, stray quotes and trailing punctuation (but not a suffix's dot)."""
    text = " ".join(text.replace("\n", " ").split())
    text = re.sub(r"\.{2,}$", ".", text.strip(" ,;:\"'()[]_|-"))
    while text.endswith("."):
        last = text.split()[-1][:-1]
        # "Inc." and "L.L.C." keep their dot; a full stop after "AG" or a person's name does not.
        if "." in last or last.lower() in DOTTED_ABBREVIATIONS:
            break
        text = text[:-1].rstrip()
    return text


def join_split_capitals(name: str) -> str:
    """ "J ames Patel" -> "James Patel": OCR cuts a capital off a name; no name word is one letter then
    lower case (an initial is "A." or stands before a capital)."""
    return re.sub(r"\b([A-Z]) (?=[a-z]{2,})", r"\1", name)


def has_legal_suffix(name: str) -> bool:
    return bool(LEGAL_SUFFIX_RE.search(name))


def looks_like_name(text: str, *, max_tokens: int = 10) -> bool:
    """A proper name: 1..max_tokens tokens, capitalised except for connectors, no sentence words."""
    tokens = text.replace(",", " ").split()
    if not tokens or len(tokens) > max_tokens or len(text) > 100:
        return False
    if tokens[0].lower() in _NOT_NAME_START or not tokens[0][0].isupper():
        return False
    letters = sum(c.isalpha() for c in text)
    if letters < 2 or letters < 0.6 * len(text.replace(" ", "")):
        return False
    return all(t[0].isupper() or t[0].isdigit() or t.lower() in _CONNECTORS or t[0] in "&(" for t in tokens)


# The printed labels of a form ("Printed Name", "Signature Title") are capitalised words, but no one's name.
_FORM_WORDS = {
    "print", "printed", "typed", "full", "name", "names", "signature", "signatures", "title", "date",
    "position", "capacity", "authorized", "authorised", "signatory", "sign", "here",
}  # fmt: skip


def looks_like_person(text: str) -> bool:
    """Two to four capitalised words without a company suffix: "Grace Castillo", "Mary J. O'Neil"."""
    tokens = text.split()
    return (
        2 <= len(tokens) <= 4
        and looks_like_name(text)
        and not has_legal_suffix(text)
        and not all(re.sub(r"\W", "", token).lower() in _FORM_WORDS for token in tokens)
    )


def name_key(name: str) -> str:
    """Case, punctuation and legal suffix dropped: for telling whether two names are one party."""
    base = _SUFFIX_ANY_CASE.sub(" ", name)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", base.casefold()).split())


def same_name(a: str, b: str, threshold: float = 0.88) -> bool:
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return False
    return ka == kb or SequenceMatcher(None, ka, kb).ratio() >= threshold
