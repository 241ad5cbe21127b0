"""Pooling: windowed max/average, global pooling and adaptive pooling. None has parameters or MACs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Strict, model_validator

from archcalc.layers.base import Layer, register
from archcalc.layers.fields import WHOLE, NonNegativePair, PositiveInt, PositivePair, Window
from archcalc.layers.kit import Module, TorchKit
from archcalc.layers.saving import NOTHING, Saved
from archcalc.shapes import (
    Pair,
    Shape,
    Tiling,
    as_volume,
    effective_kernel,
    explain_window,
    format_axes,
    format_shape,
    numel,
    sliding_window,
    tiling,
)

PoolOp = Literal["max", "avg"]


@register
class Pool(Layer):
    """Max or average pooling over f_h×f_w windows, as torch.nn.MaxPool2d / AvgPool2d.

    nH' = ⌊(nH + 2p − d·(f − 1) − 1)/s⌋ + 1 (⌈…⌉ with ceil_mode); nC' = nC. The stride defaults to the
    kernel and padding may be at most half the kernel, as in torch.
    """

    kind = "pool"

    op: PoolOp = "max"
    kernel: PositivePair
    stride: PositivePair | None = None
    padding: NonNegativePair = (0, 0)
    dilation: PositivePair = (1, 1)
    ceil_mode: Annotated[bool, Strict()] = False
    count_include_pad: Annotated[bool, Strict()] = True
    divisor_override: PositiveInt | None = None

    @model_validator(mode="after")
    def _torch_limits(self) -> Pool:
        if self.op == "max" and (self.divisor_override or not self.count_include_pad):
            raise ValueError("count_include_pad and divisor_override apply to average pooling only (op: avg)")
        if any(p > k // 2 for p, k in zip(self.padding, self.kernel, strict=True)):
            raise ValueError(
                f"padding {format_axes(self.padding)} is more than half the kernel (torch refuses it)"
            )
        if self.op == "avg" and self.dilation != (1, 1):
            raise ValueError("average pooling has no dilation in torch; remove 'dilation' or use op: max")
        return self

    def window(self, x: Shape) -> Window:
        return effective_kernel(self.kernel, self.dilation), self.stride or self.kernel

    def pads(self) -> tuple[Pair, Pair]:
        """(before, after) padding for the height and the width axes (always symmetric for a pool)."""
        return (self.padding[0], self.padding[0]), (self.padding[1], self.padding[1])

    def tiling(self, x: Shape) -> Tiling | None:
        """None with ceil_mode: the last, partial window takes what the others leave."""
        if self.ceil_mode:
            return None
        stride = self.stride or self.kernel
        return tiling((x[0], x[1]), self.kernel, stride=stride, padding=self.pads(), dilation=self.dilation)

    def output_shape(self, x: Shape) -> Shape:
        height, width, channels = as_volume(x)
        pads = ((self.padding[0],) * 2, (self.padding[1],) * 2)
        stride = self.stride or self.kernel
        out = sliding_window(
            (height, width),
            self.kernel,
            stride=stride,
            padding=pads,
            dilation=self.dilation,
            ceil_mode=self.ceil_mode,
        )
        return (*out, channels)

    torch_modules = ("MaxPool2d", "AvgPool2d")

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        average = type(module).__name__ == "AvgPool2d"
        stride = None if module.stride == module.kernel_size else module.stride  # torch's default: the kernel
        window = {"kernel": module.kernel_size, "stride": stride, "padding": module.padding}
        if average:
            return cls.written(op="avg", **window, ceil_mode=module.ceil_mode,
                               count_include_pad=module.count_include_pad,
                               divisor_override=module.divisor_override)  # fmt: skip
        return cls.written(**window, dilation=module.dilation, ceil_mode=module.ceil_mode)

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        nn, stride = kit.nn, self.stride or self.kernel
        if self.op == "max":
            return nn.MaxPool2d(self.kernel, stride, self.padding, self.dilation, ceil_mode=self.ceil_mode)
        return nn.AvgPool2d(self.kernel, stride, self.padding, self.ceil_mode, self.count_include_pad,
                            self.divisor_override)  # fmt: skip

    def explain(self, x: Shape, y: Shape) -> list[str]:
        stride = self.stride or self.kernel
        pads = ((self.padding[0],) * 2, (self.padding[1],) * 2)
        axes = [
            explain_window(axis, x[i], y[i], kernel=self.kernel[i], stride=stride[i], padding=pads[i],
                           dilation=self.dilation[i], ceil_mode=self.ceil_mode)
            for i, axis in enumerate(("nH", "nW"))
        ]  # fmt: skip
        return [*axes, f"nC' = nC = {x[2]}", "params = 0 (pooling learns nothing); MACs = 0"]

    def describe(self) -> str:
        text = f"{self.op} {format_shape(self.kernel)} s{format_axes(self.stride or self.kernel)}"
        if self.padding != (0, 0):
            text += f" p{format_axes(self.padding)}"
        if self.dilation != (1, 1):
            text += f" d{format_axes(self.dilation)}"
        return text + (" ceil" if self.ceil_mode else "")

    def saved(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> Saved:
        return pool_saved(self.op, y)


@register
class GlobalPool(Layer):
    """Pools each channel over the whole nH×nW plane: nH×nW×nC → 1×1×nC (torch's AdaptiveAvgPool2d(1))."""

    kind = "global_pool"
    shorthand = "op"

    op: PoolOp = "avg"

    def output_shape(self, x: Shape) -> Shape:
        return (1, 1, as_volume(x)[2])

    def pooled_inputs(self, x: Shape) -> int:
        return numel(x) if self.op == "avg" else 0

    def window(self, x: Shape) -> Window:
        return WHOLE

    torch_modules = ("AdaptiveAvgPool2d", "AdaptiveMaxPool2d")

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        """An adaptive pool to 1×1 (an output of 7×7 is adaptive_pool's)."""
        return cls.written(op=_adaptive_op(module)) if _adaptive_output(module, x) == (1, 1) else None

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.nn.AdaptiveMaxPool2d(1) if self.op == "max" else kit.nn.AdaptiveAvgPool2d(1)

    def saved(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> Saved:
        """torch averages to 1×1 as a mean, which keeps nothing."""
        return pool_saved(self.op, y) if self.op == "max" else NOTHING

    def describe(self) -> str:
        return self.op


@register
class AdaptivePool(Layer):
    """Pools to a fixed nH'×nW' whatever the input size, as torch.nn.AdaptiveAvgPool2d / AdaptiveMaxPool2d."""

    kind = "adaptive_pool"

    op: PoolOp = "avg"
    output: PositivePair

    def output_shape(self, x: Shape) -> Shape:
        return (*self.output, as_volume(x)[2])

    def pooled_inputs(self, x: Shape) -> int:
        return numel(x) if self.op == "avg" else 0

    def window(self, x: Shape) -> Window:
        return None if tuple(self.output) == tuple(x[:2]) else WHOLE  # same size: a no-op (VGG's at 224)

    torch_modules = ("AdaptiveAvgPool2d", "AdaptiveMaxPool2d")

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        return cls.written(op=_adaptive_op(module), output=_adaptive_output(module, x))

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        pool = kit.nn.AdaptiveMaxPool2d if self.op == "max" else kit.nn.AdaptiveAvgPool2d
        return pool(self.output)

    def describe(self) -> str:
        return f"{self.op} to {format_shape(self.output)}"

    def saved(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> Saved:
        """torch averages to 1×1 as a mean, which keeps nothing."""
        return NOTHING if self.op == "avg" and tuple(self.output) == (1, 1) else pool_saved(self.op, y)


def pool_saved(op: str, y: Shape) -> Saved:
    """A pool keeps its input (to spread the gradient over each window), max pooling also the int64 index
    of each output's maximum."""
    return Saved(input=True, int64=numel(y) if op == "max" else 0)


def _adaptive_op(module: Any) -> str:
    return "max" if type(module).__name__ == "AdaptiveMaxPool2d" else "avg"


def _adaptive_output(module: Any, x: Shape) -> tuple[int, int]:
    """An adaptive pool's nH'×nW' on input `x` (torch's None keeps that axis's size)."""
    size = module.output_size
    height, width = size if isinstance(size, tuple | list) else (size, size)
    return x[0] if height is None else height, x[1] if width is None else width
