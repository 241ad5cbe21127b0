"""Text for `archcalc memory`: one line per batch size and dtype (and optimizer, for training)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from archcalc.analyses.memory import Memory
from archcalc.analyses.training_memory import TrainingMemory
from archcalc.render.tables import csv_text


def _mib(count: int) -> str:
    return f"{count / 2**20:,.1f} MiB"


def memory_rows(result: Memory, batches: list[int], dtypes: list[str]) -> list[dict[str, int | str]]:
    """One record per dtype and batch: bytes of the weights and of the inference peak."""
    return [
        {"batch": batch, "dtype": dtype, "param_bytes": result.bytes(result.params, 1, dtype),
         "inference_peak_bytes": result.bytes(result.inference_peak, batch, dtype)}
        for dtype in dtypes for batch in batches
    ]  # fmt: skip


def render_memory(result: Memory, batches: list[int], dtypes: list[str]) -> str:
    lines = [
        f"params {result.params:,}; batch norm buffers {result.buffers:,}; inference peak per sample "
        f"{result.inference_peak:,} activations",
        f"{'batch':>6} {'dtype':>5} {'params':>12} {'inference peak':>15}",
    ]
    for row in memory_rows(result, batches, dtypes):
        weights, peak = _mib(int(row["param_bytes"])), _mib(int(row["inference_peak_bytes"]))
        lines.append(f"{row['batch']:>6} {row['dtype']:>5} {weights:>12} {peak:>15}")
    lines.append("training: --mode train (weights, gradients, optimizer state, what autograd keeps)")
    return "\n".join(lines) + "\n"


def memory_json(result: Memory, batches: list[int], dtypes: list[str]) -> str:
    """The element counts per sample, and the bytes of every dtype and batch asked for."""
    record = {"mode": "infer", "params": result.params, "buffers": result.buffers,
              "inference_peak": result.inference_peak,
              "rows": memory_rows(result, batches, dtypes)}  # fmt: skip
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def memory_csv(result: Memory, batches: list[int], dtypes: list[str]) -> str:
    return _csv(memory_rows(result, batches, dtypes))


Sweep = tuple[Sequence[int], Sequence[str], Sequence[str]]
"""Batches, dtypes and optimizers of a training table."""

TRAINING_NOTE = (
    "total = weights + gradients + optimizer state (fp32; gradients and state of trained weights only) + "
    "batch norm buffers + the activations autograd keeps for the backward pass (as torch saves them, "
    "verified on the zoo); bf16/fp16 mean mixed precision (autocast, fp32 master weights): activations and "
    "autocast's copies of conv/dense weights take 2 bytes. A sum, not a step's peak: not counted are the "
    "backward pass's transients and the optimizer step's (AdamW's are parameter-sized); measured peaks are "
    "0.9-1.6x this total (README, 'The memory of a training step')."
)


def training_rows(result: TrainingMemory, sweep: Sweep) -> list[dict[str, int | str]]:
    """One record per optimizer, dtype and batch: bytes by what holds them, and the total."""
    batches, dtypes, optimizers = sweep
    rows: list[dict[str, int | str]] = []
    for optimizer in optimizers:
        for dtype in dtypes:
            for batch in batches:
                row: dict[str, int | str] = {"batch": batch, "dtype": dtype, "optimizer": optimizer}
                row.update(
                    {
                        f"{part}_bytes": value
                        for part, value in result.breakdown(batch, dtype, optimizer).items()
                    }
                )
                rows.append(row)
    return rows


def render_training(result: TrainingMemory, sweep: Sweep) -> str:
    kept = result.kept
    lines = [
        f"params {result.params:,} ({result.trainable:,} trained); kept for the backward pass per sample: "
        f"{kept.activations:,} activations, {kept.fp32:,} fp32 and {kept.int64:,} int64 values",
        f"{'batch':>6} {'dtype':>5} {'optimizer':>9} {'weights':>11} {'gradients':>11} {'opt. state':>11} "
        f"{'activations':>12} {'total':>12}",
    ]
    for row in training_rows(result, sweep):
        parts = [_mib(int(row[f"{part}_bytes"])) for part in ("weights", "gradients", "optimizer_state")]
        kept_bytes, total = _mib(int(row["activations_bytes"])), _mib(int(row["total_bytes"]))
        holders = " ".join(f"{part:>11}" for part in parts)
        lines.append(f"{row['batch']:>6} {row['dtype']:>5} {row['optimizer']:>9} {holders} {kept_bytes:>12} "
                     f"{total:>12}")  # fmt: skip
    lines += [*_checkpoint_lines(result, sweep), TRAINING_NOTE]
    return "\n".join(lines) + "\n"


def _checkpoint_lines(result: TrainingMemory, sweep: Sweep) -> list[str]:
    if not result.checkpointed:
        return []
    batch, dtype = sweep[0][-1], sweep[1][0]
    again = _mib(result.recomputed.bytes(batch, dtype))
    return [f"checkpointed blocks ({', '.join(result.checkpointed)}) run again in the backward pass: "
            f"{result.recompute_macs:,} MACs more per sample, and up to {again} kept once more meanwhile "
            f"(batch {batch}, {dtype})"]  # fmt: skip


def training_json(result: TrainingMemory, sweep: Sweep) -> str:
    kept = result.kept
    record = {
        "mode": "train", "params": result.params, "trainable_params": result.trainable,
        "buffers": result.buffers, "checkpointed": list(result.checkpointed),
        "kept_per_sample": {"activations": kept.activations, "fp32": kept.fp32, "int64": kept.int64},
        "kept_per_batch_fp32": kept.per_batch, "cast_weights": kept.cast_weights,
        "recompute_macs": result.recompute_macs, "rows": training_rows(result, sweep), "note": TRAINING_NOTE,
    }  # fmt: skip
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def training_csv(result: TrainingMemory, sweep: Sweep) -> str:
    return _csv(training_rows(result, sweep))


def _csv(rows: list[dict[str, int | str]]) -> str:
    return csv_text(list(rows[0]), [list(row.values()) for row in rows])
