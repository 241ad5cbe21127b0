"""What commands read from the command line beyond their own options: the spec argument, `--input`, `--set`,
`--depth`, lists of whole numbers, and the spec loaded and walked with them (usage errors exit 2, a spec's
problems exit 1, through `app.guarded`)."""

from __future__ import annotations

from typing import Annotated

import typer

from archcalc import api
from archcalc.cli.app import guarded
from archcalc.limits import limits
from archcalc.report import Report
from archcalc.shapes import Shape
from archcalc.spec.model import Spec


def whole_number(text: str, hint: str, what: str = "a positive whole number") -> int:
    """`text` as a whole number from 1 to archcalc.limits' `number`, or a usage error (exit 2) naming
    `hint` (the option) and `what` was expected."""
    text = text.strip()
    if not (text.isdigit() and len(text) <= 19 and 0 < int(text) <= limits().number):
        shown = text if len(text) <= 30 else f"{text[:27]}..."
        raise typer.BadParameter(
            f"expected {what} (at most {limits().number:,}), got {shown!r}", param_hint=hint
        )
    return int(text)


def whole_numbers(text: str, hint: str) -> list[int]:
    """`1,8,32` → [1, 8, 32], each checked by `whole_number`."""
    return [whole_number(part, hint, "positive whole numbers like 1,8,32") for part in text.split(",")]


class InputShape(tuple[int, ...]):
    """An input shape given on the command line: (nH, nW, nC), or (n,) for a vector. nH and nW may be
    names (`HxWx3`), which the engine makes symbolic, as it does for `input: [H, W, 3]` in a spec."""


def parse_input(text: str) -> InputShape:
    """`224x224x3` (also `224×224×3`, `224,224,3`) → (224, 224, 3); `4096` → a vector (4096,);
    `HxWx3` leaves nH and nW symbolic."""
    parts = [part.strip() for part in text.replace("×", "x").replace(",", "x").split("x")]
    symbols = all(part.isidentifier() and part != "x" for part in parts[:-1] if not part.isdigit())
    if len(parts) not in (1, 3) or not symbols:
        shown = text if len(text) <= 40 else f"{text[:37]}..."
        raise typer.BadParameter(
            f"expected nHxnWxnC like 224x224x3 or HxWx3 (or a vector length like 4096), got {shown!r}"
        )
    sizes = [whole_number(part, "--input", "sizes like 224x224x3") if part.isdigit() or i == len(parts) - 1
             else part for i, part in enumerate(parts)]  # fmt: skip
    return InputShape(sizes)  # type: ignore[arg-type]


InputOption = Annotated[
    InputShape | None,
    typer.Option(
        "--input",
        "-i",
        parser=parse_input,
        metavar="HxWxC",
        help="Override the input: nHxnWxnC, e.g. 224x224x3; HxWx3 leaves nH and nW symbolic; 4096 a vector.",
    ),
]
"""The `--input` option of every command that analyses a spec."""

SpecArgument = Annotated[
    str, typer.Argument(help="A spec file, or the name of a built-in spec (see `archcalc list`).")
]


DepthOption = Annotated[
    int | None,
    typer.Option(
        "--depth", "-d", min=1, metavar="N", help="Show blocks only this many levels deep (1: the top level)."
    ),
]
"""How deep a table lists rows, or a diagram draws blocks open."""

SetOption = Annotated[
    str | None,
    typer.Option(
        "--set",
        metavar="NAME=N,…",
        help="Give spec parameters or symbolic sizes values: n=18 or H=224,W=224.",
    ),
]


def assignments(text: str | None, option: str = "--set") -> dict[str, int]:
    """`H=224,W=224` → {"H": 224, "W": 224}, or a usage error."""
    values: dict[str, int] = {}
    for part in filter(None, (text or "").split(",")):
        name, _, value = part.partition("=")
        if not name.strip().isidentifier():
            message = f"expected NAME=VALUE pairs like n=18 or H=224,W=224, got {part[:40]!r}"
            raise typer.BadParameter(message, param_hint=option)
        values[name.strip()] = whole_number(value, option, "NAME=VALUE with a positive whole VALUE")
    return values


def load_set(
    argument: str, assign: str | None, input_shape: InputShape | None, option: str = "--set"
) -> tuple[Spec, InputShape | None]:
    """The spec with `--set` applied (archcalc.api: its parameters, then its symbolic sizes put into the
    input), or its problems and exit 1; a name that is neither is a usage error naming `option`."""
    values = assignments(assign, option)
    spec = guarded(lambda: api.load(argument, set=values), option)
    shape = guarded(lambda: api.sized(spec, values, input_shape), option)
    return spec, None if shape is None else InputShape(shape)


def analysed(spec: Spec, input_shape: Shape | None) -> Report:
    """The report of `spec` at `input_shape` (default: its own), or its problems and exit 1."""
    return guarded(lambda: api.analyze(spec, input=input_shape).report)


def numeric_input(
    spec: Spec, input_shape: InputShape | None, command: str, option: str | None = "--input"
) -> None:
    """A usage error (exit 2) unless the input `command` will run at is all numbers: the spec's own input
    or `input_shape`. Commands that run torch, or add up bytes, need numbers; `table` and `explain` do not.
    `option` is how to give the input (None: the command runs the spec at its own input only)."""
    shape = input_shape or spec.input
    symbols = [str(d) for d in shape if isinstance(d, str)]
    if not symbols:
        return
    example = "x".join(["224", "224", str(shape[-1])])
    missing = f"{' and '.join(symbols)} {'has no value' if len(symbols) == 1 else 'have no values'}"
    how = (f"give them values with --set {','.join(f'{s}=224' for s in symbols[:2])}" if option == "--set"
           else f"give the input with {option}, e.g. {option} {example}" if option
           else "write numbers in the spec's `input:`")  # fmt: skip
    raise typer.BadParameter(f"{command} needs numbers for the input sizes, but {missing}; {how}",
                             param_hint=option or "SPEC")  # fmt: skip
