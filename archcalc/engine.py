"""The engine: carry a shape through the layers, one row per layer. Pure: no I/O, no tensors, no torch."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from archcalc.errors import Problem, ShapeError
from archcalc.layers import Layer
from archcalc.layers.composite import Composite
from archcalc.report import Costs, LayerRow, Report, Totals
from archcalc.shapes import Shape, format_shape, numel
from archcalc.spec.model import Spec
from archcalc.spec.positions import SourceMap


def analyze(spec: Spec, input_shape: Shape | None = None) -> Report:
    """Propagate `input_shape` (default: the spec's own input) through every layer and count its costs.

    A layer that cannot take its input raises SpecError positioned at that layer in the spec's file (and,
    inside a block, at the uses that led there).
    """
    return walk(spec, input_shape)[0]


def walk(spec: Spec, input_shape: Shape | None = None) -> tuple[Report, dict[str, Layer]]:
    """`analyze`, and the layer behind every row that has one, by the row's name (for rules and tools)."""
    given: tuple[Any, ...] = input_shape or spec.input
    shape: Shape = given
    if any(isinstance(d, str) for d in given):  # `[H, W, 3]`: the only path that imports the symbolic engine
        from archcalc.symbolic import symbolic_shape

        shape = symbolic_shape(given)
    walker = _Walker(spec.source, input_shape)
    output = walker.run(spec.layers, shape, prefix="", depth=0, frozen=False)
    report = Report(spec.name, spec.description, shape, output, walker.rows, Totals.of(walker.rows))
    return report, walker.layers


MERGE_KINDS = ("add", "concat", "act")
"""The rows a composite adds where its parts join (`Walk.merge`): a residual's add, a branch set's add or
concat, a plain residual's activation."""


def merge_row(rows: Mapping[str, LayerRow], composite: str) -> str | None:
    """The name of the row where the parts of `composite` join, if it has one (a sequence has none)."""
    return next((f"{composite}.{kind}" for kind in MERGE_KINDS if f"{composite}.{kind}" in rows), None)


def implicit_shortcut(layers: Mapping[str, Layer], composite: str) -> str | None:
    """The name of the projection or zero-padding shortcut archcalc added to `composite`, if any."""
    name = f"{composite}.shortcut"
    return name if name in layers and layers[name].implicit else None


def measure(layer: Layer, x: Shape, name: str | None = None, depth: int = 0) -> LayerRow:
    """Apply one (non-composite) layer's rules to input shape `x`."""
    y = layer.output_shape(x)
    if any(d <= 0 for d in y):
        raise ShapeError(f"its output {format_shape(y)} is empty", "AC102")
    params = layer.param_count(x)
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
        bias_adds=layer.bias_adds(x, y),
        activations=numel(y),
        norm_params=layer.norm_params(x),
        norm_outputs=numel(y) if layer.norm_params(x) else 0,
        pooled_inputs=layer.pooled_inputs(x),
        depth=depth,
    )


class _Walker:
    """Walks layers depth first, appending one row per layer; a composite's row comes before its parts'."""

    def __init__(self, source: SourceMap, input_shape: Shape | None) -> None:
        self.source = source
        self.input_shape = input_shape
        self.rows: list[LayerRow] = []
        self.layers: dict[str, Layer] = {}

    def run(self, layers: Sequence[Layer], x: Shape, prefix: str, depth: int, frozen: bool) -> Shape:
        for layer in layers:
            x = self.visit(layer, x, f"{prefix}{layer.name or layer.kind}", depth, frozen)
        return x

    def visit(self, layer: Layer, x: Shape, name: str, depth: int, frozen: bool) -> Shape:
        self.layers[name] = layer
        try:
            if isinstance(layer, Composite):
                return self._composite(layer, x, name, depth, frozen or not layer.trainable)
            row = measure(layer, x, name, depth)
        except ShapeError as exc:
            where = f" (input {format_shape(self.input_shape)})" if self.input_shape else ""
            problem = Problem(
                f"{layer.kind} '{name}': {exc}{where}", layer.source_path, via=layer.via, code=exc.code
            )
            raise self.source.error([problem]) from None
        self.rows.append(replace(row, trainable_params=0) if frozen else row)
        return row.output

    def merge(self, name: str, summary: str, x: Shape, y: Shape, depth: int) -> None:
        kind = name.rsplit(".", 1)[-1]
        self.rows.append(LayerRow(name, kind, summary, x, y, activations=numel(y), depth=depth))

    def _composite(self, layer: Composite, x: Shape, name: str, depth: int, frozen: bool) -> Shape:
        scope = _Scope(self, f"{name}.", depth + 1, frozen)
        head = LayerRow(name, layer.kind, layer.summary(), x, x, depth=depth)
        return self.contain(head, lambda: layer.walk(x, scope))

    def contain(self, head: LayerRow, walk: Callable[[], Shape]) -> Shape:
        """Run `walk`, then put before its rows the container row `head`, completed with their sums."""
        start = len(self.rows)
        y = walk()
        parts = [row for row in self.rows[start:] if not row.container]
        row = replace(head, output=y, container=True).with_costs(Costs.total(parts))
        self.rows.insert(start, row)
        return y


class _Scope:
    """The Walk a composite receives: the walker, with names and depth under the composite."""

    def __init__(self, walker: _Walker, prefix: str, depth: int, frozen: bool) -> None:
        self.walker, self.prefix, self.depth, self.frozen = walker, prefix, depth, frozen

    def run(self, layers: Sequence[Layer], x: Shape, scope: str = "") -> Shape:
        return self.walker.run(layers, x, self.prefix + scope, self.depth, self.frozen)

    def part(self, layer: Layer, x: Shape) -> Shape:
        return self.walker.visit(layer, x, f"{self.prefix}{layer.name}", self.depth, self.frozen)

    def path(self, name: str, layers: Sequence[Layer], x: Shape) -> Shape:
        inner = f"{self.prefix}{name}."
        run = lambda: self.walker.run(layers, x, inner, self.depth + 1, self.frozen)  # noqa: E731
        summary = f"{len(layers)} layer{'s' * (len(layers) != 1)}" if layers else "the input itself"
        return self.walker.contain(
            LayerRow(f"{self.prefix}{name}", "path", summary, x, x, depth=self.depth), run
        )

    def merge(self, name: str, summary: str, x: Shape, y: Shape) -> None:
        self.walker.merge(f"{self.prefix}{name}", summary, x, y, self.depth)
