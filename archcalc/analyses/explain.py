"""`archcalc explain`: each layer's course formulas with its numbers put in, for checking homework."""

from __future__ import annotations

from dataclasses import dataclass

from archcalc.engine import analyze
from archcalc.errors import Diagnostic, SpecError, suggest
from archcalc.report import LayerRow
from archcalc.shapes import Shape
from archcalc.spec.model import Spec


@dataclass(frozen=True)
class Explained:
    """One layer's row (its shapes and exact counts) and its formulas with the numbers put in, one line
    each (`nH' = ⌊(227 + 2·0 − 11)/4⌋ + 1 = 55`)."""

    row: LayerRow
    formulas: list[str]


def explain(spec: Spec, layer: str | None = None, input_shape: Shape | None = None) -> list[Explained]:
    """Every layer (or those named `layer`, by full or last name), with its formulas."""
    report = analyze(spec, input_shape)
    assert report.graph is not None
    layers = {node.name: node.layer for node in report.graph if node.layer is not None}
    rows = [row for row in report.rows if row.name in layers]
    if layer is not None:
        rows = [row for row in rows if layer in (row.name, row.name.rsplit(".", 1)[-1])]
        if not rows:
            names = list(layers)
            shown = ", ".join(names[:12]) + (", …" if len(names) > 12 else "")
            message = f"no layer '{layer}'{suggest(layer, names)} (layers: {shown})"
            raise SpecError([Diagnostic(spec.source.filename, 0, 0, message, "AC010")])
    explained = []
    for row in rows:
        formulas = layers[row.name].explain(row.input, row.output)
        if row.container:
            formulas.append(f"params = {row.params:,} and MACs = {row.macs:,}, summed over its parts")
        explained.append(Explained(row, formulas))
    return explained
