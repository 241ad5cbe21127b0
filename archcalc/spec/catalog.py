"""The built-in specs (the verified zoo shipped inside the package) and resolving a spec argument."""

from __future__ import annotations

import os
from pathlib import Path

from archcalc.errors import Diagnostic, SpecError
from archcalc.spec.include import BUILTIN_DIR, builtin_names, builtin_spec, unknown_builtin
from archcalc.spec.model import Spec, load_spec

__all__ = ["BUILTIN_DIR", "builtin_names", "open_spec", "resolve"]


def resolve(argument: str) -> tuple[Path, str]:
    """The file a spec argument names, and how to name it in messages.

    A path that exists wins (named as typed); else the built-in spec of that name (named by its full path, so
    editors can open it); else a SpecError listing the built-in names.
    """
    path = Path(argument)
    if os.path.lexists(path):  # a file, or a link (even a broken or looping one: reading it says why)
        return path, argument
    builtin = builtin_spec(argument)
    if builtin:
        return builtin, str(builtin)
    message = f"no such file or built-in spec{unknown_builtin(argument)}"
    raise SpecError([Diagnostic(argument, 0, 0, message, "AC001")])


def open_spec(argument: str, overrides: dict[str, int] | None = None) -> Spec:
    """The spec a command-line argument names: a file, or a built-in spec by name (SpecError if neither);
    `overrides` give its parameters other values."""
    return load_spec(*resolve(argument), overrides)
