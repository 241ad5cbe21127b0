"""What a lint rule looks at: the spec, the engine's report, and the written layers behind its rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

from archcalc.layers import LAYER_KINDS, Layer
from archcalc.report import LayerRow, Report
from archcalc.shapes import Tiling
from archcalc.spec.blocks import Block, parse_blocks
from archcalc.spec.model import Spec


@dataclass
class Context:
    spec: Spec
    report: Report

    @cached_property
    def layers(self) -> dict[str, Layer]:
        """The layers written in the spec (or its blocks) by row name; those archcalc added are left out."""
        assert self.report.graph is not None
        return {node.name: node.layer for node in self.report.graph
                if node.layer is not None and not node.layer.implicit}  # fmt: skip

    @cached_property
    def rows(self) -> dict[str, LayerRow]:
        return {row.name: row for row in self.report.rows}

    def lists(self) -> Iterator[list[Layer]]:
        """Every list of layers as the walk made it: the top level, and those inside composites and paths
        (a block sized by its input included)."""
        assert self.report.graph is not None
        for node in (self.report.graph.root, *self.report.graph):
            for nodes in node.lists.values():
                yield [part.layer for part in nodes if part.layer is not None]

    @cached_property
    def neighbours(self) -> list[tuple[Layer, Layer]]:
        """Each layer with the one written right after it in the same list, each pair once: the copies of a
        `repeat:` share their layers, and what a rule says of a pair depends on its layers only."""
        pairs = {(id(first), id(second)): (first, second)
                 for layers in self.lists() for first, second in pairwise(layers)}  # fmt: skip
        return list(pairs.values())

    @cached_property
    def tilings(self) -> list[tuple[str, Layer, Tiling]]:
        """Every written layer with a sliding window, and how that window covers the layer's input: worked
        out once per layer and input (the copies of a `repeat:` share both)."""
        found, known = [], {}
        for name, layer in self.layers.items():
            x = self.rows[name].input
            key = (id(layer), x)
            if key not in known:
                known[key] = layer.tiling(x)
            tiling = known[key]
            if tiling:
                found.append((name, layer, tiling))
        return found

    @cached_property
    def blocks(self) -> dict[str, Block]:
        """The spec's block definitions, read once for the rules that look at them."""
        return parse_blocks(self.spec.blocks, set(LAYER_KINDS))[0]

    @cached_property
    def used_blocks(self) -> set[str]:
        return {layer.block for layers in self.lists() for layer in layers if layer.block}
