"""Confidence of each extracted field, from the log-probabilities of the tokens that wrote its value.

How a field's confidence is computed:
1. The generated JSON is parsed with the character span of every value (`parse_spans`); a value's span
   covers the value only (quotes of a string included, the key and the `:` not).
2. The generated tokens are laid end to end on the same text (by their bytes), and the tokens that overlap
   the span are the value's tokens. A token that straddles the edge (`":n`, `"},`) counts: part of it was
   the choice of this value. The closing quote of a string counts too: stopping there was a choice.
3. Forced tokens are neutral. vLLM reports logprobs after the grammar's mask: a token the grammar forced
   reads 0.0 (probability 1: the grammar decided, not the model) and masked alternatives read -9999 in
   `top_logprobs`, which are ignored. Only the model's free choices carry information.
4. `joint` (the default): confidence = exp(sum of the logprobs of the value's free tokens), i.e. the
   probability the model gave to the whole value, token after token. It is strict with long values (a
   30-token name at 0.98 a token is 0.55): a value is only as sure as all its characters together.
   `weakest_token`: confidence = exp(min logprob) over the free tokens, the probability of the least sure
   choice; it does not fall with length, but hides how many choices were shaky.
5. A field left empty gets the same treatment on its `null` or `[]`: the probability that nothing is there.
   A list field's confidence is the lowest of its elements and of its closing `]` (the choice that there
   were no more elements). The page's confidence is the lowest of its fields.
If the tokens do not spell out the text exactly (a server that reports no token bytes for a split UTF-8
character), every field is scored on all the tokens of the answer: the probability of the whole answer is a
lower bound of the probability of each value in it, so the fallback can only under-state confidence.
If the server reported no logprobs at all (several OpenAI-compatible servers and hosted APIs ignore the
request), every confidence is unknown (None): nothing measured it, and 1.0 would read as certainty.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import accumulate
from json.decoder import scanstring
from typing import Any

from extractors.vlm.client import TokenLogprob


class ConfidenceMethod(StrEnum):
    joint = "joint"
    weakest_token = "weakest_token"


@dataclass(frozen=True)
class JsonNode:
    """A parsed JSON value with its character span [start, end) in the text it came from."""

    value: Any
    start: int
    end: int
    children: dict[str, JsonNode] | list[JsonNode] | None = None


@dataclass(frozen=True)
class FieldConfidence:
    field: float | None  # the field as a whole; None: unknown
    items: list[float | None]  # one per list element; one for a scalar (its value or its null); none for []


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS = {"true": True, "false": False, "null": None}


def parse_spans(text: str) -> JsonNode:
    """Parse one JSON document, keeping every value's span. Raises ValueError on invalid JSON.

    Raw control characters inside strings are accepted (as `json.loads(strict=False)` does): xgrammar's
    string grammar lets a model write a raw tab or newline there, and that is no reason to lose the page.
    """
    node, end = _parse_value(text, _skip(text, 0))
    if _skip(text, end) != len(text):
        raise ValueError(f"extra data after the JSON value at character {end}")
    return node


def _skip(text: str, position: int) -> int:
    match = _WHITESPACE.match(text, position)
    return match.end() if match else position


def _parse_value(text: str, start: int) -> tuple[JsonNode, int]:
    if start >= len(text):
        raise ValueError("unexpected end of JSON")
    char = text[start]
    if char == "{":
        return _parse_object(text, start)
    if char == "[":
        return _parse_array(text, start)
    if char == '"':
        value, end = scanstring(text, start + 1, False)
        return JsonNode(value, start, end), end
    for literal, value in _LITERALS.items():
        if text.startswith(literal, start):
            end = start + len(literal)
            return JsonNode(value, start, end), end
    match = _NUMBER.match(text, start)
    if match is None or match.end() == start:
        raise ValueError(f"unexpected {char!r} at character {start}")
    number = match.group()
    value = float(number) if any(c in number for c in ".eE") else int(number)
    return JsonNode(value, start, match.end()), match.end()


def _parse_object(text: str, start: int) -> tuple[JsonNode, int]:
    children: dict[str, JsonNode] = {}
    position = _skip(text, start + 1)
    if text.startswith("}", position):
        return JsonNode({}, start, position + 1, children), position + 1
    while True:
        if not text.startswith('"', position):
            raise ValueError(f"expected a key at character {position}")
        key, position = scanstring(text, position + 1, False)
        position = _skip(text, position)
        if not text.startswith(":", position):
            raise ValueError(f"expected ':' at character {position}")
        children[key], position = _parse_value(text, _skip(text, position + 1))
        position = _skip(text, position)
        if text.startswith("}", position):
            value = {name: child.value for name, child in children.items()}
            return JsonNode(value, start, position + 1, children), position + 1
        if not text.startswith(",", position):
            raise ValueError(f"expected ',' or '}}' at character {position}")
        position = _skip(text, position + 1)


def _parse_array(text: str, start: int) -> tuple[JsonNode, int]:
    children: list[JsonNode] = []
    position = _skip(text, start + 1)
    if text.startswith("]", position):
        return JsonNode([], start, position + 1, children), position + 1
    while True:
        child, position = _parse_value(text, position)
        children.append(child)
        position = _skip(text, position)
        if text.startswith("]", position):
            return JsonNode([c.value for c in children], start, position + 1, children), position + 1
        if not text.startswith(",", position):
            raise ValueError(f"expected ',' or ']' at character {position}")
        position = _skip(text, position + 1)


class TokenSpans:
    """The generated tokens laid out on the generated text, to find the tokens behind a character span."""

    def __init__(self, text: str, tokens: Sequence[TokenLogprob]) -> None:
        self._tokens = list(tokens)
        # No tokens for a non-empty answer: the server sent no logprobs, so nothing can be measured.
        self.measured = bool(self._tokens) or not text
        self.aligned = b"".join(token.text for token in tokens) == text.encode()
        # Byte offset of each character (and of the end), since tokens may split a UTF-8 character.
        self._char_bytes = [0, *accumulate(len(char.encode()) for char in text)]
        self._token_ends = list(accumulate(len(token.text) for token in tokens))

    def covering(self, start: int, end: int) -> list[TokenLogprob]:
        """Tokens overlapping characters [start, end); all tokens when they do not spell the text."""
        if not self.aligned:
            return self._tokens
        byte_start, byte_end = self._char_bytes[start], self._char_bytes[end]
        first = bisect.bisect_right(self._token_ends, byte_start)
        last = bisect.bisect_left(self._token_ends, byte_end)
        return self._tokens[first : last + 1]


def combine(tokens: Sequence[TokenLogprob], method: ConfidenceMethod) -> float:
    """Probability of the choices behind `tokens` (see the module docstring). No free token: 1."""
    free = [token.logprob for token in tokens if token.free]
    if not free:
        return 1.0
    logprob = sum(free) if method is ConfidenceMethod.joint else min(free)
    return min(1.0, math.exp(logprob))


def field_confidences(
    root: JsonNode,
    spans: TokenSpans,
    method: ConfidenceMethod = ConfidenceMethod.joint,
    groups: Collection[str] = (),
) -> dict[str, FieldConfidence]:
    """Confidence of each top-level field of the answer object `root`; the members of the question
    `groups` (objects whose keys are questions of their own) each get theirs, as `<group>.<question>`."""
    if not isinstance(root.children, dict):
        raise ValueError("the answer is not a JSON object")
    confidences: dict[str, FieldConfidence] = {}
    for name, node in root.children.items():
        if name in groups and isinstance(node.children, dict):
            for question, child in node.children.items():
                confidences[f"{name}.{question}"] = _field(child, spans, method)
        else:
            confidences[name] = _field(node, spans, method)
    return confidences


def _field(node: JsonNode, spans: TokenSpans, method: ConfidenceMethod) -> FieldConfidence:
    if not spans.measured:
        return _unknown(node)
    if isinstance(node.children, list):
        items = [combine(spans.covering(child.start, child.end), method) for child in node.children]
        closing = combine(spans.covering(node.end - 1, node.end), method)
        return FieldConfidence(field=min([*items, closing]), items=items)
    value = combine(spans.covering(node.start, node.end), method)
    return FieldConfidence(field=value, items=[value])


def _unknown(node: JsonNode) -> FieldConfidence:
    count = len(node.children) if isinstance(node.children, list) else 1
    return FieldConfidence(field=None, items=[None] * count)


def page_confidence(fields: Iterable[float | None]) -> float | None:
    """The page is as sure as its least sure field, and unknown when one of its fields is (a schema
    without fields leaves nothing to doubt)."""
    values = list(fields)
    if any(confidence is None for confidence in values):
        return None
    return min((confidence for confidence in values if confidence is not None), default=1.0)
