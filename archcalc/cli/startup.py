"""What a run of `archcalc` builds before its command runs: only that command (see `narrowed`)."""

from __future__ import annotations

import copy
from typing import Any

import typer


def narrowed(whole: typer.Typer, arguments: list[str]) -> typer.Typer:
    """`whole` with only the command that `arguments` run, when they name one: typer makes a click command of
    every registered function at each start (reading its signature and evaluating its annotations, 1–2 ms
    a command), while a run needs one. Help, a version or an unknown command see them all."""
    name = _command_named(arguments)
    commands = [command for command in whole.registered_commands if _name_of(command) == name]
    if not commands:
        return whole
    only = copy.copy(whole)
    only.registered_commands = commands
    return only


def _name_of(command: Any) -> str:
    """The name typer gives a registered command (`list_specs` → `list-specs` unless named)."""
    return str(command.name or typer.main.get_command_name(command.callback.__name__))


def _command_named(arguments: list[str]) -> str | None:
    """The first argument after the global options (`--limit NAME=N`), if it is not an option itself."""
    rest = arguments
    while rest and rest[0].startswith("--limit"):
        rest = rest[2:] if rest[0] == "--limit" else rest[1:]
    return rest[0] if rest and not rest[0].startswith("-") else None
