"""The copies of a walked composite: a block used again at the same input shape, depth and freezing (the
copies of a `repeat:` share their layers) makes the same rows under another name, so the engine copies the
first copy's nodes instead of walking and measuring its layers again.

A composite whose parts read anything before it but its input (`from:` an outer layer) is walked each time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from archcalc.graph import Node
from archcalc.layers import Layer
from archcalc.layers.base import marks
from archcalc.report import ROW_ATTRIBUTES, LayerRow, row_values
from archcalc.shapes import Shape

CopyKey = tuple[Any, ...]
DEPTH = ROW_ATTRIBUTES.index("depth")


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


class _Part(NamedTuple):
    """One node of a walked composite, as its copies remake it. Nodes are numbered as a copy makes them:
    0 the composite's input, 1 its container, 2 … its nodes in table order."""

    values: tuple[Any, ...]
    """Its row's fields (`row_values`): the same in every copy but the name."""
    suffix: str
    """Its name after the composite's (`.conv1`)."""
    role: str
    layer: Layer | None
    parent: int
    inputs: tuple[int, ...]


class _Box(NamedTuple):
    """A container of a walked composite: its parts, its lists and its value, by number (as in _Part)."""

    node: int
    children: tuple[int, ...]
    lists: tuple[tuple[str, tuple[int, ...]], ...]
    output: int


@dataclass(frozen=True, slots=True)
class Walked:
    """A composite as the walk made it, as what its copies make: its nodes in table order, its containers,
    and which nodes compute, in running order."""

    layer: Layer
    """The composite (kept, so that the id its copies are found by stays its own)."""
    parts: tuple[_Part, ...]
    boxes: tuple[_Box, ...]
    order: tuple[int, ...]

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
        number = {input_node: 0, nodes[0].parent: 1} | {node: index for index, node in enumerate(nodes, 2)}
        return Walked(layer, *_plan(nodes, number), tuple(number[node] for node in order))

    def copy(self, layer: Layer, name: str, input_node: Node, parent: Node) -> tuple[list[Node], list[Node]]:
        """Its nodes as those of `layer` (a copy of it) named `name`, reading `input_node`, inside `parent`:
        in table order and in running order. In table order a node's container and what it reads come
        before it."""
        made = [input_node, parent]
        for values, suffix, role, part, up, reads in self.parts:
            row = LayerRow.from_values(values, name + suffix, values[DEPTH])
            made.append(Node(row, role, part, made[up], [made[index] for index in reads]))
        for box in self.boxes:
            container = made[box.node]
            container.children = [made[index] for index in box.children]
            container.lists = {scope: [made[index] for index in parts] for scope, parts in box.lists}
            container.output = made[box.output]
        made[2].layer = layer
        return made[2:], [made[index] for index in self.order]


def _plan(nodes: list[Node], number: dict[Node | None, int]) -> tuple[tuple[_Part, ...], tuple[_Box, ...]]:
    """The parts and containers of a walked composite whose nodes are `nodes`, numbered by `number`."""
    cut = len(nodes[0].name)
    parts = tuple(
        _Part(row_values(node.row), node.name[cut:], node.role, node.layer, number[node.parent],
              tuple(number[source] for source in node.inputs))
        for node in nodes
    )  # fmt: skip
    boxes = tuple(
        _Box(number[node], tuple(number[child] for child in node.children),
             tuple((scope, tuple(number[part] for part in items)) for scope, items in node.lists.items()),
             number[node.output])
        for node in nodes if node.output is not None
    )  # fmt: skip
    return parts, boxes


def _by_name(node: Node) -> bool:
    """Whether `node` reads a layer by name (`from: stem`): what it reads is that layer, even where it is
    also the composite's input (the composite's copies have other inputs, not other stems)."""
    sources = node.layer.sources if node.layer is not None else None
    return any(isinstance(source, str) for source in sources or ())
