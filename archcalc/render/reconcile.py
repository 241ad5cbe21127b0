"""`archcalc reconcile` as text and JSON: the figure, its interval, and the counts that reproduce it."""

from __future__ import annotations

import json
from decimal import Decimal

from archcalc.analyses.reconcile import Figure, Match, Reconciliation, describe
from archcalc.shapes import format_shape

SHOWN = 8
"""Matches listed in the text form (the JSON lists all)."""


def interval(figure: Figure) -> str:
    """`4.12G (4,115,000,000 to 4,125,000,000)`, or the number alone when it is exact."""
    if not figure.tolerance:
        return f"{int(figure.value):,}"
    return f"{figure.text} ({figure.low.normalize():,f} to {figure.high.normalize():,f})"


def reconcile_text(spec: str, result: Reconciliation) -> str:
    """The matches best first, or that none was found and the nearest counts with their distance."""
    figure = result.figure
    if not result.matches:
        lines = [f"{spec}: no way of counting tried gives {interval(figure)}; the nearest:"]
        lines += [f"  {_line(m)}  ({_off(m, figure)})" for m in result.nearest]
        lines.append("tried: MACs or FLOPs, ± bias adds, BN params or 2 per BN output, adaptive-pool inputs, "
                     "and params; at the spec's input and square inputs 32 to 608")  # fmt: skip
        return "\n".join(lines) + "\n"
    count = len(result.matches)
    lines = [
        f"{spec}: {interval(figure)} is given by {count} way{'s' * (count > 1)} of counting, best first:"
    ]
    lines += [f"  {_line(m)}" for m in result.matches[:SHOWN]]
    if count > SHOWN:
        lines.append(f"  … and {count - SHOWN} more (--format json lists all)")
    return "\n".join(lines) + "\n"


def _line(match: Match) -> str:
    return f"{match.count:>17,}  input {format_shape(match.input):<11}  {describe(match.rule)}"


def _off(match: Match, figure: Figure) -> str:
    change = (match.count - figure.value) / figure.value * 100 if figure.value else 0
    return f"{change:+.2f}% from {figure.text}"


def reconcile_json(spec: str, result: Reconciliation) -> str:
    figure = result.figure
    record = {
        "spec": spec,
        "figure": {"text": figure.text, "low": _number(figure.low), "high": _number(figure.high)},
        "matches": [_record(m) for m in result.matches],
        "nearest": [_record(m) for m in result.nearest],
    }
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def _record(match: Match) -> dict[str, object]:
    return {"count": match.count, "rule": describe(match.rule), "presets": match.rule.presets,
            "input": list(match.input), "own_input": match.own_input}  # fmt: skip


def _number(value: Decimal) -> int | str:
    """An exact integer as a JSON number; a bound between integers ("4.05") as exact decimal text."""
    return int(value) if value == value.to_integral_value() else str(value.normalize())
