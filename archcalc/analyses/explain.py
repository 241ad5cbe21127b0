"""`archcalc explain`: each layer's course formulas with its numbers put in, for checking homework."""

from __future__ import annotations

from archcalc.engine import analyze
from archcalc.errors import Diagnostic, SpecError, suggest
from archcalc.shapes import Shape, format_shape
from archcalc.spec.model import Spec


def explain(spec: Spec, layer: str | None = None, input_shape: Shape | None = None) -> str:
    """Every layer (or those named `layer`, by full or last name), its shapes, then its formulas."""
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
    blocks = []
    for row in rows:
        head = (
            f"{row.name} ({row.kind} {row.summary}".rstrip()
            + f"): {format_shape(row.input)} → {format_shape(row.output)}"
        )
        lines = layers[row.name].explain(row.input, row.output)
        if row.container:
            lines.append(f"params = {row.params:,} and MACs = {row.macs:,}, summed over its parts")
        blocks.append("\n".join([head, *(f"  {line}" for line in lines)]))
    return "\n".join(blocks) + "\n"
