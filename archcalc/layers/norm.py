"""Normalisation layers: batch norm and layer norm (learned scale and shift per channel), AlexNet's LRN."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, Strict

from archcalc.errors import ShapeError
from archcalc.layers.base import Layer, register
from archcalc.layers.fields import PositiveInt, check_groups
from archcalc.layers.kit import Module, TorchKit
from archcalc.layers.saving import Saved
from archcalc.shapes import Shape, as_volume, describe_shape, is_tokens, numel


def batchnorm_params(channels: int) -> int:
    """γ and β per channel: 2·nC parameters (the running mean and variance are buffers, not parameters)."""
    return 2 * channels


def over_channels(x: Shape, what: str, torch_class: str) -> Shape:
    """`x`, normalised over its channels: a volume or a vector. Of N×D tokens, torch's norms over axis 1
    would take each token's position for a channel: refused, pointing to layer norm."""
    if is_tokens(x):
        raise ShapeError(f"{what} of {describe_shape(x)} would take each token position for a channel "
                         f"(torch's {torch_class}); use '- layernorm'")  # fmt: skip
    return x


class AffineNorm(Layer):
    """What batch, layer and group norm share: with `affine`, a learned γ and β per channel (2·nC params, what
    other tools add to MACs as normalisation: `norm_params`), and torch's `eps`."""

    affine: Annotated[bool, Strict()] = True
    eps: Annotated[float, Field(gt=0)] = 1e-5

    def param_count(self, x: Shape) -> int:
        return batchnorm_params(x[-1]) if self.affine else 0

    def norm_params(self, x: Shape) -> int:
        return self.param_count(x)


@register
class BatchNorm(AffineNorm):
    """Batch normalisation over the last axis (channels), as torch.nn.BatchNorm2d / BatchNorm1d."""

    kind = "batchnorm"
    aliases = ("bn",)

    momentum: Annotated[float, Field(ge=0, le=1)] = 0.1

    def output_shape(self, x: Shape) -> Shape:
        return over_channels(x, "batch norm", "BatchNorm1d")

    def buffer_count(self, x: Shape) -> int:
        return 2 * x[-1]

    def explain(self, x: Shape, y: Shape) -> list[str]:
        if not self.affine:
            return [f"shape unchanged; no parameters (affine: false); buffers = 2·{x[-1]} = {2 * x[-1]:,}"]
        return [f"shape unchanged; params = 2·{x[-1]} (γ, β) = {self.param_count(x):,}; "
                f"buffers = 2·{x[-1]} (running mean, variance); MACs = 0"]  # fmt: skip

    torch_modules = ("BatchNorm2d", "BatchNorm1d")

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        """Batch norm with running statistics (without them torch keeps no buffers: not this kind)."""
        if not module.track_running_stats or module.momentum is None:
            return None
        return cls.written(eps=module.eps, momentum=module.momentum, affine=module.affine)

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        norm = kit.nn.BatchNorm2d if len(x) == 3 else kit.nn.BatchNorm1d
        return norm(x[-1], self.eps, self.momentum, self.affine)

    def saved(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> Saved:
        """Its input, and the batch's mean and 1/σ per channel."""
        return Saved(input=True, per_batch=2 * x[-1])


@register
class LayerNorm(AffineNorm):
    """Layer normalisation over the channels: at each position of a volume (torchvision's LayerNorm2d, as
    ConvNeXt normalises), or over a vector (torch.nn.LayerNorm). params = 2·nC (γ, β) with `affine`; no
    buffers (statistics are the sample's own) and no MACs (normalising, as batch norm)."""

    kind = "layernorm"
    aliases = ("layer_norm",)

    def explain(self, x: Shape, y: Shape) -> list[str]:
        where = {1: "over the vector", 2: "at each of the N tokens"}.get(
            len(x), "at each of the nH·nW positions"
        )
        params = f"params = 2·{x[-1]} (γ, β) = {self.param_count(x):,}" if self.affine else "no parameters"
        return [f"shape unchanged; the {x[-1]} channels normalised {where}; {params}; MACs = 0"]

    torch_modules = ("LayerNorm", "LayerNorm2d")

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        """Over the channels only: torch.nn.LayerNorm of a vector or tokens, LayerNorm2d of a volume (an
        nn.LayerNorm on an NCHW volume would normalise its rows: not this kind)."""
        over_channels = len(x) < 3 or type(module).__name__ == "LayerNorm2d"
        if not over_channels or tuple(module.normalized_shape) != (x[-1],):
            return None
        return cls.written(eps=module.eps, affine=module.elementwise_affine)

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.layer_norm(x[-1], self.eps, self.affine, volume=len(x) == 3)

    def saved(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> Saved:
        """Its input (of a volume, the channels-last view of it: the same storage), and the mean and 1/σ of
        every position (fp32)."""
        return Saved(input=True, fp32=2 * (numel(x) // x[-1]))


@register
class GroupNorm(AffineNorm):
    """Group normalisation (Wu & He 2018, torch.nn.GroupNorm): the channels in `groups` groups, each
    normalised over its channels and positions. params = 2·nC (γ, β) with `affine`; no buffers, no MACs."""

    kind = "groupnorm"
    aliases = ("group_norm",)
    shorthand = "groups"

    groups: PositiveInt

    def output_shape(self, x: Shape) -> Shape:
        check_groups(self.groups, x[-1])
        return over_channels(x, "group norm", "GroupNorm")

    def describe(self) -> str:
        return f"{self.groups} groups"

    torch_modules = ("GroupNorm",)

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        if module.num_channels != x[-1]:
            return None
        return cls.written(groups=module.num_groups, eps=module.eps, affine=module.affine)

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.nn.GroupNorm(self.groups, x[-1], self.eps, self.affine)

    def saved(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> Saved:
        """Its input, and each group's mean and 1/σ (fp32)."""
        return Saved(input=True, fp32=2 * self.groups)


@register
class LRN(Layer):
    """Local response normalisation across channels (AlexNet, 2012), as torch.nn.LocalResponseNorm.

    No parameters. Defaults are torch's; the AlexNet paper used size 5, alpha 1e-4, beta 0.75, k 2.
    """

    kind = "lrn"

    size: PositiveInt = 5
    alpha: float = 1e-4
    beta: float = 0.75
    k: float = 1.0

    def output_shape(self, x: Shape) -> Shape:
        """Normalises across the channels of a volume (torch refuses a vector)."""
        return as_volume(x)

    torch_modules = ("LocalResponseNorm",)

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        return cls.written(size=module.size, alpha=module.alpha, beta=module.beta, k=module.k)

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.nn.LocalResponseNorm(self.size, self.alpha, self.beta, self.k)

    def describe(self) -> str:
        return f"size {self.size}"

    def saved(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> Saved:
        """torch computes x / (k + α·avg(x²))^β from ops each keeping what its gradient needs: x, the
        squares padded by size − 1 channels (the pool's input), the sum before the power and the power."""
        height, width, channels = x
        return Saved(input=True, new=(channels + self.size - 1) * height * width + 2 * numel(x))
