"""Text for `archcalc memory`: one line per batch size and dtype."""

from __future__ import annotations

from archcalc.analyses.memory import Memory


def _mib(count: int) -> str:
    return f"{count / 2**20:,.1f} MiB"


def render_memory(result: Memory, batches: list[int], dtypes: list[str]) -> str:
    lines = [
        f"params {result.params:,}; batch norm buffers {result.buffers:,}; per sample: inference peak "
        f"{result.inference_peak:,} activations, training keeps {result.training:,}",
        f"{'batch':>6} {'dtype':>5} {'params':>12} {'inference peak':>15} {'training acts':>14} "
        f"{'training total':>15}",
    ]
    for dtype in dtypes:
        for batch in batches:
            weights = result.bytes(result.params, 1, dtype)
            inference = result.bytes(result.inference_peak, batch, dtype)
            training = result.bytes(result.training, batch, dtype)
            total = 2 * weights + training
            figures = f"{_mib(weights):>12} {_mib(inference):>15} {_mib(training):>14} {_mib(total):>15}"
            lines.append(f"{batch:>6} {dtype:>5} {figures}")
    lines.append("training total = weights + gradients + kept activations (optimizer state not included: "
                 "SGD momentum adds 1×, Adam 2× the weights)")  # fmt: skip
    return "\n".join(lines) + "\n"
