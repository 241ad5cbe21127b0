"""The field types layer settings share: whole numbers, int-or-pair settings as torch takes them, `from:`
references, a layer's window, and the JSON Schema marks of each."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, Strict, WithJsonSchema

from archcalc.errors import ShapeError

PositiveInt = Annotated[int, Strict(), Field(gt=0)]
NonNegativeInt = Annotated[int, Strict(), Field(ge=0)]


def pair_of(minimum: int) -> Callable[[Any], Any]:
    """A validator for torch's int-or-tuple settings: `3` means 3×3, `[3, 5]` is height × width."""

    def to_pair(value: Any) -> tuple[int, int]:
        items = value if isinstance(value, list | tuple) else [value]
        if len(items) == 1:
            items = items * 2
        if len(items) != 2 or not all(_is_whole(v) and v >= minimum for v in items):
            raise ValueError(
                f"expected a whole number ≥ {minimum} or a [height, width] pair of them, got {value!r}"
            )
        return items[0], items[1]

    return to_pair


def check_groups(groups: int, channels: int) -> None:
    """Channels split into groups (a grouped conv, group norm, a channel shuffle): `groups` divides nC."""
    if channels % groups:
        raise ShapeError(f"groups {groups} must divide its {channels} input channels", "AC105")


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


WHOLE: Literal["whole"] = "whole"
Window = tuple[tuple[int, int], tuple[int | Fraction, int | Fraction]] | Literal["whole"] | None
"""(effective kernel, stride) per axis; a stride below 1 (a Fraction) for layers that upsample."""

PAIR_SCHEMA = {"anyOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}, "minItems": 2,
                                                 "maxItems": 2}]}  # fmt: skip
"""How a pair is written in YAML (for `archcalc schema`): 3, or [3, 5]."""


def references(value: Any) -> Any:
    """`from: conv3`, `from: -2` or `from: [-1, conv3]` → a tuple of names and negative indices."""
    if value is None:
        return None
    items = value if isinstance(value, list | tuple) else [value]
    for item in items:
        whole = isinstance(item, int) and not isinstance(item, bool)
        if not ((isinstance(item, str) and item) or (whole and item < 0)):
            raise ValueError(f"expected layer names or negative indices (-1: the layer before), got {item!r}")
    if not items:
        raise ValueError("expected at least one layer name or negative index")
    return tuple(items)


NAME_OR_INDEX = {"type": ["string", "integer"]}
REFERENCES_SCHEMA = {"anyOf": [NAME_OR_INDEX, {"type": "array", "items": NAME_OR_INDEX}]}
LAYERS_SCHEMA = {"x-archcalc": "layers"}
"""A list of layers, wherever one nests: archcalc.spec.schema turns this mark into a reference."""

PositivePair = Annotated[tuple[int, int], BeforeValidator(pair_of(1)), WithJsonSchema(PAIR_SCHEMA)]
NonNegativePair = Annotated[tuple[int, int], BeforeValidator(pair_of(0)), WithJsonSchema(PAIR_SCHEMA)]
