"""Text for `archcalc bench-compare`: two saved benchmark results (`bench --format json`) side by side — what
differs in how they ran, and per batch size both times and their ratio."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archcalc.errors import escape
from archcalc.render.tables import whole_words_table
from archcalc.render.torch import CONTEXT_FIELDS

if TYPE_CHECKING:
    from rich.console import RenderableType

CONTEXT = (*CONTEXT_FIELDS, "flops_per_sample", "methodology")
"""Every setting a saved result records about how it ran (what bench's CSV repeats on each line, and
more)."""
REQUIRED = ("name", "device", "rows")
MEASURED = ("median_ms", "samples_per_s")


def problem(record: Any) -> str | None:
    """What keeps `record` from being a saved `bench --format json` result, or None: an object with a name,
    a device and rows, each row an object whose batch is a whole number and, when measured (status ok), whose
    median and samples/s are positive numbers."""
    missing = [key for key in REQUIRED if not isinstance(record, dict) or key not in record]
    if missing:
        return f"no {', '.join(missing)}"
    rows = record["rows"]
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        return "'rows' is not a list of objects"
    for index, row in enumerate(rows, start=1):
        batch = row.get("batch")
        measured = row.get("status") != "ok" or all(_positive(row.get(key)) for key in MEASURED)
        if not (isinstance(batch, int) and not isinstance(batch, bool) and batch > 0) or not measured:
            return f"row {index} has no whole batch size or no positive {' and '.join(MEASURED)}"
    return None


def _positive(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def context_differences(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """The settings that differ between the two runs: (field, a's, b's)."""
    return [(key, a.get(key), b.get(key)) for key in CONTEXT if a.get(key) != b.get(key)]


def paired_rows(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
    """The batch sizes both measured (status ok), in a's order."""
    theirs = {row["batch"]: row for row in b["rows"] if row.get("status") == "ok"}
    return [(row["batch"], row, theirs[row["batch"]]) for row in a["rows"]
            if row.get("status") == "ok" and row["batch"] in theirs]  # fmt: skip


def _cells(batch: int, x: dict[str, Any], y: dict[str, Any]) -> list[str]:
    ratio = y["median_ms"] / x["median_ms"]
    return [str(batch), f"{x['median_ms']:.3f}", f"{y['median_ms']:.3f}", f"{ratio:.3f}",
            f"{x['samples_per_s']:,.1f}", f"{y['samples_per_s']:,.1f}"]  # fmt: skip


def compare_rich(a: dict[str, Any], b: dict[str, Any], names: tuple[str, str]) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(escape(f"{names[0]} (A) vs {names[1]} (B)")),
                  caption="ratio = B / A: below 1, B is faster")  # fmt: skip
    columns = ("batch", "A median ms", "B median ms", "B / A", "A samples/s", "B samples/s")
    cells = [_cells(batch, x, y) for batch, x, y in paired_rows(a, b)]
    whole_words_table(table, columns, cells)
    differ = context_differences(a, b)
    lines = [f"{key}: {escape(str(x))} → {escape(str(y))}" for key, x, y in differ] or ["the two ran alike"]
    return Group(table, Text("how the runs differ:" if differ else ""), *(Text(line) for line in lines))
