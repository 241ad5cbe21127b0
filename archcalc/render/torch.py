"""Text for the torch commands' results: the verification table and the benchmark table, JSON and CSV.

Plain records in, text out; torch is never imported here (the records come from archcalc.backends).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import TYPE_CHECKING

from archcalc.errors import escape
from archcalc.render.tables import whole_words_table
from archcalc.shapes import format_shape

if TYPE_CHECKING:
    from rich.console import RenderableType

    from archcalc.backends.bench import BenchResult, BenchRow
    from archcalc.backends.measure import MemoryCheck
    from archcalc.backends.verify import Check, Verification

BENCH_FIELDS = (
    "batch", "status", "runs", "iters_per_run", "warmup_iterations", "first_call_ms", "second_call_ms",
    "median_ms", "p10_ms", "p90_ms", "samples_per_s", "peak_memory_bytes", "achieved_flops_per_s", "mfu",
)  # fmt: skip
CONTEXT_FIELDS = (
    "name", "device", "device_name", "torch_version", "dtype", "layout", "compile", "mode", "threads",
    "interop_threads", "compile_mode", "tf32", "cudnn_benchmark", "cuda_graphs", "cuda_version",
    "cudnn_version", "cuda_driver",
)  # fmt: skip


def verification_rich(result: Verification, everything: bool = False) -> RenderableType:
    """Pass/fail per layer (only the failures unless `everything`), then the verdict."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    title = f"{result.name} — archcalc vs torch {result.torch_version}, input {format_shape(result.input)}"
    caption = "FLOPs = 2 × MACs on both sides (torch.utils.flop_counter.FlopCounterMode)"
    if result.train:
        caption += "; layers: the forward pass; total: one training step (forward + backward), per sample"
    table = Table(title=Text(escape(title)), caption=caption)
    columns = ("layer", "output: archcalc / torch", "params: archcalc / torch", "FLOPs: archcalc / torch", "")
    shown = [*result.checks, result.total] if everything else [*result.failures, result.total]
    whole_words_table(table, columns, [_cells(check) for check in shown], left=columns[:2])
    checked = len(result.checks) + 1
    failures = len(result.failures)
    verdict = (f"all {checked} checks agree: shapes, params and FLOPs" if not failures
               else f"{failures} of {checked} checks disagree")  # fmt: skip
    lines = [Text(verdict, style="bold red" if failures else "green")]
    if result.kept is not None:
        lines.append(Text(kept_line(result.kept), style="green" if result.kept.agrees else "bold red"))
    return Group(table, *lines)


def kept_line(check: MemoryCheck) -> str:
    """The saved-tensor comparison of `verify --train`, in one sentence."""
    verdict = "agree" if check.agrees else f"disagree by more than {check.tolerance:.0%}"
    return (
        f"kept for the backward pass (batch {check.batch}, fp32): archcalc {check.predicted_bytes:,} bytes, "
        f"torch's autograd saved {check.measured_bytes:,} (ratio {check.ratio:.3f}): {verdict}"
    )


def _cells(check: Check) -> list[str]:
    def pair(ours: str, theirs: str) -> str:
        return ours if ours == theirs else f"{ours} / {theirs}"

    return [
        check.name,
        pair(
            format_shape(check.shape), format_shape(check.torch_shape) if check.torch_shape else "no module"
        ),
        pair(f"{check.params:,}", f"{check.torch_params:,}"),
        pair(f"{check.flops:,}", f"{check.torch_flops:,}"),
        "ok" if check.ok else "MISMATCH",
    ]


def verification_json(result: Verification) -> str:
    record = {
        "name": result.name,
        "input": list(result.input),
        "torch_version": result.torch_version,
        "train": result.train,
        "ok": result.ok,
        "total": _check_dict(result.total),
        "layers": [_check_dict(check) for check in result.checks],
    }
    if result.kept is not None:
        kept = result.kept
        record["kept_for_backward"] = {"batch": kept.batch, "predicted_bytes": kept.predicted_bytes,
                                       "measured_bytes": kept.measured_bytes, "ok": kept.agrees}  # fmt: skip
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def _check_dict(check: Check) -> dict[str, object]:
    record = asdict(check) | {"ok": check.ok}
    record["shape"], record["torch_shape"] = list(check.shape), list(check.torch_shape)
    return record


def _bench_cells(row: BenchRow) -> list[str]:
    if row.status != "ok":
        return [str(row.batch), row.status, "", "", "", "", "", ""]  # the status spans the first columns
    mfu = "—" if row.mfu is None else f"{100 * row.mfu:.1f}%"
    return [str(row.batch), f"{row.first_call_ms:,.1f} / {row.second_call_ms:,.1f}", f"{row.median_ms:.3f}",
            f"{row.p10_ms:.3f}–{row.p90_ms:.3f}", f"{row.samples_per_s:,.1f}", _bytes(row.peak_memory_bytes),
            f"{row.achieved_flops_per_s / 1e9:,.2f} G", mfu]  # fmt: skip


def bench_rich(result: BenchResult) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=Text(escape(f"{result.name} — {result.mode} benchmark")), caption=bench_context(result)
    )
    columns = ("batch", "1st / 2nd call ms", "median ms", "p10–p90 ms", "samples/s", "peak memory",
               "achieved FLOP/s", "MFU")  # fmt: skip
    whole_words_table(table, columns, [_bench_cells(row) for row in result.rows])
    step = " of a training step (forward + backward, exact)" if result.mode == "train" else ""
    flops = f"FLOPs per sample{step} (engine, = 2 × MACs): {result.flops_per_sample:,}"
    notes = [flops, f"timing: {result.methodology}"]
    notes += ["interrupted: the rows above are what was measured"] if result.interrupted else []
    return Group(table, *(Text(note) for note in notes))


def bench_context(result: BenchResult) -> str:
    """What ran where, and the settings that change what the kernels do."""
    compiled = f"compile {result.compile_mode}" if result.compile else "eager"
    gpu = ""
    if result.device == "cuda":
        driver = result.cuda_driver or "?"
        gpu = (f", CUDA {result.cuda_version} (driver {driver}), cuDNN {result.cudnn_version}, "
               f"TF32 {_on(result.tf32)}, "
               f"cudnn.benchmark {_on(result.cudnn_benchmark)}, "
               f"CUDA graphs {_on(result.cuda_graphs)}")  # fmt: skip
    return (f"{result.device} ({result.device_name}), torch {result.torch_version}{gpu}, {result.dtype}, "
            f"{result.layout}, {compiled}, {result.threads} threads ({result.interop_threads} inter-op), "
            f"{result.mode}")  # fmt: skip


def _on(flag: bool) -> str:
    return "on" if flag else "off"


def bench_json(result: BenchResult) -> str:
    return json.dumps(asdict(result), indent=2) + "\n"


def bench_csv(result: BenchResult) -> str:
    """One line per batch size, each with the run's context (device, torch, dtype, …)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*CONTEXT_FIELDS, "flops_per_sample", *BENCH_FIELDS])
    context = [getattr(result, name) for name in CONTEXT_FIELDS] + [result.flops_per_sample]
    for row in result.rows:
        writer.writerow(context + [getattr(row, name) for name in BENCH_FIELDS])
    return buffer.getvalue()


def _bytes(count: int) -> str:
    return f"{count / 2**20:,.1f} MiB"
