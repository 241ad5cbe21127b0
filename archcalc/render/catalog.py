"""The built-in specs as a catalog (`archcalc list`): one line each with input, output, params and MACs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archcalc.render.jsontext import indented_json
from archcalc.render.tables import csv_text, markdown_table, rich_table
from archcalc.report import CONVENTION_BRIEF, Report
from archcalc.shapes import format_shape

if TYPE_CHECKING:
    from rich.console import RenderableType

CATALOG_COLUMNS = ("spec", "name", "input", "output", "params", "MACs")


def catalog_json(reports: dict[str, Report]) -> str:
    records = [
        {"spec": key, "name": r.name, "input": list(r.input), "output": list(r.output),
         "params": r.totals.params, "macs": r.totals.macs}
        for key, r in reports.items()
    ]  # fmt: skip
    return indented_json(records) + "\n"


def catalog_csv(reports: dict[str, Report]) -> str:
    rows = [[key, r.name, format_shape(r.input), format_shape(r.output), r.totals.params, r.totals.macs]
            for key, r in reports.items()]  # fmt: skip
    return csv_text(["spec", "name", "input", "output", "params", "macs"], rows)


def catalog_markdown(reports: dict[str, Report]) -> str:
    return "\n".join(
        [*markdown_table(CATALOG_COLUMNS, _catalog_cells(reports)), "", f"{CONVENTION_BRIEF}.", ""]
    )


def catalog_rich(reports: dict[str, Report]) -> RenderableType:
    """The catalog for a terminal: without the long names, so that 80 columns hold every figure."""
    columns = [column for column in CATALOG_COLUMNS if column != "name"]
    table = rich_table("built-in specs", columns)
    for spec, _name, *figures in _catalog_cells(reports):
        table.add_row(spec, *figures)
    return table


def _catalog_cells(reports: dict[str, Report]) -> list[list[str]]:
    return [[key, r.name, format_shape(r.input), format_shape(r.output), f"{r.totals.params:,}",
             f"{r.totals.macs:,}"] for key, r in reports.items()]  # fmt: skip
