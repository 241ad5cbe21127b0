"""`archcalc table` and `archcalc list`: one row per layer, and the built-in zoo one line per spec."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from archcalc import api
from archcalc.analyses.presets import Preset
from archcalc.cli.app import Format, Mode, TableFormat, app, emit, guarded, show
from archcalc.cli.options import DepthOption, InputOption, SetOption, SpecArgument, load_set
from archcalc.engine import analyze
from archcalc.report import Report
from archcalc.spec.catalog import BUILTIN_DIR, builtin_names
from archcalc.spec.model import load_spec

if TYPE_CHECKING:
    from rich.console import RenderableType

    from archcalc.render.table import Extras


@app.command()
def table(  # noqa: PLR0917 (one parameter per command-line option)
    spec: SpecArgument,
    input_shape: InputOption = None,
    output_format: Annotated[
        TableFormat, typer.Option("--format", "-f", help="How to print the result.")
    ] = TableFormat.table,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to this file instead.")
    ] = None,
    count: Annotated[
        str,
        typer.Option(
            "--count",
            "-c",
            metavar="PRESET",
            help="Count as: macs, flops, torch, torchvision, torchinfo, fvcore.",
        ),
    ] = "macs",
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns", metavar="rf,stride", help="Extra columns: rf (receptive field), stride (effective)."
        ),
    ] = None,
    assign: SetOption = None,
    depth: DepthOption = None,
    mode: Annotated[
        Mode, typer.Option("--mode", help="infer, or train: each layer's backward MACs beside its forward.")
    ] = Mode.infer,
) -> None:
    """One row per layer: output shape nH×nW×nC, params and MACs, then the totals."""
    wanted = _extra_columns(columns)
    if mode is Mode.train:
        _training_only(count, wanted, output_format)
    loaded, shape = load_set(spec, assign, input_shape)
    analysis = guarded(lambda: api.analyze(loaded, input=shape, count=count))
    full, baseline, preset = analysis.report, analysis.baseline, analysis.preset
    report = full.to_depth(depth)
    if mode is Mode.train:
        _show_training(full, report, output_format, output)
        return
    extras = receptive_columns(full, wanted) if wanted else ()
    if output_format is TableFormat.table and output is None:
        from archcalc.render.table import to_rich

        show(to_rich(report, baseline, preset, extras))
    else:
        emit(table_text(report, baseline, output_format, preset, extras), output)


def _training_only(count: str, columns: list[str], output_format: TableFormat) -> None:
    """`--mode train` shows MACs of a training step: no other count, no extra columns, no LaTeX (yet)."""
    for given, option in ((count != "macs", "--count"), (bool(columns), "--columns"),
                          (output_format is TableFormat.latex, "--format latex")):  # fmt: skip
        if given:
            raise typer.BadParameter(f"{option} does not combine with --mode train", param_hint="--mode")


def _show_training(full: Report, report: Report, output_format: TableFormat, output: Path | None) -> None:
    """Forward and backward MACs of every row of `report` (walked on `full`, whatever the depth shown)."""
    from archcalc.analyses.training import training
    from archcalc.render import training as render

    step = training(full)
    if output_format is TableFormat.table and output is None:
        show(render.to_rich(report, step))
        return
    renderers: dict[TableFormat, Callable[[], str]] = {
        TableFormat.json: lambda: render.to_json(report, step),
        TableFormat.csv: lambda: render.to_csv(report, step),
        TableFormat.markdown: lambda: render.to_markdown(report, step),
        TableFormat.table: lambda: _plain(render.to_rich(report, step)),
    }
    emit(renderers[output_format](), output)


def table_text(
    report: Report, baseline: Report | None, output_format: TableFormat, preset: Preset, extras: Extras = ()
) -> str | Iterator[str]:
    """The report as text in one of the formats (the rich table as plain text, for files); JSON in pieces,
    a row at a time."""
    from archcalc.render import table as render

    renderers: dict[TableFormat, Callable[[], str | Iterator[str]]] = {
        TableFormat.json: lambda: render.json_chunks(report, preset, extras),
        TableFormat.csv: lambda: render.to_csv(report, extras),
        TableFormat.markdown: lambda: render.to_markdown(report, baseline, preset, extras),
        TableFormat.latex: lambda: render.to_latex(report, baseline, preset, extras),
        TableFormat.table: lambda: _rich_text(report, baseline, preset, extras),
    }
    return renderers[output_format]()


EXTRA_COLUMNS = {"rf": "RF", "stride": "stride"}


def _extra_columns(text: str | None) -> list[str]:
    """`rf,stride` → the extra columns asked for, or a usage error naming the known ones."""
    wanted = [part.strip() for part in (text or "").split(",") if part.strip()]
    unknown = [name for name in wanted if name not in EXTRA_COLUMNS]
    if unknown:
        raise typer.BadParameter(f"unknown column {unknown[0]!r}; choose from {', '.join(EXTRA_COLUMNS)}")
    return wanted


def receptive_columns(report: Report, wanted: list[str]) -> Extras:
    """The receptive field and effective stride of every row, as the asked-for extra columns."""
    from archcalc.analyses.receptive import receptive_fields

    fields = receptive_fields(report)
    described = {name: field.describe() for name, field in fields.items()}
    index = {"rf": 0, "stride": 1}
    return [
        (EXTRA_COLUMNS[name], {row: texts[index[name]] for row, texts in described.items()})
        for name in wanted
    ]


@app.command("list")
def list_specs(
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="How to print the list.")
    ] = Format.table,
) -> None:
    """The built-in specs with their input, output, params and MACs, one line each."""
    reports = guarded(builtin_reports)
    from archcalc.render import catalog as render

    if output_format is Format.table:
        show(render.catalog_rich(reports))
        return
    renderers: dict[Format, Callable[[dict[str, Report]], str]] = {
        Format.json: render.catalog_json,
        Format.csv: render.catalog_csv,
        Format.markdown: render.catalog_markdown,
    }
    sys.stdout.write(renderers[output_format](reports))


def builtin_reports() -> dict[str, Report]:
    """Every built-in spec analysed at its own input, by name."""
    return {name: analyze(load_spec(BUILTIN_DIR / f"{name}.yaml")) for name in builtin_names()}


def _rich_text(report: Report, baseline: Report | None, preset: Preset, extras: Extras) -> str:
    """The rich table as plain text, for --output FILE."""
    from archcalc.render.table import to_rich

    return _plain(to_rich(report, baseline, preset, extras))


def _plain(renderable: RenderableType) -> str:
    """A rich renderable as plain text, 120 columns wide."""
    from rich.console import Console

    buffer = io.StringIO()
    Console(width=120, file=buffer, color_system=None).print(renderable, crop=False)
    return buffer.getvalue()
