"""Any pydantic model -> the JSON schema that drives guided decoding, with a version hash of it.

Guided decoding (xgrammar in vLLM) turns the schema into a grammar. A weak model only produces valid,
finite JSON when the grammar itself is finite, so this module closes every loophole of a generated
schema: `$ref`s are inlined, every string gets a length bound or a pattern, dates become a fixed
pattern, numbers and arrays get bounds, objects forbid extra keys, and every property is required.
Required-everywhere also matters to confidence: the model must write `null` for a field it did not find,
and the probability it gives to that `null` is its confidence that nothing is there.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

# YYYY-MM-DD, tighter than \d{4}-\d{2}-\d{2}: the grammar then cannot write month 36 or year 0000, which
# would fail validation and waste the page. Only 29 February of a common year slips through.
_MONTH_DAY = r"((0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-9])|(0[13-9]|1[0-2])-30|(0[13578]|1[02])-31)"
DATE_PATTERN = rf"^[1-9]\d{{3}}-{_MONTH_DAY}$"
DATE_TIME_PATTERN = rf"^[1-9]\d{{3}}-{_MONTH_DAY}T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ?$"

# Keys that only cost prompt tokens: grammars ignore them and the model learns nothing from them.
_DROPPED_KEYS = ("title", "default", "examples")


@dataclass(frozen=True)
class SchemaBounds:
    """Bounds added where the model's schema leaves a value open."""

    max_string_length: int = 200
    max_array_items: int = 20
    number_minimum: float = -1e12
    number_maximum: float = 1e12


@dataclass(frozen=True)
class GuidedSchema:
    """The schema sent as `response_format`, its name there, and a hash of it for `version` strings."""

    name: str
    schema: dict[str, Any]
    version: str


def guided_schema(model: type[BaseModel], bounds: SchemaBounds | None = None) -> GuidedSchema:
    """The bounded, self-contained JSON schema of `model` for guided decoding."""
    raw = model.model_json_schema(mode="validation")
    definitions = raw.pop("$defs", {})
    schema = _bound(_inline(raw, definitions, ()), bounds or SchemaBounds())
    canonical = json.dumps(schema, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:12]
    # OpenAI-compatible servers accept names of [a-zA-Z0-9_-]{1,64} only.
    name = re.sub(r"[^a-zA-Z0-9_-]", "_", model.__name__)[:64]
    return GuidedSchema(name=name, schema=schema, version=f"{name}-{digest}")


def _inline(node: Any, definitions: dict[str, Any], seen: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        return [_inline(item, definitions, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            # A recursive model has no finite grammar; such a schema cannot be guided.
            raise ValueError(f"recursive schema through {name!r} cannot be inlined")
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        target = copy.deepcopy(definitions[name])
        return _inline({**target, **siblings}, definitions, (*seen, name))
    return {key: _inline(value, definitions, seen) for key, value in node.items()}


def _bound(node: Any, bounds: SchemaBounds) -> Any:
    if isinstance(node, list):
        return [_bound(item, bounds) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _bound(value, bounds) for key, value in node.items() if key not in _DROPPED_KEYS}
    if isinstance(node.get("properties"), dict):
        # Property names are data, not schema keywords: a field may well be called "title".
        out["properties"] = {name: _bound(value, bounds) for name, value in node["properties"].items()}
    kind = out.get("type")
    if "enum" in out or "const" in out:
        return out  # already a finite choice
    if kind == "string":
        _bound_string(out, bounds)
    elif kind in ("number", "integer"):
        _bound_number(out, bounds)
    elif kind == "array":
        out.setdefault("maxItems", bounds.max_array_items)
    elif kind == "object" and "properties" in out:
        out["additionalProperties"] = False
        out["required"] = list(out["properties"])
    return out


def _bound_string(node: dict[str, Any], bounds: SchemaBounds) -> None:
    string_format = node.pop("format", None)
    if string_format == "date":
        node["pattern"] = DATE_PATTERN
    elif string_format == "date-time":
        node["pattern"] = DATE_TIME_PATTERN
    if "pattern" in node:
        # xgrammar rejects a pattern combined with length bounds; the pattern bounds the value itself, and
        # pydantic still checks the lengths when the answer is validated.
        node.pop("minLength", None)
        node.pop("maxLength", None)
    else:
        node.setdefault("maxLength", bounds.max_string_length)


def _bound_number(node: dict[str, Any], bounds: SchemaBounds) -> None:
    if "minimum" not in node and "exclusiveMinimum" not in node:
        node["minimum"] = bounds.number_minimum
    if "maximum" not in node and "exclusiveMaximum" not in node:
        node["maximum"] = bounds.number_maximum
