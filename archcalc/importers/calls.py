"""The function and method calls of a traced model that a layer kind reads back: each as the torch.nn module
that does the same (`F.max_pool2d(x, 3, 2, 1)` is `nn.MaxPool2d(3, 2, 1)`), so that the kind's own
`from_torch` reads it; the joins (add, mul, cat) and the calls that pass their input on unchanged."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch.nn import functional

Arguments = tuple[tuple[Any, ...], dict[str, Any]]


def _after_input(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Arguments:
    """The call's settings: what follows the tensor, as the module's constructor takes them."""
    return args[1:], kwargs


def _dropout(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Arguments:
    """F.dropout(x, p, training, inplace): only p says anything about the layer."""
    return (), {"p": kwargs.get("p", args[1] if len(args) > 1 else 0.5)}


def _pad(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Arguments | None:
    """F.pad(x, (left, right, top, bottom)) with zeros: nn.ZeroPad2d; any other F.pad no kind says."""
    pads = kwargs.get("pad", args[1] if len(args) > 1 else ())
    mode, value = kwargs.get("mode", "constant"), kwargs.get("value", args[3] if len(args) > 3 else None)
    return ((tuple(pads),), {}) if len(pads) == 4 and mode == "constant" and not value else None


@dataclass(frozen=True)
class Call:
    module: str
    """The torch.nn class that does what the call does."""
    arguments: Callable[[tuple[Any, ...], dict[str, Any]], Arguments | None] = _after_input


_ACTIVATIONS = {
    "relu": "ReLU", "relu6": "ReLU6", "leaky_relu": "LeakyReLU", "elu": "ELU", "selu": "SELU", "celu": "CELU",
    "gelu": "GELU", "silu": "SiLU", "mish": "Mish", "softplus": "Softplus", "sigmoid": "Sigmoid",
    "hardsigmoid": "Hardsigmoid", "hardswish": "Hardswish", "tanh": "Tanh", "softmax": "Softmax",
    "log_softmax": "LogSoftmax",
}  # fmt: skip
_FUNCTIONAL = {
    **_ACTIVATIONS, "max_pool2d": "MaxPool2d", "avg_pool2d": "AvgPool2d", "interpolate": "Upsample",
    "adaptive_avg_pool2d": "AdaptiveAvgPool2d", "adaptive_max_pool2d": "AdaptiveMaxPool2d",
}  # fmt: skip

CALLS: dict[Any, Call] = {
    **{getattr(functional, name): Call(module) for name, module in _FUNCTIONAL.items()},
    **{getattr(torch, name): Call(module) for name, module in _ACTIVATIONS.items() if hasattr(torch, name)},
    **{name: Call(module) for name, module in _ACTIVATIONS.items()},  # x.relu(), x.softmax(1), …
    torch.flatten: Call("Flatten"),
    "flatten": Call("Flatten"),
    functional.dropout: Call("Dropout", _dropout),
    functional.pad: Call("ZeroPad2d", _pad),
}
"""By function (call_function) or by method name (call_method)."""

MERGES: dict[Any, str] = {
    operator.add: "add", operator.iadd: "add", torch.add: "add", "add": "add", "add_": "add",
    operator.mul: "mul", operator.imul: "mul", torch.mul: "mul", "mul": "mul", "mul_": "mul",
    torch.cat: "concat", torch.concat: "concat",
}  # fmt: skip
PASSED_ON = {"contiguous", "clone", "detach"}
"""Methods that give back their input's values: no layer."""
RESHAPES = {"view", "reshape", torch.reshape}
"""A flatten where the result is one vector per sample (`x.view(x.size(0), -1)`)."""
