"""Element-wise activations: no parameters, no MACs (by our convention), shape unchanged."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from archcalc.layers.base import Layer, register
from archcalc.layers.kit import Module, TorchKit
from archcalc.shapes import Shape

ActivationName = Literal[
    "relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "softplus",
    "sigmoid", "hardsigmoid", "hardswish", "tanh", "softmax", "log_softmax",
]  # fmt: skip


@register
class Act(Layer):
    """An activation g(z) as its own layer (`- act: relu`), or fused after a conv/dense (`act: relu`)."""

    kind = "act"
    aliases = ("activation",)
    shorthand = "fn"

    fn: ActivationName
    slope: float | None = None
    """Negative slope of leaky_relu (torch's default 0.01; darknet uses 0.1)."""

    @model_validator(mode="after")
    def _slope_only_for_leaky_relu(self) -> Act:
        if self.slope is not None and self.fn != "leaky_relu":
            raise ValueError(f"'slope' applies to leaky_relu only, not to {self.fn}")
        return self

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.activation(self)

    def describe(self) -> str:
        return self.fn if self.slope is None else f"{self.fn}({self.slope:g})"
