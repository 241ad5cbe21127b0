"""Layers that join several inputs named with `from:` (a route, a skip connection): no parameters, no MACs."""

from __future__ import annotations

from typing import ClassVar

from archcalc.errors import ShapeError
from archcalc.layers.base import Layer, register
from archcalc.layers.kit import Module, TorchKit
from archcalc.layers.saving import Saved
from archcalc.shapes import Shape, describe_shape, format_shape, is_tokens, numel


class Merge(Layer):
    """A layer of several inputs (`from: [-1, conv3]`); its row shows the first input's shape."""

    shorthand = "from"
    how: ClassVar[str]

    def merged_shape(self, shapes: list[Shape]) -> Shape:
        """The output shape of the inputs joined (raise ShapeError if they cannot be)."""
        raise NotImplementedError

    def output_shape(self, x: Shape) -> Shape:
        return self.merged_shape([x])

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.merge(self.how)

    def describe(self) -> str:
        return ", ".join(str(source) for source in self.sources or ("the layer before",))

    def explain(self, x: Shape, y: Shape) -> list[str]:
        how = ("stacked along the channels: nC' = the sum of its inputs' nC" if self.how == "concat"
               else f"joined elementwise ({self.how})")  # fmt: skip
        return [f"reads {self.describe()}, {how} = {format_shape(y)}; no parameters, no MACs"]


@register
class Concat(Merge):
    """Stacks its inputs along the channels, as torch.cat(dim=1): nH×nW must agree; nC' = Σ nC."""

    kind = "concat"
    how = "concat"

    def merged_shape(self, shapes: list[Shape]) -> Shape:
        first, *others = shapes
        refuse_tokens(shapes)
        for index, shape in enumerate(others, start=2):
            if len(shape) != len(first) or any(map(_differ, shape[:-1], first[:-1])):
                raise ShapeError(_unequal(first, shape, index), "AC104")
        return (*first[:-1], sum(shape[-1] for shape in shapes))


class _Elementwise(Merge):
    """Equal shapes, or a 1×1×nC input broadcast onto nH×nW×nC (squeeze-and-excite's channel scaling)."""

    def merged_shape(self, shapes: list[Shape]) -> Shape:
        widest = max(shapes, key=lambda shape: (len(shape), shape[:-1] != (1, 1)))
        for index, shape in enumerate(shapes, start=1):
            broadcast = len(shape) == 3 and shape[:2] == (1, 1) and shape[2] == widest[-1]
            differs = len(shape) != len(widest) or any(map(_differ, shape, widest))
            if differs and not broadcast:
                raise ShapeError(
                    f"input {index} is {format_shape(shape)} but input 1 is {format_shape(shapes[0])}: "
                    f"{self.kind} needs equal shapes (or 1×1×nC onto nH×nW×nC)",
                    "AC104",
                )
        return widest


@register
class Add(_Elementwise):
    """The elementwise sum of its inputs (a skip connection by name)."""

    kind = "add"
    how = "add"


@register
class Mul(_Elementwise):
    """The elementwise product of its inputs (squeeze-and-excite scales the channels by a 1×1×nC gate)."""

    kind = "mul"
    how = "mul"

    def saved(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> Saved:
        """Each factor, for the other's gradient (∂(a·b)/∂a = b); torch multiplies a pair at a time, so of
        more than two, each partial product too."""
        factors = len(self.sources or ())
        return Saved(input=True, new=max(factors - 2, 0) * numel(y))


def _differ(a: object, b: object) -> bool:
    """Sizes that are provably different: two numbers that differ (symbolic sizes may well agree: with
    `--input HxWx3`, YOLOv3's 2·⌊(H − 1)/32⌋ + 2 and ⌊(H − 1)/16⌋ + 1 do for every multiple of 32)."""
    return isinstance(a, int) and isinstance(b, int) and a != b


def _unequal(first: Shape, shape: Shape, index: int) -> str:
    """Why two maps cannot be concatenated, and what would make them fit."""
    if len(shape) != len(first):
        shapes = f"input {index} is {format_shape(shape)}, input 1 {format_shape(first)}"
        return f"concat needs volumes alike: {shapes}"
    (h1, w1), (h2, w2) = first[:2], shape[:2]
    fix = "crop the larger" if (h2 - h1) * (w2 - w1) >= 0 else "pad or crop one"
    if (h2 * 2 == h1 and w2 * 2 == w1) or (h1 * 2 == h2 and w1 * 2 == w2):
        fix = "upsample the smaller by 2"
    return (f"concat needs equal nH×nW: input {index} is {h2}×{w2} but input 1 is {h1}×{w1} "
            f"(off by {h2 - h1}×{w2 - w1}); {fix} first")  # fmt: skip


def refuse_tokens(shapes: list[Shape]) -> None:
    """Concat stacks channels (torch.cat on dim 1 of NCHW or of a vector); on batch × N × D that axis is
    the tokens' N, not their width: refused rather than counted one way and built another."""
    tokens = next((shape for shape in shapes if is_tokens(shape)), None)
    if tokens is not None:
        raise ShapeError(f"concat stacks the channels of volumes or vectors, not {describe_shape(tokens)}",
                         "AC104")  # fmt: skip
