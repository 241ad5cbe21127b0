"""Training memory, archcalc's prediction beside one real training step in torch on the CPU (issue #15).

Usage: python benchmarks/training_memory.py [SPEC] [--batch 32]
For fp32 and bf16 (mixed precision: CPU autocast, fp32 master weights) and for SGD and AdamW, runs a
forward pass counting every storage autograd saves (saved_tensors_hooks, parameters and buffers apart),
the backward pass (the gradients' bytes), and an optimizer step (the bytes of its state), and prints a
markdown table: each figure as `predicted / measured` where they differ, once where they agree; then the
peak a second training step reaches (the live-tensor counter over forward, backward and the optimizer's
step), against archcalc's total, which is a sum and not that peak.
"""

from __future__ import annotations

import argparse
from typing import Any

import torch

from archcalc import api
from archcalc.analyses.training_memory import training_memory
from archcalc.backends.measure import _LiveTensors, _SavedTensors
from archcalc.backends.torch import build, nchw
from archcalc.engine import analyze


def measured(spec: object, batch: int, dtype: str, optimizer: str) -> dict[str, int]:
    """One training step's bytes by what holds them, as torch allocates them; a second step's peak."""
    report = analyze(spec)  # type: ignore[arg-type]
    model = build(spec, report).train()  # type: ignore[arg-type]
    x = torch.randn(nchw(report.input, batch))
    counter = _SavedTensors(model)
    with _mixed(dtype), torch.autograd.graph.saved_tensors_hooks(counter.pack, lambda tensor: tensor):
        out = model(x)
    out.float().logsumexp(dim=1).mean().backward()
    step = (torch.optim.SGD if optimizer == "sgd" else torch.optim.AdamW)(model.parameters(), lr=1e-3)
    step.step()
    state = [value for entry in step.state.values() for value in entry.values()]
    parts = {
        "weights": sum(p.nbytes for p in model.parameters()),
        "gradients": sum(p.grad.nbytes for p in model.parameters() if p.grad is not None),
        "optimizer_state": sum(t.nbytes for t in state if t.dim() > 0),  # AdamW's step counts are 0-dim
        "buffers": sum(b.nbytes for b in model.buffers() if b.dim() > 0),  # batches seen: a 0-dim count
        "activations": sum(counter.sizes.values()),
    }
    held = parts["weights"] + parts["optimizer_state"] + parts["buffers"] + x.nbytes
    return parts | {"total": sum(parts.values()), "step_peak": held + _step_peak(model, step, x, dtype)}


def _mixed(dtype: str) -> Any:
    return torch.autocast("cpu", dtype=torch.bfloat16, enabled=dtype == "bf16")


def _step_peak(model: Any, optimizer: Any, x: Any, dtype: str) -> int:
    """The most bytes a second training step allocates and holds at once (gradients set to None first, as
    `zero_grad` does by default): the live-tensor counter's peak over forward, backward and the step."""
    optimizer.zero_grad(set_to_none=True)
    counter = _LiveTensors()
    with counter:
        with _mixed(dtype):
            loss = model(x).float().logsumexp(dim=1).mean()
        loss.backward()
        optimizer.step()
    return int(counter.peak)


PARTS = ("weights", "gradients", "optimizer_state", "activations", "total")


def row(label: str, predicted: dict[str, int], actual: dict[str, int]) -> tuple[str, int]:
    """A markdown row, `predicted / measured` where they differ; and how many differ."""
    cells = []
    for part in PARTS:
        mib = f"{predicted[part] / 2**20:,.1f}"
        same = predicted[part] == actual[part]
        cells.append(f"{mib} MiB" if same else f"{mib} / {actual[part] / 2**20:,.1f} MiB")
    return f"| {label} | " + " | ".join(cells) + " |", sum(predicted[p] != actual[p] for p in PARTS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", default="resnet50")
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()
    spec = api.load(args.spec)
    model = training_memory(analyze(spec))
    print(f"| {spec.name}, batch {args.batch} | " + " | ".join(PARTS) + " |")
    print("|---|" + "---:|" * len(PARTS))
    differ, peaks = 0, []
    for optimizer, label in (("sgd", "SGD"), ("adamw", "AdamW")):
        for dtype in ("fp32", "bf16"):
            predicted = model.breakdown(args.batch, dtype, optimizer)
            actual = measured(spec, args.batch, dtype, optimizer)
            text, count = row(f"{label}, {dtype}", predicted, actual)
            peaks.append(f"{label}, {dtype}: {actual['step_peak'] / 2**20:,.1f} MiB "
                         f"({actual['step_peak'] / predicted['total']:.2f}× the total)")  # fmt: skip
            print(text)
            differ += count
    print(f"\n{differ} of {4 * len(PARTS)} figures differ from torch's in bytes (shown once where equal)")
    print(
        "the peak a second training step reaches in torch (weights, state, input + the most it allocates "
        "at once): " + "; ".join(peaks)
    )


if __name__ == "__main__":
    main()
