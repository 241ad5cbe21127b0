"""The copies of a walked composite: a block used again at the same input shape, depth and freezing (the
copies of a `repeat:` share their layers) makes the same rows under another name, so the engine copies the
first copy's nodes instead of walking and measuring its layers again.

A composite whose parts read anything before it but its input (`from:` an outer layer) is walked each time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archcalc.graph import Node
from archcalc.layers import Layer
from archcalc.layers.base import marks
from archcalc.shapes import Shape

CopyKey = tuple[Any, ...]


def copy_key(layer: Layer, shape: Shape, depth: int, frozen: bool) -> CopyKey:
    """What makes a composite's rows (but their names): its kind, its settings but `name` and `from:`, its
    block label, and where it is walked. Settings are compared by identity: the copies of a block share the
    objects of their settings (a copy is shallow), and an object a walked composite holds is never freed
    (Walked keeps the composite), so its id is never another's."""
    settings = tuple(id(value) for key, value in layer.__dict__.items() if key not in ("name", "sources"))
    return type(layer), settings, marks(layer)["_label"], shape, depth, frozen


@dataclass(frozen=True, slots=True)
class Span:
    """A composite as the walk made it, by where its nodes are in the walk's lists (which only grow): made
    into a Walked, and checked, only when a copy of it comes, as most composites (a stage of 111 blocks)
    never have one."""

    layer: Layer
    input: Node
    nodes: slice
    order: slice

    def walked(self, nodes: list[Node], order: list[Node]) -> Walked | None:
        return Walked.of(self.layer, self.input, nodes[self.nodes], order[self.order])


@dataclass(frozen=True, slots=True)
class Walked:
    """A composite as the walk made it: its node, then its parts' nodes in table order, and those that
    compute in running order."""

    layer: Layer
    """The composite (kept, so that the id its copies are found by stays its own)."""
    input: Node
    nodes: list[Node]
    order: list[Node]

    @staticmethod
    def of(layer: Layer, input_node: Node, nodes: list[Node], order: list[Node]) -> Walked | None:
        """The walked composite, if its copies can be copied: its parts are named under it and read only
        each other and its input (not by name)."""
        inside, prefix = set(nodes), f"{nodes[0].name}."
        for node in nodes[1:]:
            if not node.name.startswith(prefix):
                return None
        for node in nodes:
            outside = [source for source in node.inputs if source not in inside]
            if outside and (outside != [input_node] or _by_name(node)):
                return None
        return Walked(layer, input_node, nodes, order)

    def copy(self, layer: Layer, name: str, input_node: Node, parent: Node) -> tuple[list[Node], list[Node]]:
        """Its nodes as those of `layer` (a copy of it) named `name`, reading `input_node`, inside `parent`:
        in table order and in running order. One pass: in table order a node's container and what it reads
        come before it."""
        top, cut = self.nodes[0], len(self.nodes[0].name)
        twin = {self.input: input_node, top.parent: parent}
        for node in self.nodes:
            row = node.row.renamed(name + node.name[cut:], node.row.depth)
            new = twin[node] = Node(row, node.role, node.layer, twin[node.parent],
                                    [twin[source] for source in node.inputs])  # fmt: skip
            if node is not top:
                twin[node.parent].children.append(new)
        for node in self.nodes:
            if node.output is not None:  # a container: its lists and its value
                new = twin[node]
                new.lists = {scope: [twin[part] for part in parts] for scope, parts in node.lists.items()}
                new.output = twin[node.output]
        twin[top].layer = layer
        return [twin[node] for node in self.nodes], [twin[node] for node in self.order]


def _by_name(node: Node) -> bool:
    """Whether `node` reads a layer by name (`from: stem`): what it reads is that layer, even where it is
    also the composite's input (the composite's copies have other inputs, not other stems)."""
    sources = node.layer.sources if node.layer is not None else None
    return any(isinstance(source, str) for source in sources or ())
