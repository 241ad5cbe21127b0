"""Figures of today's classification nets added up by hand from torchvision's architecture tables, for the
zoo's references (tests/test_specs.py): never from archcalc's output."""

from __future__ import annotations


class _Counts:
    """Params, MACs and bias adds of convs and dense layers, added up by hand (torch's conventions)."""

    def __init__(self) -> None:
        self.params = self.macs = self.bias_adds = self.attention_macs = 0

    def conv(self, c_in: int, c_out: int, n: int, *, k: int = 1, groups: int = 1, bn: bool = True) -> None:
        """A k×k conv to an n×n×c_out map: with batch norm (2·c_out, no bias), else with a bias."""
        weights = k * k * (c_in // groups) * c_out
        self.params += weights + (2 * c_out if bn else c_out)
        self.macs += n * n * weights
        self.bias_adds += 0 if bn else n * n * c_out

    def squeeze_excite(self, channels: int, squeeze: int) -> None:
        """Two 1×1 convs with bias on the pooled 1×1 map: channels → squeeze → channels."""
        self.conv(channels, squeeze, 1, bn=False)
        self.conv(squeeze, channels, 1, bn=False)

    def layer_norm(self, channels: int) -> None:
        """γ and β per channel."""
        self.params += 2 * channels

    def dense(self, n_in: int, n_out: int, tokens: int = 1) -> None:
        """nn.Linear with bias, applied to each of `tokens` vectors (one weight matrix for all)."""
        self.params += n_in * n_out + n_out
        self.macs += tokens * n_in * n_out
        self.bias_adds += tokens * n_out

    def self_attention(self, tokens: int, width: int) -> None:
        """nn.MultiheadAttention with biases: in_proj (3·D × D and 3·D), out_proj (D × D and D), each a
        Linear on every token; per head of d = D/h, QKᵀ takes N·N·d MACs and AV N·N·d again, so
        h·2·N·N·d = 2·N²·D whatever h is."""
        self.dense(width, 3 * width, tokens)
        self.dense(width, width, tokens)
        self.attention_macs += 2 * tokens * tokens * width


def efficientnet_b0() -> tuple:
    """torchvision's efficientnet_b0 from its MBConv table (expand, kernel, stride, in, out, layers): a 1×1
    expansion (none at expand 1), a k×k depthwise conv (padding k // 2), squeeze-and-excite of
    max(1, in // 4) channels, a 1×1 projection; a 3×3 stride-2 stem to 32, a 1×1 head to 1,280, 1,000 classes."""
    counts, n, c = _Counts(), 112, 32
    counts.conv(3, 32, n, k=3)
    table = ((1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3), (6, 5, 1, 112, 3),
             (6, 5, 2, 192, 4), (6, 3, 1, 320, 1))  # fmt: skip
    for expand, k, stride, out, layers in table:
        for index in range(layers):
            expanded = c * expand
            if expand != 1:
                counts.conv(c, expanded, n)
            n = (n + 2 * (k // 2) - k) // (stride if index == 0 else 1) + 1
            counts.conv(expanded, expanded, n, k=k, groups=expanded)
            counts.squeeze_excite(expanded, max(1, c // 4))
            counts.conv(expanded, out, n)
            c = out
    counts.conv(320, 1280, n)
    counts.dense(1280, 1000)
    return (224, 224, 3), (1000,), counts.params, counts.macs, counts.bias_adds


def make_divisible(value: float, divisor: int = 8) -> int:
    """torchvision's _make_divisible, as it is written there (floats)."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def mobilenet_v3_large() -> tuple:
    """torchvision's mobilenet_v3_large from its bneck table (kernel, expanded, out, SE, stride): a 1×1
    expansion where expanded ≠ in, a k×k depthwise conv, squeeze-and-excite of make_divisible(expanded // 4)
    channels, a 1×1 projection; a 3×3 stride-2 stem to 16, a 1×1 conv to 960, dense 1,280 and 1,000."""
    counts, n, c = _Counts(), 112, 16
    counts.conv(3, 16, n, k=3)
    table = ((3, 16, 16, 0, 1), (3, 64, 24, 0, 2), (3, 72, 24, 0, 1), (5, 72, 40, 1, 2), (5, 120, 40, 1, 1),
             (5, 120, 40, 1, 1), (3, 240, 80, 0, 2), (3, 200, 80, 0, 1), (3, 184, 80, 0, 1),
             (3, 184, 80, 0, 1), (3, 480, 112, 1, 1), (3, 672, 112, 1, 1), (5, 672, 160, 1, 2),
             (5, 960, 160, 1, 1), (5, 960, 160, 1, 1))  # fmt: skip
    for k, expanded, out, se, stride in table:
        if expanded != c:
            counts.conv(c, expanded, n)
        n = (n + 2 * (k // 2) - k) // stride + 1
        counts.conv(expanded, expanded, n, k=k, groups=expanded)
        if se:
            counts.squeeze_excite(expanded, make_divisible(expanded // 4))
        counts.conv(expanded, out, n)
        c = out
    counts.conv(160, 960, n)
    counts.dense(960, 1280)
    counts.dense(1280, 1000)
    return (224, 224, 3), (1000,), counts.params, counts.macs, counts.bias_adds


def convnext_tiny() -> tuple:
    """torchvision's convnext_tiny: a 4×4 stride-4 conv to 96 with bias, a layer norm; stages of 3, 3, 9, 3
    blocks at 96, 192, 384, 768 channels, each a 7×7 depthwise conv with bias, a layer norm, nn.Linear C → 4C
    and 4C → C at every position (counted as 1×1 convs with bias: the same), a layer scale of C; before each
    later stage a layer norm and a 2×2 stride-2 conv with bias; pooled, a layer norm, 1,000 classes."""
    counts, n, c = _Counts(), 56, 96
    counts.conv(3, 96, n, k=4, bn=False)
    counts.layer_norm(96)
    for stage, (width, blocks) in enumerate(((96, 3), (192, 3), (384, 9), (768, 3))):
        if stage:
            counts.layer_norm(c)
            n //= 2
            counts.conv(c, width, n, k=2, bn=False)
            c = width
        for _ in range(blocks):
            counts.conv(c, c, n, k=7, groups=c, bn=False)
            counts.layer_norm(c)
            counts.conv(c, 4 * c, n, bn=False)
            counts.conv(4 * c, c, n, bn=False)
            counts.params += c  # layer scale: one γ per channel
    counts.layer_norm(768)
    counts.dense(768, 1000)
    return (224, 224, 3), (1000,), counts.params, counts.macs, counts.bias_adds


def vit_b16_counts(size: int) -> _Counts:
    """torchvision's vit_b_16 at size×size: conv_proj, 16×16 stride 16 with bias, to (size/16)² tokens of
    768; a class token (768) and a position embedding for every token (N·768); 12 encoder blocks of a layer
    norm, 12-head self-attention, a layer norm and an MLP 768 → 3,072 → 768 with biases; a layer norm;
    the head 768 → 1,000 on the class token. Attention MACs are counted apart and then added."""
    counts, grid, width = _Counts(), size // 16, 768
    tokens = grid * grid + 1
    counts.conv(3, width, grid, k=16, bn=False)
    counts.params += width + tokens * width
    for _ in range(12):
        counts.layer_norm(width)
        counts.self_attention(tokens, width)
        counts.layer_norm(width)
        counts.dense(width, 4 * width, tokens)
        counts.dense(4 * width, width, tokens)
    counts.layer_norm(width)
    counts.dense(width, 1000)
    counts.macs += counts.attention_macs
    return counts


def vit_b16(size: int = 224) -> tuple:
    counts = vit_b16_counts(size)
    return (size, size, 3), (1000,), counts.params, counts.macs, counts.bias_adds
