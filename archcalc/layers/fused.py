"""The base of conv and dense layers, which may carry a fused batch norm and activation."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Strict, model_validator

from archcalc.layers.activation import INPLACE, Act
from archcalc.layers.base import Layer
from archcalc.layers.kit import Module, TorchKit
from archcalc.layers.norm import batchnorm_params
from archcalc.layers.saving import Saved
from archcalc.shapes import Shape, numel


class Fused(Layer):
    """A weight layer z = W·a + b, optionally followed in the same row by batch norm and g(z).

    `bias` defaults to true, except with `bn: true`, where batch norm's β makes a bias redundant (as in
    torchvision's ResNets); say `bias: true` to keep it anyway.
    """

    bias: Annotated[bool, Strict()] | None = None
    bn: Annotated[bool, Strict()] = False
    act: Act | None = None

    @model_validator(mode="after")
    def _fused_act_reads_its_layer(self) -> Fused:
        if self.act is not None and self.act.sources is not None:
            raise ValueError("a fused activation reads the layer it is fused to: give `from:` to the layer")
        return self

    @staticmethod
    def torch_bias(module: Any) -> bool | None:
        """How a spec writes a torch module's bias: nothing (the default: a bias) or `bias: false`."""
        return None if module.bias is not None else False

    @property
    def has_bias(self) -> bool:
        return self.bias if self.bias is not None else not self.bn

    @property
    def width(self) -> int:
        """The outputs the weights make per position (conv filters, dense units)."""
        raise NotImplementedError

    def fused_params(self) -> int:
        """Parameters of the bias and the fused batch norm, one of each per output unit."""
        return self.width * self.has_bias + self.batchnorm_params

    @property
    def batchnorm_params(self) -> int:
        """The fused batch norm's γ and β (none without one)."""
        return batchnorm_params(self.width) if self.bn else 0

    def norm_params(self, x: Shape) -> int:
        return self.batchnorm_params

    def bias_adds(self, x: Shape, y: Shape) -> int:
        """One add per output element when there is a bias."""
        return numel(y) if self.has_bias else 0

    def fused_module(
        self, core: Module, kit: TorchKit, norm: str = "BatchNorm2d", tokens: bool = False
    ) -> Module:
        """`core` built in torch, then its fused batch norm (`norm` of torch.nn) and activation (a softmax
        over the last axis of `tokens`)."""
        return kit.fused(core, getattr(kit.nn, norm)(self.width) if self.bn else None, self.act, tokens)

    def batchnorm_term(self) -> str:
        """The fused batch norm's part of the params formula (`explain`), if any."""
        return f" + 2·{self.width} (batch norm γ, β)" if self.bn else ""

    def buffer_count(self, x: Shape) -> int:
        """The fused batch norm's running mean and variance."""
        return 2 * self.width if self.bn else 0

    def kept_input(self, x: Shape, *, weights: bool, inputs: bool) -> Saved:
        """What the weight layer keeps to compute its weight gradient (∂L/∂W = ∂L/∂y·xᵀ): its input."""
        return Saved(input=True)

    def kept_weights(self, x: Shape, inputs: bool) -> int:
        """The weights it keeps for the input gradient (∂L/∂x = Wᵀ·∂L/∂y; a conv keeps them regardless)."""
        return self.param_count(x) - self.fused_params()

    def saved(self, x: Shape, y: Shape, *, weights: bool, inputs: bool) -> Saved:
        """The weight layer's input (see kept_input); a fused batch norm its own input (the weight layer's
        output, a tensor of its own) and each channel's mean and 1/σ; the activation its output, or a
        tensor of the output's size (its input, or the copy an in-place op keeps of it)."""
        saved = self.kept_input(x, weights=weights, inputs=inputs) + Saved(
            weights=self.kept_weights(x, inputs)
        )
        if self.bn:
            saved += Saved(new=numel(y), per_batch=2 * self.width)
        if self.act is not None:
            saved += self.act.saved_after(y, inplace=True)
        return saved

    def outputs_alive(self) -> int:
        """2 where a second stage writes a new tensor while the first's is alive: a fused batch norm, or an
        activation torch cannot apply in place (GELU, softmax…); each stage's input is freed as it ends."""
        return 2 if self.bn or (self.act is not None and self.act.fn not in INPLACE) else 1

    def fused_suffix(self) -> str:
        parts = ["bn"] if self.bn else []
        if self.act:
            parts.append(self.act.describe())
        if not self.has_bias and not self.bn:
            parts.append("no bias")
        return "".join(f", {part}" for part in parts)
