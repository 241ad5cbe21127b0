"""Measure the activation memory of a real forward pass, to check archcalc's memory model against torch.

A TorchDispatchMode sees every tensor the forward pass allocates (on any device) and when it is freed, so
the peak of live activation bytes is counted exactly, with no allocator caching or RSS noise. The caller's
input is added: it is alive throughout. Weights are not counted (they are parameters, not activations).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten

from archcalc.analyses.memory import memory
from archcalc.backends.torch import build, nchw
from archcalc.engine import analyze
from archcalc.spec.model import Spec

FP32_BYTES = 4


@dataclass(frozen=True)
class MemoryCheck:
    batch: int
    predicted_bytes: int
    measured_bytes: int

    @property
    def ratio(self) -> float:
        return self.measured_bytes / self.predicted_bytes


class _LiveTensors(TorchDispatchMode):  # type: ignore[no-untyped-call]
    """Counts the bytes of every storage an op creates until the last tensor that views it is collected (a
    permuted or transposed view keeps its storage alive after the tensor first made on it is gone)."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.live = self.peak = 0
        self.owned: dict[int, list[int]] = {}
        """Per storage: its size in bytes, and how many tensors seen leaving an op still view it."""

    def _release(self, key: int) -> None:
        entry = self.owned[key]
        entry[1] -= 1
        if not entry[1]:
            del self.owned[key]
            self.live -= entry[0]

    def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        out = func(*args, **(kwargs or {}))
        for tensor in tree_flatten(out)[0]:
            key = tensor.untyped_storage().data_ptr() if isinstance(tensor, torch.Tensor) else 0
            if not key:
                continue
            if key not in self.owned:
                size = tensor.untyped_storage().nbytes()
                self.owned[key], self.live = [size, 0], self.live + size
                self.peak = max(self.peak, self.live)
            self.owned[key][1] += 1
            weakref.finalize(tensor, self._release, key)
        return out


def inference_memory(spec: Spec, batch: int = 4) -> MemoryCheck:
    """The memory model's inference peak beside the live-tensor peak of a real fp32 forward pass."""
    report = analyze(spec)
    model = build(spec, report).eval()
    x = torch.randn(nchw(report.input, batch))
    counter = _LiveTensors()
    with torch.inference_mode(), counter:
        model(x)
    predicted = memory(spec).inference_peak * batch * FP32_BYTES
    return MemoryCheck(batch, predicted, counter.peak + x.untyped_storage().nbytes())
