"""Upsampling by interpolation: no parameters, no MACs (by our convention)."""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import Strict, model_validator

from archcalc.layers.base import Layer, register
from archcalc.layers.fields import PositivePair, Window
from archcalc.layers.kit import Module, TorchKit
from archcalc.shapes import Shape, as_volume, format_axes, format_shape


@register
class Upsample(Layer):
    """Upsampling as torch.nn.Upsample: by a whole `scale` per axis, nH' = nH·s, or to a fixed `size`.

    `mode` is nearest, bilinear or bicubic (`align_corners` for the last two); nC' = nC. Every output pixel
    is an input pixel repeated or interpolated, so the effective stride (the receptive-field jump) is divided
    by the scale: after stride 32, 2× upsampling gives a jump of 16.
    """

    kind = "upsample"
    shorthand = "scale"

    scale: PositivePair | None = None
    size: PositivePair | None = None
    mode: Literal["nearest", "bilinear", "bicubic"] = "nearest"
    align_corners: Annotated[bool, Strict()] | None = None

    @model_validator(mode="after")
    def _scale_or_size(self) -> Upsample:
        if (self.scale is None) == (self.size is None):
            raise ValueError("give either 'scale' (e.g. 2) or 'size' (e.g. [26, 26]), not both")
        if self.align_corners is not None and self.mode == "nearest":
            raise ValueError(
                "align_corners applies to bilinear and bicubic only (torch refuses it for nearest)"
            )
        return self

    def output_shape(self, x: Shape) -> Shape:
        height, width, channels = as_volume(x)
        if self.size is not None:
            return (*self.size, channels)
        assert self.scale is not None
        return height * self.scale[0], width * self.scale[1], channels

    def window(self, x: Shape) -> Window:
        y = self.output_shape(x)
        return (1, 1), (Fraction(x[0], y[0]), Fraction(x[1], y[1]))

    torch_modules = ("Upsample",)

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        """Upsampling by whole scales or to a size, in a mode archcalc builds."""
        if module.mode not in ("nearest", "bilinear", "bicubic"):
            return None
        settings = {"mode": module.mode, "align_corners": module.align_corners}
        if module.size is not None:
            return cls.written(size=module.size, **settings)
        scale = module.scale_factor
        scales = tuple(scale) if isinstance(scale, tuple | list) else (scale, scale)
        if not all(float(s).is_integer() for s in scales):
            return None
        return cls.written(scale=tuple(int(s) for s in scales), **settings)

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        how = (
            {"size": self.size} if self.size else {"scale_factor": tuple(float(s) for s in self.scale or ())}
        )
        return kit.nn.Upsample(**how, mode=self.mode, align_corners=self.align_corners)

    def explain(self, x: Shape, y: Shape) -> list[str]:
        rule = f"× {format_axes(self.scale)}" if self.scale else f"to {format_shape(self.size or ())}"
        return [f"nH'×nW' = {format_shape(x[:2])} {rule} = {format_shape(y[:2])}; nC' = nC = {x[2]}; "
                "no parameters, no MACs"]  # fmt: skip

    def describe(self) -> str:
        how = f"×{format_axes(self.scale)}" if self.scale else f"to {format_shape(self.size or ())}"
        return f"{self.mode} {how}"
