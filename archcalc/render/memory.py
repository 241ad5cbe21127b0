"""Text for `archcalc memory`: one line per batch size and dtype."""

from __future__ import annotations

import json

from archcalc.analyses.memory import Memory
from archcalc.render.tables import csv_text


def _mib(count: int) -> str:
    return f"{count / 2**20:,.1f} MiB"


def memory_rows(result: Memory, batches: list[int], dtypes: list[str]) -> list[dict[str, int | str]]:
    """One record per dtype and batch: bytes of weights, the inference peak, kept activations and the
    training total (weights + gradients + kept activations)."""
    rows: list[dict[str, int | str]] = []
    for dtype in dtypes:
        for batch in batches:
            weights = result.bytes(result.params, 1, dtype)
            training = result.bytes(result.training, batch, dtype)
            peak = result.bytes(result.inference_peak, batch, dtype)
            rows.append({"batch": batch, "dtype": dtype, "param_bytes": weights, "inference_peak_bytes": peak,
                         "training_activation_bytes": training,
                         "training_total_bytes": 2 * weights + training})  # fmt: skip
    return rows


TRAINING_NOTE = ("training total = weights + gradients + kept activations (optimizer state not included: "
                 "SGD momentum adds 1×, Adam 2× the weights)")  # fmt: skip


def render_memory(result: Memory, batches: list[int], dtypes: list[str]) -> str:
    lines = [
        f"params {result.params:,}; batch norm buffers {result.buffers:,}; per sample: inference peak "
        f"{result.inference_peak:,} activations, training keeps {result.training:,}",
        f"{'batch':>6} {'dtype':>5} {'params':>12} {'inference peak':>15} {'training acts':>14} "
        f"{'training total':>15}",
    ]
    for row in memory_rows(result, batches, dtypes):
        weights, peak, kept, total = (_mib(int(row[key])) for key in list(row)[2:])
        lines.append(f"{row['batch']:>6} {row['dtype']:>5} {weights:>12} {peak:>15} {kept:>14} {total:>15}")
    lines.append(TRAINING_NOTE)
    return "\n".join(lines) + "\n"


def memory_json(result: Memory, batches: list[int], dtypes: list[str]) -> str:
    """The element counts per sample, and the bytes of every dtype and batch asked for."""
    record = {"params": result.params, "buffers": result.buffers, "inference_peak": result.inference_peak,
              "training": result.training, "rows": memory_rows(result, batches, dtypes),
              "note": TRAINING_NOTE}  # fmt: skip
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def memory_csv(result: Memory, batches: list[int], dtypes: list[str]) -> str:
    rows = memory_rows(result, batches, dtypes)
    return csv_text(list(rows[0]), [list(row.values()) for row in rows])
