"""Questions the schema-generic pipeline asks of any extraction schema (a pydantic model class)."""

from __future__ import annotations

import hashlib
import importlib
import json
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from schemas.results import ExtractedField

M = TypeVar("M", bound=BaseModel)


def list_fields(schema: type[BaseModel]) -> set[str]:
    """Names of the fields whose value is a list (merged as sets, scored per element)."""
    names: set[str] = set()
    for name, info in schema.model_fields.items():
        annotation = info.annotation
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        if typing.get_origin(annotation) is list:
            names.add(name)
    return names


def schema_digest(schema: type[BaseModel]) -> str:
    """A short hash of the schema's JSON form: part of the extract stage's version."""
    text = json.dumps(schema.model_json_schema(), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def load_schema(dotted: str) -> type[BaseModel]:
    """'package.module:ClassName' -> the pydantic model class named in settings."""
    module_name, _, class_name = dotted.partition(":")
    schema = getattr(importlib.import_module(module_name), class_name, None)
    if not (isinstance(schema, type) and issubclass(schema, BaseModel)):
        raise ValueError(f"{dotted!r} does not name a pydantic model (use 'package.module:ClassName')")
    return schema


def values_from_extracted(fields: Mapping[str, ExtractedField], schema: type[M]) -> M:
    """The schema's values from an engine's merged fields, leniently.

    A value that does not validate is dropped (list fields: element by element), so one malformed answer
    costs that value — a miss when scored, a missing filter value in the index — never the whole record.
    """
    lists = list_fields(schema)
    values: dict[str, Any] = {}
    for name, extracted in fields.items():
        if name not in schema.model_fields:
            continue
        found = [item.value for item in extracted.items if item.value is not None]
        if name in lists:
            values[name] = [value for value in found if _valid(schema, name, [value])]
        elif found and _valid(schema, name, found[0]):
            values[name] = found[0]
    return schema.model_validate(values)


def _valid(schema: type[BaseModel], name: str, value: Any) -> bool:
    try:
        schema.model_validate({name: value})
    except ValidationError:
        return False
    return True
