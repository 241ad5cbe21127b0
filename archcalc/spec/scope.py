"""What parsing a spec's layers carries along: the scope it is in (block arguments, the uses that led there,
the blocks open), one use of a block, how parsing stops (an item rejected, a limit exhausted), and how many
rows a parsed layer stands for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from archcalc.errors import DocPath, Problem, Via
from archcalc.layers import Layer
from archcalc.layers.composite import Composite
from archcalc.spec.blocks import Block
from archcalc.spec.expr import Env

Fail = Callable[[list[Problem]], Exception]
"""Makes the exception that reports problems at their place in the spec's file (SourceMap.error)."""


@dataclass(frozen=True)
class Scope:
    """Where parsing is: the block arguments in force, the block uses that led here, the blocks open."""

    env: Env = field(default_factory=dict)
    via: Via = ()
    open_blocks: tuple[str, ...] = ()
    depth: int = 0
    """Composites and block uses around this list."""

    def inside(self) -> Scope:
        return replace(self, depth=self.depth + 1)


class Rejected(Exception):
    """An item could not be parsed; its problems are already recorded."""


class Exhausted(Exception):
    """The spec expands beyond archcalc.limits (layers, nesting): parsing stops at once, whatever is left."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def expanded_rows(layer: Layer) -> int:
    """The rows `layer` stands for once expanded: itself, and for every composite within it its parts and
    the rows it adds (merges, paths, shortcuts)."""
    total, pending = 0, [layer]
    while pending:
        item = pending.pop()
        total += 1
        if isinstance(item, Composite):
            total += item.own_rows()
            pending.extend(part for _, parts in item.part_lists() for part in parts)
    return total


@dataclass(frozen=True)
class Use:
    """One use of a block: `- bottleneck: {width: 64, repeat: 3}` at `path` (its settings at `where`)."""

    block: Block
    arguments: dict[str, Any]
    path: DocPath
    where: DocPath
    scope: Scope
