"""`archcalc import`: a spec from an existing model (a PyTorch model or an ONNX file)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from archcalc.api.importing import import_model
from archcalc.cli.app import app, emit, guarded
from archcalc.cli.options import InputOption


@app.command("import")
def import_command(
    model: Annotated[
        str,
        typer.Argument(
            metavar="MODEL",
            help="An .onnx file, or pkg.module:factory: a function or class (importable from the current "
            "folder) that makes the torch nn.Module.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The spec file to write (default: print it).")
    ] = None,
    input_shape: InputOption = None,
    arguments: Annotated[
        list[str] | None,
        typer.Option(
            "--arg",
            metavar="NAME=VALUE",
            help="A keyword argument for the factory, e.g. --arg num_classes=10; repeat it for more. Values "
            "are read as YAML: 10, 0.5, true, text.",
        ),
    ] = None,
) -> None:
    """Write a spec from an existing model: a PyTorch model traced with torch.fx, or an ONNX file. Every
    layer's shape is checked against the model's; an op no layer kind expresses is named and nothing is
    written."""
    factory_arguments = _arguments(arguments or [])
    imported = guarded(lambda: import_model(model, input=input_shape, args=factory_arguments))
    emit(imported.text, output)
    if output is not None and str(output) != "-":
        totals = imported.analysis.totals
        layers = sum(not row.container for row in imported.analysis.rows)
        sys.stderr.write(f"wrote {output}: {layers} layers, {totals.params:,} params, {totals.macs:,} MACs; "
                         "every layer's shape agrees with the model's\n")  # fmt: skip


def _arguments(given: list[str]) -> dict[str, Any]:
    """`--arg num_classes=10 --arg pretrained=false` → {"num_classes": 10, "pretrained": False}."""
    values: dict[str, Any] = {}
    for text in given:
        name, equals, value = text.partition("=")
        if not equals or not name.strip().isidentifier():
            raise typer.BadParameter(f"expected NAME=VALUE like num_classes=10, got {text[:40]!r}",
                                     param_hint="--arg")  # fmt: skip
        try:
            values[name.strip()] = yaml.safe_load(value) if value.strip() else value
        except yaml.YAMLError:
            values[name.strip()] = value  # not a YAML scalar: the text itself
    return values
