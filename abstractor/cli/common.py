"""What every verb shares: exit statuses, loading settings, printing JSON, how --help looks."""

from __future__ import annotations

import json
import sys
from enum import IntEnum
from typing import Any, NoReturn

import typer
from pydantic import ValidationError
from rich.markup import escape
from typer.core import TyperCommand, TyperGroup, TyperOption

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


def examples(*lines: tuple[str, str]) -> str:
    """A command's --help epilog: each example command line with what it does, in typer's Rich markup."""
    # Escaped: an example's own brackets (`--format [csv]`) are words, not Rich style tags.
    width = max(len(command) for command, _ in lines)
    rows = "\n".join(
        f"{escape(command.ljust(width))}  [dim]# {escape(what)}[/dim]" for command, what in lines
    )
    return f"[bold]Examples:[/bold]\n{rows}"


def _unlabel(params: list[Any]) -> None:
    for param in params:
        if getattr(param, "is_bool_flag", False) and param.metavar is None:
            param.metavar = ""


def _unlabel_flags(command: TyperCommand | TyperGroup, ctx: typer.Context) -> None:
    """typer (0.29) labels every flag `<bool>` in --help, as though it wanted a value after it; an empty
    metavar on each flag of the command and of its subcommands, --help included, drops the label."""
    help_option = command.get_help_option(ctx)  # built once and kept: the one --help shows later
    _unlabel([*command.params, *([help_option] if help_option else [])])
    for sub in getattr(command, "commands", {}).values():
        _unlabel_flags(sub, ctx)


class Group(TyperGroup):
    """The root app: every verb's flags shown without `<bool>`, whichever module declares them."""

    def get_help_option(self, ctx: typer.Context) -> TyperOption | None:
        option = super().get_help_option(ctx)
        _unlabel([*self.params, *([option] if option else [])])
        return option

    def get_command(self, ctx: typer.Context, cmd_name: str) -> TyperCommand | TyperGroup | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _unlabel_flags(command, ctx)
        return command
