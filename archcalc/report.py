"""The records the engine produces: one row per layer and the totals, with their JSON form."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from archcalc.shapes import Shape

CONVENTION = (
    "MACs = multiply-accumulates of conv/dense weights (no bias, batch norm, activation, pool or add); "
    "FLOPs = 2 × MACs; bias adds are counted apart; params are trainable and frozen nn.Parameters "
    "(batch norm running statistics are buffers, not params)"
)
CONVENTION_BRIEF = (
    "MACs = multiply-accumulates of conv/dense weights (no bias, BN, activation, pool or add); "
    "FLOPs = 2 × MACs"
)
BYTES_PER_FP32 = 4


@dataclass(frozen=True)
class LayerRow:
    """What one layer takes, makes and costs, for one sample (batch 1).

    `norm_params`, `norm_outputs` and `pooled_inputs` (batch norm's γ and β, the elements it normalises, the
    elements an adaptive average pool averages) are what other tools add to MACs (see analyses.presets).
    `name` is the full dotted name (`layer3.2.conv1`); `depth` counts the enclosing composites. A
    `container` row (a residual block, a branch set, a block's copies) sums the rows beneath it, so totals
    add up the other rows only.
    """

    name: str
    kind: str
    summary: str
    input: Shape
    output: Shape
    params: int = 0
    trainable_params: int = 0
    buffers: int = 0
    macs: int = 0
    bias_adds: int = 0
    activations: int = 0
    norm_params: int = 0
    norm_outputs: int = 0
    pooled_inputs: int = 0
    depth: int = 0
    container: bool = False


@dataclass(frozen=True)
class Totals:
    params: int
    trainable_params: int
    non_trainable_params: int
    buffers: int
    macs: int
    flops: int
    bias_adds: int
    activations: int
    param_bytes_fp32: int
    norm_params: int = 0
    norm_outputs: int = 0
    pooled_inputs: int = 0

    @classmethod
    def of(cls, rows: list[LayerRow]) -> Totals:
        """Sums over the rows that are not containers; FLOPs = 2·MACs; activations = every output element."""
        rows = [row for row in rows if not row.container]
        params = sum(row.params for row in rows)
        trainable = sum(row.trainable_params for row in rows)
        macs = sum(row.macs for row in rows)
        return cls(
            params=params,
            trainable_params=trainable,
            non_trainable_params=params - trainable,
            buffers=sum(row.buffers for row in rows),
            macs=macs,
            flops=2 * macs,
            bias_adds=sum(row.bias_adds for row in rows),
            activations=sum(row.activations for row in rows),
            param_bytes_fp32=BYTES_PER_FP32 * params,
            norm_params=sum(row.norm_params for row in rows),
            norm_outputs=sum(row.norm_outputs for row in rows),
            pooled_inputs=sum(row.pooled_inputs for row in rows),
        )


@dataclass(frozen=True)
class Report:
    """The whole analysis of one spec at one input shape."""

    name: str
    description: str
    input: Shape
    output: Shape
    rows: list[LayerRow]
    totals: Totals

    def to_depth(self, depth: int | None) -> Report:
        """The report with only the rows less than `depth` composites deep (totals unchanged)."""
        if depth is None:
            return self
        return replace(self, rows=[row for row in self.rows if row.depth < depth])

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract (see README): exact integers, shapes as [nH, nW, nC] or [n] lists."""
        return {
            "name": self.name,
            "description": self.description,
            "input": list(self.input),
            "output": list(self.output),
            "layers": [_row_dict(row) for row in self.rows],
            "totals": asdict(self.totals),
            "convention": CONVENTION,
        }


def _row_dict(row: LayerRow) -> dict[str, Any]:
    record = asdict(row)
    record["input"], record["output"] = list(row.input), list(row.output)
    return record
