"""The cost of a training step as text (`archcalc table SPEC --mode train`): each layer's forward MACs beside
its backward MACs, the input gradient and the weight gradient apart, then the step's totals.

Rendering never computes: the figures come from analyses/training.py.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from archcalc.analyses.training import Training
from archcalc.errors import escape
from archcalc.render.tables import csv_text, markdown_table, rich_table, tree_name
from archcalc.report import Report
from archcalc.shapes import format_shape

if TYPE_CHECKING:
    from rich.console import RenderableType

COLUMNS = ("layer", "kind", "output nH×nW×nC", "forward MACs", "∂input MACs", "∂weights MACs")
CONVENTION = (
    "backward MACs per layer: the input gradient (∂L/∂x = Wᵀ·∂L/∂y: the forward MACs, where anything before "
    "the layer is trained) and the weight gradient (∂L/∂W = ∂L/∂y·xᵀ: the forward MACs, where the layer is "
    "trained); attention adds its two matmuls' gradients (4·N²·D) to the input gradient; training step = "
    "forward + backward; FLOPs = 2 × MACs, what FlopCounterMode counts over a training step"
)


def _cells(report: Report, step: Training) -> list[list[str]]:
    rows = []
    for row in report.rows:
        backward = step.rows[row.name]
        kind = escape(f"{row.kind} {row.summary}".rstrip())
        rows.append([escape(tree_name(row)), kind, format_shape(row.output), f"{row.macs:,}",
                     f"{backward.input_grad:,}", f"{backward.weight_grad:,}"])  # fmt: skip
    return rows


def _footers(report: Report, step: Training) -> list[str]:
    backward = step.backward
    return ["total", "", format_shape(report.output), f"{step.forward_macs:,}", f"{backward.input_grad:,}",
            f"{backward.weight_grad:,}"]  # fmt: skip


def summary_lines(step: Training) -> list[tuple[str, str]]:
    backward = step.backward
    return [
        ("forward MACs", f"{step.forward_macs:,}"),
        (
            "backward MACs",
            f"{backward.macs:,} (input gradients {backward.input_grad:,}, weight gradients "
            f"{backward.weight_grad:,})",
        ),
        ("training step", f"{step.step_macs:,} MACs = forward + backward, batch 1"),
        ("step FLOPs", f"{step.step_flops:,} (= 2 × MACs; `archcalc verify --train` checks it with torch)"),
    ]


def to_rich(report: Report, step: Training) -> RenderableType:
    from rich.console import Group
    from rich.table import Table

    title = f"{report.name} — one training step, input {format_shape(report.input)}"
    table = rich_table(title, COLUMNS, _footers(report, step), caption=CONVENTION)
    for cells in _cells(report, step):
        table.add_row(*cells)
    summary = Table.grid(padding=(0, 2))
    for label, value in summary_lines(step):
        summary.add_row(label, value)
    return Group(table, summary)


def to_markdown(report: Report, step: Training) -> str:
    lines = [f"### {report.name}: one training step", "", f"input {format_shape(report.input)}", ""]
    lines += markdown_table(COLUMNS, _cells(report, step))
    lines += ["", *(f"- {label}: {value}" for label, value in summary_lines(step))]
    return "\n".join([*lines, "", f"_{CONVENTION}._", ""])


def to_csv(report: Report, step: Training) -> str:
    header = ["name", "kind", "output", "forward_macs", "input_grad_macs", "weight_grad_macs"]
    rows: list[list[Any]] = [
        [row.name, row.kind, format_shape(row.output), row.macs, step.rows[row.name].input_grad,
         step.rows[row.name].weight_grad]
        for row in report.rows
    ]  # fmt: skip
    rows.append(["total", "", format_shape(report.output), step.forward_macs, step.backward.input_grad,
                 step.backward.weight_grad])  # fmt: skip
    return csv_text(header, rows)


def to_json(report: Report, step: Training) -> str:
    """Each row's forward and backward MACs (exact integers), and the step's totals."""
    layers = [{"name": row.name, "kind": row.kind, "output": list(row.output), "forward_macs": row.macs,
               "input_grad_macs": step.rows[row.name].input_grad,
               "weight_grad_macs": step.rows[row.name].weight_grad, "depth": row.depth,
               "container": row.container} for row in report.rows]  # fmt: skip
    totals = {"forward_macs": step.forward_macs, "input_grad_macs": step.backward.input_grad,
              "weight_grad_macs": step.backward.weight_grad, "backward_macs": step.backward.macs,
              "step_macs": step.step_macs, "step_flops": step.step_flops}  # fmt: skip
    record = {"name": report.name, "input": list(report.input), "mode": "train", "layers": layers,
              "totals": totals, "convention": CONVENTION}  # fmt: skip
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"
