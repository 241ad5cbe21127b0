"""Shapes in the course's notation: a volume is nH×nW×nC, a vector is n, a sequence of N tokens of width D
is N×D (a transformer's; torch's (batch, N, D)).

Every extent is a `Dim`. Today a Dim is an exact int; shape rules use only +, −, ·, // and the helpers
here, so that a later symbolic Dim (an expression in H and W) can flow through the same rules unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

from archcalc.errors import ShapeError

Dim = int
Shape = tuple[Dim, ...]
Pair = tuple[int, int]


def format_shape(shape: Shape) -> str:
    """28×28×6 for a volume, 400 for a vector; a symbolic extent with several terms in parentheses."""
    return "×".join(f"({d})" if " " in str(d) else str(d) for d in shape)


def format_axes(pair: Pair) -> str:
    """A per-axis setting in brief: `2` when height and width agree, else `2,1`."""
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]},{pair[1]}"


def explain_window(
    axis: str,
    size: int,
    out: int,
    *,
    kernel: int,
    stride: int,
    padding: Pair,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> str:
    """`nH' = ⌊(227 + 2·0 − 11)/4⌋ + 1 = 55`, in the course's form when it applies (symmetric, undilated)."""
    pad = f"2·{padding[0]}" if padding[0] == padding[1] else f"{padding[0]} + {padding[1]}"
    window = str(kernel) if dilation == 1 else f"{dilation}·({kernel} − 1) − 1"
    low, high = ("⌈", "⌉") if ceil_mode else ("⌊", "⌋")
    return f"{axis}' = {low}({size} + {pad} − {window})/{stride}{high} + 1 = {out}"


@dataclass(frozen=True)
class Tiling:
    """How a sliding window covers its input: the window as written, its stride and dilation, and per axis
    (positions after the last window that no window reaches, how many of those are the input's own pixels).
    Positions that are padding cost nothing; the input's own pixels are silently dropped."""

    kernel: Pair
    stride: Pair
    dilation: Pair
    leftover: tuple[Pair, Pair] | None
    """None for a symbolic input size: what is left over depends on its value."""

    @property
    def drops_pixels(self) -> bool:
        return self.leftover is not None and any(lost for _, lost in self.leftover)


def tiling(size: Pair, kernel: Pair, *, stride: Pair, padding: tuple[Pair, Pair], dilation: Pair) -> Tiling:
    """The Tiling of a window over `size`; per axis, positions left over = (n + p₀ + p₁ − f̂) mod s, of
    which the input's own pixels are those beyond the after-padding p₁."""
    if not all(isinstance(n, int) for n in size):
        return Tiling(kernel, stride, dilation, None)
    left = [
        (n + before + after - f) % s
        for n, f, s, (before, after) in zip(
            size, effective_kernel(kernel, dilation), stride, padding, strict=True
        )
    ]
    lost = [max(0, extra - after) for extra, (_, after) in zip(left, padding, strict=True)]
    return Tiling(kernel, stride, dilation, ((left[0], lost[0]), (left[1], lost[1])))


def effective_kernel(kernel: Pair, dilation: Pair) -> Pair:
    """The extent a dilated kernel spans: d·(f − 1) + 1 per axis."""
    return dilation[0] * (kernel[0] - 1) + 1, dilation[1] * (kernel[1] - 1) + 1


def check_padding_mode(mode: str, size: Pair, pads: tuple[Pair, Pair], advice: str = "") -> None:
    """torch's limits on padding modes, per axis (before, after): reflect padding must be smaller than the
    input, circular padding at most as large (it wraps around once); zeros and replicate have none."""
    if mode not in ("reflect", "circular"):
        return
    for n, sides in zip(size, pads, strict=True):
        if any(p > n or (p == n and mode == "reflect") for p in sides):
            bound = "smaller than" if mode == "reflect" else "at most"
            raise ShapeError(f"{mode} padding of {max(sides)} must be {bound} its input size {n} "
                             f"(torch refuses it){advice}")  # fmt: skip


def factor(dim: Dim) -> str:
    """A size written as a factor of a product: a symbolic sum in parentheses (`(⌊(H − 11)/4⌋ + 1)·96`)."""
    return f"({dim})" if len(getattr(dim, "terms", ())) > 1 else str(dim)


def numel(shape: Shape) -> int:
    """Number of elements (activations) in one sample of this shape."""
    return prod(shape)


def is_tokens(shape: Shape) -> bool:
    """True for a sequence of tokens N×D (the only shape of two extents)."""
    return len(shape) == 2


def describe_shape(shape: Shape) -> str:
    """What a shape is, in words: `a vector of 400`, `197×768 tokens (N×D)`, `28×28×6`."""
    if len(shape) == 1:
        return f"a vector of {format_shape(shape)}"
    return f"{format_shape(shape)} tokens (N×D)" if is_tokens(shape) else format_shape(shape)


def as_volume(shape: Shape) -> tuple[Dim, Dim, Dim]:
    """The (nH, nW, nC) of a volume, or a ShapeError saying what got here instead."""
    if len(shape) != 3:
        raise ShapeError(f"needs an nH×nW×nC volume, but its input is {describe_shape(shape)}")
    height, width, channels = shape
    return height, width, channels


def as_vector(shape: Shape, advice: str = "") -> Dim:
    """The length n of a vector, or a ShapeError telling the user to flatten the volume (or pool the
    tokens) first; `advice` adds another way out."""
    if len(shape) != 1:
        fix = "'- token_pool: class' (or mean)" if is_tokens(shape) else "'- flatten'"
        raise ShapeError(
            f"needs a vector input, but its input is {describe_shape(shape)}; add {fix} before it{advice}"
        )
    return shape[0]


def as_tokens(shape: Shape) -> tuple[Dim, Dim]:
    """The (N, D) of a sequence of tokens, or a ShapeError saying how to make tokens."""
    if not is_tokens(shape):
        fix = "add '- patch_embed: {width: D, patch: P}' before it" if len(shape) == 3 else "it has no tokens"
        raise ShapeError(f"needs N×D tokens, but its input is {describe_shape(shape)}; {fix}")
    count, width = shape
    return count, width


def sliding_window(
    size: Pair,
    kernel: Pair,
    *,
    stride: Pair,
    padding: tuple[Pair, Pair],
    dilation: Pair = (1, 1),
    ceil_mode: bool = False,
) -> tuple[Dim, Dim]:
    """Output nH', nW' of a conv or pool window, exactly as torch computes it.

    Per axis, with padding (p₀ before, p₁ after) and effective kernel f̂ = d·(f − 1) + 1:
    n' = ⌊(n + p₀ + p₁ − f̂)/s⌋ + 1, or with ceil_mode ⌈…⌉ + 1, less one if the last window would start
    inside the padding only (torch's `pooling_output_shape`). Python's // floors negative spans as torch's
    div_rtn does, so a window larger than the input yields 0 or less and is refused.
    """
    effective = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
    out = [_axis_out(*axis, ceil_mode) for axis in zip(size, effective, stride, padding, strict=True)]
    if min(out) < 1:  # the window does not fit even once (ceil_mode lets it overhang by up to s − 1)
        padded = [n + before + after for n, (before, after) in zip(size, padding, strict=True)]
        raise ShapeError(_too_large(size, kernel, dilation, padded), "AC101")
    return out[0], out[1]


def _axis_out(size: Dim, effective: int, stride: int, padding: Pair, ceil_mode: bool) -> Dim:
    span = size + padding[0] + padding[1] - effective
    if not ceil_mode:
        return span // stride + 1
    out = -(-span // stride) + 1
    if (out - 1) * stride >= size + padding[0]:
        out -= 1  # the last window would start in the padding: torch drops it
    return out


def _too_large(size: Pair, kernel: Pair, dilation: Pair, padded: list[int]) -> str:
    window = format_shape(kernel)
    if dilation != (1, 1):
        effective = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True))
        window = f"{window} (dilated to {format_shape(effective)})"
    where = f"{format_shape(size)} input"
    if tuple(padded) != tuple(size):
        where += f" (padded to {format_shape(tuple(padded))})"
    return f"kernel {window} is larger than its {where}"
