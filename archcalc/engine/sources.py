"""What the walk carries from layer to layer, and where a layer's `from:` finds what it reads."""

from __future__ import annotations

from dataclasses import dataclass

from archcalc.errors import ShapeError, suggest
from archcalc.graph import Node
from archcalc.layers import Layer
from archcalc.shapes import Shape


@dataclass(frozen=True, slots=True)
class Carried:
    """A value while the walk carries it: its shape and the node that made it."""

    shape: Shape
    node: Node


class Earlier:
    """The layers a list has walked so far, for `from:`: by relative index (-1 the one before, the list's
    own input when there is none), or by name — a layer of this list, else of the lists around it (those
    before the composite being walked) — followed by a dotted path into it (`backbone.stage4`)."""

    def __init__(self, start: Carried, outer: Earlier | None) -> None:
        self.start, self.outer = start, outer
        self.named: list[tuple[str, Carried]] = []

    def add(self, name: str, value: Carried) -> None:
        self.named.append((name, value))

    def inputs(self, layer: Layer, previous: Carried) -> Carried | list[Carried]:
        if not layer.sources:
            return previous
        return [self._one(source) for source in layer.sources]

    def _one(self, source: str | int) -> Carried:
        if isinstance(source, int):
            back = -source
            if back > len(self.named) + 1:
                raise ShapeError(f"from: {source} reaches before the start of its list ({len(self.named)} "
                                 "earlier layers)", "AC106")  # fmt: skip
            return self.named[-back][1] if back <= len(self.named) else self.start
        head, *path = source.split(".")
        found = self._named(head)
        if found is None:
            names = self.visible()
            known = ", ".join(names[-8:]) or "none"
            raise ShapeError(f"from: no earlier layer '{head}'{suggest(head, names)} (earlier layers: "
                             f"{known}; a name must come before the layer that reads it)",
                             "AC106")  # fmt: skip
        return _inside(found, path, source) if path else found

    def _named(self, name: str) -> Carried | None:
        found = [value for known, value in self.named if known == name]
        return found[-1] if found else self.outer._named(name) if self.outer else None

    def visible(self) -> list[str]:
        """The names `from:` can start with here, the nearest last."""
        return [*(self.outer.visible() if self.outer else []), *(name for name, _ in self.named)]


def _inside(value: Carried, path: list[str], source: str) -> Carried:
    """The part `path` (`stage4`, `stage4.3.conv1`) of a container already walked, by its parts' names."""
    node = value.node
    for step in path:
        parts = {part.name.removeprefix(f"{node.name}."): part
                 for nodes in node.lists.values() for part in nodes}  # fmt: skip
        if step not in parts:
            have = ", ".join(list(parts)[:12]) or "none: it is a single layer"
            raise ShapeError(f"from: '{source}': {node.name} has no part '{step}'"
                             f"{suggest(step, list(parts))} (its parts: {have})", "AC106")  # fmt: skip
        node = parts[step]
    return Carried(node.row.output, node)
