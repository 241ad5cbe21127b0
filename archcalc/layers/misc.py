"""Layers that pass their input's shape through untouched: dropout, stochastic depth, identity and a
channel shuffle (free), layer scale (nC parameters, no MACs)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, Strict

from archcalc.errors import ShapeError
from archcalc.layers.base import Layer, register
from archcalc.layers.fields import PositiveInt, check_groups
from archcalc.layers.kit import Module, TorchKit
from archcalc.layers.saving import NOTHING, Saved
from archcalc.shapes import Shape, as_volume, describe_shape, numel


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

    def output_shape(self, x: Shape) -> Shape:
        if self.channels and len(x) != 3:
            raise ShapeError(f"'channels: true' drops whole channels of a volume; {describe_shape(x)} has no "
                             "planes to drop: remove it")  # fmt: skip
        return x

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.nn.Dropout2d(self.p) if self.channels else kit.nn.Dropout(self.p)

    def describe(self) -> str:
        return f"p={self.p:g}" + (", channels" if self.channels else "")

    def saved(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> Saved:
        """The scaled keep-mask it multiplied by (a value per element, per channel with `channels`), in the
        activation dtype: torch's CPU dropout is input × mask (CUDA's fused kernel keeps 1 byte each)."""
        if self.is_view():
            return NOTHING
        return Saved(new=x[-1] if self.channels else numel(x))

    def is_view(self) -> bool:
        """With p = 0 torch returns its input as it is."""
        return self.p == 0


@register
class Identity(Layer):
    """Passes its input through (torch.nn.Identity): a placeholder that keeps a name in the table."""

    kind = "identity"
    torch_modules = ("Identity",)

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.nn.Identity()

    def is_view(self) -> bool:
        return True


@register
class LayerScale(Layer):
    """A learned scale per channel, y = γ ⊙ x (ConvNeXt's and CaiT's layer scale): nC parameters, no MACs
    (an elementwise product, as batch norm's γ). `init` is γ's first value in torch (torchvision: 1e-6)."""

    kind = "layer_scale"

    init: Annotated[float, Field(gt=0)] = 1e-6

    def param_count(self, x: Shape) -> int:
        return x[-1]

    def explain(self, x: Shape, y: Shape) -> list[str]:
        return [f"shape unchanged; params = nC = {x[-1]:,} (one γ per channel); MACs = 0"]

    torch_modules = ("LayerScale",)

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        return cls.written() if module.gamma.numel() == x[-1] else None

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.layer_scale(x[-1], self.init, volume=len(x) == 3)

    def saved(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> Saved:
        """x, for γ's gradient (∂L/∂γ = Σ ∂L/∂y·x), where γ is trained."""
        return Saved(input=weights)


@register
class ChannelShuffle(Layer):
    """The channels of a volume regrouped (ShuffleNet, torch.nn.ChannelShuffle): nC = g·k channels read as a
    g×k grid and written k×g, so that the next grouped conv mixes the groups. No parameters, no MACs."""

    kind = "channel_shuffle"
    shorthand = "groups"

    groups: PositiveInt

    def output_shape(self, x: Shape) -> Shape:
        volume = as_volume(x)
        check_groups(self.groups, volume[2])
        return volume

    def describe(self) -> str:
        return f"{self.groups} groups"

    torch_modules = ("ChannelShuffle",)

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        return cls.written(groups=module.groups)

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.nn.ChannelShuffle(self.groups)


@register
class DropPath(Layer):
    """Stochastic depth (Huang et al. 2016; timm's DropPath, torchvision's StochasticDepth, row mode): in
    training, a residual branch dropped for a sample with probability p; at inference the identity. No
    parameters, no MACs."""

    kind = "drop_path"
    aliases = ("stochastic_depth",)
    shorthand = "p"

    p: Annotated[float, Field(ge=0, le=1)] = 0.1

    def describe(self) -> str:
        return f"p={self.p:g}"

    torch_modules = ("DropPath", "StochasticDepth")

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        if getattr(module, "mode", "row") != "row":
            return None  # torchvision's "batch" mode drops the whole batch: not this kind
        return cls.written(p=getattr(module, "p", getattr(module, "drop_prob", None)))

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.drop_path(self.p)

    def saved(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> Saved:
        """Each sample's keep-or-drop factor (one fp32 value)."""
        return Saved(fp32=1) if self.p else NOTHING

    def is_view(self) -> bool:
        return not self.p
