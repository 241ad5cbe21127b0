"""2-D convolution."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, WithJsonSchema, model_validator

from archcalc.errors import suggest
from archcalc.layers.base import register
from archcalc.layers.fields import (
    PAIR_SCHEMA,
    NonNegativePair,
    PositiveInt,
    PositivePair,
    Window,
    check_groups,
    pair_of,
)
from archcalc.layers.fused import Fused
from archcalc.layers.kit import Module, TorchKit
from archcalc.layers.saving import PADS_KEEPING_INPUT, Saved
from archcalc.shapes import (
    Pair,
    Shape,
    Tiling,
    as_volume,
    check_padding_mode,
    effective_kernel,
    explain_window,
    factor,
    format_axes,
    format_shape,
    sliding_window,
    tiling,
)


def _padding(value: Any) -> Any:
    """'valid' is 0; 'same' stays symbolic until the kernel is known; anything else is an int or a pair."""
    if value == "valid":
        return (0, 0)
    if isinstance(value, str) and value != "same":
        hint = suggest(value, ["valid", "same"])
        raise ValueError(
            f"expected 'valid', 'same', a whole number or a [height, width] pair, got {value!r}{hint}"
        )
    return value if value == "same" else pair_of(0)(value)


Padding = Annotated[
    Literal["same"] | NonNegativePair,
    BeforeValidator(_padding),
    WithJsonSchema({"anyOf": [{"enum": ["valid", "same"]}, *PAIR_SCHEMA["anyOf"]]}),
]


@register
class Conv(Fused):
    """A conv layer of nC' filters of f_h×f_w×(nC/groups), as torch.nn.Conv2d.

    nH' = ⌊(nH + p_top + p_bottom − d·(f_h − 1) − 1)/s⌋ + 1, likewise nW'.
    params = (f_h·f_w·nC/groups + 1 if bias)·nC'   (plus 2·nC' for a fused batch norm)
    MACs   = nH'·nW'·nC' · f_h·f_w·nC/groups        (one multiply-accumulate per weight per output position)
    'same' pads d·(f − 1) in total, the odd pixel after (bottom/right), exactly as torch does; like torch it
    requires stride 1.
    """

    kind = "conv"
    aliases = ("conv2d",)

    filters: PositiveInt
    kernel: PositivePair
    stride: PositivePair = (1, 1)
    padding: Padding = (0, 0)
    dilation: PositivePair = (1, 1)
    groups: PositiveInt = 1
    padding_mode: Literal["zeros", "reflect", "replicate", "circular"] = "zeros"

    @model_validator(mode="after")
    def _same_needs_stride_1(self) -> Conv:
        if self.padding == "same" and self.stride != (1, 1):
            raise ValueError(
                "padding 'same' needs stride 1 (torch refuses strided 'same'); give the padding as a number, "
                f"e.g. padding: {(self.kernel[0] - 1) // 2}"
            )
        if self.filters % self.groups:
            raise ValueError(f"groups {self.groups} must divide the {self.filters} filters")
        return self

    def window(self, x: Shape) -> Window:
        return effective_kernel(self.kernel, self.dilation), self.stride

    def tiling(self, x: Shape) -> Tiling:
        return tiling(
            (x[0], x[1]), self.kernel, stride=self.stride, padding=self.pads(), dilation=self.dilation
        )

    @property
    def width(self) -> int:
        return self.filters

    def pads(self) -> tuple[Pair, Pair]:
        """(before, after) padding for the height and the width axes."""
        if self.padding == "same":
            totals = [d * (k - 1) for k, d in zip(self.kernel, self.dilation, strict=True)]
            top, left = (total // 2 for total in totals)
            return (top, totals[0] - top), (left, totals[1] - left)
        height, width = self.padding
        return (height, height), (width, width)

    def weights_per_filter(self, x: Shape) -> int:
        channels = as_volume(x)[2]
        check_groups(self.groups, channels)
        return self.kernel[0] * self.kernel[1] * channels // self.groups

    def output_shape(self, x: Shape) -> Shape:
        height, width, _ = as_volume(x)
        self.weights_per_filter(x)
        check_padding_mode(
            self.padding_mode, (height, width), self.pads(), "; pad less or use padding_mode zeros"
        )
        out = sliding_window(
            (height, width), self.kernel, stride=self.stride, padding=self.pads(), dilation=self.dilation
        )
        return (*out, self.filters)

    def param_count(self, x: Shape) -> int:
        return self.weights_per_filter(x) * self.filters + self.fused_params()

    def macs(self, x: Shape, y: Shape) -> int:
        return y[0] * y[1] * y[2] * self.weights_per_filter(x)

    def kept_input(self, x: Shape, *, weights: bool, inputs: bool) -> Saved:
        """Its input as the conv reads it: where torch pads first, the padded copy — all the padding for a
        padding_mode other than zeros (and replicate or reflect padding keeps the input too, where it needs a
        gradient), the odd pixel of an uneven 'same' (the even part is the conv's own)."""
        (top, bottom), (left, right) = self.pads()
        if self.padding_mode == "zeros":
            if top == bottom and left == right:
                return Saved(input=True)
            top, left = bottom - top, right - left
            bottom = right = 0
        padded = (x[0] + top + bottom) * (x[1] + left + right) * x[2]
        return Saved(input=inputs and self.padding_mode in PADS_KEEPING_INPUT, new=padded)

    torch_modules = ("Conv2d",)

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        """torch's padding 'valid' is padding 0; 'same' is the spec's 'same'."""
        padding = (0, 0) if module.padding == "valid" else module.padding
        return cls.written(
            filters=module.out_channels,
            kernel=module.kernel_size,
            stride=module.stride,
            padding=padding,
            dilation=module.dilation,
            groups=module.groups,
            bias=cls.torch_bias(module),
            padding_mode=module.padding_mode,
        )

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        nn = kit.nn
        conv = nn.Conv2d(
            x[2], self.filters, self.kernel, self.stride, self.padding, self.dilation, self.groups,
            bias=self.has_bias, padding_mode=self.padding_mode,
        )  # fmt: skip
        return self.fused_module(conv, kit)

    def explain(self, x: Shape, y: Shape) -> list[str]:
        (top, bottom), (left, right) = self.pads()
        per_filter = f"{self.kernel[0]}·{self.kernel[1]}·{x[2]}" + (
            f"/{self.groups}" if self.groups > 1 else ""
        )
        bias = " + 1" if self.has_bias else ""
        bn = self.batchnorm_term()
        axes = [
            explain_window(axis, x[i], y[i], kernel=self.kernel[i], stride=self.stride[i], padding=pads,
                           dilation=self.dilation[i])
            for i, (axis, pads) in enumerate((("nH", (top, bottom)), ("nW", (left, right))))
        ]  # fmt: skip
        return [
            *axes,
            f"nC' = filters = {self.filters}",
            f"params = ({per_filter}{bias})·{self.filters}{bn} = {self.param_count(x):,}",
            f"MACs = {'·'.join(map(factor, y))} · {per_filter} = {self.macs(x, y):,}",
        ]

    def describe(self) -> str:
        text = f"{format_shape(self.kernel)} s{format_axes(self.stride)}"
        text += f" {self.padding}" if self.padding == "same" else _padding_text(self.padding)
        if self.dilation != (1, 1):
            text += f" d{format_axes(self.dilation)}"
        if self.groups > 1:
            text += f" g{self.groups}"
        return text + self.fused_suffix()


def _padding_text(padding: Pair) -> str:
    return " valid" if padding == (0, 0) else f" p{format_axes(padding)}"
