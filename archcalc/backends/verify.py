"""Prove that torch agrees with the engine: layer by layer, shapes, parameters and FLOPs.

The model is built on torch's meta device (no weights allocated, so VGG-sized models verify in seconds), run
once under `torch.utils.flop_counter.FlopCounterMode`, and every row of the engine's report is compared with
its module: output shape, parameter count, and FLOPs = 2 × the engine's MACs. FlopCounterMode counts a
multiply-accumulate of a conv or a matmul as 2 FLOPs and counts nothing else (bias adds, batch norm,
activations, pooling, adds): exactly our convention, so every kind agrees exactly, with no exceptions.

`train=True` also runs one training step (forward, then backward from the sum of the outputs, frozen
layers' parameters not requiring grad) at batch 2 (batch norm trains on more than one value), and compares
its FLOPs per sample with 2 × (forward + backward MACs) of analyses/training.py in the total; the rows stay
the forward pass's (see `_training_step_flops`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import torch

from archcalc.analyses.training import training
from archcalc.backends.measure import MemoryCheck, training_memory
from archcalc.backends.torch import build, freeze, hwc, nchw
from archcalc.engine import analyze
from archcalc.report import Report
from archcalc.shapes import Shape
from archcalc.spec.model import Spec


@dataclass(frozen=True)
class Check:
    """One layer: what the engine says and what torch measured."""

    name: str
    kind: str
    shape: Shape
    torch_shape: Shape
    params: int
    torch_params: int
    flops: int
    torch_flops: int

    @property
    def ok(self) -> bool:
        return (self.shape, self.params, self.flops) == (
            self.torch_shape,
            self.torch_params,
            self.torch_flops,
        )


@dataclass(frozen=True)
class Verification:
    """Every layer's check and the totals (params, FLOPs = 2 × MACs) on both sides."""

    name: str
    input: Shape
    checks: list[Check]
    total: Check
    torch_version: str
    train: bool = False
    """Whether the FLOPs are of a training step (forward + backward) rather than a forward pass."""
    kept: MemoryCheck | None = None
    """With `train`: the bytes autograd keeps for the backward pass, archcalc's and torch's."""

    @property
    def ok(self) -> bool:
        kept_ok = self.kept is None or self.kept.agrees
        return kept_ok and self.total.ok and all(check.ok for check in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [check for check in [*self.checks, self.total] if not check.ok]


def verify(spec: Spec, input_shape: Shape | None = None, train: bool = False) -> Verification:
    """Build `spec` on the meta device, run it once, and compare every row of the engine's report; with
    `train`, the total is one training step's (forward + backward) instead of the forward pass's, and a
    real forward pass in training mode (CPU, batch 2) counts what autograd keeps for the backward pass."""
    report = analyze(spec, input_shape)
    with torch.device("meta"):
        model = build(spec, report).eval()
    measured = _Measured(dict(model.named_modules()), *_run(model, report))
    checks = [measured.check(row.name, row.kind, row.output, row.params, 2 * row.macs) for row in report.rows]
    total = replace(
        measured.check("", "", report.output, report.totals.params, report.totals.flops), name="total"
    )
    if not train:
        return Verification(spec.name, report.input, checks, total, torch.__version__)
    total = replace(total, flops=training(report).step_flops, torch_flops=_training_step_flops(model, report))
    kept = training_memory(spec, input_shape)
    return Verification(spec.name, report.input, checks, total, torch.__version__, train, kept)


def _run(model: Any, report: Report) -> tuple[dict[str, Shape], dict[str, int]]:
    """Every module's output shape by name, and the FLOPs FlopCounterMode counted in each."""
    from torch.utils.flop_counter import FlopCounterMode

    shapes: dict[str, Shape] = {}
    for name, module in model.named_modules():
        module.register_forward_hook(lambda _m, _i, out, name=name: shapes.__setitem__(name, _shape(out)))
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.empty(nchw(report.input), device="meta"))
    root = type(model).__name__
    return shapes, {
        ("" if key == root else key.removeprefix(f"{root}.")): sum(counts.values())
        for key, counts in counter.get_flop_counts().items()
        if key != "Global"
    }


TRAINING_BATCH = 2
"""A training step runs on 2 samples: batch norm refuses to train on a single value per channel."""


def _training_step_flops(model: Any, report: Report) -> int:
    """FLOPs per sample of one training step: forward, then backward from the sum of the outputs, with the
    parameters of frozen rows (`trainable: false`) not requiring grad. Counted over the whole step
    (FlopCounterMode's "Global"): in backward it attributes some FLOPs to no module, or to a merge rather
    than the layer whose gradient it is, so rows are compared on the forward pass only."""
    from torch.utils.flop_counter import FlopCounterMode

    model.train()
    freeze(model, report)
    corrected = {torch.ops.aten.convolution_backward: _convolution_backward}
    with FlopCounterMode(display=False, custom_mapping=corrected) as counter:
        outputs = model(torch.empty(nchw(report.input, TRAINING_BATCH), device="meta"))
        sum(output.sum() for output in (outputs if isinstance(outputs, tuple) else (outputs,))).backward()
    return _per_sample(counter.get_total_flops(), TRAINING_BATCH)


def _convolution_backward(
    grad_out: Any, x: Any, w: Any, *settings: Any, out_shape: Any, **_keywords: Any
) -> int:
    """A convolution's backward FLOPs: the input gradient as torch counts it (a transposed convolution of
    the output gradient), and the weight gradient as the forward convolution's FLOPs (one multiply-add per
    weight per output position). torch 2.13 counts a grouped conv's weight gradient `groups` times
    (pytorch/pytorch#183405); this count holds with or without that fix."""
    from torch.utils.flop_counter import conv_flop_count

    transposed, output_mask = settings[4], settings[-1]
    flops = conv_flop_count(grad_out, w, out_shape[0], not transposed) if output_mask[0] else 0
    return int(flops + (conv_flop_count(x, w, grad_out, transposed) if output_mask[1] else 0))


def _per_sample(flops: int, batch: int) -> int:
    """FLOPs per sample; -1 (a mismatch, never hidden) if the batch's count does not split evenly."""
    return flops // batch if flops % batch == 0 else -1


def _shape(out: Any) -> Shape:
    """A module's output shape; for a model of several outputs, the last one's (the engine's `output`)."""
    return hwc((out[-1] if isinstance(out, tuple) else out).shape)


@dataclass(frozen=True)
class _Measured:
    """What one run of the model showed: its modules, their output shapes and FLOPs."""

    modules: dict[str, Any]
    shapes: dict[str, Shape]
    flops: dict[str, int]

    def check(self, name: str, kind: str, shape: Shape, params: int, flops: int) -> Check:
        """The engine's figures for the module called `name` ("" is the whole model) beside torch's."""
        module = self.modules.get(name)
        if module is None or name not in self.shapes:
            return Check(
                name, kind, shape, (), params, -1, flops, -1
            )  # no such module: a mismatch, never skipped
        torch_params = sum(p.numel() for p in module.parameters())
        return Check(
            name, kind, shape, self.shapes[name], params, torch_params, flops, self.flops.get(name, 0)
        )
