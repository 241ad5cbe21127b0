"""Memory a spec needs for inference: parameters per dtype, and the peak of activations (training's is
analyses/training_memory.py).

Inference keeps only what is still to be read, walking the engine's graph in running order: a layer's input
and output coexist while it runs, then the input is freed once its last reader has run — except the
network's input, which the caller holds throughout, and a residual's or branch set's input, which its torch
module holds until it returns; a path's output lives until the merge, and a conv or dense with a fused batch
norm briefly holds two outputs. The peak of that walk is the inference figure, as eager torch allocates
(fused activations work in place). Figures are elements per sample; bytes = elements × batch × dtype size.
"""

from __future__ import annotations

from dataclasses import dataclass

from archcalc.engine import analyze
from archcalc.graph import Graph, Node
from archcalc.layers.composite import Composite
from archcalc.report import Report
from archcalc.shapes import Shape, numel
from archcalc.spec.model import Spec

DTYPE_BYTES = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1}


@dataclass(frozen=True)
class Memory:
    params: int
    buffers: int
    inference_peak: int
    """Most activation elements alive at once in one forward pass, per sample (input included)."""

    def bytes(self, elements: int, batch: int, dtype: str) -> int:
        return elements * batch * DTYPE_BYTES[dtype]


def memory(spec: Spec, input_shape: Shape | None = None) -> Memory:
    return inference_memory(analyze(spec, input_shape))


def inference_memory(report: Report) -> Memory:
    assert report.graph is not None
    return Memory(report.totals.params, report.totals.buffers, inference_peak(report.graph))


def inference_peak(graph: Graph) -> int:
    """The most elements alive at once while the nodes run in order: the caller's input throughout, every
    output until its last reader has run, and the new output(s) of the node running."""
    order = {node: index for index, node in enumerate(graph.order)}
    last_use = _last_uses(graph, order)
    held = numel(graph.input.row.output)
    alive: dict[Node, int] = {}
    peak = held
    for index, node in enumerate(graph.order):
        size = numel(node.row.output)
        working = (
            node.layer.outputs_alive() * size + node.layer.scratch(node.row.input, node.row.output)
            if node.layer
            else size
        )
        peak = max(peak, held + sum(alive.values()) + working)
        alive[node] = size
        for tensor in [tensor for tensor in alive if last_use.get(tensor, index) <= index]:
            del alive[tensor]
    return peak


def _last_uses(graph: Graph, order: dict[Node, int]) -> dict[Node, int]:
    """For each output, when its last reader runs: a layer or merge reading it, or a composite whose torch
    module keeps its input until it returns (a residual, a branch set), which it does at its last part."""
    finished = _finishing(graph, order)
    last: dict[Node, int] = {}
    for node in graph.nodes:
        reads_until = order.get(node, finished.get(node) if _keeps_input(node) else None)
        if reads_until is None:
            continue
        for source in node.inputs:
            tensor = source.value
            last[tensor] = max(last.get(tensor, reads_until), reads_until)
    return last


def _finishing(graph: Graph, order: dict[Node, int]) -> dict[Node, int]:
    """When each container's last computing node runs."""
    finished: dict[Node, int] = {}
    for node in graph.order:
        parent = node.parent
        while parent is not None:
            finished[parent] = order[node]
            parent = parent.parent
    return finished


def _keeps_input(node: Node) -> bool:
    return isinstance(node.layer, Composite) and node.layer.keeps_input
