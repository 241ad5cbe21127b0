"""The engine: carry a shape through the layers, one row per layer. Pure: no I/O, no tensors, no torch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from archcalc.allocation import building
from archcalc.engine.copies import CopyKey, Span, Walked, copy_key
from archcalc.engine.sources import Carried, Earlier
from archcalc.errors import Problem, ShapeError, suggest
from archcalc.graph import Graph, Node
from archcalc.layers import Layer
from archcalc.layers.composite import Composite, Value
from archcalc.layers.merge import Merge
from archcalc.limits import limits
from archcalc.report import Costs, LayerRow, Report, Totals
from archcalc.shapes import Shape, format_shape, numel
from archcalc.spec.model import Spec
from archcalc.spec.positions import SourceMap

T = TypeVar("T")


def analyze(spec: Spec, input_shape: Shape | None = None) -> Report:
    """Propagate `input_shape` (default: the spec's own input) through every layer and count its costs.

    The report's rows are the table; `report.graph` is the same rows as connected nodes. A layer that cannot
    take its input raises SpecError positioned at that layer in the spec's file (and, inside a block, at the
    uses that led there).
    """
    given: tuple[Any, ...] = input_shape or spec.input
    shape: Shape = given
    if any(isinstance(d, str) for d in given):  # `[H, W, 3]`: the only path that imports the symbolic engine
        from archcalc.symbolic import symbolic_shape

        shape = symbolic_shape(given)
    with building():
        return _walked(spec, input_shape, shape)


def _walked(spec: Spec, input_shape: Shape | None, shape: Shape) -> Report:
    walker = _Walker(spec.source, input_shape, shape)
    output = walker.run(spec.layers, walker.start, _Place(walker.root, depth=0, frozen=False))
    walker.root.output = output.node
    graph = walker.graph()
    rows = [node.row for node in graph.nodes]
    outputs = _declared_outputs(spec, graph)
    final = outputs[-1][1] if outputs else output.shape
    totals = Totals.of_top([node.row for node in walker.root.children])
    return Report(spec.name, spec.description, shape, final, rows, totals, graph, tuple(outputs))


def _declared_outputs(spec: Spec, graph: Graph) -> list[tuple[str, Shape]]:
    """The spec's `outputs:` as (name, shape), each a top-level layer (a SpecError names an unknown one)."""
    top = {node.name: node for node in graph.root.lists.get("", [])}
    problems = [
        Problem(f"outputs: no top-level layer '{name}'{suggest(name, list(top))}", ("outputs", index),
                code="AC106")
        for index, name in enumerate(spec.outputs) if name not in top
    ]  # fmt: skip
    if problems:
        raise spec.source.error(problems)
    return [(name, top[name].row.output) for name in spec.outputs]


@dataclass(frozen=True, slots=True)
class _Place:
    """Where the walk is: the container it fills, how many composites deep, whether its layers are frozen."""

    parent: Node
    depth: int
    frozen: bool
    visible: Earlier | None = None
    """The layers of the lists around this place that `from:` may read by name (None at the top level)."""

    def name(self, name: str) -> str:
        """The full name of a row called `name` here (`layer3.2.` + `conv1`)."""
        return f"{self.parent.name}.{name}" if self.parent.name else name

    def inside(self, node: Node, frozen: bool = False) -> _Place:
        return _Place(node, self.depth + 1, self.frozen or frozen, self.visible)


def measure(
    layer: Layer, x: Shape, name: str | None = None, depth: int = 0, others: Sequence[Shape] = ()
) -> LayerRow:
    """Apply one (non-composite) layer's rules to input shape `x` (and, for a merge, its `others`)."""
    y = layer.merged_shape([x, *others]) if isinstance(layer, Merge) else layer.output_shape(x)
    if any(d <= 0 for d in y):
        raise ShapeError(f"its output {format_shape(y)} is empty", "AC102")
    params, norm_params = layer.param_count(x), layer.norm_params(x)
    return LayerRow(
        name=name or layer.name or layer.kind,
        kind=layer.kind,
        summary=layer.summary(),
        input=x,
        output=y,
        params=params,
        trainable_params=params if layer.trainable else 0,
        buffers=layer.buffer_count(x),
        macs=layer.macs(x, y),
        attention_macs=layer.attention_macs(x, y),
        bias_adds=layer.bias_adds(x, y),
        activations=numel(y),
        norm_params=norm_params,
        norm_outputs=numel(y) if norm_params else 0,
        pooled_inputs=layer.pooled_inputs(x),
        depth=depth,
    )


class _Walker:
    """Walks layers depth first, making one node per row; a container's node comes before its parts'."""

    def __init__(self, source: SourceMap, input_shape: Shape | None, shape: Shape) -> None:
        self.source = source
        self.input_shape = input_shape
        self.nodes: list[Node] = []
        self.order: list[Node] = []
        self.measured: dict[tuple[int, Shape, tuple[Shape, ...]], tuple[Layer, LayerRow]] = {}
        """Rows already measured, by (layer, input, other inputs): the copies of a `repeat:` share their
        layers, and a layer's rules depend on nothing else (the layer is kept so its id is not reused)."""
        self.walked: dict[CopyKey, Span | Walked | None] = {}
        """Composites walked so far, by what makes their rows (archcalc.copies), for their copies: None
        for one whose copies are walked each time."""
        self.input = Node(LayerRow("input", "input", "", shape, shape, activations=numel(shape)), "input")
        self.root = Node(LayerRow("", "spec", "", shape, shape), "root", inputs=[self.input])
        self.start = Carried(shape, self.input)

    def graph(self) -> Graph:
        """The graph of the walk: consumers linked, and every row told the names of what it reads."""
        for node in self.nodes:
            for source in node.inputs:
                source.consumers.append(node)
            node.row.reading(tuple([source.exposed(node).name for source in node.inputs]))
        return Graph(self.input, self.root, self.nodes, self.order)

    def run(self, layers: Sequence[Layer], x: Carried, place: _Place, scope: str = "") -> Carried:
        """Carry `x` through `layers` in a row, as the list `scope` of the container being filled; a layer
        with `from:` reads earlier layers of the list instead of the one before."""
        listed = place.parent.lists.setdefault(scope, [])
        earlier = Earlier(x, place.visible)
        here = replace(place, visible=earlier)  # what its composites' lists may read: this list so far
        for layer in layers:
            name = place.name(f"{scope}{layer.name or layer.kind}")
            self._located(layer, name, self._bounded)
            inputs = self._located(layer, name, lambda: earlier.inputs(layer, x))  # noqa: B023 (called now)
            x = self.visit(layer, inputs, here, name)
            earlier.add(str(layer.name), x)
            listed.append(x.node)
        return x

    def visit(self, layer: Layer, inputs: Carried | list[Carried], place: _Place, name: str) -> Carried:
        given = inputs if isinstance(inputs, list) else [inputs]
        layer = self._located(layer, name, lambda: layer.resolved(given[0].shape))
        if isinstance(layer, Composite):
            self._located(layer, name, lambda: _one_input(given))
            return self._composite(layer, given[0], place, name)
        row = self._located(layer, name, lambda: self.measure(layer, given, name, place.depth))
        frozen = replace(row, trainable_params=0) if place.frozen else row
        node = self.add(Node(frozen, "layer", layer, place.parent, [x.node for x in given]), computes=True)
        return Carried(row.output, node)

    def measure(self, layer: Layer, inputs: list[Carried], name: str, depth: int) -> LayerRow:
        """`measure` of `layer` at these inputs, worked out once per distinct (layer, shapes) and renamed."""
        if not isinstance(layer, Merge):
            _one_input(inputs)
        x, others = inputs[0].shape, tuple(value.shape for value in inputs[1:])
        key = (id(layer), x, others)
        if key in self.measured:
            return self.measured[key][1].renamed(name, depth)
        row = measure(layer, x, name, depth, others)
        self.measured[key] = layer, row
        return row

    def _bounded(self) -> None:
        """The layer limit, for the rows made while walking (blocks sized by their input are made then)."""
        if len(self.nodes) > limits().layers:
            message = (f"the spec makes more than {limits().layers:,} rows once its blocks are sized by "
                       "their inputs; raise the limit with `archcalc --limit layers=N`")  # fmt: skip
            raise ShapeError(message, "AC003")

    def _located(self, layer: Layer, name: str, compute: Callable[[], T]) -> T:
        """`compute()`, with a ShapeError turned into a SpecError at the layer in the spec's file."""
        try:
            return compute()
        except ShapeError as exc:
            where = f" (input {format_shape(self.input_shape)})" if self.input_shape else ""
            problem = Problem(
                f"{layer.kind} '{name}': {exc}{where}", layer.source_path, via=layer.via, code=exc.code
            )
            raise self.source.error([problem]) from None

    def add(self, node: Node, computes: bool = False) -> Node:
        """Put `node` in its container and the table (and, for a layer or a merge, the running order)."""
        assert node.parent is not None
        node.parent.children.append(node)
        self.nodes.append(node)
        if computes:
            self.order.append(node)
        return node

    def _composite(self, layer: Composite, x: Carried, place: _Place, name: str) -> Carried:
        key = copy_key(layer, x.shape, place.depth, place.frozen)
        walked = self._walked_before(key)
        if walked is not None:
            return self._copied(walked, layer, x, place, name)
        start, ran = len(self.nodes), len(self.order)
        head = LayerRow(name, layer.kind, layer.summary(), x.shape, x.shape, depth=place.depth)
        node = self.add(Node(head, "composite", layer, place.parent, [x.node]))
        inner = place.inside(node, frozen=not layer.trainable)
        walk = lambda: layer.walk(x, _Scope(self, inner))  # noqa: E731
        value = self.contain(node, lambda: self._located(layer, name, walk))
        if key not in self.walked:
            spans = slice(start, len(self.nodes)), slice(ran, len(self.order))
            self.walked[key] = Span(layer, x.node, *spans)
        return value

    def _walked_before(self, key: CopyKey) -> Walked | None:
        """The composite walked before under `key`, if its copies can be copied (checked on first asking)."""
        found = self.walked.get(key)
        if isinstance(found, Span):
            found = self.walked[key] = found.walked(self.nodes, self.order)
        return found

    def _copied(self, walked: Walked, layer: Composite, x: Carried, place: _Place, name: str) -> Carried:
        """A copy of a composite walked before at the same shape, depth and freezing (see archcalc.copies)."""
        nodes, order = walked.copy(layer, name, x.node, place.parent)
        self.add(nodes[0])  # its parts are in their containers already
        self.nodes += nodes[1:]
        self.order += order
        self._located(walked.layer, name, self._bounded)
        return Carried(nodes[0].row.output, nodes[0])

    def contain(self, node: Node, walk: Callable[[], Value]) -> Carried:
        """Run `walk` inside container `node`, then complete its row with its output and its parts' sums."""
        y = _value(walk())
        parts = [part.row for part in node.children]  # a container's row holds the sums of its own parts
        node.row = replace(node.row, output=y.shape, container=True, **Costs.total(parts).counts())
        node.output = y.node
        return Carried(y.shape, node)


class _Scope:
    """The Walk a composite receives: the walker, with names, depth and parent under the composite."""

    def __init__(self, walker: _Walker, place: _Place) -> None:
        self.walker, self.place = walker, place

    def run(self, layers: Sequence[Layer], x: Value, scope: str = "") -> Value:
        return self.walker.run(layers, _value(x), self.place, scope)

    def part(self, layer: Layer, x: Value) -> Value:
        return self.walker.visit(layer, _value(x), self.place, self.place.name(str(layer.name)))

    def path(self, name: str, layers: Sequence[Layer], x: Value) -> Value:
        given, place = _value(x), self.place
        summary = f"{len(layers)} layer{'s' * (len(layers) != 1)}" if layers else "the input itself"
        row = LayerRow(place.name(name), "path", summary, given.shape, given.shape, depth=place.depth)
        path = self.walker.add(Node(row, "path", None, place.parent, [given.node]))
        place.parent.lists[f"{name}."] = [path]
        return self.walker.contain(path, lambda: self.walker.run(layers, given, place.inside(path)))

    def merge(
        self, name: str, summary: str, inputs: Sequence[Value], y: Shape, x: Shape | None = None
    ) -> Value:
        values, place = [_value(value) for value in inputs], self.place
        shape = values[0].shape if x is None else x
        row = LayerRow(place.name(name), name, summary, shape, y, activations=numel(y), depth=place.depth)
        node = self.walker.add(
            Node(row, "merge", None, place.parent, [v.node for v in values]), computes=True
        )
        return Carried(y, node)


def _value(x: Value) -> Carried:
    assert isinstance(x, Carried)
    return x


def _one_input(inputs: list[Carried]) -> None:
    """Only a merge takes several inputs; any other layer (a block included) takes one."""
    if len(inputs) > 1:
        message = f"takes one input, not {len(inputs)}; join them first with concat, add or mul"
        raise ShapeError(message, "AC106")
