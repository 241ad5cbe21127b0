"""Training memory, archcalc's prediction beside one real training step in torch on the CPU (issue #15).

Usage: python benchmarks/training_memory.py [SPEC] [--batch 32]
For fp32 and bf16 (mixed precision: CPU autocast, fp32 master weights) and for SGD and AdamW, runs a
forward pass counting every storage autograd saves (saved_tensors_hooks, parameters and buffers apart),
the backward pass (the gradients' bytes), and an optimizer step (the bytes of its state), and prints a
markdown table: each figure as `predicted / measured` where they differ, once where they agree.
"""

from __future__ import annotations

import argparse

import torch

from archcalc import api
from archcalc.analyses.training_memory import training_memory
from archcalc.backends.measure import _SavedTensors
from archcalc.backends.torch import build, nchw
from archcalc.engine import analyze


def measured(spec: object, batch: int, dtype: str, optimizer: str) -> dict[str, int]:
    """One training step's bytes by what holds them, as torch allocates them."""
    report = analyze(spec)  # type: ignore[arg-type]
    model = build(spec, report).train()  # type: ignore[arg-type]
    counter = _SavedTensors(model)
    mixed = torch.autocast("cpu", dtype=torch.bfloat16, enabled=dtype == "bf16")
    with mixed, torch.autograd.graph.saved_tensors_hooks(counter.pack, lambda tensor: tensor):
        out = model(torch.randn(nchw(report.input, batch)))
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
    return parts | {"total": sum(parts.values())}


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
    differ = 0
    for optimizer, label in (("sgd", "SGD"), ("adamw", "AdamW")):
        for dtype in ("fp32", "bf16"):
            predicted = model.breakdown(args.batch, dtype, optimizer)
            text, count = row(f"{label}, {dtype}", predicted, measured(spec, args.batch, dtype, optimizer))
            print(text)
            differ += count
    print(f"\n{differ} of {4 * len(PARTS)} figures differ from torch's in bytes (shown once where equal)")


if __name__ == "__main__":
    main()
