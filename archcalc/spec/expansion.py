"""How many layers a spec will expand to, at the least, told before any of it is parsed.

Blocks that use blocks multiply: forty blocks that each use the previous one twice stand for 2⁴⁰ layers in a
few hundred bytes. Parsing counts every layer it makes and stops at the limit, but reaching even the limit
that way takes seconds; this count takes milliseconds, reading only the items as written: a block use counts
its body's layers times a written `repeat:`, a composite its parts (found through the kind's own
`parse_parts`). A `repeat:` given by an expression counts once, so the figure is a lower bound and never
refuses a spec that fits.
"""

from __future__ import annotations

from typing import Any

from archcalc.layers import LAYER_KINDS
from archcalc.layers.composite import Composite
from archcalc.limits import limits
from archcalc.spec.blocks import Block


def minimum_layers(items: Any, blocks: dict[str, Block]) -> int:
    """At least how many layers the list `items` expands to (0 for what is not a list of layers)."""
    return _Counter(blocks).items(items, depth=0)


class _Counter:
    def __init__(self, blocks: dict[str, Block]) -> None:
        self.blocks = blocks
        self.sizes: dict[str, int] = {}

    def items(self, items: Any, depth: int) -> int:
        if not isinstance(items, list) or depth > limits().nesting:
            return 0  # deeper than the parser goes: it refuses the spec itself
        return sum(self.item(item, depth) for item in items)

    def item(self, item: Any, depth: int) -> int:
        kind, settings = (item, None) if isinstance(item, str) else _only_entry(item)
        if kind in self.blocks:
            repeat = settings.get("repeat") if isinstance(settings, dict) else None
            copies = repeat if type(repeat) is int and repeat > 0 else 1
            return copies * self.block(kind, depth + 1)
        layer_class = LAYER_KINDS.get(kind or "")
        if layer_class is None or not issubclass(layer_class, Composite) or not isinstance(settings, dict):
            return 1
        parts: list[int] = []

        def count(inner: Any, _: Any) -> list[Any]:
            parts.append(self.items(inner, depth + 1))
            return []

        layer_class.parse_parts(settings, count)
        return 1 + sum(parts)

    def block(self, name: str, depth: int) -> int:
        if name not in self.sizes:
            self.sizes[name] = 0  # a block that uses itself counts nothing more (the parser refuses it)
            self.sizes[name] = self.items(self.blocks[name].body, depth)
        return self.sizes[name]


def _only_entry(item: Any) -> tuple[str | None, Any]:
    if isinstance(item, dict) and len(item) == 1:
        kind, settings = next(iter(item.items()))
        return str(kind), settings
    return None, None
