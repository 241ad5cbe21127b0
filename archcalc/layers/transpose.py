"""Transposed convolution (a learned upsampling, U-Net's "up-convolution")."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from pydantic import model_validator

from archcalc.errors import ShapeError
from archcalc.layers.base import register
from archcalc.layers.fields import NonNegativePair, PositiveInt, PositivePair, Window
from archcalc.layers.fused import Fused
from archcalc.layers.kit import Module, TorchKit
from archcalc.shapes import Shape, as_volume, format_axes, format_shape


@register
class ConvTranspose(Fused):
    """nC' filters of f_h×f_w, as torch.nn.ConvTranspose2d: each input pixel spreads a kernel onto the output.

    nH' = (nH − 1)·s − 2p + d·(f − 1) + output_padding + 1, likewise nW'.
    params = (f_h·f_w·nC/groups)·nC' + nC' if bias      (plus 2·nC' for a fused batch norm)
    MACs   = nH·nW·nC · f_h·f_w·nC'/groups              (once per input position and kernel tap, as
                                                         torch's FlopCounterMode counts it: FLOPs = 2·MACs)
    """

    kind = "conv_transpose"
    aliases = ("deconv", "conv_transpose2d")

    filters: PositiveInt
    kernel: PositivePair
    stride: PositivePair = (1, 1)
    padding: NonNegativePair = (0, 0)
    output_padding: NonNegativePair = (0, 0)
    dilation: PositivePair = (1, 1)
    groups: PositiveInt = 1

    @model_validator(mode="after")
    def _torch_limits(self) -> ConvTranspose:
        if any(
            o >= max(s, d) for o, s, d in zip(self.output_padding, self.stride, self.dilation, strict=True)
        ):
            raise ValueError(
                "output_padding must be smaller than the stride or the dilation (torch refuses it)"
            )
        if self.filters % self.groups:
            raise ValueError(f"groups {self.groups} must divide the {self.filters} filters")
        return self

    @property
    def width(self) -> int:
        return self.filters

    torch_modules = ("ConvTranspose2d",)

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        return cls.written(
            filters=module.out_channels, kernel=module.kernel_size, stride=module.stride,
            padding=module.padding, output_padding=module.output_padding, dilation=module.dilation,
            groups=module.groups, bias=cls.torch_bias(module),
        )  # fmt: skip

    def _channels(self, x: Shape) -> int:
        channels = as_volume(x)[2]
        if channels % self.groups:
            raise ShapeError(f"groups {self.groups} must divide its {channels} input channels", "AC105")
        return channels

    def output_shape(self, x: Shape) -> Shape:
        self._channels(x)
        settings = zip(
            self.stride, self.padding, self.dilation, self.kernel, self.output_padding, strict=True
        )
        out = [
            (n - 1) * s - 2 * p + d * (f - 1) + o + 1
            for n, (s, p, d, f, o) in zip(x[:2], settings, strict=True)
        ]
        if min(out) < 1:
            raise ShapeError(
                f"padding {format_axes(self.padding)} removes its whole {format_shape(x[:2])} output", "AC101"
            )
        return out[0], out[1], self.filters

    def param_count(self, x: Shape) -> int:
        return (
            self.kernel[0] * self.kernel[1] * self._channels(x) * self.filters // self.groups
            + self.fused_params()
        )

    def macs(self, x: Shape, y: Shape) -> int:
        return x[0] * x[1] * x[2] * self.kernel[0] * self.kernel[1] * self.filters // self.groups

    def window(self, x: Shape) -> Window:
        """An output pixel gathers ⌈f̂/s⌉ input pixels per axis, and neighbouring outputs are 1/s input
        pixels apart."""
        reach = [
            -(-(d * (f - 1) + 1) // s)
            for f, d, s in zip(self.kernel, self.dilation, self.stride, strict=True)
        ]
        return (reach[0], reach[1]), (Fraction(1, self.stride[0]), Fraction(1, self.stride[1]))

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        nn = kit.nn
        core = nn.ConvTranspose2d(
            x[2], self.filters, self.kernel, self.stride, self.padding, self.output_padding, self.groups,
            bias=self.has_bias, dilation=self.dilation,
        )  # fmt: skip
        return self.fused_module(core, kit)

    def explain(self, x: Shape, y: Shape) -> list[str]:
        axes = [
            f"{axis}' = ({x[i]} − 1)·{self.stride[i]} − 2·{self.padding[i]} + "
            f"{self.dilation[i]}·({self.kernel[i]} − 1) + {self.output_padding[i]} + 1 = {y[i]}"
            for i, axis in enumerate(("nH", "nW"))
        ]
        taps = f"{self.kernel[0]}·{self.kernel[1]}"
        per_group = f"/{self.groups}" if self.groups > 1 else ""
        bias = f" + {self.filters}" if self.has_bias else ""
        bn = self.batchnorm_term()
        return [
            *axes,
            f"nC' = filters = {self.filters}",
            f"params = {taps}·{x[2]}{per_group}·{self.filters}{bias}{bn} = {self.param_count(x):,}",
            f"MACs = {x[0]}·{x[1]}·{x[2]} · {taps}·{self.filters}{per_group} = {self.macs(x, y):,}",
        ]

    def describe(self) -> str:
        text = f"{format_shape(self.kernel)} s{format_axes(self.stride)}"
        if self.padding != (0, 0):
            text += f" p{format_axes(self.padding)}"
        if self.output_padding != (0, 0):
            text += f" op{format_axes(self.output_padding)}"
        if self.groups > 1:
            text += f" g{self.groups}"
        return text + self.fused_suffix()
