"""What a layer kind needs to build itself in torch, handed to `Layer.to_torch` by the torch backend.

Layer kinds never import torch: they receive this kit (torch.nn, plus the few modules archcalc adds), so
that each kind's torch construction sits next to its shape rule while torch stays an optional import.
Shapes stay nH×nW×nC here; the modules themselves work in torch's NCHW.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from archcalc.shapes import Pair

if TYPE_CHECKING:
    from archcalc.layers.activation import Act
    from archcalc.layers.base import Layer

Module = Any
"""A torch.nn.Module (typed loosely: torch is not imported outside archcalc.backends)."""


class TorchKit(Protocol):
    nn: Any
    """torch.nn itself."""
    transformer: Any
    """archcalc.backends.transformer: the modules for tokens (patch embedding, class token, position
    embedding, attention, token pooling) and for a Linear at every position."""

    def parts(self, layers: Sequence[Layer], scope: str = "") -> list[tuple[str, Module]]:
        """Build `layers` (the parts of the layer being built), named as in the table."""
        ...

    def fused(self, core: Module, bn: Module | None, act: Act | None, tokens: bool = False) -> Module:
        """`core`, or core → batch norm → activation as one module with children core, bn, act (`tokens`:
        core makes tokens, whose softmax is over the last axis)."""
        ...

    def sequence(self, parts: list[tuple[str, Module]], scope: str = "") -> Module:
        """The parts of the list `scope` in order (wired as the engine's graph says, for `from:`)."""
        ...

    def residual(
        self, body: list[tuple[str, Module]], shortcut: Module | None, act: Act | None, add: bool
    ) -> Module:
        """act(body(x) + shortcut(x)); shortcut None is the identity; add False drops the shortcut (plain)."""
        ...

    def branches(self, paths: Mapping[str, Module], merge: str, act: Act | None, fresh: bool) -> Module:
        """The paths joined by `merge`, then `act`, in place where the merge made a `fresh` tensor."""
        ...

    def zero_pad(self, size: int, stride: Pair) -> Module: ...

    def layer_norm(self, channels: int, eps: float, affine: bool, volume: bool) -> Module:
        """torch.nn.LayerNorm over a vector; over the channels at each position of a volume."""
        ...

    def layer_scale(self, channels: int, init: float, volume: bool) -> Module:
        """γ ⊙ x with one learned γ per channel, all first `init`."""
        ...

    def drop_path(self, p: float) -> Module:
        """Stochastic depth: in training each sample dropped with probability p (rescaled), else itself."""
        ...

    def merge(self, how: str) -> Module:
        """Joins its inputs: `concat` (channels), `add` or `mul` (elementwise, broadcasting 1×1×nC)."""
        ...

    def crop(self, box: tuple[int, int, int, int]) -> Module:
        """Keeps rows top…top + height − 1 and columns left…left + width − 1 of the plane; the box is
        (top, height, left, width)."""
        ...
