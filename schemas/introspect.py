"""Questions the schema-generic pipeline asks of any extraction schema (a pydantic model class)."""

from __future__ import annotations

import hashlib
import importlib
import json
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

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


class QuestionGroup(BaseModel):
    """A group of questions answered one by one (ContractFields.clauses), not one value.

    Each sub-field of a group is a field of an extraction in its own right, named `<group>.<question>`,
    with its own value, confidence and evidence. A value object such as Money is one answer: it is a
    plain BaseModel, not a QuestionGroup.
    """

    model_config = ConfigDict(extra="forbid")


def nested_fields(schema: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """The schema's question groups by field name."""
    return {
        name: info.annotation
        for name, info in schema.model_fields.items()
        if isinstance(info.annotation, type) and issubclass(info.annotation, QuestionGroup)
    }


def field_paths(schema: type[BaseModel]) -> list[str]:
    """Every field an engine answers: the top-level ones, and `<group>.<question>` for nested groups."""
    nested = nested_fields(schema)
    paths: list[str] = []
    for name in schema.model_fields:
        if name in nested:
            paths.extend(f"{name}.{sub}" for sub in nested[name].model_fields)
        else:
            paths.append(name)
    return paths


def presence_fields(schema: type[BaseModel]) -> set[str]:
    """The yes/no questions of nested groups: present on any page means present in the document."""
    return {path for path in field_paths(schema) if "." in path}


def flatten_values(schema: type[BaseModel], values: Mapping[str, Any]) -> dict[str, Any]:
    """A schema instance's JSON form with nested groups spread into `<group>.<question>` keys."""
    nested = nested_fields(schema)
    flat: dict[str, Any] = {}
    for name, value in values.items():
        if name in nested and isinstance(value, Mapping):
            flat.update({f"{name}.{sub}": sub_value for sub, sub_value in value.items()})
        else:
            flat[name] = value
    return flat


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
    paths = set(field_paths(schema))
    values: dict[str, Any] = {}
    for path, extracted in fields.items():
        if path not in paths:
            continue
        found = [item.value for item in extracted.items if item.value is not None]
        group, _, name = path.rpartition(".")
        target = values.setdefault(group, {}) if group else values
        if path in lists:
            target[name] = [value for value in found if _valid(schema, path, [value])]
        elif found and _valid(schema, path, found[0]):
            target[name] = found[0]
    return schema.model_validate(values)


def _valid(schema: type[BaseModel], path: str, value: Any) -> bool:
    group, _, name = path.rpartition(".")
    try:
        schema.model_validate({group: {name: value}} if group else {name: value})
    except ValidationError:
        return False
    return True
