"""Multi-head self-attention over a sequence of tokens."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Strict

from archcalc.errors import ShapeError
from archcalc.layers.base import Layer, register
from archcalc.layers.fields import WHOLE, PositiveInt, Window
from archcalc.layers.kit import Module, TorchKit
from archcalc.layers.saving import Saved
from archcalc.shapes import Shape, as_tokens, factor


@register
class Attention(Layer):
    """Multi-head self-attention (Vaswani et al. 2017) over N tokens of width D, in h heads of D/h each, with
    the parameters of torch.nn.MultiheadAttention: an input projection to Q, K and V (3·D×D) and an output
    projection (D×D). N×D → N×D.

    params = 3·D·D (+ 3·D with qkv_bias) + D·D (+ D with bias)          = 4·D² + 4·D with both biases
    MACs   = N·D·3D + N·D·D (the projections, as dense layers)         = 4·N·D²
           + h·N·N·(D/h) for QKᵀ + h·N·N·(D/h) for AV (attention MACs) = 2·N²·D
    The 1/√(D/h) scaling, the softmax and the bias adds are not MACs.
    """

    kind = "attention"
    aliases = ("self_attention",)
    shorthand = "heads"

    heads: PositiveInt
    qkv_bias: Annotated[bool, Strict()] = True
    bias: Annotated[bool, Strict()] = True
    """The output projection's bias."""

    def output_shape(self, x: Shape) -> Shape:
        width = as_tokens(x)[1]
        if isinstance(width, int) and width % self.heads:
            raise ShapeError(f"{self.heads} heads must divide the width D = {width} of its tokens", "AC105")
        return x

    def window(self, x: Shape) -> Window:
        return WHOLE

    def param_count(self, x: Shape) -> int:
        width = x[1]
        return 4 * width * width + 3 * width * self.qkv_bias + width * self.bias

    def macs(self, x: Shape, y: Shape) -> int:
        count, width = x
        return 4 * count * width * width + self.attention_macs(x, y)

    def attention_macs(self, x: Shape, y: Shape) -> int:
        count, width = x
        return 2 * count * count * width

    def backward_macs(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> tuple[int, int]:
        """Weight gradients of the four projections (4·N·D², when trained); activation gradients: through
        the output projection (N·D²) and both matmuls (∂Q, ∂K of QKᵀ and ∂A, ∂V of AV: 4·N²·D) whenever
        anything in or before it is trained, and through the Q, K, V projection (3·N·D²) to the input
        only when the input needs a gradient."""
        count, width = x
        projection = count * width * width
        inner = projection + 2 * self.attention_macs(x, y) if weights or inputs else 0
        return (inner + (3 * projection if inputs else 0), 4 * projection if weights else 0)

    def scratch(self, x: Shape, y: Shape) -> int:
        """While the softmax runs (archcalc's module, eager torch): Q, K and V (3·N·D) and the h·N×N scores
        and their softmax (2·h·N²), less the output's N·D, which the walk counts but is not made yet.
        `tests/backends/test_measure.py` checks it against torch's allocations."""
        count, width = x
        return 2 * count * width + 2 * self.heads * count * count

    def saved(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> Saved:
        """What archcalc's module keeps: the scaled Q, Kᵀ and V as the batched matmuls copy them from the
        heads' views (3·N·D; of one head, the matmuls read the Q, K, V tensor itself, 3·N·D, and the scaled
        Q), the softmax (h·N²); where the projections are trained their inputs, x and the heads' outputs
        joined (N·D); the projections' weights for the gradients of their inputs."""
        count, width = x
        copies = 3 + (self.heads == 1) + weights
        matrices = width * width * (1 + 3 * inputs)  # the output projection's; Q, K, V's for x's gradient
        return Saved(input=weights, new=copies * count * width + self.heads * count * count, weights=matrices)

    def bias_adds(self, x: Shape, y: Shape) -> int:
        count, width = x
        return count * width * (3 * self.qkv_bias + self.bias)

    torch_modules = ("Attention",)
    """archcalc's own module, whose explicit matmuls torch's FlopCounterMode counts (it counts nothing for
    nn.MultiheadAttention's fused path under no_grad, nor for scaled_dot_product_attention's CPU kernels)."""

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        return cls.written(heads=module.heads, qkv_bias=module.qkv.bias is not None,
                           bias=module.proj.bias is not None)  # fmt: skip

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return kit.transformer.Attention(x[1], self.heads, self.qkv_bias, self.bias)

    def explain(self, x: Shape, y: Shape) -> list[str]:
        count, width = map(factor, x)
        qkv_bias = f" + 3·{width}" if self.qkv_bias else ""
        bias = f" + {width}" if self.bias else ""
        projections = 4 * x[0] * x[1] * x[1]
        return [
            f"D = {width} in {self.heads} heads of {x[1] // self.heads}; N = {count} tokens; shape unchanged",
            f"params = 3·{width}·{width}{qkv_bias} (Q, K, V) + {width}·{width}{bias} (output) = "
            f"{self.param_count(x):,}",
            f"MACs = 4·N·D² = 4·{count}·{width}² = {projections:,} (the projections)",
            f"     + 2·N²·D = 2·{count}²·{width} = {self.attention_macs(x, y):,} (attention MACs: QKᵀ, AV)",
            f"     = {self.macs(x, y):,}",
        ]

    def describe(self) -> str:
        biases = [name for name, kept in (("qkv", self.qkv_bias), ("output", self.bias)) if not kept]
        return f"{self.heads} heads" + "".join(f", no {name} bias" for name in biases)
