"""Flatten and fully connected (dense) layers."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Strict

from archcalc.errors import ShapeError
from archcalc.layers.base import Layer, register
from archcalc.layers.fields import WHOLE, PositiveInt, Window
from archcalc.layers.fused import Fused
from archcalc.layers.kit import Module, TorchKit
from archcalc.layers.saving import NOTHING, Saved
from archcalc.shapes import Dim, Shape, as_vector, factor, is_tokens, numel


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

    def is_view(self) -> bool:
        return True

    torch_modules = ("Flatten",)

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        """Only torch's default, all but the batch axis into one vector."""
        return {} if module.start_dim == 1 and module.end_dim == -1 else None

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.nn.Flatten()


@register
class Dense(Fused):
    """A fully connected layer of n' units, as torch.nn.Linear: on a vector of n, on each of N tokens of width
    n (N×n → N×n'), or with `per_position: true` at each of a volume's nH·nW positions (nn.Linear on the
    channels, channels last: ConvNeXt's MLP; the same counts as a 1×1 conv).

    params = (n + 1 if bias)·n'   (plus 2·n' for a fused batch norm, vectors only);   MACs = positions·n·n'.
    """

    kind = "dense"
    aliases = ("fc", "linear")
    shorthand = "units"

    units: PositiveInt
    per_position: Annotated[bool, Strict()] = False

    @property
    def width(self) -> int:
        return self.units

    def inputs_per_position(self, x: Shape) -> Dim:
        """n, the values each position (the one of a vector, a token, a volume's position) reads."""
        if (self.per_position and len(x) == 3) or is_tokens(x):
            if self.bn:
                raise ShapeError("a fused batch norm needs a vector input: put a '- layernorm' after it")
            return x[-1]
        return as_vector(x, ADVICE if len(x) == 3 else "")

    def output_shape(self, x: Shape) -> Shape:
        self.inputs_per_position(x)
        return (*x[:-1], self.units)

    def window(self, x: Shape) -> Window:
        return WHOLE if len(x) == 1 else None  # each token, each position on its own

    def param_count(self, x: Shape) -> int:
        return self.inputs_per_position(x) * self.units + self.fused_params()

    def macs(self, x: Shape, y: Shape) -> int:
        return numel(y) * x[-1]

    def kept_input(self, x: Shape, *, weights: bool, inputs: bool) -> Saved:
        """Only for the weight gradient (torch's addmm keeps x where W is trained); a volume's channels-last
        view is copied before the product, and that copy is what it keeps."""
        if not weights:
            return NOTHING
        return Saved(new=numel(x)) if len(x) == 3 else Saved(input=True)

    def kept_weights(self, x: Shape, inputs: bool) -> int:
        """Only where the input needs a gradient (torch's addmm keeps W for x's gradient alone)."""
        return super().kept_weights(x, inputs) if inputs else 0

    torch_modules = ("Linear", "PerPosition")

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        """A Linear on a vector or tokens, or archcalc's PerPosition (a Linear on a volume's channels); a
        bare Linear on an NCHW volume would work on its rows: not this kind."""
        per_position = type(module).__name__ == "PerPosition"
        linear = module.linear if per_position else module
        if (len(x) == 3) != per_position:
            return None
        return cls.written(units=linear.out_features, bias=cls.torch_bias(linear), per_position=per_position)

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        linear = kit.nn.Linear(x[-1], self.units, bias=self.has_bias)
        if len(x) == 3:
            linear = kit.transformer.PerPosition(linear)
        return self.fused_module(linear, kit, norm="BatchNorm1d", tokens=is_tokens(x))

    def explain(self, x: Shape, y: Shape) -> list[str]:
        bias = " + 1" if self.has_bias else ""
        bn = self.batchnorm_term()
        positions = "" if len(x) == 1 else f"{'·'.join(map(factor, x[:-1]))}·"
        where = {1: "", 2: " at each of the N tokens", 3: " at each of the nH·nW positions"}[len(x)]
        return [
            f"n' = units = {self.units}{where}",
            f"params = ({x[-1]}{bias})·{self.units}{bn} = {self.param_count(x):,}",
            f"MACs = {positions}{factor(x[-1])}·{self.units} = {self.macs(x, y):,}",
        ]

    def describe(self) -> str:
        fused = self.fused_suffix().removeprefix(", ")
        return ", ".join(["per position"] * self.per_position + [fused] * bool(fused))


ADVICE = " (or set 'per_position: true': the same matrix at each position)"
