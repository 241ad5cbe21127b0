"""Layers made of layers. The engine walks their parts; each composite says how its parts connect."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pydantic import Field

from archcalc.errors import DocPath
from archcalc.layers.base import Layer, Layers, marks, register
from archcalc.layers.kit import Module, TorchKit
from archcalc.layers.saving import NOTHING, Saved
from archcalc.shapes import Shape, format_shape

if TYPE_CHECKING:
    from archcalc.layers.activation import Act

PartParser = Callable[[Any, DocPath], list[Layer]]
"""Parses a list of layer items found at a path relative to the composite's settings, e.g. ("body",)."""


class Value(Protocol):
    """A value flowing through the network while the engine walks it: its shape, and (for the engine only)
    which node made it. Composites pass values on; they read only the shape."""

    @property
    def shape(self) -> Shape: ...


class Walk(Protocol):
    """What the engine offers a composite while walking it (rows are named under the composite's name)."""

    def run(self, layers: Sequence[Layer], x: Value, scope: str = "") -> Value:
        """Carry `x` through `layers`, their rows named `<composite>.<scope><layer>`; their output."""
        ...

    def path(self, name: str, layers: Sequence[Layer], x: Value) -> Value:
        """Carry `x` through `layers` as a named path with a row of its own (`<composite>.<name>.<layer>`)."""
        ...

    def part(self, layer: Layer, x: Value) -> Value:
        """Measure a layer the composite builds itself (a projection shortcut) on `x`; its output."""
        ...

    def merge(
        self, name: str, summary: str, inputs: Sequence[Value], y: Shape, x: Shape | None = None
    ) -> Value:
        """Where `inputs` join (an add, a concat, a plain block's activation): a cost-free row of output `y`,
        whose input shape shown is `x` (default: the first input's)."""
        ...


class Composite(Layer):
    """A layer whose parts are layers. Its own row in the table adds up the rows of its parts."""

    keeps_input: ClassVar[bool] = True
    """Whether its torch module holds its input until it returns (a residual adds it at the end), as the
    memory model needs to know; a sequence lets it go after its first part."""

    @classmethod
    def parse_parts(cls, settings: dict[str, Any], parse: PartParser) -> dict[str, Any]:
        """Settings with every list of layer items replaced by parsed layers (the parser calls this)."""
        return settings

    def walk(self, x: Value, walk: Walk) -> Value:
        """Carry `x` through the parts with `walk`; the composite's output."""
        raise NotImplementedError

    def own_rows(self) -> int:
        """The rows it adds beside its parts' (its merge, its paths, a shortcut archcalc adds), at least:
        what the parser counts against the layer limit before any shape is known."""
        return 0

    def part_lists(self) -> list[tuple[str, list[Layer]]]:
        """The lists of layers written inside this one, each in order and with the scope its rows are named
        in (`shortcut.`, a path's `name.`); every list takes the composite's input."""
        raise NotImplementedError

    def merge_act(self) -> Act | None:
        """The activation applied where its parts join (none by default)."""
        return None

    def merge_is_fresh(self) -> bool:
        """Whether its merge makes a new tensor (a sum of two or more, a concat), which its torch module's
        activation overwrites in place, rather than passing a part's output on as it is."""
        return True

    def merge_saved(self, y: Shape) -> Saved:
        """What its merge (an add, a concat, a plain block's activation) keeps for the backward pass: only
        what its activation keeps (an add or a concat keeps nothing), in place on a fresh tensor or out of
        place on a part's output."""
        act = self.merge_act()
        if act is None:
            return NOTHING
        if self.merge_is_fresh():
            return act.saved_after(y, inplace=True)
        return act.saved(y, y, weights=False, inputs=True)

    def summary(self) -> str:
        """The block use it came from (`basic(width=64, stride=2)`), else its settings; parts show theirs."""
        return marks(self)["_label"] or self.describe()


def parse_list_setting(settings: dict[str, Any], key: str, parse: PartParser) -> dict[str, Any]:
    """`settings` with `settings[key]` parsed as layers when it is a list (else left for validation)."""
    value = settings.get(key)
    return settings | {key: parse(value, (key,))} if isinstance(value, list) else settings


@register
class Sequential(Composite):
    """Layers in a row under one name (`- sequential: {name: features, layers: […]}`), like nn.Sequential.

    A block used with `repeat:` is one too: its copies are named 0, 1, … as torch names them.
    """

    kind = "sequential"
    aliases = ("seq",)
    keeps_input = False
    shorthand = "layers"

    layers: Layers = Field(min_length=1)

    @classmethod
    def parse_parts(cls, settings: dict[str, Any], parse: PartParser) -> dict[str, Any]:
        return parse_list_setting(settings, "layers", parse)

    def walk(self, x: Value, walk: Walk) -> Value:
        return walk.run(self.layers, x)

    def part_lists(self) -> list[tuple[str, list[Layer]]]:
        return [("", self.layers)]

    def explain(self, x: Shape, y: Shape) -> list[str]:
        return [f"{len(self.layers)} layers in a row: {format_shape(x)} → {format_shape(y)}"]

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.sequence(kit.parts(self.layers))

    def describe(self) -> str:
        return f"{len(self.layers)} layers"


class SizedBlock(Composite):
    """A use of a block whose layers read the size of its input (`filters: nC * t`, `units: nC // 2`): its
    layers are made when the walk reaches it, for the shape it is given, by `expand` (the spec's parser,
    which binds nH, nW, nC and reports the problems of that shape at their place in the file). Not written
    by users: the parser makes it, and it is a sequence in the table and in torch."""

    kind = "sequential"
    keeps_input = False

    expand: Callable[[Shape], list[Layer]] = Field(exclude=True, repr=False)
    size: int = Field(ge=1, exclude=True)
    """How many layers the block writes (the rows it makes, at least)."""

    def resolved(self, x: Shape) -> Layer:
        if self.size > 1:
            return self
        made = self.expand(x)[0]
        return made.replaced(name=self.name).labelled(self.naming_base, self.summary())

    def walk(self, x: Value, walk: Walk) -> Value:
        return walk.run(self.expand(x.shape), x)

    def own_rows(self) -> int:
        return self.size

    def part_lists(self) -> list[tuple[str, list[Layer]]]:
        return []  # known once a shape is: the engine's graph holds them

    def explain(self, x: Shape, y: Shape) -> list[str]:
        return [f"{self.size} layers in a row, sized by the input {format_shape(x)}: {format_shape(y)}"]

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        if self.size == 1:
            return self.resolved(x).to_torch(x, y, kit)
        return kit.sequence(kit.parts(self.expand(x)))

    def describe(self) -> str:
        return f"{self.size} layers"
