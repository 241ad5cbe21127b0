"""The engine: carry a shape through the layers, one row per layer. Pure: no I/O, no tensors, no torch."""

from __future__ import annotations

from archcalc.errors import Problem, ShapeError
from archcalc.layers import Layer
from archcalc.report import LayerRow, Report, Totals
from archcalc.shapes import Shape, format_shape, numel
from archcalc.spec import Spec


def analyze(spec: Spec, input_shape: Shape | None = None) -> Report:
    """Propagate `input_shape` (default: the spec's own input) through every layer and count its costs.

    A layer that cannot take its input raises SpecError positioned at that layer in the spec's file.
    """
    shape = input_shape or spec.input
    rows = []
    for layer in spec.layers:
        try:
            row = measure(layer, shape)
        except ShapeError as exc:
            where = f" (input {format_shape(input_shape)})" if input_shape else ""
            message = f"{layer.kind} '{layer.name}': {exc}{where}"
            raise spec.source.error([Problem(message, layer.source_path)]) from None
        rows.append(row)
        shape = row.output
    return Report(spec.name, spec.description, input_shape or spec.input, shape, rows, Totals.of(rows))


def measure(layer: Layer, x: Shape) -> LayerRow:
    """Apply one layer's rules to input shape `x`."""
    y = layer.output_shape(x)
    if any(d <= 0 for d in y):
        raise ShapeError(f"its output {format_shape(y)} is empty")
    params = layer.param_count(x)
    return LayerRow(
        name=layer.name or layer.kind,
        kind=layer.kind,
        summary=layer.describe(),
        input=x,
        output=y,
        params=params,
        trainable_params=params if layer.trainable else 0,
        buffers=layer.buffer_count(x),
        macs=layer.macs(x, y),
        bias_adds=layer.bias_adds(x, y),
        activations=numel(y),
    )
