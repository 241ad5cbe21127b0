"""Running a list of layers as the engine's graph wires it: each layer on the values it reads, a value let
go after its last reader, and the values read from other lists kept by forward hooks (see Taps)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from torch import nn

from archcalc.graph import Graph, Node

Source = int | str
"""Where a layer's input comes from: a position in its own list (-1: the list's input), or the name of a
layer elsewhere (a part of an earlier block, a layer of an enclosing list), kept for it by Taps."""


class Taps:
    """Values read outside the list that made them (a part of an earlier block, a layer of an enclosing
    list): the module of each such node gets a forward hook that keeps its output, by the node's name, until
    the model's forward returns. Which nodes they are, the engine's graph says."""

    def __init__(self, graph: Graph) -> None:
        self.nodes = read_elsewhere(graph)
        self.values: dict[str, Any] = {}
        self.active = False
        """Whether the model's forward is running (a part called on its own keeps nothing)."""

    def watch(self, node: Node, module: Any) -> Any:
        """`module`, built for `node`, with the hook that keeps its output if another list reads it."""
        if node in self.nodes:
            module.register_forward_hook(_Keep(self, node.name))
        return module


def positions(owner: Node, nodes: list[Node]) -> dict[Node, int]:
    """What a list of `owner`'s can read itself: its nodes by position, and its input (-1, what `owner`
    reads). Anything else a node of it reads comes from another list."""
    return {node: index for index, node in enumerate(nodes)} | {owner.inputs[0]: -1}


def read_elsewhere(graph: Graph) -> set[Node]:
    """The nodes some layer reads from outside their own list."""
    found: set[Node] = set()
    for owner in (graph.root, *graph):
        for nodes in owner.lists.values():
            local = positions(owner, nodes)
            found |= {source for node in nodes for source in node.inputs if source not in local}
    return found


class _Keep:
    """The forward hook that keeps one layer's output in its Taps (an object, so that deepcopy keeps a copy
    of a model writing to its own Taps)."""

    def __init__(self, taps: Taps, name: str) -> None:
        self.taps, self.name = taps, name

    def __call__(self, _module: Any, _inputs: Any, output: Any) -> None:
        if self.taps.active:
            self.taps.values[self.name] = output


class Steps:
    """A list's named modules run in order, each on the values its wiring names; a value of the list is let
    go after its last reader (as torch.fx's graph module does), except those in `keep`."""

    def __init__(self, parts: Sequence[tuple[str, Any]], wiring: Sequence[tuple[Source, ...]], taps: Taps,
                 keep: tuple[int, ...]) -> None:  # fmt: skip
        last = {source: index for index, reads in enumerate(wiring) for source in reads}
        last |= dict.fromkeys(keep, len(parts))
        self.parts, self.taps = parts, taps
        self.steps = tuple(
            (module, reads, sorted(s for s in set(reads) if isinstance(s, int) and last[s] == index))
            for index, ((_, module), reads) in enumerate(zip(parts, wiring, strict=True))
        )

    def register(self, owner: Any) -> None:
        """Make the modules children of the module that runs them, under their table names."""
        for name, module in self.parts:
            owner.add_module(name, module)

    def run(self, x: Any) -> dict[int, Any]:
        values, kept = {-1: x}, self.taps.values
        for index, (module, reads, done) in enumerate(self.steps):
            values[index] = module(*(kept[s] if isinstance(s, str) else values[s] for s in reads))
            for source in done:
                del values[source]
        return values


class Flow(nn.Module):
    """Layers in order where some read others than the one before (`from:`), returning `outputs`
    (positions; default the last)."""

    def __init__(self, parts: list[tuple[str, Any]], wiring: list[tuple[Source, ...]], taps: Taps,
                 outputs: tuple[int, ...] = ()) -> None:  # fmt: skip
        super().__init__()
        self.outputs = outputs or (len(parts) - 1,)
        self.flow = Steps(parts, wiring, taps, self.outputs)
        self.flow.register(self)

    def forward(self, x: Any) -> Any:
        values = self.flow.run(x)
        found = tuple(values[index] for index in self.outputs)
        return found if len(found) > 1 else found[0]


class FlowModel(Flow):
    """A spec whose top level reads earlier layers by name, or with several outputs, built for torch; the
    values kept for readers in other lists are let go when it returns."""

    def forward(self, x: Any) -> Any:
        taps = self.flow.taps
        taps.active = True
        try:
            return super().forward(x)
        finally:
            taps.values.clear()
            taps.active = False
