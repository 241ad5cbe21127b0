"""Text for `archcalc diff`: a side-by-side table of stages and totals, as a rich table, markdown, LaTeX,
CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING

from archcalc.analyses.diff import Stage, StageDiff
from archcalc.errors import escape
from archcalc.render.latex import latex_table
from archcalc.render.tables import whole_words_table
from archcalc.report import CONVENTION_BRIEF, Report
from archcalc.shapes import format_shape

if TYPE_CHECKING:
    from rich.console import RenderableType

COLUMNS = ("stage", "output A", "output B", "params A", "params B", "Δ params", "MACs A", "MACs B", "Δ MACs")


def _delta(a: int, b: int) -> str:
    change = b - a
    percent = f" ({100 * change / a:+.1f}%)" if a else ""
    return f"{change:+,}{percent}" if change else "="


def _label(pair: StageDiff) -> str:
    """The stage's label on each side, once where they agree: `28×28`, `28×28 → 32×32`."""
    return " → ".join(dict.fromkeys(stage.label for stage in (pair.a, pair.b) if stage))


def _cells(pair: StageDiff) -> list[str]:
    a, b = pair.a, pair.b

    def figure(stage: Stage | None, value: int) -> str:
        return "—" if stage is None else f"{value:,}"

    return [
        _label(pair),
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


def _sides(a: Report, b: Report) -> str:
    return f"A: {a.name} ({format_shape(a.input)}), B: {b.name} ({format_shape(b.input)})"


def diff_markdown(a: Report, b: Report, pairs: list[StageDiff]) -> str:
    lines = [_sides(a, b), "",
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


def diff_latex(a: Report, b: Report, pairs: list[StageDiff]) -> str:
    """The markdown table's cells in a booktabs table, the totals under a rule."""
    caption = f"{_sides(a, b)}. {CONVENTION_BRIEF}."
    numeric = [column for column in COLUMNS if not column.startswith(("stage", "output"))]
    return latex_table(COLUMNS, [_cells(pair) for pair in pairs], [_total_cells(a, b)], caption, numeric)


CSV_FIELDS = ("stage", "output_a", "output_b", "params_a", "params_b", "macs_a", "macs_b")


def diff_csv(a: Report, b: Report, pairs: list[StageDiff]) -> str:
    """One record per stage and a `total` record: exact integers, a side the stage is missing from empty
    (the differences are for the reader's spreadsheet to take)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for pair in pairs:
        writer.writerow([_label(pair), *_interleaved([_figures(pair.a), _figures(pair.b)])])
    totals = [(format_shape(side.output), side.totals.params, side.totals.macs) for side in (a, b)]
    writer.writerow(["total", *_interleaved(totals)])
    return buffer.getvalue()


def _figures(stage: Stage | None) -> tuple[str | int, ...]:
    return (stage.output, stage.params, stage.macs) if stage else ("", "", "")


def _interleaved(sides: Sequence[tuple[str | int, ...]]) -> list[str | int]:
    """(output, params, MACs) of A and of B as output_a, output_b, params_a, params_b, macs_a, macs_b."""
    return [value for pair in zip(*sides, strict=True) for value in pair]
