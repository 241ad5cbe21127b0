"""Prove that torch agrees with the engine: layer by layer, shapes, parameters and FLOPs.

The model is built on torch's meta device (no weights allocated, so VGG-sized models verify in seconds), run
once under `torch.utils.flop_counter.FlopCounterMode`, and every row of the engine's report is compared with
its module: output shape, parameter count, and FLOPs = 2 × the engine's MACs. FlopCounterMode counts a
multiply-accumulate of a conv or a matmul as 2 FLOPs and counts nothing else (bias adds, batch norm,
activations, pooling, adds): exactly our convention, so every kind agrees exactly, with no exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import torch

from archcalc.backends.torch import build, hwc, nchw
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

    @property
    def ok(self) -> bool:
        return self.total.ok and all(check.ok for check in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [check for check in [*self.checks, self.total] if not check.ok]


def verify(spec: Spec, input_shape: Shape | None = None) -> Verification:
    """Build `spec` on the meta device, run it once, and compare every row of the engine's report."""
    report = analyze(spec, input_shape)
    with torch.device("meta"):
        model = build(spec, report).eval()
    measured = _Measured(dict(model.named_modules()), *_run(model, report))
    checks = [measured.check(row.name, row.kind, row.output, row.params, 2 * row.macs) for row in report.rows]
    total = measured.check("", "", report.output, report.totals.params, report.totals.flops)
    return Verification(spec.name, report.input, checks, replace(total, name="total"), torch.__version__)


def _run(model: Any, report: Report) -> tuple[dict[str, Shape], dict[str, int]]:
    """Every module's output shape by name, and the FLOPs FlopCounterMode counted in each."""
    from torch.utils.flop_counter import FlopCounterMode

    shapes: dict[str, Shape] = {}
    for name, module in model.named_modules():
        module.register_forward_hook(lambda _m, _i, out, name=name: shapes.__setitem__(name, _shape(out)))
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.empty(nchw(report.input), device="meta"))
    root = type(model).__name__
    flops = {
        ("" if key == root else key.removeprefix(f"{root}.")): sum(counts.values())
        for key, counts in counter.get_flop_counts().items()
        if key != "Global"
    }
    return shapes, flops


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
