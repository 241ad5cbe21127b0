"""Receptive field and effective stride of every layer: how many input pixels one output sees, and how far
apart (in input pixels) neighbouring outputs are.

The jump/size recurrence, per axis, for a window of effective kernel f̂ = d·(f − 1) + 1 and stride s:
    r_out = r_in + (f̂ − 1)·j_in        j_out = j_in · s        (r = j = 1 at the input)
Pointwise layers keep both; dense, flatten and global pooling see the whole input. Where paths join (a
residual's add, an Inception module's concat) the largest field among the inputs wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from archcalc.layers.fields import Window
from archcalc.report import Report

Rational = int | Fraction
"""Exact: after upsampling, neighbouring outputs are a fraction of an input pixel apart (no floats)."""
Extent = Rational | None  # None: the whole input


@dataclass(frozen=True)
class Field:
    size: tuple[Extent, Extent]
    jump: tuple[Rational, Rational]

    def through(self, window: Window) -> Field:
        if window is None:
            return self
        if isinstance(window, str):  # WHOLE
            return Field((None, None), self.jump)
        kernel, stride = window
        size = [
            None if r is None else r + (f - 1) * j
            for r, f, j in zip(self.size, kernel, self.jump, strict=True)
        ]
        return Field((size[0], size[1]), (self.jump[0] * stride[0], self.jump[1] * stride[1]))

    @staticmethod
    def widest(fields: list[Field]) -> Field:
        def largest(values: list[Extent]) -> Extent:
            return None if None in values else max(v for v in values if v is not None)

        return Field((largest([f.size[0] for f in fields]), largest([f.size[1] for f in fields])),
                     (max(f.jump[0] for f in fields), max(f.jump[1] for f in fields)))  # fmt: skip

    def describe(self) -> tuple[str, str]:
        """(receptive field, effective stride) as the table shows them: `196`, `7×11`, `all`."""
        sizes = ["all" if s is None else str(s) for s in self.size]
        jumps = [str(j) for j in self.jump]
        return (sizes[0] if sizes[0] == sizes[1] else "×".join(sizes),
                jumps[0] if jumps[0] == jumps[1] else "×".join(jumps))  # fmt: skip


def receptive_fields(report: Report) -> dict[str, Field]:
    """The field of every row with a layer written in the spec behind it, by row name: a fold over the
    engine's graph in running order, where a node sees the widest field of its inputs through its window."""
    graph = report.graph
    assert graph is not None
    fields = {graph.input: Field((1, 1), (1, 1))}
    for node in graph.order:
        seen = Field.widest([fields[source.value] for source in node.inputs])
        fields[node] = seen.through(node.layer.window(node.row.input)) if node.layer else seen
    return {
        node.name: fields[node.value] for node in graph if node.layer is not None and not node.layer.implicit
    }
