"""The records the engine produces: one row per layer and the totals, with their JSON form."""

from __future__ import annotations

from dataclasses import asdict, dataclass
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
    """What one layer takes, makes and costs, for one sample (batch 1)."""

    name: str
    kind: str
    summary: str
    input: Shape
    output: Shape
    params: int
    trainable_params: int
    buffers: int
    macs: int
    bias_adds: int
    activations: int


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

    @classmethod
    def of(cls, rows: list[LayerRow]) -> Totals:
        """Sums over the rows; FLOPs = 2·MACs; activations = every layer's output elements."""
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
