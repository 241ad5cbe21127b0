"""`archcalc diff A B`: two specs (or one at two input sizes) side by side, stage by stage and in total.

A stage is a run of consecutive top-level layers whose outputs share one spatial size (a vector counts as
one size), so stages pair up by resolution whatever the layers are called: VGG-16's and VGG-19's 28×28
stages, ResNet-34's and Plain-34's layer3, AlexNet's 55×55 stage at 227 and its 54×54 stage at 224.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import zip_longest

from archcalc.report import Costs, LayerRow, Report
from archcalc.shapes import format_shape


@dataclass(frozen=True)
class Stage:
    label: str
    layers: int
    output: str
    params: int
    macs: int
    activations: int


@dataclass(frozen=True)
class StageDiff:
    a: Stage | None
    b: Stage | None


def stages(report: Report) -> list[Stage]:
    """The top-level rows grouped by the spatial size of their outputs, in order."""
    groups: list[list[LayerRow]] = []
    for row in (row for row in report.rows if row.depth == 0):
        size = row.output[:-1] if len(row.output) == 3 else ()
        if groups and (groups[-1][-1].output[:-1] if len(groups[-1][-1].output) == 3 else ()) == size:
            groups[-1].append(row)
        else:
            groups.append([row])
    return [_stage(group) for group in groups]


def _stage(rows: list[LayerRow]) -> Stage:
    last = rows[-1].output
    label = format_shape(last[:-1]) if len(last) == 3 else "vector"
    costs = Costs.total(rows)
    return Stage(label, len(rows), format_shape(last), costs.params, costs.macs, costs.activations)


def diff(a: Report, b: Report) -> list[StageDiff]:
    """Stage i of A beside stage i of B (one side missing where a spec has more stages)."""
    return [StageDiff(x, y) for x, y in zip_longest(stages(a), stages(b))]
