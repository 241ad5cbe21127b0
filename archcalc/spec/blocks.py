"""Reusable blocks: `blocks: {bottleneck(width, stride=1): [layers…]}` defined once, used by name.

A definition's key is its signature: a name, then optionally its arguments in parentheses, each a name or
`name=default` (the default is read as YAML: `2`, `true`, `relu`). A use passes arguments by name, plus
`repeat:` (copies named 0, 1, …, in which arguments may use the copy's index `i`) and `name:`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from archcalc.errors import DocPath, Problem, SpecError, suggest
from archcalc.spec.source import load_text

INPUT_NAMES = ("nH", "nW", "nC")
"""The size of a block's input, as its expressions read it (the course's notation)."""
RESERVED = ("name", "repeat", "trainable", "i", *INPUT_NAMES)
INPUT_SIZES = re.compile(rf"\b(?:{'|'.join(INPUT_NAMES)})\b")
"""A block whose settings mention nH, nW or nC reads the size of its input."""
_SIGNATURE = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:\((.*)\))?\s*$")
_ARGUMENT = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:=\s*(\S.*?))?\s*$")


def input_sizes(shape: tuple[Any, ...]) -> dict[str, int]:
    """What a sized block's layers may read: nH, nW, nC of a volume (a vector's length, or the width D of
    tokens, as nC). A symbolic size (`--input HxWx3`) has no number and is left out, so an expression
    reading it says so."""
    names = INPUT_NAMES if len(shape) == 3 else INPUT_NAMES[2:]
    sizes = shape[-len(names) :]
    return {name: size for name, size in zip(names, sizes, strict=True) if isinstance(size, int)}


@dataclass(frozen=True)
class Block:
    """One block definition: its arguments (None marks a required one) and its unparsed layers."""

    name: str
    defaults: dict[str, Any]
    body: Any
    path: DocPath

    def bind(self, arguments: dict[str, Any], use: DocPath) -> tuple[dict[str, Any], list[Problem]]:
        """The block's environment for one use: defaults overridden by the arguments given."""
        known = ", ".join(self.defaults) or "none"
        problems = [
            Problem(f"block '{self.name}' has no argument '{key}'{suggest(key, list(self.defaults))}"
                    f" (arguments: {known})", (*use, key), on_key=True, code="AC013")
            for key in arguments if key not in self.defaults
        ]  # fmt: skip
        env = {key: value for key, value in self.defaults.items() if value is not None} | arguments
        missing = [key for key in self.defaults if env.get(key) is None]
        if missing:
            needs = ", ".join(repr(m) for m in missing)
            problems.append(Problem(f"block '{self.name}' needs {needs}", use, code="AC013"))
        return env, problems

    @cached_property
    def sizes_read(self) -> frozenset[str]:
        """The sizes of its input (nH, nW, nC) its layers read; if any, they are made at each use's shape."""
        found: set[str] = set()
        pending = [self.body]
        while pending:
            item = pending.pop()
            if isinstance(item, dict):
                pending += [value for key, value in item.items() if key != "name"]
            elif isinstance(item, list):
                pending += item
            elif isinstance(item, str):
                found.update(INPUT_SIZES.findall(item))
        return frozenset(found)

    def label(self, env: dict[str, Any]) -> str:
        """How a use reads in the table: `bottleneck(width=64, stride=2)`."""
        shown = ", ".join(f"{key}={env[key]}" for key in self.defaults if key in env)
        return f"{self.name}({shown})" if self.defaults else self.name


def parse_blocks(
    raw: Any, reserved_kinds: set[str], included: Collection[str] = ()
) -> tuple[dict[str, Block], list[Problem]]:
    """The definitions under `blocks:`, keyed by name, with a problem for each malformed one (or one that
    takes the name of a kind or of an `included` block)."""
    blocks: dict[str, Block] = {}
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        return blocks, [] if raw is None else [
            Problem("blocks: expected a mapping of block definitions", ("blocks",), code="AC016")
        ]
    for key, body in raw.items():
        path = ("blocks", key)
        block = _definition(str(key), body, path, problems)
        what = block and (
            "a layer kind" if block.name in reserved_kinds
            else "defined twice" if block.name in blocks
            else "a block of an included spec" if block.name in included
            else None
        )  # fmt: skip
        if block and what:
            message = f"block name '{block.name}' is {what}; choose another name"
            problems.append(Problem(message, path, on_key=True, code="AC016"))
        elif block:
            blocks[block.name] = block
    return blocks, problems


def _definition(key: str, body: Any, path: DocPath, problems: list[Problem]) -> Block | None:
    match = _SIGNATURE.match(key)
    if match is None:
        problems.append(
            Problem(
                f"block '{key}': write a block as `name` or `name(arg, arg=default)`",
                path,
                on_key=True,
                code="AC016",
            )
        )
        return None
    name = match.group(1)
    defaults = _arguments(name, match.group(2) or "", path, problems)
    if not isinstance(body, list) or not body:
        problems.append(Problem(f"block '{name}': expected a list of layers", path, code="AC016"))
        return None
    return Block(name, defaults, body, path)


def _arguments(block: str, text: str, path: DocPath, problems: list[Problem]) -> dict[str, Any]:
    """`width, stride=1` → {"width": None, "stride": 1} (None marks a required argument)."""
    defaults: dict[str, Any] = {}
    for part in filter(str.strip, text.split(",")):
        argument = _ARGUMENT.match(part)
        name = argument.group(1) if argument else None
        if argument is None or name in RESERVED or name in defaults:
            reason = (
                "is reserved"
                if name in RESERVED
                else "is repeated"
                if name in defaults
                else "is not `name` or `name=default`"
            )
            problems.append(
                Problem(
                    f"block '{block}': argument '{part.strip()}' {reason}", path, on_key=True, code="AC016"
                )
            )
            continue
        default = argument.group(2)
        defaults[argument.group(1)] = (
            None if default is None else _default(block, part, default, path, problems)
        )
    return defaults


def _default(block: str, part: str, text: str, path: DocPath, problems: list[Problem]) -> Any:
    """A default written in a signature, read as a YAML scalar: a whole number, true/false or text."""
    try:
        value, _ = load_text(text)
    except SpecError:
        value = None
    if type(value) not in (int, bool, str):
        message = (f"block '{block}': the default in '{part.strip()}' is not a whole number, true/false or "
                   "a name; lists and mappings cannot be defaults")  # fmt: skip
        problems.append(Problem(message, path, on_key=True, code="AC016"))
        return text  # reported; not None, which would mark the argument as required
    return value
