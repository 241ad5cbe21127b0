"""Flatten and fully connected (dense) layers."""

from __future__ import annotations

from typing import Any

from archcalc.layers.base import WHOLE, Layer, PositiveInt, Window, register
from archcalc.layers.fused import Fused
from archcalc.layers.kit import Module, TorchKit
from archcalc.shapes import Shape, as_vector, factor, numel


@register
class Flatten(Layer):
    """Unrolls a volume into a vector of nH·nW·nC values (torch flattens in C, H, W order: same count)."""

    kind = "flatten"

    def output_shape(self, x: Shape) -> Shape:
        return (numel(x),)

    def window(self, x: Shape) -> Window:
        return WHOLE

    def explain(self, x: Shape, y: Shape) -> list[str]:
        return [f"n = {'·'.join(map(factor, x))} = {y[0]:,} (no parameters)"]

    torch_modules = ("Flatten",)

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        """Only torch's default, all but the batch axis into one vector."""
        return {} if module.start_dim == 1 and module.end_dim == -1 else None

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.nn.Flatten()


@register
class Dense(Fused):
    """A fully connected layer of n' units on a vector of n, as torch.nn.Linear.

    params = (n + 1 if bias)·n'   (plus 2·n' for a fused batch norm);   MACs = n·n'.
    """

    kind = "dense"
    aliases = ("fc", "linear")
    shorthand = "units"

    units: PositiveInt

    @property
    def width(self) -> int:
        return self.units

    def output_shape(self, x: Shape) -> Shape:
        as_vector(x)
        return (self.units,)

    def window(self, x: Shape) -> Window:
        return WHOLE

    def param_count(self, x: Shape) -> int:
        return as_vector(x) * self.units + self.fused_params()

    def macs(self, x: Shape, y: Shape) -> int:
        return as_vector(x) * self.units

    torch_modules = ("Linear",)

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        """A Linear on a vector (on a volume's last axis, torch would apply it at every position)."""
        if len(x) != 1:
            return None
        return cls.written(units=module.out_features, bias=cls.torch_bias(module))

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        nn = kit.nn
        linear = nn.Linear(x[0], self.units, bias=self.has_bias)
        return self.fused_module(linear, kit, norm="BatchNorm1d")

    def explain(self, x: Shape, y: Shape) -> list[str]:
        bias = " + 1" if self.has_bias else ""
        bn = self.batchnorm_term()
        return [
            f"n' = units = {self.units}",
            f"params = ({x[0]}{bias})·{self.units}{bn} = {self.param_count(x):,}",
            f"MACs = {factor(x[0])}·{self.units} = {self.macs(x, y):,}",
        ]

    def describe(self) -> str:
        return self.fused_suffix().removeprefix(", ")
