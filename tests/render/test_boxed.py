"""QuickTable prints exactly what rich's Table prints, in a terminal (styles and all) or piped, whether it
draws the table itself (plain cells that fit) or leaves it to rich (styled cells, a narrow console)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.table import Table
from rich.text import Text

from archcalc.render.boxed import QuickTable


def printed(table: Table, width: int, terminal: bool) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=terminal, color_system="truecolor" if terminal
                      else None, legacy_windows=False)  # fmt: skip
    console.print(table, crop=False)
    return out.getvalue()


def both(rows: list[list[object]], footer: bool = True, **columns: object) -> tuple[Table, Table]:
    made = []
    for kind in (Table, QuickTable):
        table = kind(title=Text("a title — wide"), caption="the caption, long enough to wrap at times",
                     caption_justify="left", show_footer=footer)  # fmt: skip
        for index, header in enumerate(["layer", "kind", "params"]):
            table.add_column(
                header,
                footer=["total", "", "61,706"][index],
                min_width=4,
                overflow="fold",
                justify="right" if header == "params" else "left",
                **columns,
            )  # type: ignore[arg-type]
        for row in rows:
            table.add_row(*row)  # type: ignore[arg-type]
        made.append(table)
    return made[0], made[1]


PLAIN = [[Text("conv1"), Text("conv 5×5 s1 valid, relu"), Text("156")], ["  pool1", "pool avg", "0"],
         [Text("寬字 layer"), Text("dense"), Text("1,234,567")]]  # fmt: skip


@pytest.mark.parametrize("terminal", [False, True])
@pytest.mark.parametrize("width", [200, 60, 30])
@pytest.mark.parametrize(
    "rows",
    [
        PLAIN,
        [],
        [["[bold]markup[/]", "emoji :smile:", "1"], *PLAIN],
        [[Text("changed", style="yellow"), Text("two\nlines"), Text("1")], *PLAIN],
        [[Text("tab\there"), "x", "1"]],
    ],
)
def test_the_table_prints_as_rich_prints_it(rows: list[list[object]], width: int, terminal: bool) -> None:
    rich, quick = both(rows)
    assert printed(quick, width, terminal) == printed(rich, width, terminal)


def test_without_a_footer_and_with_styled_columns_too() -> None:
    for rich, quick in (both(PLAIN, footer=False), both(PLAIN, style="cyan"), both(PLAIN, no_wrap=True)):
        for terminal in (False, True):
            assert printed(quick, 120, terminal) == printed(rich, 120, terminal)


def test_a_plain_table_that_fits_is_drawn_without_rich_laying_out_any_cell(monkeypatch) -> None:
    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("rich laid out a cell")

    _, quick = both(PLAIN * 100)
    monkeypatch.setattr(Console, "render_lines", never)
    assert printed(quick, 200, True).count("\n") == 3 + 300 + 4 + 1
