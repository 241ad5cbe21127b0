"""archcalc's torch modules for token sequences (batch × N × D) and for a Linear at every position.

Attention is written with explicit matmuls, so that torch's FlopCounterMode counts QKᵀ and AV (it counts
nothing for nn.MultiheadAttention's fused path under no_grad, nor for scaled_dot_product_attention's CPU
kernels); its parameters are nn.MultiheadAttention's, a fused Q, K, V projection and an output projection.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn


class PatchEmbed(nn.Module):
    """A conv `proj` (kernel = stride = the patch), its nH'×nW' positions read row by row as tokens."""

    def __init__(self, proj: nn.Conv2d) -> None:
        super().__init__()
        self.proj = proj

    def forward(self, x: Any) -> Any:
        return self.proj(x).flatten(2).transpose(1, 2)


class ClassToken(nn.Module):
    """One learned token put before the others (ViT's [class] token)."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.token = nn.Parameter(torch.zeros(1, 1, width))

    def forward(self, x: Any) -> Any:
        return torch.cat([self.token.expand(x.shape[0], -1, -1), x], dim=1)


class PosEmbed(nn.Module):
    """A learned vector added to each of the `count` tokens."""

    def __init__(self, count: int, width: int) -> None:
        super().__init__()
        self.embedding = nn.Parameter(torch.empty(1, count, width).normal_(std=0.02))

    def forward(self, x: Any) -> Any:
        return x + self.embedding


class Attention(nn.Module):
    """Multi-head self-attention: softmax(Q·Kᵀ/√d)·V per head of d = D/h, then the output projection."""

    def __init__(self, width: int, heads: int, qkv_bias: bool, bias: bool) -> None:
        super().__init__()
        self.heads, self.scale = heads, (width // heads) ** -0.5
        self.qkv = nn.Linear(width, 3 * width, bias=qkv_bias)
        self.proj = nn.Linear(width, width, bias=bias)

    def forward(self, x: Any) -> Any:
        batch, count, width = x.shape
        qkv = self.qkv(x).reshape(batch, count, 3, self.heads, width // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        weights = ((q * self.scale) @ k.transpose(-2, -1)).softmax(dim=-1)
        return self.proj((weights @ v).transpose(1, 2).reshape(batch, count, width))


class TokenPool(nn.Module):
    """The first token (`class`) or the mean of the tokens (`mean`), as a vector."""

    def __init__(self, op: str) -> None:
        super().__init__()
        self.op = op

    def forward(self, x: Any) -> Any:
        return x[:, 0] if self.op == "class" else x.mean(dim=1)


class PerPosition(nn.Module):
    """A Linear (`linear`) applied at every position of an NCHW map: on its channels, channels last."""

    def __init__(self, linear: nn.Linear) -> None:
        super().__init__()
        self.linear = linear

    def forward(self, x: Any) -> Any:
        return self.linear(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
