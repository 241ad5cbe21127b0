"""`archcalc bench`: time a spec built in torch, as a batch-size sweep or layer by layer (torch is imported
when the command runs); `archcalc bench-compare`: two saved results side by side (no torch)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from archcalc.cli.app import TableJsonCsv, app, guarded, show, writing
from archcalc.cli.options import SetOption, SpecArgument, load_set, numeric_input, whole_numbers
from archcalc.cli.torch import backend


class Switch(StrEnum):
    """A setting said in words (`--tf32 on`), never left to a default nobody sees."""

    on = "on"
    off = "off"


class CompileMode(StrEnum):
    """torch.compile's modes: `reduce-overhead` captures CUDA graphs, `max-autotune` searches kernels."""

    default = "default"
    reduce_overhead = "reduce-overhead"
    max_autotune = "max-autotune"


def _warmup(text: str) -> int | None:
    """`auto` → None (until the time settles); a whole number ≥ 0 → that many iterations."""
    if text == "auto":
        return None
    if not text.isdigit():
        raise typer.BadParameter(
            f"{text!r}: give a whole number of iterations, or auto", param_hint="--warmup"
        )
    return int(text)


@app.command()
def bench(  # noqa: PLR0917 (one parameter per command-line option)
    spec: SpecArgument,
    device: Annotated[str, typer.Option(help="auto (cuda, else mps, else cpu), cpu, cuda or mps.")] = "auto",
    batch: Annotated[str, typer.Option("--batch", "-b", help="Batch sizes to sweep, e.g. 1,8,32.")] = "1",
    dtype: Annotated[str, typer.Option(help="fp32, bf16 or fp16 (autocast).")] = "fp32",
    channels_last: Annotated[bool, typer.Option("--channels-last", help="NHWC memory layout.")] = False,
    compile_model: Annotated[bool, typer.Option("--compile", help="torch.compile the model first.")] = False,
    compile_mode: Annotated[
        CompileMode | None, typer.Option(help="torch.compile's mode (implies --compile).")
    ] = None,
    mode: Annotated[str, typer.Option(help="infer, or train (forward + backward + SGD step).")] = "infer",
    warmup: Annotated[
        str,
        typer.Option(help="Untimed iterations per batch size: a number, or auto (until the time settles)."),
    ] = "auto",
    iters: Annotated[int, typer.Option(min=1, help="Iterations per timed run.")] = 10,
    runs: Annotated[
        int | None, typer.Option(min=1, help="Timed runs per batch size, the spread (default 5).")
    ] = None,
    budget: Annotated[float | None, typer.Option(help="Seconds per batch size instead of --runs.")] = None,
    tf32: Annotated[
        Switch, typer.Option(help="TF32 for fp32 matmuls and convolutions on a GPU.")
    ] = Switch.off,
    cudnn_benchmark: Annotated[
        Switch, typer.Option(help="cuDNN's search for the fastest convolution algorithm per shape.")
    ] = Switch.on,
    cuda_graphs: Annotated[
        bool, typer.Option("--cuda-graphs", help="Replay each iteration as a CUDA graph (inference).")
    ] = False,
    threads: Annotated[int | None, typer.Option(min=1, help="CPU threads (torch.set_num_threads).")] = None,
    output_format: Annotated[
        TableJsonCsv, typer.Option("--format", "-f", help="How to print the result.")
    ] = TableJsonCsv.table,
    assign: SetOption = None,
    per_layer: Annotated[
        bool,
        typer.Option("--per-layer", help="Time each layer and block of a forward pass, with its roofline."),
    ] = False,
    top: Annotated[int | None, typer.Option(min=1, help="With --per-layer: the N slowest layers.")] = None,
    plot: Annotated[
        Path | None,
        typer.Option(help="With --per-layer: a roofline plot (.png, .svg, .pdf; needs matplotlib)."),
    ] = None,
) -> None:
    """Time the spec built in torch (timm's methodology): first call, median and spread over runs,
    samples/s, peak memory, achieved FLOP/s (and MFU); with --per-layer, where a forward pass spends its
    time, layer by layer, against the device's roofline."""
    given = {} if runs is None else {"runs": runs}  # --per-layer refuses it: its passes are --iters
    options = _bench_options(device, batch, dtype, mode, warmup=_warmup(warmup), iters=iters, **given,
                             budget=budget, channels_last=channels_last, tf32=tf32 is Switch.on,
                             cudnn_benchmark=cudnn_benchmark is Switch.on, cuda_graphs=cuda_graphs,
                             threads=threads, compile=compile_model or compile_mode is not None,
                             compile_mode=(compile_mode or CompileMode.default).value)  # fmt: skip
    loaded, input_shape = load_set(spec, assign, None)
    numeric_input(loaded, input_shape, "bench", option="--set")
    if per_layer or top or plot:
        _per_layer(loaded, input_shape, options, output_format, (top, plot, per_layer))
        return
    module = backend("bench")
    result = guarded(lambda: _with_progress(
        lambda progress: module.bench(loaded, module.BenchOptions(**options), progress, input_shape)
    ))  # fmt: skip
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
        (options["cuda_graphs"], "--cuda-graphs", "--per-layer times eager modules, not a replayed graph"),
        ("runs" in options or options["budget"] is not None, "--runs/--budget",
         "--per-layer times --iters passes after the warm-up; give --iters"),
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


@app.command("bench-compare")
def bench_compare(
    first: Annotated[Path, typer.Argument(help="A result of `archcalc bench --format json` (A).")],
    second: Annotated[Path, typer.Argument(help="Another (B), e.g. after a change.")],
) -> None:
    """Two benchmark results side by side: per batch size both medians and B / A, and every setting in
    which the two runs differ (device, torch, dtype, TF32, threads, …)."""
    from archcalc.render.compare import compare_rich

    show(compare_rich(_bench_record(first), _bench_record(second), (first.name, second.name)))


def _bench_record(path: Path) -> dict[str, Any]:
    """A saved `bench --format json` result, or `file: what is wrong` and exit 1."""
    import json

    from archcalc.errors import escape
    from archcalc.limits import limits
    from archcalc.render.compare import problem

    try:
        if not path.is_file() or path.stat().st_size > limits().file_bytes:  # no FIFO, no device, bounded
            raise ValueError(f"not a regular file of at most {limits().file_bytes:,} bytes")
        record = json.loads(path.read_text(encoding="utf-8"))
        wrong = problem(record)
        if wrong:
            raise ValueError(f"{wrong}: write it with `archcalc bench SPEC --format json`")
        return dict(record)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:  # json's errors are ValueErrors
        typer.echo(escape(f"{path}: not a benchmark result: {exc}"), err=True)
        raise typer.Exit(1) from None
