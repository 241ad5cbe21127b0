"""The typer app every command registers on, and what commands share: guarding, printing, writing, exits
(the spec argument, `--input`, `--set` and loading: options.py).

Command modules (table, tools, lint, torch, bench, importing) import this module; it imports none of them.
Bad input (a SpecError) prints `file:line:col: message` lines on stderr and exits 1; usage errors exit 2.
"""

from __future__ import annotations

import functools
import gc
import os
import sys
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer._click.exceptions import ClickException
from typer.core import TyperArgument, TyperCommand, TyperGroup

from archcalc import __version__
from archcalc.backends import MissingPackage
from archcalc.cli.startup import narrowed
from archcalc.errors import SettingError, SpecError, escape
from archcalc.files import OutputError, write_text
from archcalc.limits import Limits, set_limits

if TYPE_CHECKING:
    from rich.console import RenderableType

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

INTERNAL_ERROR = 3
"""The exit code of a bug in archcalc (1: the input is wrong, 2: the command line is)."""


def plain_help(params: list[Any]) -> list[Any]:
    """Help that reads as the command is typed: a flag shows no value placeholder (typer's `<bool>`), a value
    its metavar (FILE, HxWxC, N) or its choices (`table|json`), an argument its name in capitals (SPEC)."""
    for param in params:
        if isinstance(param, TyperArgument):
            param.metavar = param.metavar or (param.name or "").upper()
            param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]  # the name says it
        elif param.is_flag:
            param.metavar = ""
        elif param.metavar is None:
            param.metavar = str(param.opts[0]).lstrip("-").upper()
            choices = [
                str(getattr(c, "value", c)) for c in getattr(param.type_descriptor, "choices", None) or ()
            ]
            if choices and not all(choice in (param.help or "") for choice in choices):
                param.help = f"{param.help or ''} One of: {', '.join(choices)}.".strip()
    return params


class _PlainHelp:
    """For a typer command or group: its parameters as `plain_help` shows them."""

    def get_params(self, ctx: Any) -> list[Any]:
        return plain_help(super().get_params(ctx))  # type: ignore[misc]


class _Command(_PlainHelp, TyperCommand):
    pass


class _Group(_PlainHelp, TyperGroup):
    pass


class _GuardedApp(typer.Typer):
    """A typer app whose every command runs behind `internal_errors`: no traceback ever reaches the user."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        register = super().command(*args, **{"cls": _Command, **kwargs})

        def decorator(function: F) -> F:
            register(internal_errors(function))
            return function

        return decorator


def internal_errors(function: F) -> F:
    """`function`, with any exception that is not a user's error (a bug in archcalc) turned into one line
    `internal error in <command> on <spec>: <type>: <message> — please report it` and exit code 3."""

    @functools.wraps(function)
    def guarded_command(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except (typer.Exit, typer.Abort, ClickException, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            _reader_gone()
            raise typer.Exit(1) from None
        except Exception as exc:
            subject = next((str(kwargs[key]) for key in ("spec", "spec_a", "paths") if kwargs.get(key)), "")
            where = f" on {escape(subject)}" if subject else ""
            message = escape(str(exc)[:500])
            typer.echo(f"internal error in {function.__name__}{where}: {type(exc).__name__}: {message} — "
                       "please report it", err=True)  # fmt: skip
            raise typer.Exit(INTERNAL_ERROR) from None

    return guarded_command  # type: ignore[return-value]


def _reader_gone() -> None:
    """What reads the output stopped reading (`archcalc table … | head`): nothing more is said, as a Unix
    tool says nothing then, and the output is pointed at /dev/null so that Python's own flush at exit does
    not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


app = _GuardedApp(
    cls=_Group,
    help="Exact shapes, parameters and MACs of CNN architectures written as YAML specs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(StrEnum):
    """The formats of `list`. Every command's --format lists exactly what it implements."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class Mode(StrEnum):
    """What a step costs: a forward pass (inference), or a training step (forward + backward)."""

    infer = "infer"
    train = "train"


class TableFormat(StrEnum):
    """The formats of `table`: those of `list`, and LaTeX for papers and course notes."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    latex = "latex"


class TableOrJson(StrEnum):
    table = "table"
    json = "json"


class TableJsonCsv(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ExplainFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


class TableMarkdownJson(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"archcalc {__version__}")
        raise typer.Exit()


def _limits(settings: list[str] | None) -> None:
    """`--limit layers=500000` (repeatable): raise archcalc's input limits for this run."""
    values: dict[str, int] = {}
    for setting in settings or []:
        name, _, value = setting.partition("=")
        if not (value.strip().isdigit() and len(value.strip()) <= 30 and int(value) > 0):
            raise typer.BadParameter(
                f"expected NAME=N with a positive whole N, got {setting!r}", param_hint="--limit"
            )
        values[name.strip()] = int(value)
    try:
        set_limits(Limits().raised(values))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--limit") from None


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    limit: Annotated[
        list[str] | None,
        typer.Option(
            "--limit",
            metavar="NAME=N",
            help="Raise an input limit for this run, e.g. layers=500000 "
            "(limits: file_bytes, yaml_nodes, nesting, layers, expression_chars, expression_depth, "
            "number, sizes).",
        ),
    ] = None,
) -> None:
    """Exact shapes, parameters and MACs of CNN architectures written as YAML specs."""
    _limits(limit)


def guarded(compute: Callable[[], T], option: str | None = None) -> T:
    """Run `compute`; a SpecError becomes its diagnostics on stderr and exit code 1, a SettingError (a value
    given on the command line) a usage error naming `option` (default: the option it names) and exit 2, a
    missing optional package (torch, onnx) how to install it and exit 2."""
    try:
        return compute()
    except MissingPackage as exc:
        typer.echo(f"archcalc: {exc}", err=True)
        raise typer.Exit(2) from None
    except SettingError as exc:
        hint = option or ("FIGURE" if exc.option == "figure" else f"--{exc.option}")
        raise typer.BadParameter(exc.message, param_hint=hint) from None
    except SpecError as exc:
        for diagnostic in exc.diagnostics:
            typer.echo(str(diagnostic), err=True)
        raise typer.Exit(1) from None


def show(renderable: RenderableType) -> None:
    """Print for people, never cutting a number: to a terminal, at its width, or wider when the numbers
    need it (text columns wrap first); piped or redirected, at the renderable's natural width (no wrapping
    at all, whatever COLUMNS says)."""
    from rich.console import Console
    from rich.measure import Measurement

    console = Console()
    width = WIDEST  # tables are not expanded: laid out this wide, they keep their natural width
    if console.is_terminal:  # measured only here: measuring costs as much as half the printing
        need = Measurement.get(console, console.options.update_width(WIDEST), renderable)
        width = min(max(console.width, need.minimum), WIDEST)
    Console(width=width).print(renderable, crop=False)


WIDEST = 100_000
"""The widest line `show` lays out (a table that needs more prints as plain lines: render/table.py)."""


PRINTED_PIECE = 1 << 20
"""Characters printed at a time: a 70 MB report is encoded for the terminal a megabyte at a time."""


def emit(text: str | Iterable[str], output: Path | None) -> None:
    """Print, or write to `output` (`-`: print) atomically: never half a file, regular files only. Control
    characters from the spec's names are escaped either way (JSON's way: the JSON stays exact). `text` may
    come in pieces (a report's JSON, a row at a time), written as they come."""
    pieces = (escape(piece) for piece in ([text] if isinstance(text, str) else text))
    if output is None or str(output) == "-":
        for piece in pieces:
            for start in range(0, len(piece), PRINTED_PIECE):  # its encoded copy is never made whole
                sys.stdout.write(piece[start : start + PRINTED_PIECE])
        return
    writing(output, lambda: write_text(output, pieces))


def writing(output: Path, write: Callable[[], T]) -> T:
    """Run `write`; a file that cannot be written becomes `<file>: cannot write: why` and exit 1."""
    try:
        return write()
    except OutputError as exc:
        typer.echo(escape(f"{output}: cannot write: {exc}"), err=True)
        raise typer.Exit(1) from None


def main() -> None:
    try:
        narrowed(app, sys.argv[1:])()
    finally:
        gc.freeze()  # what is left is freed with the process: no collection of a big report at exit
