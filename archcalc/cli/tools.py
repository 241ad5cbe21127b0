"""The commands beyond the table that need no torch: explain, sizes, diff, memory."""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Any

import typer

from archcalc import api
from archcalc.cli.app import (
    ExplainFormat,
    Mode,
    TableFormat,
    TableJsonCsv,
    TableOrJson,
    app,
    emit,
    guarded,
    show,
)
from archcalc.cli.options import (
    InputOption,
    InputShape,
    SetOption,
    SpecArgument,
    analysed,
    assignments,
    load_set,
    numeric_input,
    parse_input,
    whole_numbers,
)


@app.command()
def explain(
    spec: SpecArgument,
    layer: Annotated[
        str | None, typer.Argument(help="One layer, by its full or last name (default: all).")
    ] = None,
    input_shape: InputOption = None,
    assign: SetOption = None,
    output_format: Annotated[
        ExplainFormat, typer.Option("--format", "-f", help="How to print the result.")
    ] = ExplainFormat.text,
) -> None:
    """The course's formulas with the numbers put in: nH' = ⌊(227 + 2·0 − 11)/4⌋ + 1 = 55, params, MACs."""
    loaded, shape = load_set(spec, assign, input_shape)
    emit(guarded(lambda: api.explain(loaded, layer, input=shape, format=output_format.value)), None)


@app.command()
def sizes(
    spec: SpecArgument,
    size_range: Annotated[str, typer.Option("--range", "-r", help="Square input sizes FIRST:LAST[:STEP].")],
    all_sizes: Annotated[bool, typer.Option("--sweep", help="Every size with its output and MACs.")] = False,
    output_format: Annotated[
        TableJsonCsv, typer.Option("--format", "-f", help="How to print the result.")
    ] = TableJsonCsv.table,
    assign: SetOption = None,
) -> None:
    """The input sizes whose every window tiles exactly, or (--sweep) output and MACs across a range."""
    from archcalc.analyses import sizes as sizing

    try:
        candidates = sizing.parse_range(size_range)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--range") from None
    loaded, chosen = load_set(spec, assign, None)
    if chosen is not None:
        message = "sizes chooses the input sizes itself (--range); give --set spec parameters only, e.g. n=18"
        raise typer.BadParameter(message, param_hint="--set")
    rows = guarded(lambda: sizing.sweep(loaded, candidates))
    from archcalc.render.sizes import render_sizes

    emit(render_sizes(rows, all_sizes, output_format.value), None)


@app.command()
def diff(  # noqa: PLR0917 (one parameter per command-line option)
    spec_a: Annotated[str, typer.Argument(help="Spec A: a file or a built-in name.")],
    spec_b: Annotated[str, typer.Argument(help="Spec B (may be A again, at another --input-b).")],
    input_a: Annotated[
        InputShape | None, typer.Option("--input-a", parser=parse_input, help="A's input size: nHxnWxnC.")
    ] = None,
    input_b: Annotated[
        InputShape | None, typer.Option("--input-b", parser=parse_input, help="B's input size: nHxnWxnC.")
    ] = None,
    output_format: Annotated[
        TableFormat, typer.Option("--format", "-f", help="How to print the result.")
    ] = TableFormat.table,
    set_a: Annotated[str | None, typer.Option("--set-a", help="A's parameters or sizes: n=18.")] = None,
    set_b: Annotated[str | None, typer.Option("--set-b", help="B's parameters or sizes: n=9.")] = None,
) -> None:
    """Compare two specs stage by stage (stages by output resolution) and in total: params, MACs, shapes."""
    from archcalc.analyses.diff import diff as stage_diff
    from archcalc.render import diff as render_diff

    sides = [(*load_set(spec_a, set_a, input_a, "--set-a"), "--input-a"),
             (*load_set(spec_b, set_b, input_b, "--set-b"), "--input-b")]  # fmt: skip
    for loaded, shape, option in sides:
        numeric_input(loaded, shape, "diff", option)
    a, b = (analysed(loaded, shape) for loaded, shape, _ in sides)
    pairs = stage_diff(a, b)
    if output_format is TableFormat.table:
        show(render_diff.diff_rich(a, b, pairs))
    else:
        emit(getattr(render_diff, f"diff_{output_format.value}")(a, b, pairs), None)


@app.command()
def memory(  # noqa: PLR0917 (one parameter per command-line option)
    spec: SpecArgument,
    batch: Annotated[str, typer.Option("--batch", "-b", help="Batch sizes, e.g. 1,8,32.")] = "1",
    dtype: Annotated[
        str, typer.Option(help="Data types, e.g. fp32,bf16 (fp32, fp16, bf16, int8; training: not int8).")
    ] = "fp32",
    input_shape: InputOption = None,
    assign: SetOption = None,
    output_format: Annotated[
        TableJsonCsv, typer.Option("--format", "-f", help="How to print the result.")
    ] = TableJsonCsv.table,
    mode: Annotated[
        Mode, typer.Option("--mode", help="infer (the activation peak), or train (a training step's memory).")
    ] = Mode.infer,
    optimizer: Annotated[
        str | None, typer.Option(help="With --mode train: sgd, momentum, adam, adamw (several: sgd,adamw).")
    ] = None,
    checkpoint: Annotated[
        str | None, typer.Option(help="With --mode train: blocks recomputed in backward, e.g. layer1,layer2.")
    ] = None,
) -> None:
    """Memory in bytes: weights and the inference activation peak (with lifetimes); with --mode train,
    weights, gradients, optimizer state and the activations autograd keeps for the backward pass."""
    from archcalc.analyses import memory as memory_model
    from archcalc.analyses.training_memory import OPTIMIZER_STATES, TRAINING_DTYPES, training_memory

    batches = whole_numbers(batch, "--batch")
    dtypes = choices(dtype, memory_model.DTYPE_BYTES if mode is Mode.infer else TRAINING_DTYPES, "--dtype")
    if mode is Mode.infer and (optimizer or checkpoint):
        raise typer.BadParameter("applies to --mode train only", param_hint="--optimizer/--checkpoint")
    optimizers = choices(optimizer or "sgd", OPTIMIZER_STATES, "--optimizer")
    report = analysed(*numeric_loaded(spec, assign, input_shape))
    from archcalc.render import memory as render

    if mode is Mode.infer:
        writers = {TableJsonCsv.table: render.render_memory, TableJsonCsv.json: render.memory_json,
                   TableJsonCsv.csv: render.memory_csv}  # fmt: skip
        emit(writers[output_format](memory_model.inference_memory(report), batches, dtypes), None)
        return
    names = [part.strip() for part in checkpoint.split(",")] if checkpoint else []
    result = guarded(lambda: training_memory(report, names))
    trainers = {TableJsonCsv.table: render.render_training, TableJsonCsv.json: render.training_json,
                TableJsonCsv.csv: render.training_csv}  # fmt: skip
    emit(trainers[output_format](result, (batches, dtypes, optimizers)), None)


def numeric_loaded(spec: str, assign: str | None, input_shape: InputShape | None) -> tuple[Any, Any]:
    """The spec and input size given, checked to be numbers (memory is counted in bytes)."""
    loaded, input_shape = load_set(spec, assign, input_shape)
    numeric_input(loaded, input_shape, "memory")
    return loaded, input_shape


def choices(text: str, known: Collection[str], option: str) -> list[str]:
    """`fp32,bf16` → ['fp32', 'bf16'], each one of `known` (else a usage error listing them)."""
    chosen = [part.strip() for part in text.split(",")]
    if any(choice not in known for choice in chosen):
        raise typer.BadParameter(f"choose among {', '.join(known)}, comma-separated", param_hint=option)
    return chosen


@app.command()
def reconcile(
    spec: SpecArgument,
    figure: Annotated[str, typer.Argument(help="A quoted figure: 4.12G, 4.09e9, 8,178,368,512 or 25.6M.")],
    output_format: Annotated[
        TableOrJson, typer.Option("--format", "-f", help="How to print the result.")
    ] = TableOrJson.table,
    assign: SetOption = None,
) -> None:
    """Which way of counting, at which input size, gives a quoted figure: every counting preset, MACs or
    FLOPs, bias and batch-norm terms, and the usual input sizes. Exit 1 when none does."""
    from archcalc.render.reconcile import reconcile_json, reconcile_text

    values = assignments(assign)
    result = guarded(lambda: api.reconcile(spec, figure, set=values))
    render = reconcile_json if output_format is TableOrJson.json else reconcile_text
    emit(render(spec, result), None)
    raise typer.Exit(0 if result.matches else 1)
