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

from archcalc.analyses import memory as memory_model
from archcalc.analyses import training_memory as training_model
from archcalc.backends.torch import build, freeze, nchw
from archcalc.engine import analyze
from archcalc.shapes import Shape
from archcalc.spec.model import Spec

FP32_BYTES = 4
KEPT_TOLERANCE = 0.05
"""How far the bytes autograd keeps may be from archcalc's figure for `verify --train` to pass: the zoo
agrees exactly, and so do 992 of 1,000 random specs (benchmarks/fuzz.py); 5% leaves room for the views
torch copies before keeping them and the layouts its CPU kernels choose, never for a missing tensor."""


@dataclass(frozen=True)
class MemoryCheck:
    batch: int
    predicted_bytes: int
    measured_bytes: int
    tolerance: float = KEPT_TOLERANCE

    @property
    def ratio(self) -> float:
        if not self.predicted_bytes:  # nothing trained: nothing kept, on both sides if they agree
            return 1.0 if not self.measured_bytes else float("inf")
        return self.measured_bytes / self.predicted_bytes

    @property
    def agrees(self) -> bool:
        """Whether the measured bytes are within `tolerance` of the predicted."""
        return abs(self.measured_bytes - self.predicted_bytes) <= self.tolerance * self.predicted_bytes


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


class _SavedTensors:
    """Counts the distinct storages autograd saves for the backward pass (saved_tensors_hooks), other than
    the parameters' and buffers' (weights are counted apart)."""

    def __init__(self, model: Any) -> None:
        self.weights = {t.untyped_storage().data_ptr() for t in [*model.parameters(), *model.buffers()]}
        self.sizes: dict[int, int] = {}

    def pack(self, tensor: Any) -> Any:
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in self.weights:
            self.sizes[storage.data_ptr()] = storage.nbytes()
        return tensor


def training_memory(
    spec: Spec, input_shape: Shape | None = None, batch: int = 2, dtype: str = "fp32"
) -> MemoryCheck:
    """The bytes archcalc predicts a training step keeps for its backward pass beside those torch's autograd
    saves in a real forward pass in training mode on the CPU (batch 2: batch norm trains on more than one
    value; bf16: under autocast). Saved tensors stay alive until the backward pass, so storages are told
    apart by address."""
    report = analyze(spec, input_shape)
    model = build(spec, report).train()
    freeze(model, report)
    counter = _SavedTensors(model)
    mixed = torch.autocast("cpu", dtype=torch.bfloat16, enabled=dtype == "bf16")
    with mixed, torch.autograd.graph.saved_tensors_hooks(counter.pack, lambda tensor: tensor):
        model(torch.randn(nchw(report.input, batch)))
    predicted = training_model.training_memory(report).kept.bytes(batch, dtype)
    return MemoryCheck(batch, predicted, sum(counter.sizes.values()))


def inference_memory(spec: Spec, batch: int = 4) -> MemoryCheck:
    """The memory model's inference peak beside the live-tensor peak of a real fp32 forward pass."""
    report = analyze(spec)
    model = build(spec, report).eval()
    x = torch.randn(nchw(report.input, batch))
    counter = _LiveTensors()
    with torch.inference_mode(), counter:
        model(x)
    predicted = memory_model.inference_memory(report).inference_peak * batch * FP32_BYTES
    return MemoryCheck(batch, predicted, counter.peak + x.untyped_storage().nbytes())
