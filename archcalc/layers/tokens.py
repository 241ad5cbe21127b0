"""Sequences of tokens, a transformer's N×D: cutting an image into patch tokens, the class token, learned
position embeddings, and pooling the tokens back into a vector."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Strict

from archcalc.layers.base import Layer, register
from archcalc.layers.conv import Conv
from archcalc.layers.fields import WHOLE, PositiveInt, PositivePair, Window
from archcalc.layers.kit import Module, TorchKit
from archcalc.layers.saving import Saved
from archcalc.shapes import Shape, Tiling, as_tokens, explain_window, format_shape, numel


@register
class PatchEmbed(Layer):
    """A ViT's patch embedding: the image cut into P×P patches, each projected to D values by a conv of D
    filters with kernel = stride = P, whose nH'×nW' positions are read row by row as N = nH'·nW' tokens
    (torch: Conv2d, then `flatten(2).transpose(1, 2)`).

    nH' = ⌊(nH − P)/P⌋ + 1, likewise nW';   params = (P·P·nC + 1 if bias)·D;   MACs = N·D·P·P·nC.
    """

    kind = "patch_embed"

    dim: PositiveInt
    """D, the width of each token (ViT-B: 768)."""
    patch: PositivePair
    bias: Annotated[bool, Strict()] = True

    @property
    def width(self) -> int:
        return self.dim

    def projection(self) -> Conv:
        """The conv that projects each patch: D filters of P×P×nC, stride P."""
        return Conv(filters=self.dim, kernel=self.patch, stride=self.patch, bias=self.bias)

    def output_shape(self, x: Shape) -> Shape:
        height, width, _ = self.projection().output_shape(x)
        return (height * width, self.dim)

    def window(self, x: Shape) -> Window:
        return self.projection().window(x)

    def tiling(self, x: Shape) -> Tiling:
        return self.projection().tiling(x)

    def param_count(self, x: Shape) -> int:
        return self.projection().param_count(x)

    def macs(self, x: Shape, y: Shape) -> int:
        return y[0] * self.dim * self.projection().weights_per_filter(x)

    def bias_adds(self, x: Shape, y: Shape) -> int:
        return numel(y) if self.bias else 0

    torch_modules = ("PatchEmbed",)
    """archcalc's own module: a Conv2d `proj`, its output flattened to tokens."""

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        proj = module.proj
        if proj.stride != proj.kernel_size or proj.padding != (0, 0) or proj.groups != 1:
            return None
        return cls.written(dim=proj.out_channels, patch=proj.kernel_size, bias=proj.bias is not None)

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        proj = kit.nn.Conv2d(x[2], self.dim, self.patch, self.patch, bias=self.bias)
        return kit.transformer.PatchEmbed(proj)

    def saved(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> Saved:
        """The conv's input and weights, as a conv keeps them."""
        return Saved(input=True, weights=self.dim * self.projection().weights_per_filter(x))

    def explain(self, x: Shape, y: Shape) -> list[str]:
        grid = self.projection().output_shape(x)
        patch = self.patch
        axes = [explain_window(axis, x[i], grid[i], kernel=patch[i], stride=patch[i], padding=(0, 0))
                for i, axis in enumerate(("nH", "nW"))]  # fmt: skip
        per_patch = f"{self.patch[0]}·{self.patch[1]}·{x[2]}"
        bias = " + 1" if self.bias else ""
        return [
            *axes,
            f"N = nH'·nW' = {y[0]:,} tokens of D = {self.dim}",
            f"params = ({per_patch}{bias})·{self.dim} = {self.param_count(x):,}",
            f"MACs = N·D·{per_patch} = {y[0]}·{self.dim}·{per_patch} = {self.macs(x, y):,}",
        ]

    def describe(self) -> str:
        return f"{format_shape(self.patch)} patches" + ("" if self.bias else ", no bias")


@register
class ClassToken(Layer):
    """Puts one learned token before the others (ViT's [class] token): N×D → (N + 1)×D; params = D."""

    kind = "class_token"

    def output_shape(self, x: Shape) -> Shape:
        count, width = as_tokens(x)
        return (count + 1, width)

    def param_count(self, x: Shape) -> int:
        return as_tokens(x)[1]

    torch_modules = ("ClassToken",)

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.transformer.ClassToken(x[1])

    def explain(self, x: Shape, y: Shape) -> list[str]:
        return [f"N' = {x[0]} + 1 = {y[0]}; params = D = {x[1]} (the token); MACs = 0"]


@register
class PosEmbed(Layer):
    """Adds a learned vector to each token (ViT's position embedding): shape unchanged; params = N·D, one
    D-vector per position, so it grows with the number of tokens (577 for ViT-B/16 at 384×384). The add is
    not a MAC."""

    kind = "pos_embed"

    def output_shape(self, x: Shape) -> Shape:
        as_tokens(x)
        return x

    def param_count(self, x: Shape) -> int:
        count, width = as_tokens(x)
        return count * width

    torch_modules = ("PosEmbed",)

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.transformer.PosEmbed(x[0], x[1])

    def explain(self, x: Shape, y: Shape) -> list[str]:
        return [f"shape unchanged; params = N·D = {x[0]}·{x[1]} = {self.param_count(x):,}; MACs = 0"]


TokenPoolOp = Literal["class", "mean"]


@register
class TokenPool(Layer):
    """N×D tokens → a vector of D: the first token's output (`class`, what ViT's head reads, x[:, 0]) or the
    mean over the tokens (`mean`). No parameters, no MACs."""

    kind = "token_pool"
    shorthand = "op"

    op: TokenPoolOp = "class"

    def output_shape(self, x: Shape) -> Shape:
        return (as_tokens(x)[1],)

    def window(self, x: Shape) -> Window:
        return WHOLE

    torch_modules = ("TokenPool",)

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        return cls.written(op=module.op)

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.transformer.TokenPool(self.op)

    def is_view(self) -> bool:
        """The class token is read where it is; a mean is a new tensor."""
        return self.op == "class"

    def describe(self) -> str:
        return self.op
