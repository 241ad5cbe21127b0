"""The commands that need PyTorch: verify, bench, export. torch is imported only when one of them runs.

Without torch they print the install hint and exit 2; a verification mismatch exits 1.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer

from archcalc.cli.app import TableOrJson, app, emit, guarded, show, writing
from archcalc.cli.options import DepthOption, InputOption, SetOption, SpecArgument, load_set, numeric_input


class Target(StrEnum):
    onnx = "onnx"
    torchscript = "torchscript"
    mermaid = "mermaid"
    dot = "dot"


def backend(name: str) -> ModuleType:
    """`archcalc.backends.<name>`, or the install hint and exit code 2 when torch (or onnx) is missing."""
    from archcalc.backends import load_backend

    return guarded(lambda: load_backend(name))


@app.command()
def verify(  # noqa: PLR0917 (one parameter per command-line option)
    spec: SpecArgument,
    input_shape: InputOption = None,
    assign: SetOption = None,
    everything: Annotated[
        bool, typer.Option("--all", help="List every layer, not only the mismatches.")
    ] = False,
    check_memory: Annotated[
        bool, typer.Option("--memory", help="Also run a real forward pass and compare activation memory.")
    ] = False,
    output_format: Annotated[
        TableOrJson, typer.Option("--format", "-f", help="How to print the result.")
    ] = TableOrJson.table,
    train: Annotated[
        bool,
        typer.Option("--train", help="Check the FLOPs of a training step (forward + backward) in total."),
    ] = False,
) -> None:
    """Build the spec in torch (meta device) and check every layer's shape, params and FLOPs (= 2 × MACs)."""
    loaded, input_shape = load_set(spec, assign, input_shape)
    numeric_input(loaded, input_shape, "verify")
    result = guarded(lambda: backend("verify").verify(loaded, input_shape, train))
    from archcalc.render import torch as render_torch

    if output_format is TableOrJson.json:
        sys.stdout.write(render_torch.verification_json(result))
    else:
        show(render_torch.verification_rich(result, everything))
    if check_memory:
        check = guarded(lambda: backend("measure").inference_memory(loaded))
        predicted, measured = f"{check.predicted_bytes:,}", f"{check.measured_bytes:,}"
        typer.echo(f"inference activations, batch {check.batch}, fp32: archcalc predicts {predicted} bytes, "
                   f"torch allocated {measured} at its peak (ratio {check.ratio:.3f})")  # fmt: skip
    raise typer.Exit(0 if result.ok else 1)


@app.command()
def export(  # noqa: PLR0917 (one parameter per command-line option)
    spec: SpecArgument,
    output: Annotated[Path, typer.Argument(help="The file to write, e.g. resnet50.onnx.")],
    to: Annotated[
        Target | None,
        typer.Option(
            "--to",
            help="onnx (open it in Netron), torchscript, mermaid or dot; default: from OUTPUT's extension "
            "(.onnx, .pt, .mmd, .dot).",
        ),
    ] = None,
    input_shape: InputOption = None,
    assign: SetOption = None,
    depth: DepthOption = None,
) -> None:
    """Write the spec as a diagram (Mermaid, Graphviz DOT: no torch needed; `-` prints it), or its torch
    model as ONNX or TorchScript, checking the weights written."""
    to = to or _target_of(output)
    loaded, input_shape = load_set(spec, assign, input_shape)
    if to in (Target.mermaid, Target.dot):
        from archcalc.analyses import diagram

        graph = guarded(lambda: diagram.build(loaded, input_shape, depth))
        text = diagram.mermaid(graph) if to is Target.mermaid else diagram.dot(graph)
        emit(text, output)
        return
    numeric_input(loaded, input_shape, f"export --to {to.value}")
    if depth is not None:
        raise typer.BadParameter(
            f"--depth draws diagrams; {to.value} exports the whole model", param_hint="--depth"
        )
    if str(output) == "-":
        raise typer.BadParameter(f"{to.value} is binary: give a file name, not '-'", param_hint="OUTPUT")
    module = backend("export")
    try:
        result = writing(
            output, lambda: guarded(lambda: module.export(loaded, to.value, output, input_shape))
        )
    except ImportError as exc:
        typer.echo(f"archcalc: ONNX export needs the onnx package: pip install onnx ({exc})", err=True)
        raise typer.Exit(2) from None
    what = "params + batch norm statistics" if to is Target.onnx else "params"
    agree = result.weights == result.expected
    verdict = "as the engine counts" if agree else f"but the engine counts {result.expected:,}"
    emit(f"wrote {output} ({to.value}): {result.weights:,} {what}, {verdict}\n", None)
    raise typer.Exit(0 if agree else 1)


EXTENSIONS = {".onnx": Target.onnx, ".pt": Target.torchscript, ".ts": Target.torchscript,
              ".torchscript": Target.torchscript, ".mmd": Target.mermaid, ".mermaid": Target.mermaid,
              ".dot": Target.dot, ".gv": Target.dot}  # fmt: skip


def _target_of(output: Path) -> Target:
    """The format an output file's extension names, or a usage error asking for --to."""
    target = EXTENSIONS.get(output.suffix.lower())
    if target is None:
        known = ", ".join(EXTENSIONS)
        what = "printing (-)" if str(output) == "-" else f"'{output.suffix or output.name}'"
        raise typer.BadParameter(f"give --to for {what}: the format is taken from the extensions {known}",
                                 param_hint="--to")  # fmt: skip
    return target
