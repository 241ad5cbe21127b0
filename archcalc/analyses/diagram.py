"""Draw a spec: a graph of its layers with the shape on every edge, blocks and paths as nested boxes, shortcut
and branch edges where they are; written as Mermaid (renders on GitHub) or Graphviz DOT.

Drawn from the engine's graph: a node for every layer and merge, an edge from each of its inputs (an
identity shortcut is an edge from the block's input to its add), a box for every block and path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from archcalc.engine import analyze
from archcalc.graph import Node, ancestors
from archcalc.shapes import Shape, format_shape
from archcalc.spec.model import Spec


@dataclass
class Box:
    """A block, a residual, a path: a labelled group of nodes and boxes."""

    key: str
    label: str
    nodes: list[str] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)


@dataclass
class Graph:
    labels: dict[str, str] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    root: Box = field(default_factory=lambda: Box("", ""))
    shapes: dict[str, Shape] = field(default_factory=dict)

    def node(self, key: str, label: str, shape: Shape, box: Box) -> str:
        self.labels[key], self.shapes[key] = label, shape
        box.nodes.append(key)
        return key

    def edge(self, source: str, target: str, shape: Shape | None = None) -> None:
        """An edge labelled with the shape it carries (default: the source's output; a value read from
        inside a block drawn as one node has its own)."""
        self.edges.append((source, target, format_shape(shape or self.shapes[source])))


def build(spec: Spec, input_shape: Shape | None = None, depth: int | None = None) -> Graph:
    """The spec's diagram: the engine's graph, a box for every block and path, an edge for every input,
    an output node for each output. With `depth` (as the table's `--depth`), a block that deep is one node:
    `--depth 1` draws the top level."""
    report = analyze(spec, input_shape)
    assert report.graph is not None
    drawer = _Drawer(Graph(), depth)
    graph, root = drawer.graph, drawer.graph.root
    graph.node("input", f"input {format_shape(report.input)}", report.input, root)
    drawer.draw(report.graph.root, root)
    named = report.graph.named()
    ends = [(name, named[name].value, shape) for name, shape in report.outputs]
    for name, node, shape in ends or [("", report.graph.root.value, report.output)]:
        key = f"output {name}".rstrip()
        graph.edge(drawer.shown(node), graph.node(key, f"{key} {format_shape(shape)}", shape, root))
    return graph


@dataclass
class _Drawer:
    graph: Graph
    depth: int | None

    def draw(self, container: Node, box: Box) -> None:
        """The nodes directly inside `container` into `box`, in the order they ran; inner containers as
        boxes, or as one node where they reach the depth asked for."""
        for node in container.children:
            if node.is_container and not self._collapsed(node):
                inner = Box(node.name, f"{node.name}: {node.row.summary}")
                box.boxes.append(inner)
                self.draw(node, inner)
                continue
            row, short = node.row, node.name.rsplit(".", 1)[-1]  # its box says where it is
            label = (
                f"{row.kind}: {row.summary}" if node.role == "merge" else f"{short}: {row.kind} {row.summary}"
            )
            self.graph.node(node.name, label.rstrip(), row.output, box)
            for source in node.inputs:
                self.graph.edge(self.shown(source.value), node.name, source.row.output)

    def _collapsed(self, node: Node) -> bool:
        return self.depth is not None and node.row.depth + 1 >= self.depth

    def shown(self, node: Node) -> str:
        """The drawn node that stands for `node`: itself, or the outermost collapsed block around it."""
        shown = node
        for outer in ancestors(node):
            if outer.is_container and self._collapsed(outer):
                shown = outer
        return shown.name


def _key(name: str) -> str:
    return "n_" + re.sub(r"\W", "_", name)


@dataclass(frozen=True)
class _Syntax:
    """How one diagram language writes a node, opens a box around nodes, and closes it."""

    node: str
    open: str
    close: str
    escape: Callable[[str], str]


MERMAID = _Syntax('{key}["{label}"]', '{indent}subgraph {key}_box ["{label}"]', "end",
                  lambda text: text.replace('"', "#quot;"))  # fmt: skip
DOT = _Syntax('{key} [label="{label}"];', '{indent}subgraph cluster_{key} {{ label="{label}";', "}",
              lambda text: text.replace("\\", "\\\\").replace('"', '\\"'))  # fmt: skip


def mermaid(graph: Graph) -> str:
    """A Mermaid flowchart (top to bottom)."""
    lines = ["flowchart TD"]
    lines += _box_lines(graph, graph.root, "  ", MERMAID)
    lines += [f"  {_key(a)} -->|{label}| {_key(b)}" for a, b, label in graph.edges]
    return "\n".join(lines) + "\n"


def dot(graph: Graph) -> str:
    """A Graphviz digraph; boxes are clusters."""
    lines = ["digraph archcalc {", "  rankdir=TB;", '  node [shape=box, fontname="Helvetica"];']
    lines += _box_lines(graph, graph.root, "  ", DOT)
    lines += [f'  {_key(a)} -> {_key(b)} [label="{label}"];' for a, b, label in graph.edges]
    return "\n".join([*lines, "}"]) + "\n"


def _box_lines(graph: Graph, box: Box, indent: str, syntax: _Syntax) -> list[str]:
    """The nodes of `box`, then each inner box opened, filled the same way and closed, one level deeper."""
    lines = [indent + syntax.node.format(key=_key(node), label=syntax.escape(graph.labels[node]))
             for node in box.nodes]  # fmt: skip
    for inner in box.boxes:
        lines.append(syntax.open.format(indent=indent, key=_key(inner.key), label=syntax.escape(inner.label)))
        lines += _box_lines(graph, inner, indent + "  ", syntax)
        lines.append(indent + syntax.close)
    return lines
