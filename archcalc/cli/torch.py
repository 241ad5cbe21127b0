"""The commands that need PyTorch: verify, bench, export. torch is imported only when one of them runs.

Without torch they print the install hint and exit 2; a verification mismatch exits 1.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any

import typer

from archcalc.cli.app import (
    DepthOption,
    InputOption,
    SetOption,
    SpecArgument,
    TableJsonCsv,
    TableOrJson,
    app,
    emit,
    guarded,
    load_set,
    numeric_input,
    show,
    whole_numbers,
    writing,
)


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
def bench(  # noqa: PLR0917 (one parameter per command-line option)
    spec: SpecArgument,
    device: Annotated[str, typer.Option(help="auto (cuda, else mps, else cpu), cpu, cuda or mps.")] = "auto",
    batch: Annotated[str, typer.Option("--batch", "-b", help="Batch sizes to sweep, e.g. 1,8,32.")] = "1",
    dtype: Annotated[str, typer.Option(help="fp32, bf16 or fp16 (autocast).")] = "fp32",
    channels_last: Annotated[bool, typer.Option("--channels-last", help="NHWC memory layout.")] = False,
    compile_model: Annotated[bool, typer.Option("--compile", help="torch.compile the model first.")] = False,
    mode: Annotated[str, typer.Option(help="infer, or train (forward + backward + SGD step).")] = "infer",
    warmup: Annotated[int, typer.Option(min=0, help="Untimed iterations per batch size.")] = 3,
    iters: Annotated[int, typer.Option(min=1, help="Timed iterations per batch size.")] = 10,
    budget: Annotated[float | None, typer.Option(help="Seconds per batch size instead of --iters.")] = None,
    output_format: Annotated[
        TableJsonCsv, typer.Option("--format", "-f", help="How to print the result.")
    ] = TableJsonCsv.table,
    assign: SetOption = None,
    per_layer: Annotated[
        bool,
        typer.Option("--per-layer", help="Time each layer and block of a forward pass, with its roofline."),
    ] = False,
    top: Annotated[
        int | None, typer.Option(min=1, help="With --per-layer: only the N slowest layers.")
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(help="With --per-layer: a roofline plot (.png, .svg, .pdf; needs matplotlib)."),
    ] = None,
) -> None:
    """Time the spec built in torch: median and spread, samples/s, peak memory, achieved FLOP/s (and MFU);
    with --per-layer, where a forward pass spends its time, layer by layer, against the device's roofline."""
    options = _bench_options(device, batch, dtype, mode, warmup=warmup, iters=iters, budget=budget,
                             channels_last=channels_last, compile=compile_model)  # fmt: skip
    loaded, input_shape = load_set(spec, assign, None)
    numeric_input(loaded, input_shape, "bench", option="--set")
    if per_layer or top or plot:
        _per_layer(loaded, input_shape, options, output_format, (top, plot, per_layer))
        return
    module = backend("bench")
    result = _with_progress(
        lambda progress: module.bench(loaded, module.BenchOptions(**options), progress, input_shape)
    )
    from archcalc.render import torch as render_torch

    if output_format is TableJsonCsv.table:
        show(render_torch.bench_rich(result))
    else:
        sys.stdout.write(
            render_torch.bench_json(result)
            if output_format is TableJsonCsv.json
            else render_torch.bench_csv(result)
        )


def _per_layer(loaded: Any, input_shape: Any, options: dict[str, Any], output_format: TableJsonCsv,
               extras: tuple[int | None, Path | None, bool]) -> None:  # fmt: skip
    """`bench --per-layer`: one batch size, a forward pass, then the table (and the plot, if asked)."""
    top, plot, asked = extras
    _check_per_layer(options, plot, asked)
    module = backend("bench")
    context, result = guarded(lambda: module.per_layer(loaded, module.BenchOptions(**options), input_shape))
    from archcalc.render import profile as render_profile

    if output_format is TableJsonCsv.table:
        show(render_profile.profile_rich(context, result, top))
    else:
        text = (
            render_profile.profile_json if output_format is TableJsonCsv.json else render_profile.profile_csv
        )
        sys.stdout.write(text(context, result, top))
    if plot is not None:
        from archcalc.files import write_atomically
        from archcalc.render.roofline import plot_roofline

        def draw(temporary: Path) -> None:
            plot_roofline(context, result, temporary, plot.suffix.lower().lstrip("."))

        writing(plot, lambda: write_atomically(plot, draw))


def _check_per_layer(options: dict[str, Any], plot: Path | None, asked: bool) -> None:
    """Usage errors for what --per-layer cannot do, before anything runs."""
    import importlib.util

    from archcalc.render.roofline import FORMATS

    refusals = [
        (not asked, "--top/--plot", "apply to --per-layer only"),
        (len(options["batches"]) > 1, "--batch", "--per-layer profiles one batch size"),
        (options["mode"] != "infer", "--mode", "--per-layer times the forward pass: use --mode infer"),
        (options["compile"], "--compile", "--per-layer times eager modules; a compiled model has none"),
        (plot is not None and plot.suffix.lower().lstrip(".") not in FORMATS, "--plot",
         f"a plot is written as {', '.join(FORMATS)}: give the file one of these extensions"),
        (plot is not None and importlib.util.find_spec("matplotlib") is None, "--plot",
         "the roofline plot needs matplotlib: pip install 'archcalc[plot]'"),
    ]  # fmt: skip
    for refused, option, why in refusals:
        if refused:
            raise typer.BadParameter(why, param_hint=option)


def _bench_options(device: str, batch: str, dtype: str, mode: str, **rest: Any) -> dict[str, Any]:
    """Checked options for BenchOptions; a usage error (exit 2) names the bad one."""
    choices = {"device": (device, ("auto", "cpu", "cuda", "mps")), "dtype": (dtype, ("fp32", "bf16", "fp16")),
               "mode": (mode, ("infer", "train"))}  # fmt: skip
    for option, (value, allowed) in choices.items():
        if value not in allowed:
            raise typer.BadParameter(
                f"{value!r} is not one of {', '.join(allowed)}", param_hint=f"--{option}"
            )
    return {
        "device": device,
        "batches": tuple(whole_numbers(batch, "--batch")),
        "dtype": dtype,
        "mode": mode,
        **rest,
    }


def _with_progress(run: Any) -> Any:
    """Run the benchmark under a rich progress bar on stderr (stdout stays clean for --format json/csv)."""
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("warming up", total=None)

        def update(batch: int, done: int, planned: int) -> None:
            progress.update(task, description=f"batch {batch}", completed=done, total=planned)

        return run(update)


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
