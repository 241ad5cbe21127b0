"""A rich Table that draws thousands of rows in milliseconds, segment for segment as rich draws them.

rich lays every cell out through Padding and Text, measuring it, wrapping it and styling it: about 0.3 ms a
row, a second for ResNet-1001's 3,675 rows. When every cell is plain text (no markup, no emoji codes, no
style of its own) and the table fits the console at its natural width, nothing needs wrapping: each column is
as wide as its widest cell, and a body line is its cells padded and joined by the box's rules. Anything else
(a styled cell, a table wider than the console) is left to rich. The tests compare both ways' segments.

Imported only by the renderers that print for people (rich stays off the fast path).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rich.box import Box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.table import Column, Table
from rich.text import Text

PADDING = (0, 1, 0, 1)
"""rich's default cell padding, the only one drawn here: a space each side."""


class QuickTable(Table):
    """A rich Table; plain-text tables that fit are sized and drawn directly (see the module)."""

    _drawn: tuple[list[list[str]], list[int]] | None = None
    """What the width calculation of this rendering found drawable here: each column's texts, and widths
    (rich calls `_render` right after it, with those widths)."""

    def _calculate_column_widths(self, console: Console, options: ConsoleOptions) -> list[int]:
        columns = self._plain_columns()
        widths = None if columns is None else _widths(self.columns, columns, self.show_footer)
        if columns is None or widths is None or sum(widths) > options.max_width:
            self._drawn = None
            return list(super()._calculate_column_widths(console, options))
        self._drawn = columns, widths
        return widths

    def _render(self, console: Console, options: ConsoleOptions, widths: list[int]) -> RenderResult:
        if self._drawn is None or widths != self._drawn[1] or self._border(console):
            yield from super()._render(console, options, widths)
            return
        columns = self._drawn[0]
        safe = self.safe_box if self.safe_box is not None else console.safe_box
        box = self.box.substitute(options, safe=safe)  # type: ignore[union-attr]  # drawable: it has a box
        yield from _rule(box.get_top(widths))
        yield from self._edge_line([column[0] for column in columns], widths, box, "head", console)
        yield from _rule(box.get_row(widths, "head", edge=True))
        for cells in zip(*(column[1:-1] for column in columns), strict=True):
            yield Segment(box.mid_left + box.mid_vertical.join(self._padded(cells, widths)) + box.mid_right)
            yield Segment.line()
        if self.show_footer:
            yield from _rule(box.get_row(widths, "foot", edge=True))
            yield from self._edge_line([column[-1] for column in columns], widths, box, "foot", console)
        yield from _rule(box.get_bottom(widths))

    def _plain_columns(self) -> list[list[str]] | None:
        """Each column's header, cells and footer as the text rich prints, when the table can be drawn
        here: plain text everywhere and the plain layout (a box with edges, default padding, no styles)."""
        layout = (self.show_edge, self.show_header, self.padding, self.show_lines, self.leading, self.expand,
                  self.width, self.row_styles, self.collapse_padding, self.pad_edge)  # fmt: skip
        if self.box is None or layout != (True, True, PADDING, False, 0, False, None, [], False, True):
            return None
        if any(row.style for row in self.rows) or not all(map(_plain_column, self.columns)):
            return None
        columns = [[_plain(cell) for cell in [c.header, *c.cells, c.footer]] for c in self.columns]
        return None if any(None in column for column in columns) else columns  # type: ignore[return-value]

    def _border(self, console: Console) -> bool:
        """Whether the borders have a style (then rich draws them)."""
        return bool(console.get_style(self.style or "") + console.get_style(self.border_style or ""))

    def _padded(self, cells: Iterable[str], widths: list[int]) -> Iterator[str]:
        """Each cell padded to its column's width, as its column justifies it."""
        for column, text, width in zip(self.columns, cells, widths, strict=True):
            room = " " * (width - 2 - cell_len(text))
            yield f" {room}{text} " if column.justify == "right" else f" {text}{room} "

    def _edge_line(
        self, texts: list[str], widths: list[int], box: Box, edge: str, console: Console
    ) -> Iterator[Segment]:
        """The header or footer line, styled cell by cell as rich styles it."""
        left, vertical, right = (getattr(box, f"{edge}_{part}") for part in ("left", "vertical", "right"))
        table_style = self.header_style if edge == "head" else self.footer_style
        for index, text in enumerate(self._padded(texts, widths)):
            column = self.columns[index]
            column_style = column.header_style if edge == "head" else column.footer_style
            style = console.get_style(table_style or "") + console.get_style(column_style or "")
            yield Segment(vertical if index else left, Style())
            yield from (Segment(" ", style), Segment(text[1:-1], style), Segment(" ", style))
        yield Segment(right, Style())
        yield Segment.line()


def _widths(columns: list[Column], texts: list[list[str]], footer: bool) -> list[int]:
    """Each column as wide as its widest text (the footer's only when shown) or its minimum, plus padding."""
    shown = slice(None if footer else -1)
    return [
        max(column.min_width or 0, *(cell_len(text) for text in column_texts[shown])) + 2
        for column, column_texts in zip(columns, texts, strict=True)
    ]


def _rule(text: str) -> Iterator[Segment]:
    yield Segment(text, Style())
    yield Segment.line()


def _plain_column(column: Column) -> bool:
    return not (column.style or column.highlight) and column.justify in ("left", "right")


def _plain(cell: Any) -> str | None:
    """The text rich prints for `cell` on one line as it is, or None: a string without markup (`[`) or
    emoji codes (`:`), or a Text without styles; neither with a tab or a new line."""
    if type(cell) is str:
        text = None if "[" in cell or ":" in cell else cell
    elif isinstance(cell, Text) and not (cell.spans or cell.style) and cell.justify is None:
        text = cell.plain
    else:
        return None
    return None if text is None or "\t" in text or "\n" in text else text
