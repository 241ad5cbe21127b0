"""Draw a spec: a graph of its layers with the shape on every edge, blocks and paths as nested boxes, shortcut
and branch edges where they are; written as Mermaid (renders on GitHub) or Graphviz DOT.

The graph is built from the same tree the engine walks: each composite's parts start from its input, and
its merge (an add or a concat) takes their ends — plus the input itself for an identity shortcut, or the
1×1 projection archcalc adds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from archcalc.engine import implicit_shortcut, merge_row, walk
from archcalc.layers import Layer
from archcalc.layers.composite import Composite
from archcalc.report import LayerRow
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

    def edge(self, source: str, target: str) -> None:
        self.edges.append((source, target, format_shape(self.shapes[source])))


def build(spec: Spec, input_shape: Shape | None = None) -> Graph:
    report, layers = walk(spec, input_shape)
    graph = Graph()
    entry = graph.node("input", f"input {format_shape(report.input)}", report.input, graph.root)
    last = _Drawer(graph, {row.name: row for row in report.rows}, layers).draw(
        spec.layers, "", entry, graph.root
    )
    graph.edge(last, graph.node("output", f"output {format_shape(report.output)}", report.output, graph.root))
    return graph


@dataclass
class _Drawer:
    graph: Graph
    rows: dict[str, LayerRow]
    layers: dict[str, Layer]

    def draw(self, layers: list[Layer], prefix: str, entry: str, box: Box) -> str:
        """Draw `layers` in a row from `entry` inside `box`; the last node drawn."""
        for layer in layers:
            name = f"{prefix}{layer.name}"
            entry = (
                self.composite(layer, name, entry, box)
                if isinstance(layer, Composite)
                else self.leaf(name, entry, box)
            )
        return entry

    def leaf(self, name: str, entry: str, box: Box) -> str:
        row = self.rows[name]
        short = name.rsplit(".", 1)[-1]  # its box says where it is
        node = self.graph.node(name, f"{short}: {row.kind} {row.summary}".rstrip(), row.output, box)
        self.graph.edge(entry, node)
        return node

    def composite(self, layer: Composite, name: str, entry: str, box: Box) -> str:
        inner = Box(name, f"{name}: {self.rows[name].summary}")
        box.boxes.append(inner)
        ends = [self.draw(parts, f"{name}.{scope}", entry, self.path_box(name, scope, inner))
                for scope, parts in layer.part_lists()]  # fmt: skip
        shortcut = implicit_shortcut(self.layers, name)
        if shortcut:
            ends.append(self.leaf(shortcut, entry, inner))
        merge = merge_row(self.rows, name)
        if merge is None:
            return ends[-1]
        if self.rows[merge].kind == "add" and len(ends) == 1:
            ends.append(entry)  # the identity shortcut
        row = self.rows[merge]
        node = self.graph.node(merge, f"{row.kind}: {row.summary}", row.output, inner)
        for end in ends:
            self.graph.edge(end, node)
        return node

    def path_box(self, name: str, scope: str, box: Box) -> Box:
        """A branch's path gets a box of its own; a body or a sequence draws straight into its parent's."""
        path = f"{name}.{scope.rstrip('.')}"
        if not scope or path not in self.rows:
            return box
        inner = Box(path, f"{path}: {self.rows[path].summary}")
        box.boxes.append(inner)
        return inner


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
