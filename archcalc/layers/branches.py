"""Parallel paths from one input, merged by channel concatenation (Inception) or by addition."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import WithJsonSchema

from archcalc.errors import ShapeError
from archcalc.layers.activation import Act
from archcalc.layers.base import Layer, register
from archcalc.layers.composite import Composite, PartParser, Value, Walk
from archcalc.layers.fields import LAYERS_SCHEMA
from archcalc.layers.kit import Module, TorchKit
from archcalc.layers.merge import refuse_tokens
from archcalc.shapes import Shape, format_shape


@register
class Branches(Composite):
    """Paths that all take the same input; `merge: concat` stacks their channels (every nH×nW must agree,
    nC' = the sum), `merge: add` adds them (every shape must agree). An empty path passes the input on.

    `paths` is a list (named branch1, branch2, … as in torchvision's Inception) or a mapping of named paths.
    """

    kind = "branches"

    paths: Annotated[
        dict[str, list[Layer]],
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "array", "items": LAYERS_SCHEMA},
                    {"type": "object", "additionalProperties": LAYERS_SCHEMA},
                ]
            }
        ),
    ]
    merge: Literal["concat", "add"] = "concat"
    act: Act | None = None

    @classmethod
    def parse_parts(cls, settings: dict[str, Any], parse: PartParser) -> dict[str, Any]:
        paths = settings.get("paths")
        if isinstance(paths, list):
            paths = {
                f"branch{index + 1}": parse(items, ("paths", index)) for index, items in enumerate(paths)
            }
        elif isinstance(paths, dict):
            paths = {str(key): parse(items, ("paths", key)) for key, items in paths.items()}
        return settings | {"paths": paths} if paths is not None else settings

    def walk(self, x: Value, walk: Walk) -> Value:
        if not self.paths:
            raise ShapeError("needs at least one path")
        ends = {name: walk.path(name, layers, x) for name, layers in self.paths.items()}
        outputs = {name: end.shape for name, end in ends.items()}
        y = self._concat(outputs) if self.merge == "concat" else self._add(outputs)
        return walk.merge(self.merge, self.describe(), list(ends.values()), y, x=x.shape)

    def explain(self, x: Shape, y: Shape) -> list[str]:
        how = "stacked along the channels" if self.merge == "concat" else "added"
        paths = f"{len(self.paths)} paths ({', '.join(self.paths)})"
        return [f"{paths} from {format_shape(x)}, {how}: {format_shape(y)}"]

    def own_rows(self) -> int:
        """The merge and a row per path."""
        return 1 + len(self.paths)

    def part_lists(self) -> list[tuple[str, list[Layer]]]:
        return [(f"{name}.", layers) for name, layers in self.paths.items()]

    def merge_act(self) -> Act | None:
        return self.act

    def merge_is_fresh(self) -> bool:
        """A concat, or a sum of two paths or more; a lone added path's output is passed on as it is."""
        return self.merge == "concat" or len(self.paths) > 1

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        paths = {
            name: kit.sequence(kit.parts(layers, f"{name}."), f"{name}.")
            for name, layers in self.paths.items()
        }
        return kit.branches(paths, self.merge, self.act, fresh=self.merge_is_fresh())

    @staticmethod
    def _concat(outputs: dict[str, Shape]) -> Shape:
        (first, reference), *others = outputs.items()
        refuse_tokens(list(outputs.values()))
        for name, shape in others:
            if len(shape) != len(reference) or shape[:-1] != reference[:-1]:
                raise ShapeError(
                    f"concat needs equal nH×nW: branch '{name}' gives {format_shape(shape)} "
                    f"but '{first}' gives {format_shape(reference)}",
                    "AC104",
                )
        return (*reference[:-1], sum(shape[-1] for shape in outputs.values()))

    @staticmethod
    def _add(outputs: dict[str, Shape]) -> Shape:
        (first, reference), *others = outputs.items()
        for name, shape in others:
            if shape != reference:
                raise ShapeError(
                    f"add needs equal shapes: branch '{name}' gives {format_shape(shape)} "
                    f"but '{first}' gives {format_shape(reference)}",
                    "AC104",
                )
        return reference

    def describe(self) -> str:
        return f"{len(self.paths)} paths" + (f", {self.act.describe()}" if self.act else "")
