"""Table builders every renderer shares: CSV text, Markdown tables, and rich tables that never cut a figure
short (captioned with the counting convention)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from archcalc.analyses.presets import PRESETS
from archcalc.errors import escape
from archcalc.report import CONVENTION_BRIEF, LayerRow

if TYPE_CHECKING:
    from rich.table import Table

ATTENTION_COLUMN = "attention MACs"
TRAINING_COLUMNS = ("forward MACs", "∂input MACs", "∂weights MACs")
NUMERIC_COLUMNS = (
    "params",
    *(preset.label for preset in PRESETS.values()),
    ATTENTION_COLUMN,
    *TRAINING_COLUMNS,
)
UNBROKEN_COLUMNS = ("layer", "spec", "input", "output", "output nH×nW×nC", "RF", "stride", *NUMERIC_COLUMNS)


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([header, *rows])
    return buffer.getvalue()


def markdown_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    align = "|".join("---:" if column in NUMERIC_COLUMNS else "---" for column in columns)
    return [f"| {' | '.join(columns)} |", f"|{align}|", *(f"| {' | '.join(row)} |" for row in rows)]


def tree_name(row: LayerRow) -> str:
    """A row's name in a tree: its last part indented by its depth (`layer3.2.conv1` → `    conv1`)."""
    return "  " * row.depth + row.name.rsplit(".", 1)[-1]


def rich_table(
    title: str,
    columns: Sequence[str],
    footers: Sequence[str] | None = None,
    wrap: bool = False,
    caption: str = CONVENTION_BRIEF,
) -> Table:
    """A table captioned with the counting convention (or `caption`); numbers right-aligned; figures, names
    and shapes never wrapped, and nothing ever cut short with an ellipsis (a too-long cell folds instead)."""
    from rich.text import Text

    from archcalc.render.boxed import QuickTable

    table = QuickTable(
        title=Text(escape(title)),
        caption=caption,
        caption_justify="left",
        show_footer=footers is not None,
    )
    for column, footer in zip(columns, footers or [""] * len(columns), strict=True):
        numeric = column in NUMERIC_COLUMNS
        table.add_column(column, footer=footer, justify="right" if numeric else "left", overflow="fold",
                         no_wrap=column in UNBROKEN_COLUMNS and not wrap, min_width=4)  # fmt: skip
    return table


def whole_words_table(
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    footers: Sequence[str] | None = None,
    left: Sequence[str] = (),
) -> Table:
    """`table` with `columns` (right-aligned unless in `left`) and `rows`, each column at least as wide as its
    longest word: a narrow terminal wraps text at spaces, never through a number (rich would otherwise
    squeeze the widest columns, figures first)."""
    for index, column in enumerate(columns):
        cells = [row[index] for row in rows] + ([footers[index]] if footers else [])
        words = [word for cell in [column, *cells] for word in str(cell).split()] or [""]
        table.add_column(column, footer=footers[index] if footers else "", justify="left" if column in left
                         else "right", min_width=max(map(len, words)), overflow="fold")  # fmt: skip
    for row in rows:
        table.add_row(*row)
    return table
