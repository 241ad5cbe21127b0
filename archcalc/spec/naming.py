"""Names for the layers of a list: those given are kept (and must be unique), the others are named after
their kind or block and rank (conv1, conv2, pool1, …), as the table and torch name them."""

from __future__ import annotations

from archcalc.errors import Problem, Via
from archcalc.layers import Layer


def assign_names(layers: list[Layer], problems: list[Problem], via: Via) -> list[Layer]:
    """Keep the names given; name the others after their kind or block and rank (conv1, conv2, pool1, …)."""
    taken: set[str] = set()
    for layer in layers:
        if layer.name in taken:
            message = f"layer name '{layer.name}' is already used by an earlier layer; names must be unique"
            problems.append(Problem(message, layer.source_path, via=via, code="AC017"))
        if layer.name is not None:
            taken.add(layer.name)
    counts: dict[str, int] = {}
    return [
        layer if layer.name else _renamed(layer, _next_name(layer.naming_base, counts, taken))
        for layer in layers
    ]


def _next_name(base: str, counts: dict[str, int], taken: set[str]) -> str:
    """The first free `base<n>`, counting on from the last one given to this base; marks it taken."""
    while True:
        counts[base] = counts.get(base, 0) + 1
        name = f"{base}{counts[base]}"
        if name not in taken:
            taken.add(name)
            return name


def _renamed(layer: Layer, name: str) -> Layer:
    return layer.replaced(name=name)
