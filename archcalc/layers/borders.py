"""Cropping and padding the nH×nW plane: no parameters, no MACs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, WithJsonSchema, model_validator

from archcalc.errors import ShapeError
from archcalc.layers.base import Layer, register
from archcalc.layers.fields import PositivePair
from archcalc.layers.kit import Module, TorchKit
from archcalc.layers.merge import Merge
from archcalc.layers.saving import PADS_KEEPING_INPUT, Saved
from archcalc.shapes import Shape, as_volume, check_padding_mode, format_shape

Sides = tuple[int, int, int, int]
"""(top, bottom, left, right)."""


@register
class Crop(Merge):
    """A center crop of the plane: to `size`, or with `from: [map, reference]` to the reference's nH×nW —
    U-Net's skip map cropped to its up-convolution's size. nC' = nC.

    The window starts ⌊(nH − h)/2⌋ rows and ⌊(nW − w)/2⌋ columns in (an odd surplus leaves the extra row or
    column at the bottom or right).
    """

    kind = "crop"
    shorthand = "size"
    how = "crop"

    size: PositivePair | None = None

    @model_validator(mode="after")
    def _size_or_reference(self) -> Crop:
        references = len(self.sources or ())
        if (self.size is None) == (references == 2):
            return self
        raise ValueError("give either `size` (e.g. [56, 56]) or `from: [map, reference]` to crop the map "
                         "to the reference's nH×nW")  # fmt: skip

    def merged_shape(self, shapes: list[Shape]) -> Shape:
        x = shapes[0]
        target = self.size if self.size is not None else shapes[-1][:2]
        if len(shapes) != (1 if self.size is not None else 2):
            raise ShapeError("crops one map, to `size` or to one reference's nH×nW", "AC106")
        self.box(x, (*target, 1))
        return (target[0], target[1], as_volume(x)[2])

    @staticmethod
    def box(x: Shape, y: Shape) -> tuple[int, int, int, int]:
        """(top, height, left, width) of the window of `x` that gives `y`."""
        height, width, _ = as_volume(x)
        if y[0] > height or y[1] > width:
            raise ShapeError(
                f"cannot crop {format_shape(x[:2])} to the larger {format_shape(y[:2])}", "AC100"
            )
        return (height - y[0]) // 2, y[0], (width - y[1]) // 2, y[1]

    torch_modules = ("Crop",)
    """archcalc's own crop module (torch has none): read back as `from: [map, reference]`."""

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.crop(self.box(x, y))

    def is_view(self) -> bool:
        return True

    def explain(self, x: Shape, y: Shape) -> list[str]:
        top, _, left, _ = self.box(x, y)
        rows, columns = f"{top}…{top + y[0] - 1}", f"{left}…{left + y[1] - 1}"
        return [f"keeps rows {rows} and columns {columns} of {format_shape(x[:2])}: {format_shape(y)}; "
                "no parameters, no MACs"]  # fmt: skip

    def describe(self) -> str:
        target = format_shape(self.size) if self.size else f"the size of {self.sources and self.sources[-1]}"
        return f"center to {target}"


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
        check_padding_mode(self.mode, (height, width), ((top, bottom), (left, right)))
        return top + height + bottom, left + width + right, channels

    torch_modules = tuple(TORCH_PADS.values())

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        left, right, top, bottom = module.padding  # torch's order
        sides = [top, bottom, left, right]
        mode = next(mode for mode, name in TORCH_PADS.items() if name == type(module).__name__)
        return cls.written(padding=sides[0] if len(set(sides)) == 1 else sides, mode=mode)

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        top, bottom, left, right = self.padding
        return getattr(kit.nn, TORCH_PADS[self.mode])((left, right, top, bottom))

    def saved(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> Saved:
        return Saved(input=self.mode in PADS_KEEPING_INPUT)  # only reached where its input needs a gradient

    def explain(self, x: Shape, y: Shape) -> list[str]:
        top, bottom, left, right = self.padding
        return [f"nH' = {top} + {x[0]} + {bottom} = {y[0]}, nW' = {left} + {x[1]} + {right} = {y[1]}; "
                "no parameters, no MACs"]  # fmt: skip

    def describe(self) -> str:
        top, bottom, left, right = self.padding
        sides = str(top) if len(set(self.padding)) == 1 else f"{top},{bottom},{left},{right}"
        return f"{self.mode} {sides}"
