"""Text for `archcalc diff`: a side-by-side table of stages and totals, or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING

from archcalc.analyses.diff import Stage, StageDiff
from archcalc.errors import escape
from archcalc.render.table import whole_words_table
from archcalc.report import CONVENTION_BRIEF, Report
from archcalc.shapes import format_shape

if TYPE_CHECKING:
    from rich.console import RenderableType

COLUMNS = ("stage", "output A", "output B", "params A", "params B", "Δ params", "MACs A", "MACs B", "Δ MACs")


def _delta(a: int, b: int) -> str:
    change = b - a
    percent = f" ({100 * change / a:+.1f}%)" if a else ""
    return f"{change:+,}{percent}" if change else "="


def _cells(pair: StageDiff) -> list[str]:
    a, b = pair.a, pair.b

    def figure(stage: Stage | None, value: int) -> str:
        return "—" if stage is None else f"{value:,}"

    return [
        " → ".join(dict.fromkeys(stage.label for stage in (a, b) if stage)),
        a.output if a else "—", b.output if b else "—",
        figure(a, a.params if a else 0), figure(b, b.params if b else 0),
        _delta(a.params if a else 0, b.params if b else 0),
        figure(a, a.macs if a else 0), figure(b, b.macs if b else 0),
        _delta(a.macs if a else 0, b.macs if b else 0),
    ]  # fmt: skip


def _total_cells(a: Report, b: Report) -> list[str]:
    ta, tb = a.totals, b.totals
    params = [f"{ta.params:,}", f"{tb.params:,}", _delta(ta.params, tb.params)]
    macs = [f"{ta.macs:,}", f"{tb.macs:,}", _delta(ta.macs, tb.macs)]
    return ["total", format_shape(a.output), format_shape(b.output), *params, *macs]


def diff_rich(a: Report, b: Report, pairs: list[StageDiff]) -> RenderableType:
    from rich.table import Table
    from rich.text import Text

    title = f"A: {a.name} ({format_shape(a.input)})   B: {b.name} ({format_shape(b.input)})"
    table = Table(title=Text(escape(title)), caption=CONVENTION_BRIEF, show_footer=True)
    left = [column for column in COLUMNS if column.startswith(("stage", "output"))]
    return whole_words_table(table, COLUMNS, [_cells(pair) for pair in pairs], _total_cells(a, b), left)


def diff_markdown(a: Report, b: Report, pairs: list[StageDiff]) -> str:
    lines = [f"A: {a.name} ({format_shape(a.input)}), B: {b.name} ({format_shape(b.input)})", "",
             "| " + " | ".join(COLUMNS) + " |", "|---|---|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    lines += ["| " + " | ".join(cells) + " |" for cells in [*map(_cells, pairs), _total_cells(a, b)]]
    return "\n".join([*lines, "", f"{CONVENTION_BRIEF}.", ""])


def diff_json(a: Report, b: Report, pairs: list[StageDiff]) -> str:
    record = {
        "a": {"name": a.name, "input": list(a.input), "totals": a.totals.to_dict()},
        "b": {"name": b.name, "input": list(b.input), "totals": b.totals.to_dict()},
        "stages": [{"a": pair.a and asdict(pair.a), "b": pair.b and asdict(pair.b)} for pair in pairs],
    }
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"
