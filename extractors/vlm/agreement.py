"""Confidence by agreement: how many answers to the same page, sampled again, agree with the first.

Where an endpoint returns no logprobs nothing measures the probability of a value directly. Asking for
the page again at a temperature and counting agreement does (self-consistency): a value the model writes
in every sample is one it is sure of; a value that changes from sample to sample is not.

How (each answer as the engine flattens it: the JSON form of the validated schema, by field path):
- the answers are the first (the one kept, greedy where the server allows) and every sample; a sample that
  failed or was invalid is None and disagrees on every field. Shares are over all answers, the first
  included, so a field is never below 1 / answers, and only every answer agreeing gives 1;
- values are compared lightly normalised: strings without regard to case or runs of whitespace (inside
  objects and lists too), everything else as JSON with object keys in any order;
- a scalar field (null included: agreement that nothing is there) is the share of answers whose value
  equals the first's;
- a list field: each element is the share of answers whose list holds an equal element; the field is the
  share of answers whose list equals the first's as a multiset (order is no disagreement). That share is
  never above an element's (a list equal to the first's holds all its elements), so it is also the lowest
  of the two, as a logprob list field is the lowest of its elements and its closing `]`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from extractors.vlm.confidence import FieldConfidence

Answer = Mapping[str, Any]  # field path -> JSON value


def agreement_confidences(first: Answer, samples: Sequence[Answer | None]) -> dict[str, FieldConfidence]:
    """Each field of `first` as sure as the share of all answers (`first` too) that agree with it there."""
    answers = [first, *samples]
    return {name: _field(value, [_get(answer, name) for answer in answers]) for name, value in first.items()}


def normalised(value: Any) -> str:
    """A value's comparison key: equal for values that agree (see the module docstring)."""
    return json.dumps(_normal(value), sort_keys=True, ensure_ascii=False)


_MISSING = object()  # the value of a failed or invalid sample: equal to no value, not even null


def _get(answer: Answer | None, name: str) -> Any:
    return _MISSING if answer is None else answer.get(name, _MISSING)


def _field(first: Any, values: list[Any]) -> FieldConfidence:
    if isinstance(first, list):
        return _list_field(first, values)
    key = normalised(first)
    share = _share([value is not _MISSING and normalised(value) == key for value in values])
    return FieldConfidence(field=share, items=[share])


def _list_field(first: list[Any], values: list[Any]) -> FieldConfidence:
    # Each answer's list as sorted element keys; not a list (a failed sample) holds nothing and equals none.
    held = [sorted(map(normalised, value)) if isinstance(value, list) else None for value in values]
    own = sorted(map(normalised, first))
    items = [_share([keys is not None and normalised(element) in keys for keys in held]) for element in first]
    return FieldConfidence(field=_share([keys == own for keys in held]), items=items)


def _share(agreeing: Sequence[bool]) -> float:
    return sum(agreeing) / len(agreeing)


def _normal(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    if isinstance(value, list):
        return [_normal(element) for element in value]
    if isinstance(value, dict):
        return {key: _normal(element) for key, element in value.items()}
    return value
