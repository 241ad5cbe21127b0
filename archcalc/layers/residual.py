"""The residual block a[l+2] = g(z[l+2] + Ws·a[l]) and the fixed zero-padding Ws."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import Field, Strict, WithJsonSchema

from archcalc.errors import ShapeError
from archcalc.layers.activation import Act
from archcalc.layers.base import Layer, Layers, register
from archcalc.layers.composite import Composite, PartParser, Value, Walk, parse_list_setting
from archcalc.layers.conv import Conv
from archcalc.layers.dense import Dense
from archcalc.layers.fields import LAYERS_SCHEMA, PositiveInt, PositivePair, Window
from archcalc.layers.kit import Module, TorchKit
from archcalc.shapes import Pair, Shape, describe_shape, format_axes, format_shape, is_tokens


@register
class ZeroPad(Layer):
    """The fixed shortcut Ws: keep every s-th position, then pad the channels (or a vector) with zeros.

    nH' = ⌊(nH − 1)/s⌋ + 1 (likewise nW'), nC' = `size` ≥ nC; a vector n becomes `size` ≥ n. No parameters.
    """

    kind = "zero_pad"

    size: PositiveInt
    stride: PositivePair = (1, 1)

    def output_shape(self, x: Shape) -> Shape:
        if x[-1] > self.size:
            raise ShapeError(f"cannot zero-pad {x[-1]} channels down to {self.size}")
        if len(x) < 3:
            if self.stride != (1, 1):
                raise ShapeError(f"{describe_shape(x)} has no positions to subsample: remove 'stride'")
            return (*x[:-1], self.size)
        height, width, _ = x
        return (height - 1) // self.stride[0] + 1, (width - 1) // self.stride[1] + 1, self.size

    torch_modules = ("ZeroPad",)
    """archcalc's own zero-padding shortcut module."""

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        return cls.written(size=module.size, stride=module.stride)

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.zero_pad(self.size, self.stride)

    def window(self, x: Shape) -> Window:
        return (1, 1), self.stride

    def describe(self) -> str:
        return f"to {self.size}" + (f" s{format_axes(self.stride)}" if self.stride != (1, 1) else "")


ShortcutMode = Literal["identity", "projection", "zero_pad", "auto"]


@register
class Residual(Composite):
    """A residual block (He et al. 2015): a[l+2] = g(z[l+2] + Ws·a[l]), the add before the activation g.

    `shortcut` gives Ws: `identity` (shapes must match), `projection` (a learned 1×1 conv with the body's
    stride, or for vectors a dense matrix, both without bias; `projection_bn` adds batch norm as torchvision
    does), `zero_pad` (fixed: subsample and pad with zeros, no parameters), `auto` (identity when shapes
    match, else projection: torchvision's rule), or a list of layers. `plain: true` drops the shortcut and
    the add, leaving the plain network of the same depth.
    """

    kind = "residual"

    body: Layers = Field(min_length=1)
    shortcut: Annotated[
        ShortcutMode | list[Layer],
        WithJsonSchema({"anyOf": [{"enum": list(get_args(ShortcutMode))}, LAYERS_SCHEMA]}),
    ] = "identity"
    projection_bn: Annotated[bool, Strict()] = False
    act: Act | None = None
    plain: Annotated[bool, Strict()] = False

    @classmethod
    def parse_parts(cls, settings: dict[str, Any], parse: PartParser) -> dict[str, Any]:
        return parse_list_setting(parse_list_setting(settings, "body", parse), "shortcut", parse)

    def own_rows(self) -> int:
        """The add (or a plain block's activation); a custom shortcut's path; a projection or zero padding."""
        if self.plain:
            return 1 if self.act else 0
        return 1 + (isinstance(self.shortcut, list) or self.shortcut in ("projection", "zero_pad"))

    def part_lists(self) -> list[tuple[str, list[Layer]]]:
        shortcut = [("shortcut.", self.shortcut)] if isinstance(self.shortcut, list) else []
        return [("", self.body), *shortcut]

    def walk(self, x: Value, walk: Walk) -> Value:
        z = walk.run(self.body, x)
        if self.plain:
            if self.act:
                return walk.merge("act", f"{self.act.describe()} (plain: no shortcut)", [z], z.shape)
            return z
        if isinstance(self.shortcut, list):
            shortcut = walk.path("shortcut", self.shortcut, x)
            self._check_custom(shortcut.shape, z.shape)
            mode = "custom shortcut"
        else:
            mode, layer = self._shortcut_layer(x.shape, z.shape)
            shortcut = x if layer is None else walk.part(layer, x)  # the identity adds the input itself
        return walk.merge(
            "add", mode + (f", {self.act.describe()}" if self.act else ""), [z, shortcut], z.shape
        )

    def _shortcut_layer(self, x: Shape, z: Shape) -> tuple[str, Layer | None]:
        """The fixed shortcut's mode (`auto` resolved) and its layer (None for the identity)."""
        mode = self.shortcut if isinstance(self.shortcut, str) else "custom"
        if is_tokens(x) and x[:1] != z[:1]:
            raise ShapeError(f"no shortcut changes the number of tokens: {format_shape(x)} in, the body "
                             f"gives {format_shape(z)}", "AC103")  # fmt: skip
        if mode == "auto":
            mode = "identity" if x == z else "projection"
        if mode == "identity" and x != z:
            raise ShapeError(self._mismatch(x, z), "AC103")
        if mode == "projection":
            return mode, self._projection(x, z)
        return mode, self._zero_pad(x, z) if mode == "zero_pad" else None

    def explain(self, x: Shape, y: Shape) -> list[str]:
        g = self.act.describe() if self.act else "identity"
        if self.plain:
            return [f"a[l+2] = {g}(z[l+2]): plain, no shortcut; z[l+2] is {format_shape(y)}"]
        mode = "a list of layers" if isinstance(self.shortcut, list) else self._shortcut_layer(x, y)[0]
        return [f"a[l+2] = {g}(z[l+2] + Ws·a[l]) with Ws = {mode}: a[l] is {format_shape(x)}, z[l+2] is "
                f"{format_shape(y)}"]  # fmt: skip

    def merge_act(self) -> Act | None:
        return self.act

    def merge_is_fresh(self) -> bool:
        """The add makes the sum; a plain block's activation takes the body's output as it is."""
        return not self.plain

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        body = kit.parts(self.body)
        if self.plain:
            return kit.residual(body, None, self.act, add=False)
        if isinstance(self.shortcut, list):
            return kit.residual(
                body, kit.sequence(kit.parts(self.shortcut, "shortcut."), "shortcut."), self.act, add=True
            )
        shortcut = self._shortcut_layer(x, y)[1]
        return kit.residual(body, shortcut and shortcut.to_torch(x, y, kit), self.act, add=True)

    @staticmethod
    def _check_custom(shortcut: Shape, z: Shape) -> None:
        if shortcut != z:
            raise ShapeError(
                f"the shortcut gives {format_shape(shortcut)} but the body gives {format_shape(z)}", "AC103"
            )

    def _projection(self, x: Shape, z: Shape) -> Layer:
        """Ws learned: a 1×1 conv with the stride that maps x onto z, or a dense matrix for vectors."""
        if len(x) < 3 and len(z) == len(x):  # a vector, or tokens: the same matrix for each token
            layer: Layer = Dense(name="shortcut", units=z[-1], bias=False, bn=self.projection_bn)
        else:
            layer = Conv(name="shortcut", filters=z[-1], kernel=1, stride=shortcut_stride(x, z), bias=False,
                         bn=self.projection_bn)  # fmt: skip
        return layer.located(self.source_path, self.via).made_implicitly()

    def _zero_pad(self, x: Shape, z: Shape) -> Layer:
        stride = (1, 1) if len(x) < 3 else shortcut_stride(x, z)
        shortcut = ZeroPad(name="shortcut", size=z[-1], stride=stride)
        return shortcut.located(self.source_path, self.via).made_implicitly()

    def _mismatch(self, x: Shape, z: Shape) -> str:
        """Why the identity cannot be used, and the two fixes with what each costs."""
        fixes = []
        projection = self._projection(x, z)
        params = projection.param_count(x)
        if isinstance(projection, Conv):
            what = f"1×1 conv stride {format_axes(projection.stride)}" + (
                " + batch norm" if self.projection_bn else ""
            )
        else:
            what = f"{z[-1]}×{x[-1]} matrix" + (" + batch norm" if self.projection_bn else "")
        fixes.append(f"'projection' ({what}, {params:,} params)")
        if z[-1] >= x[-1]:
            fixes.append("'zero_pad' (0 params)")
        return f"shortcut {format_shape(x)} vs body {format_shape(z)}: use {' or '.join(fixes)}"

    def describe(self) -> str:
        shortcut = "custom shortcut" if isinstance(self.shortcut, list) else self.shortcut
        text = "plain (no shortcut)" if self.plain else f"+ {shortcut}"
        return text + (f", {self.act.describe()}" if self.act else "")


def shortcut_stride(x: Shape, z: Shape) -> Pair:
    """The stride s with ⌊(n − 1)/s⌋ + 1 = n' on both axes (a 1×1 window without padding), the smallest."""
    if len(x) != len(z):
        raise ShapeError(f"a shortcut cannot turn {format_shape(x)} into {format_shape(z)}", "AC103")
    height, width = (_smallest_stride(n, target) for n, target in zip(x[:2], z[:2], strict=True))
    if height is None or width is None:
        raise ShapeError(f"no stride takes a shortcut from {format_shape(x)} to {format_shape(z)}", "AC103")
    return height, width


def _smallest_stride(n: int, target: int) -> int | None:
    """The smallest s ≥ 1 with ⌊(n − 1)/s⌋ = q, q = n' − 1, or None. In closed form: with m = n − 1,
    ⌊m/s⌋ = q ⟺ m/(q + 1) < s ≤ m/q, so s = ⌊m/(q + 1)⌋ + 1, valid when q = 0 or s ≤ ⌊m/q⌋. A symbolic n
    tries the strides up to 64 instead."""
    if not isinstance(n, int):
        return next((s for s in range(1, 65) if (n - 1) // s + 1 == target), None)
    m, q = n - 1, target - 1
    if not isinstance(q, int) or q < 0:
        return None
    s = m // (q + 1) + 1
    return s if q == 0 or s <= m // q else None
