"""Turn reports into text: a rich table for people, JSON / CSV / Markdown for machines and documents.

Rendering never computes: every figure comes from the Report. Only the rich renderers import rich.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from archcalc.allocation import building
from archcalc.analyses.presets import PRESETS, Preset
from archcalc.errors import escape
from archcalc.render import jsontext
from archcalc.render.tables import (
    ATTENTION_COLUMN,
    NUMERIC_COLUMNS,
    csv_text,
    markdown_table,
    rich_table,
    tree_name,
)
from archcalc.report import CONVENTION, CONVENTION_BRIEF, ROW_FIELDS, LayerRow, Report
from archcalc.shapes import format_shape

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

T = TypeVar("T")
MACS = PRESETS["macs"]
Extras = Sequence[tuple[str, Mapping[str, str]]]
"""Optional columns after the output shape: (header, text by row name), e.g. the receptive field."""


def _columns(report: Report, preset: Preset, extras: Extras) -> tuple[str, ...]:
    """The table's headers: its attention MACs column only where the network has attention."""
    attention = (ATTENTION_COLUMN,) * has_attention(report)
    return (*COLUMNS[:3], *(header for header, _ in extras), "params", preset.label, *attention)


def has_attention(report: Report) -> bool:
    return report.totals.attention_macs != 0


def _footers(report: Report, preset: Preset, extras: Extras) -> list[str]:
    """The totals row under the table's columns."""
    totals = report.totals
    attention = [f"{totals.attention_macs:,}"] * has_attention(report)
    return ["total", "", format_shape(report.output), *([""] * len(extras)), f"{totals.params:,}",
            f"{preset.count(totals):,}", *attention]  # fmt: skip


Cell = tuple[str, str | None]
"""A figure as text, and what it was at the spec's own input when an --input override changed it."""

COLUMNS = ("layer", "kind", "output nH×nW×nC", "params", "MACs")
OUTPUT_COLUMN = COLUMNS.index("output nH×nW×nC")


# ---- one spec ----------------------------------------------------------------------------------------------


def to_json(report: Report, preset: Preset = MACS, extras: Extras = ()) -> str:
    """The JSON contract, as text (see `document`)."""
    return "".join(json_chunks(report, preset, extras))


def json_chunks(report: Report, preset: Preset = MACS, extras: Extras = ()) -> Iterator[str]:
    """`to_json` in pieces, a row at a time, each row's record made as it is written: a big report's text
    is never held whole (what the command line prints)."""
    record = document(replace(report, rows=[]), preset, extras)
    record["layers"] = (_layer_record(row, extras) for row in report.rows)
    with building():
        yield from jsontext.json_chunks(record, end="\n")


def document(report: Report, preset: Preset = MACS, extras: Extras = ()) -> dict[str, Any]:
    """The JSON contract; with a preset other than MACs, also `count`: its label, definition and total.
    Extra columns (`--columns rf,stride`) are added to each layer under their lower-case label, as text."""
    record = report.to_dict()
    record["layers"] = [_layer_record(row, extras) for row in report.rows]
    if preset is not MACS:
        record["count"] = {"label": preset.label, "definition": preset.definition,
                           "total": preset.count(report.totals)}  # fmt: skip
    return record


def _layer_record(row: LayerRow, extras: Extras) -> dict[str, Any]:
    return row.to_dict() | {label.lower(): values.get(row.name, "") for label, values in extras}


def to_csv(report: Report, extras: Extras = ()) -> str:
    """One line per layer with every LayerRow field (and any extra column), then a `total` line; shapes
    written 28×28×6."""
    total = LayerRow("total", "", "", report.input, report.output).with_costs(report.totals)
    lines = [
        [
            *(_csv_value(getattr(row, name)) for name in ROW_FIELDS),
            *(values.get(row.name, "") for _, values in extras),
        ]
        for row in [*report.rows, total]
    ]
    lines[-1][len(ROW_FIELDS) - 2 :] = [""] * (2 + len(extras))  # the total has no depth, no container
    return csv_text([*ROW_FIELDS, *(label.lower() for label, _ in extras)], lines)


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return format_shape(value) if isinstance(value, tuple) else value


def to_markdown(
    report: Report, baseline: Report | None = None, preset: Preset = MACS, extras: Extras = ()
) -> str:
    """A GitHub-flavoured Markdown table followed by the totals and the counting convention."""
    rows = [
        [_was(cell) for cell in cells]
        for cells in layer_cells(report, baseline, preset=preset, extras=extras)
    ]
    lines = [f"### {report.name}", "", f"input {format_shape(report.input)}", ""]
    lines += markdown_table(_columns(report, preset, extras), rows)
    lines += ["", *(f"- {label}: {value}" for label, value in summary_lines(report, baseline, preset))]
    return "\n".join([*lines, "", f"_{CONVENTION}._", ""])


def to_latex(
    report: Report, baseline: Report | None = None, preset: Preset = MACS, extras: Extras = ()
) -> str:
    """A booktabs table for papers and course notes: the layers, a total row, the convention as caption."""
    from archcalc.render.latex import latex_table

    cells = layer_cells(report, baseline, preset=preset, extras=extras)
    rows = [[_was(cell) for cell in row] for row in cells]
    caption = f"{report.name}, input {format_shape(report.input)}. {CONVENTION_BRIEF}."
    total = _footers(report, preset, extras)
    return latex_table(_columns(report, preset, extras), rows, [total], caption, NUMERIC_COLUMNS)


def to_rich(
    report: Report, baseline: Report | None = None, preset: Preset = MACS, extras: Extras = ()
) -> RenderableType:
    """The table people read: one row per layer, a totals row, then the summary lines."""
    from rich.console import Group
    from rich.table import Table

    totals = report.totals
    footers = _footers(report, preset, extras)
    symbolic = not isinstance(totals.macs, int)  # formulas wrap; numbers never do
    title = f"{report.name} — input {format_shape(report.input)}"
    rows = layer_cells(report, baseline, tree=True, preset=preset, extras=extras)
    summary = Table.grid(padding=(0, 2))
    for label, value in summary_lines(report, baseline, preset):
        summary.add_row(label, value)
    if len(rows) > BOXED_ROWS:
        return Group(_plain_table(title, _columns(report, preset, extras), rows, footers), summary)
    table = rich_table(title, _columns(report, preset, extras), footers, wrap=symbolic)
    for cells in rows:
        table.add_row(*(_styled(cell, show_was=index == OUTPUT_COLUMN) for index, cell in enumerate(cells)))
    return Group(table, summary)


BOXED_ROWS = 5_000
"""Above this many rows the table is printed as aligned plain text: rich draws a boxed row in about 0.2 ms,
which is 25 s for the 111,111 rows a spec may have; plain lines print 100,000 rows in under a second."""


class _Lines:
    """Text lines printed as they are, never wrapped or cropped, in time linear in their number (rich's
    Text splits a long text into lines in quadratic time)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Any, options: Any) -> Iterator[Any]:
        from rich.segment import Segment

        for line in self.lines:
            yield Segment(line)
            yield Segment.line()


def _plain_table(
    title: str, columns: Sequence[str], rows: list[list[Cell]], footers: Sequence[str]
) -> _Lines:
    """The same table as aligned text lines (numbers right-aligned, nothing cut), never wrapped."""
    lines = [list(columns), *([_was(cell) for cell in cells] for cells in rows), list(footers)]
    widths = [max(len(line[index]) for line in lines) for index in range(len(columns))]
    right = [column in NUMERIC_COLUMNS for column in columns]
    text = ["  ".join(cell.rjust(width) if numeric else cell.ljust(width)
                      for cell, width, numeric in zip(line, widths, right, strict=True)).rstrip()
            for line in lines]  # fmt: skip
    rule = "-" * len(max(text, key=len))
    return _Lines([escape(title), *text[:1], rule, *text[1:-1], rule, text[-1], CONVENTION_BRIEF])


def layer_cells(
    report: Report, baseline: Report | None, tree: bool = False, preset: Preset = MACS, extras: Extras = ()
) -> list[list[Cell]]:
    """Per layer: name, kind, output shape, params, MACs, each with its baseline value if it changed.

    With `tree`, a name is its last part indented by its depth (`layer3.2.conv1` → `    conv1`).
    """
    before = {row.name: row for row in baseline.rows} if baseline else {}
    figures: list[Callable[[LayerRow], str]] = [lambda r: f"{r.params:,}", lambda r: f"{preset.count(r):,}"]
    if has_attention(report):
        figures.append(lambda r: f"{r.attention_macs:,}")
    return [
        [
            (escape(tree_name(row) if tree else row.name), None),
            (escape(f"{row.kind} {row.summary}".rstrip()), None),
            _versus(lambda r: format_shape(r.output), row, before.get(row.name)),
            *((values.get(row.name, ""), None) for _, values in extras),
            *(_versus(figure, row, before.get(row.name)) for figure in figures),
        ]
        for row in report.rows
    ]


def summary_lines(
    report: Report, baseline: Report | None = None, preset: Preset = MACS
) -> list[tuple[str, str]]:
    """The totals as (label, value) pairs, each value saying how it is counted."""
    t, old = report.totals, (baseline.totals if baseline else None)
    attention = has_attention(report)

    def total(name: str) -> str:
        return _was(_versus(lambda totals: f"{getattr(totals, name):,}", t, old))

    lines = [
        ("input", _was(_versus(lambda r: format_shape(r.input), report, baseline))),
        ("output", _was(_versus(lambda r: format_shape(r.output), report, baseline))),
        (
            "params",
            f"{total('params')} (trainable {t.trainable_params:,}, non-trainable {t.non_trainable_params:,})",
        ),
        (
            "MACs",
            f"{total('macs')} multiply-accumulates of conv/dense weights"
            + " and attention" * bool(attention),
        ),
        ("FLOPs", f"{total('flops')} (= 2 × MACs)"),
        ("bias adds", f"{t.bias_adds:,}"),
        ("activations", f"{t.activations:,} output elements, all layers, batch 1"),
        ("param memory", f"{t.param_bytes_fp32:,} bytes fp32" + _mib(t.param_bytes_fp32)),
    ]
    if attention:
        apart = f"{total('attention_macs')} of them in attention's QKᵀ and AV (2·N²·D per attention layer)"
        lines.insert(4, ("attention MACs", apart))
    if report.outputs:
        named = ", ".join(f"{escape(name)} {format_shape(shape)}" for name, shape in report.outputs)
        lines[1] = ("outputs", named)
    if t.buffers:
        lines.insert(3, ("buffers", f"{t.buffers:,} (batch norm running statistics, not params)"))
    if preset is not MACS:
        counted = _was(_versus(lambda totals: f"{preset.count(totals):,}", t, old))
        lines.insert(lines.index(next(line for line in lines if line[0] == "FLOPs")) + 1,
                     (preset.label, f"{counted} ({preset.definition})"))  # fmt: skip
    return lines


def _mib(count: int) -> str:
    """` (97.49 MiB)` for a number of bytes; nothing for a symbolic one."""
    return f" ({count / 2**20:,.2f} MiB)" if isinstance(count, int) else ""


def _versus(text_of: Callable[[T], str], new: T, old: T | None) -> Cell:
    """A figure, and its old text when there is an old value and it reads differently."""
    text = text_of(new)
    was = text_of(old) if old is not None else None
    return text, (was if was != text else None)


def _was(cell: Cell) -> str:
    """`54×54×96 (was 55×55×96)` when an input override changed a figure."""
    value, old = cell
    return value if old is None else f"{value} (was {old})"


def _styled(cell: Cell, show_was: bool) -> Text:
    """A changed figure in yellow, followed by its old value where asked (the output shape)."""
    from rich.text import Text

    value, old = cell
    if old is None:
        return Text(value)
    text = Text(value, style="yellow")
    if show_was:
        text.append(f"\n(was {old})", style="dim")
    return text
