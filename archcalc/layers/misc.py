"""Layers that pass their input's shape through untouched and cost nothing: dropout and identity."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, Strict

from archcalc.layers.base import Layer, register
from archcalc.layers.kit import Module, TorchKit
from archcalc.shapes import Shape


@register
class Dropout(Layer):
    """Zeroes a fraction p of activations in training (torch.nn.Dropout; `channels: true`: Dropout2d)."""

    kind = "dropout"
    shorthand = "p"

    p: Annotated[float, Field(ge=0, le=1)] = 0.5
    channels: Annotated[bool, Strict()] = False

    torch_modules = ("Dropout", "Dropout2d")

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        return cls.written(p=module.p, channels=type(module).__name__ == "Dropout2d")

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.nn.Dropout2d(self.p) if self.channels else kit.nn.Dropout(self.p)

    def describe(self) -> str:
        return f"p={self.p:g}" + (", channels" if self.channels else "")


@register
class Identity(Layer):
    """Passes its input through (torch.nn.Identity): a placeholder that keeps a name in the table."""

    kind = "identity"
    torch_modules = ("Identity",)

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.nn.Identity()
