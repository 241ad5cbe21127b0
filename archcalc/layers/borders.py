"""Cropping and padding the nH×nW plane: no parameters, no MACs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, WithJsonSchema

from archcalc.errors import ShapeError
from archcalc.layers.base import Layer, PositivePair, register
from archcalc.layers.kit import Module, TorchKit
from archcalc.shapes import Shape, as_volume, format_shape

Sides = tuple[int, int, int, int]
"""(top, bottom, left, right)."""


@register
class Crop(Layer):
    """A center crop of the plane to `size` (U-Net's cropped skip maps): nH'×nW' = size, nC' = nC.

    The window starts ⌊(nH − h)/2⌋ rows and ⌊(nW − w)/2⌋ columns in (an odd surplus leaves the extra row or
    column at the bottom or right).
    """

    kind = "crop"
    shorthand = "size"

    size: PositivePair

    def box(self, x: Shape) -> Sides:
        """(top, height, left, width) of the kept window."""
        height, width, _ = as_volume(x)
        if self.size[0] > height or self.size[1] > width:
            raise ShapeError(
                f"cannot crop {format_shape(x[:2])} to the larger {format_shape(self.size)}", "AC100"
            )
        return (height - self.size[0]) // 2, self.size[0], (width - self.size[1]) // 2, self.size[1]

    def output_shape(self, x: Shape) -> Shape:
        self.box(x)
        return (*self.size, x[2])

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.crop(self.box(x))

    def explain(self, x: Shape, y: Shape) -> list[str]:
        top, _, left, _ = self.box(x)
        rows, columns = f"{top}…{top + y[0] - 1}", f"{left}…{left + y[1] - 1}"
        return [f"keeps rows {rows} and columns {columns} of {format_shape(x[:2])}: {format_shape(y)}; "
                "no parameters, no MACs"]  # fmt: skip

    def describe(self) -> str:
        return f"center to {format_shape(self.size)}"


def _sides(value: Any) -> Any:
    """`1` → 1 on every side; `[1, 2]` → 1 above and below, 2 left and right; `[t, b, l, r]` as given."""
    items = value if isinstance(value, list | tuple) else [value]
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in items) or len(
        items
    ) not in (1, 2, 4):
        raise ValueError(
            f"expected a whole number ≥ 0, [height, width] or [top, bottom, left, right], got {value!r}"
        )
    if len(items) == 1:
        return (items[0],) * 4
    if len(items) == 2:
        return items[0], items[0], items[1], items[1]
    return tuple(items)


PaddingSides = Annotated[
    Sides,
    BeforeValidator(_sides),
    WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}}]}),
]
TORCH_PADS = {"zeros": "ZeroPad2d", "reflect": "ReflectionPad2d", "replicate": "ReplicationPad2d",
              "circular": "CircularPad2d"}  # fmt: skip


@register
class Pad(Layer):
    """Padding of the plane, as torch's ZeroPad2d / ReflectionPad2d / ReplicationPad2d / CircularPad2d:
    nH' = top + nH + bottom, nW' = left + nW + right, nC' = nC. Reflect padding must be smaller than the
    input on each side and circular padding at most as large (torch's limits)."""

    kind = "pad"
    shorthand = "padding"

    padding: PaddingSides
    mode: Literal["zeros", "reflect", "replicate", "circular"] = "zeros"

    def output_shape(self, x: Shape) -> Shape:
        height, width, channels = as_volume(x)
        top, bottom, left, right = self.padding
        for n, pads in ((height, (top, bottom)), (width, (left, right))):
            if any(p > n or (p == n and self.mode == "reflect") for p in pads) and self.mode in (
                "reflect",
                "circular",
            ):
                bound = "smaller than" if self.mode == "reflect" else "at most"
                raise ShapeError(f"{self.mode} padding of {max(pads)} must be {bound} its input size {n} "
                                 "(torch refuses it)")  # fmt: skip
        return top + height + bottom, left + width + right, channels

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        top, bottom, left, right = self.padding
        return getattr(kit.nn, TORCH_PADS[self.mode])((left, right, top, bottom))

    def explain(self, x: Shape, y: Shape) -> list[str]:
        top, bottom, left, right = self.padding
        return [f"nH' = {top} + {x[0]} + {bottom} = {y[0]}, nW' = {left} + {x[1]} + {right} = {y[1]}; "
                "no parameters, no MACs"]  # fmt: skip

    def describe(self) -> str:
        top, bottom, left, right = self.padding
        sides = str(top) if len(set(self.padding)) == 1 else f"{top},{bottom},{left},{right}"
        return f"{self.mode} {sides}"
