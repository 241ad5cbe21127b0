"""Text for `archcalc explain`: the formulas under each layer's heading, as plain text, markdown or JSON
(the row's exact counts beside the formula lines)."""

from __future__ import annotations

import json

from archcalc.analyses.explain import Explained
from archcalc.report import CONVENTION_BRIEF
from archcalc.shapes import format_shape


def _heading(layer: Explained) -> str:
    row = layer.row
    shapes = f"{format_shape(row.input)} → {format_shape(row.output)}"
    return f"{row.name} ({row.kind} {row.summary}".rstrip() + f"): {shapes}"


def explain_text(layers: list[Explained]) -> str:
    blocks = ["\n".join([_heading(layer), *(f"  {line}" for line in layer.formulas)]) for layer in layers]
    return "\n".join(blocks) + "\n"


def explain_markdown(layers: list[Explained]) -> str:
    """A heading per layer and its formulas as a list, for notes and issues."""
    blocks = [
        "\n".join([f"#### {_heading(layer)}", "", *(f"- `{line}`" for line in layer.formulas)])
        for layer in layers
    ]
    return "\n\n".join([*blocks, f"_{CONVENTION_BRIEF}._"]) + "\n"


def explain_json(layers: list[Explained]) -> str:
    """Each layer's name, kind, shapes and exact params and MACs (as the table's JSON has them: a symbolic
    size as its expression), with its formula lines."""
    fields = ("name", "kind", "summary", "input", "output", "params", "macs")
    records = [
        {field: value for field, value in layer.row.to_dict().items() if field in fields}
        | {"formulas": layer.formulas}
        for layer in layers
    ]
    record = {"convention": CONVENTION_BRIEF, "layers": records}
    return json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n"
