"""The cost of one training step: each layer's backward MACs, from the engine's graph.

A layer's input needs a gradient when anything before it is trained (a tensor requires grad when it depends
on a trained parameter, as in autograd); the network's input never does. Backward MACs per layer are its
kind's rule (`Layer.backward_macs`): for conv and dense, the input gradient and the weight gradient each
cost the forward MACs, the first only where the input needs a gradient, the second only where the weights
are trained. So the first layer never computes an input gradient, and a frozen prefix computes none.
Training step MACs = forward + backward; FLOPs = 2 × MACs, as torch's FlopCounterMode counts them.
"""

from __future__ import annotations

from dataclasses import dataclass

from archcalc.graph import Graph, Node, ancestors
from archcalc.report import Report


@dataclass(frozen=True)
class Backward:
    """One row's backward MACs (a container's: the sums of its parts)."""

    input_grad: int = 0
    weight_grad: int = 0

    @property
    def macs(self) -> int:
        return self.input_grad + self.weight_grad

    def __add__(self, other: Backward) -> Backward:
        return Backward(self.input_grad + other.input_grad, self.weight_grad + other.weight_grad)


@dataclass(frozen=True)
class Training:
    """Backward MACs per row name, and the totals of one training step (batch 1)."""

    rows: dict[str, Backward]
    forward_macs: int
    backward: Backward

    @property
    def step_macs(self) -> int:
        return self.forward_macs + self.backward.macs

    @property
    def step_flops(self) -> int:
        return 2 * self.step_macs


def training(report: Report) -> Training:
    """The backward MACs of every row of `report`, walking its graph in running order."""
    graph = report.graph
    assert graph is not None
    own = _backward_of_layers(graph)
    rows = {node.name: own.get(node, Backward()) for node in graph.nodes}
    for node in graph.order:  # a container's row sums its parts
        for container in ancestors(node):
            if container.role != "root":
                rows[container.name] = rows[container.name] + own.get(node, Backward())
    total = sum(own.values(), Backward())
    return Training(rows, report.totals.macs, total)


def _backward_of_layers(graph: Graph) -> dict[Node, Backward]:
    """Each computing node's backward MACs."""
    return {
        node: Backward(*node.layer.backward_macs(node.row.input, node.row.output, weights=weights,
                                                 inputs=inputs))
        for node, (inputs, weights) in gradient_flow(graph).items()
        if node.layer is not None
    }  # fmt: skip


def gradient_flow(graph: Graph) -> dict[Node, tuple[bool, bool]]:
    """For each computing node in running order: (whether its input needs a gradient, whether its
    weights are trained). A node's output needs one when either holds: it has trained parameters or reads
    an output that does."""
    needs_grad: set[Node] = set()
    flow: dict[Node, tuple[bool, bool]] = {}
    for node in graph.order:
        inputs = any(source.value in needs_grad for source in node.inputs)
        weights = node.row.trainable_params > 0
        if inputs or weights:
            needs_grad.add(node)
        flow[node] = (inputs, weights)
    return flow
