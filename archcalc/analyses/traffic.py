"""What each layer must move through memory in a forward pass, beside the FLOPs it computes: the roofline's
two axes, from the engine's graph.

A computing node reads each of its inputs once and its weights (parameters and batch norm statistics) once,
and writes its output once: bytes = (inputs + outputs) × batch × dtype size + weights × their size. That is
the least any implementation moves; eager torch moves more where a row runs several kernels (a conv, then
its batch norm, then its activation each read and write the output). Arithmetic intensity = FLOPs / bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from archcalc.graph import Graph
from archcalc.shapes import numel

BYTES = {"fp32": 4, "bf16": 2, "fp16": 2}


@dataclass(frozen=True)
class Traffic:
    """One computing row's FLOPs and bytes for a batch."""

    name: str
    kind: str
    flops: int
    read_bytes: int
    written_bytes: int

    @property
    def bytes(self) -> int:
        return self.read_bytes + self.written_bytes

    @property
    def intensity(self) -> float:
        """FLOPs per byte moved (0 for a layer that computes no MACs)."""
        return self.flops / self.bytes if self.bytes else 0.0


def traffic(graph: Graph, batch: int, dtype: str) -> list[Traffic]:
    """Every computing node's FLOPs (2 × MACs) and bytes at `batch` and `dtype` (mixed precision: the
    weights of layers that multiply are read as 2-byte copies, batch norm's parameters and statistics in
    fp32), in running order."""
    size = BYTES[dtype]
    rows = []
    for node in graph.order:
        row = node.row
        multiplied = row.params - row.norm_params if row.macs else 0
        weights = multiplied * size + (row.params - multiplied + row.buffers) * 4
        inputs = sum(numel(source.value.row.output) for source in node.inputs)
        rows.append(Traffic(row.name, row.kind, 2 * row.macs * batch, inputs * batch * size + weights,
                            numel(row.output) * batch * size))  # fmt: skip
    return rows
