"""Every layer kind, one class each; importing this package fills LAYER_KINDS."""

from archcalc.layers import (
    activation,
    attention,
    borders,
    branches,
    composite,
    conv,
    dense,
    merge,
    misc,
    norm,
    pool,
    residual,
    tokens,
    transpose,
    upsample,
)
from archcalc.layers.base import LAYER_KINDS, TORCH_MODULES, Layer, register

__all__ = [
    "LAYER_KINDS", "TORCH_MODULES", "Layer", "activation", "attention", "borders", "branches", "composite",
    "conv", "dense", "merge", "misc", "norm", "pool", "register", "residual", "tokens", "transpose",
    "upsample",
]  # fmt: skip
