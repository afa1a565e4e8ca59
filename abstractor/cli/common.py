"""What every verb shares: exit statuses, loading settings, printing JSON."""

from __future__ import annotations

import json
import sys
from enum import IntEnum
from typing import Any, NoReturn

import typer
from pydantic import ValidationError

from abstractor.settings import Settings


class Exit(IntEnum):
    ok = 0
    usage = 2  # bad usage or configuration
    documents_failed = 3  # the run finished, but some documents failed
    regression = 4  # the accuracy gate tripped


def fail(message: str, status: Exit = Exit.usage) -> NoReturn:
    typer.echo(f"abstractor: {message}", err=True)
    raise typer.Exit(int(status))


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        fail(f"bad configuration:\n{error}")


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=None, default=str)
    sys.stdout.write("\n")
