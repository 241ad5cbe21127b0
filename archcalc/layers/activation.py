"""Element-wise activations: no parameters, no MACs (by our convention), shape unchanged."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator

from archcalc.layers.base import Layer, register
from archcalc.layers.kit import Module, TorchKit
from archcalc.layers.saving import Saved, activation_saves
from archcalc.shapes import Shape, is_tokens, numel

ActivationName = Literal[
    "relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "softplus",
    "sigmoid", "hardsigmoid", "hardswish", "tanh", "softmax", "log_softmax",
]  # fmt: skip

TORCH_CLASSES: dict[str, str] = {
    "relu": "ReLU", "relu6": "ReLU6", "leaky_relu": "LeakyReLU", "elu": "ELU", "selu": "SELU", "celu": "CELU",
    "gelu": "GELU", "silu": "SiLU", "mish": "Mish", "softplus": "Softplus", "sigmoid": "Sigmoid",
    "hardsigmoid": "Hardsigmoid", "hardswish": "Hardswish", "tanh": "Tanh", "softmax": "Softmax",
    "log_softmax": "LogSoftmax",
}  # fmt: skip
"""The torch.nn class of every activation name (a test checks the two lists agree)."""
NAMES = {torch_class: name for name, torch_class in TORCH_CLASSES.items()}
INPLACE = {"relu", "relu6", "leaky_relu", "elu", "selu", "celu", "silu", "mish", "hardsigmoid", "hardswish"}
"""The activations torch can apply in place (their module takes `inplace=`)."""


@register
class Act(Layer):
    """An activation g(z) as its own layer (`- act: relu`), or fused after a conv/dense (`act: relu`)."""

    kind = "act"
    aliases = ("activation",)
    shorthand = "fn"

    fn: ActivationName
    slope: float | None = None
    """Negative slope of leaky_relu (torch's default 0.01; darknet uses 0.1)."""

    @model_validator(mode="after")
    def _slope_only_for_leaky_relu(self) -> Act:
        if self.slope is not None and self.fn != "leaky_relu":
            raise ValueError(f"'slope' applies to leaky_relu only, not to {self.fn}")
        return self

    torch_modules = tuple(TORCH_CLASSES.values())

    @classmethod
    def from_torch(cls, module: Any, x: Shape) -> dict[str, Any] | None:
        """The activation, where its settings are ones archcalc builds (softmax over the channels or a
        vector's entries; leaky_relu's slope; torch's defaults for the others)."""
        fn = NAMES[type(module).__name__]
        if fn in ("softmax", "log_softmax") and module.dim not in _axes_of_channels(x):
            return None
        slope = module.negative_slope if fn == "leaky_relu" else 0.01
        return {"fn": fn} | ({"slope": slope} if slope != 0.01 else {})  # torch's default slope: 0.01

    def to_torch(self, x: Shape, y: Shape, kit: TorchKit) -> Module:
        return self.module(kit.nn, tokens=is_tokens(x))

    def module(self, nn: Any, inplace: bool = False, tokens: bool = False) -> Module:
        """The torch module from `nn` (torch.nn); `inplace` where the input is a fresh tensor nothing else
        reads. Softmaxes work over the channels (dim 1 in NCHW; of `tokens`, the last axis); leaky_relu's
        slope defaults to 0.01."""
        module = getattr(nn, TORCH_CLASSES[self.fn])
        if self.fn in ("softmax", "log_softmax"):
            return module(dim=-1 if tokens else 1)
        settings: dict[str, Any] = {"inplace": True} if inplace and self.fn in INPLACE else {}
        if self.fn == "leaky_relu":
            settings["negative_slope"] = 0.01 if self.slope is None else self.slope
        return module(**settings)

    def describe(self) -> str:
        return self.fn if self.slope is None else f"{self.fn}({self.slope:g})"

    def keeps(self, inplace: bool) -> str:
        """'output', 'input' or 'copy' (see activation_saves), as torch builds it (`inplace` where asked
        and the activation has an in-place form)."""
        return activation_saves(self.fn, inplace and self.fn in INPLACE)

    def saved(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> Saved:
        """As its own layer, out of place: its output (ReLU, sigmoid, tanh, softmax) or its input."""
        return Saved(output=True) if self.keeps(inplace=False) == "output" else Saved(input=True)

    def saved_after(self, y: Shape, inplace: bool) -> Saved:
        """Applied to a tensor made just for it (a fused conv's output, an add): its output, or a tensor
        of the output's size (that input, or its copy)."""
        return Saved(output=True) if self.keeps(inplace) == "output" else Saved(new=numel(y))


def _axes_of_channels(x: Shape) -> tuple[int, ...]:
    """The `dim` values that name the channels of torch's tensor for input `x`: the last axis of a vector
    (1 or -1) or of tokens (2 or -1), axis 1 of NCHW."""
    return {1: (1, -1), 2: (2, -1)}.get(len(x), (1,))
