"""Turn reports into text: a rich table for people, JSON / CSV / Markdown for machines and documents.

Rendering never computes: every figure comes from the Report. Only the rich renderer imports rich.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from archcalc.report import CONVENTION, CONVENTION_BRIEF, LayerRow, Report
from archcalc.shapes import format_shape

T = TypeVar("T")

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table
    from rich.text import Text

COLUMNS = ("layer", "kind", "output nH×nW×nC", "params", "MACs")
OUTPUT_COLUMN = COLUMNS.index("output nH×nW×nC")
CSV_FIELDS = (
    "name",
    "kind",
    "summary",
    "input",
    "output",
    "params",
    "trainable_params",
    "buffers",
    "macs",
    "bias_adds",
    "activations",
)


def to_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def to_csv(report: Report) -> str:
    """One line per layer, then a `total` line; shapes as 28×28×6, numbers as plain integers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for row in report.rows:
        writer.writerow(_csv_cells(row))
    totals = report.totals
    writer.writerow(
        [
            "total",
            "",
            "",
            format_shape(report.input),
            format_shape(report.output),
            totals.params,
            totals.trainable_params,
            totals.buffers,
            totals.macs,
            totals.bias_adds,
            totals.activations,
        ]
    )
    return buffer.getvalue()


def _csv_cells(row: LayerRow) -> list[object]:
    return [
        row.name,
        row.kind,
        row.summary,
        format_shape(row.input),
        format_shape(row.output),
        row.params,
        row.trainable_params,
        row.buffers,
        row.macs,
        row.bias_adds,
        row.activations,
    ]


Cell = tuple[str, str | None]
"""A figure as text, and what it was at the spec's own input when an --input override changed it."""


def to_markdown(report: Report, baseline: Report | None = None) -> str:
    """A GitHub-flavoured Markdown table followed by the totals and the counting convention."""
    lines = [f"### {report.name}", "", f"input {format_shape(report.input)}", ""]
    lines += ["| " + " | ".join(COLUMNS) + " |", "|---|---|---|---:|---:|"]
    lines += [
        "| " + " | ".join(_was(cell) for cell in cells) + " |" for cells in layer_cells(report, baseline)
    ]
    lines += ["", *(f"- {label}: {value}" for label, value in summary_lines(report, baseline))]
    return "\n".join([*lines, "", f"_{CONVENTION}._", ""])


def layer_cells(report: Report, baseline: Report | None) -> list[list[Cell]]:
    """Per layer: name, kind, output shape, params, MACs, each with its baseline value if it changed."""
    before: list[LayerRow | None] = list(baseline.rows) if baseline else [None] * len(report.rows)
    return [
        [
            (row.name, None),
            (f"{row.kind} {row.summary}".rstrip(), None),
            _versus(lambda r: format_shape(r.output), row, old),
            _versus(lambda r: f"{r.params:,}", row, old),
            _versus(lambda r: f"{r.macs:,}", row, old),
        ]
        for row, old in zip(report.rows, before, strict=True)
    ]


def _versus(text_of: Callable[[T], str], new: T, old: T | None) -> Cell:
    """A figure, and its old text when there is an old value and it reads differently."""
    text = text_of(new)
    was = text_of(old) if old is not None else None
    return text, (was if was != text else None)


def _was(cell: Cell) -> str:
    """`54×54×96 (was 55×55×96)` when an input override changed a figure."""
    value, old = cell
    return value if old is None else f"{value} (was {old})"


def summary_lines(report: Report, baseline: Report | None = None) -> list[tuple[str, str]]:
    """The totals as (label, value) pairs, each value saying how it is counted."""
    t, old = report.totals, (baseline.totals if baseline else None)
    shapes = (report, baseline)
    lines = [
        ("input", _was(_versus(lambda r: format_shape(r.input), *shapes))),
        ("output", _was(_versus(lambda r: format_shape(r.output), *shapes))),
        (
            "params",
            _was(_versus(lambda x: f"{x.params:,}", t, old))
            + f" (trainable {t.trainable_params:,}, non-trainable {t.non_trainable_params:,})",
        ),
        (
            "MACs",
            _was(_versus(lambda x: f"{x.macs:,}", t, old)) + " multiply-accumulates of conv/dense weights",
        ),
        ("FLOPs", _was(_versus(lambda x: f"{x.flops:,}", t, old)) + " (= 2 × MACs)"),
        ("bias adds", f"{t.bias_adds:,}"),
        ("activations", f"{t.activations:,} output elements, all layers, batch 1"),
        ("param memory", f"{t.param_bytes_fp32:,} bytes fp32 ({t.param_bytes_fp32 / 2**20:,.2f} MiB)"),
    ]
    if t.buffers:
        lines.insert(3, ("buffers", f"{t.buffers:,} (batch norm running statistics, not params)"))
    return lines


def to_rich(report: Report, baseline: Report | None = None) -> RenderableType:
    """The table people read: one row per layer, a totals row, then the summary and the convention."""
    from rich.console import Group
    from rich.table import Table

    table = Table(
        title=f"{report.name} — input {format_shape(report.input)}",
        caption=CONVENTION_BRIEF,
        caption_justify="left",
        show_footer=True,
    )
    footers = (
        "total",
        "",
        format_shape(report.output),
        f"{report.totals.params:,}",
        f"{report.totals.macs:,}",
    )
    for column, footer in zip(COLUMNS, footers, strict=True):
        _add_column(table, column, footer=footer)
    for cells in layer_cells(report, baseline):
        table.add_row(*(_styled(cell, show_was=index == OUTPUT_COLUMN) for index, cell in enumerate(cells)))
    summary = Table.grid(padding=(0, 2))
    for label, value in summary_lines(report, baseline):
        summary.add_row(label, value)
    return Group(table, summary)


CATALOG_COLUMNS = ("spec", "name", "input", "output", "params", "MACs")


def _catalog_cells(reports: dict[str, Report]) -> list[list[str]]:
    return [
        [
            key,
            r.name,
            format_shape(r.input),
            format_shape(r.output),
            f"{r.totals.params:,}",
            f"{r.totals.macs:,}",
        ]
        for key, r in reports.items()
    ]


def catalog_json(reports: dict[str, Report]) -> str:
    records = [
        {
            "spec": key,
            "name": r.name,
            "input": list(r.input),
            "output": list(r.output),
            "params": r.totals.params,
            "macs": r.totals.macs,
        }
        for key, r in reports.items()
    ]
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def catalog_csv(reports: dict[str, Report]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["spec", "name", "input", "output", "params", "macs"])
    for key, r in reports.items():
        writer.writerow(
            [key, r.name, format_shape(r.input), format_shape(r.output), r.totals.params, r.totals.macs]
        )
    return buffer.getvalue()


def catalog_markdown(reports: dict[str, Report]) -> str:
    lines = ["| " + " | ".join(CATALOG_COLUMNS) + " |", "|---|---|---|---|---:|---:|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in _catalog_cells(reports)]
    return "\n".join([*lines, "", f"{CONVENTION_BRIEF}.", ""])


def catalog_rich(reports: dict[str, Report]) -> RenderableType:
    from rich.table import Table

    table = Table(title="built-in specs", caption=CONVENTION_BRIEF)
    for column in CATALOG_COLUMNS:
        _add_column(table, column)
    for cells in _catalog_cells(reports):
        table.add_row(*cells)
    return table


NUMERIC_COLUMNS = ("params", "MACs")
IDENTIFIER_COLUMNS = ("layer", "spec")


def _add_column(table: Table, header: str, footer: str = "") -> None:
    """Numbers right-aligned; numbers and names never wrapped or cut: an exact figure is the point."""
    numeric = header in NUMERIC_COLUMNS
    unbroken = numeric or header in IDENTIFIER_COLUMNS
    table.add_column(
        header, footer=footer, justify="right" if numeric else "left", no_wrap=unbroken, min_width=4
    )


def _styled(cell: Cell, show_was: bool) -> Text:
    """A changed figure in yellow, followed by its old value where asked (the output shape)."""
    from rich.text import Text

    value, old = cell
    if old is None:
        return Text(value)
    text = Text(value, style="yellow")
    if show_was:
        text.append(f" (was {old})", style="dim")
    return text
