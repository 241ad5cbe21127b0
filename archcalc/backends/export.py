"""Export a spec's torch model to ONNX (to open in Netron) or TorchScript, and count what was written.

The model is built with torch's default initialisation (the weights mean nothing: it is the architecture
that is exported) and traced in eval mode with batch 1. The file is written beside its destination and
renamed into place, so a failed export never leaves half a file.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from archcalc.backends.torch import build, nchw
from archcalc.engine import analyze
from archcalc.files import write_atomically
from archcalc.shapes import Shape
from archcalc.spec.model import Spec

FORMATS = ("onnx", "torchscript")


@dataclass(frozen=True)
class Exported:
    path: Path
    format: str
    weights: int
    """Parameters, plus batch norm's running statistics for ONNX (they are initializers there too)."""
    expected: int
    """What the engine says `weights` should be."""


def export(spec: Spec, to: str, path: Path, input_shape: Shape | None = None) -> Exported:
    report = analyze(spec, input_shape)
    model = build(spec, report).eval()
    example = torch.zeros(nchw(report.input))
    writer = _write_onnx if to == "onnx" else _write_torchscript
    counted: list[int] = []
    write_atomically(path, lambda temporary: counted.append(writer(model, example, temporary)))
    weights = counted[0]
    buffers = report.totals.buffers if to == "onnx" else 0
    return Exported(path, to, weights, report.totals.params + buffers)


def _write_onnx(model: Any, example: Any, path: Path) -> int:
    """Export with torch's TorchScript-based exporter (it needs the `onnx` package, not onnxscript)."""
    import onnx  # a clear ImportError (caught by the CLI) when missing

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (example,), str(path), dynamo=False, do_constant_folding=False,
                          input_names=["input"], output_names=["output"])  # fmt: skip
    graph = onnx.load(str(path)).graph
    sizes = {tensor.name: _numel(tensor.dims) for tensor in graph.initializer}
    # Count each use: the exporter merges initializers that happen to be equal (fresh batch norms are).
    return sum(sizes[name] for node in graph.node for name in node.input if name in sizes)


def _write_torchscript(model: Any, example: Any, path: Path) -> int:
    """TorchScript is deprecated in recent torch but still what many deployment tools load."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.jit.trace(model, example).save(str(path))  # type: ignore[no-untyped-call]
        loaded = torch.jit.load(str(path))  # type: ignore[no-untyped-call]
    return sum(parameter.numel() for parameter in loaded.parameters())


def _numel(dims: Any) -> int:
    count = 1
    for dim in dims:
        count *= int(dim)
    return count
