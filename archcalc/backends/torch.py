"""Build a spec as a torch nn.Module whose module names are the table's layer names.

Each layer kind builds itself (`Layer.to_torch`) from the kit below: torch.nn plus the four modules archcalc
adds, for fused conv/dense + batch norm + activation, residual adds, branch merges and zero-padding.
Shapes come from the engine's rows, so torch sees exactly the shapes archcalc computed.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch import nn

from archcalc.backends import transformer
from archcalc.backends.flow import Flow, FlowModel, Source, Steps, Taps, positions
from archcalc.engine import analyze
from archcalc.graph import Node
from archcalc.layers import Layer
from archcalc.layers.activation import Act
from archcalc.report import Report
from archcalc.shapes import Pair, Shape
from archcalc.spec.model import Spec


class Model(nn.Sequential):
    """A spec built for torch: its top-level layers in order, each under its table name."""


class Fused(nn.Module):
    """A conv or dense layer, then its fused batch norm and activation (children conv|linear, bn, act)."""

    def __init__(self, core: Any, bn: Any | None, act: Any | None) -> None:
        super().__init__()
        named = [("linear" if isinstance(core, nn.Linear) else "conv", core), ("bn", bn), ("act", act)]
        self.stages = tuple(module for _, module in named if module is not None)
        for name, module in named:
            if module is not None:
                self.add_module(name, module)

    def forward(self, x: Any) -> Any:
        for stage in self.stages:
            x = stage(x)
        return x


class Merge(nn.Module):
    """Where paths join: the sum or the channel concatenation of its inputs, then the activation."""

    def __init__(self, how: str, act: Any | None) -> None:
        super().__init__()
        self.how = how
        self.act = act

    def forward(self, *inputs: Any) -> Any:
        if self.how == "concat":
            y = torch.cat(inputs, dim=1)
        elif self.how == "mul":
            y = inputs[0]
            for other in inputs[1:]:
                y = y * other
        else:
            y = sum(inputs[1:], inputs[0])
        return y if self.act is None else self.act(y)


class Residual(nn.Module):
    """act(body(x) + shortcut(x)): the body's layers, `shortcut` (absent: identity), and the merge `add`."""

    def __init__(self, body: Steps, shortcut: Any | None, act: Any | None, add: bool) -> None:
        super().__init__()
        body.register(self)
        if shortcut is not None:
            self.add_module("shortcut", shortcut)
        merge = Merge("add", act) if add else act  # plain: no add, only the activation (if any)
        if merge is not None:
            self.add_module("add" if add else "act", merge)
        self.steps = (body, len(body.parts) - 1, shortcut, merge, add)

    def forward(self, x: Any) -> Any:
        body, last, shortcut, merge, add = self.steps
        z = body.run(x)[last]
        if add and merge is not None:
            return merge(z, x if shortcut is None else shortcut(x))
        return z if merge is None else merge(z)


class Branches(nn.Module):
    """Named paths from one input, joined by a Merge named after how it joins (concat or add)."""

    def __init__(self, paths: Mapping[str, Any], how: str, act: Any | None) -> None:
        super().__init__()
        for name, module in paths.items():
            self.add_module(name, module)
        merge = Merge(how, act)
        self.add_module(how, merge)
        self.steps = (tuple(paths.values()), merge)

    def forward(self, x: Any) -> Any:
        paths, merge = self.steps
        return merge(*(path(x) for path in paths))


class ZeroPad(nn.Module):
    """The fixed shortcut: every s-th position, then zeros up to `size` channels (or vector entries)."""

    def __init__(self, size: int, stride: Pair) -> None:
        super().__init__()
        self.size, self.stride = size, stride

    def forward(self, x: Any) -> Any:
        if x.dim() == 4:
            x = x[:, :, :: self.stride[0], :: self.stride[1]]
            return nn.functional.pad(x, (0, 0, 0, 0, 0, self.size - x.shape[1]))
        return nn.functional.pad(x, (0, self.size - x.shape[-1]))  # a vector's entries, tokens' width


class Crop(nn.Module):
    """Keeps a window of the plane: rows top…top + height − 1, columns left…left + width − 1."""

    def __init__(self, box: tuple[int, int, int, int]) -> None:
        super().__init__()
        self.box = box

    def forward(self, x: Any, *_references: Any) -> Any:
        top, height, left, width = self.box
        return x[:, :, top : top + height, left : left + width]


class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channels at each position of an NCHW map, as torchvision's LayerNorm2d."""

    def forward(self, x: Any) -> Any:
        x = nn.functional.layer_norm(x.permute(0, 2, 3, 1), self.normalized_shape, self.weight, self.bias,
                                     self.eps)  # fmt: skip
        return x.permute(0, 3, 1, 2)


class LayerScale(nn.Module):
    """Each channel times a learned γ (ConvNeXt's layer scale)."""

    def __init__(self, channels: int, init: float, volume: bool) -> None:
        super().__init__()
        self.gamma = nn.Parameter(torch.full((channels, 1, 1) if volume else (channels,), init))

    def forward(self, x: Any) -> Any:
        return x * self.gamma


class DropPath(nn.Module):
    """Stochastic depth per sample (timm's DropPath): in training each sample's value is zeroed with
    probability p and the rest scaled by 1/(1 − p); at inference the identity."""

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p

    def forward(self, x: Any) -> Any:
        if not self.training or self.p == 0:
            return x
        keep = torch.empty((x.shape[0],) + (1,) * (x.dim() - 1), device=x.device).bernoulli_(1 - self.p)
        return x * keep / (1 - self.p) if self.p < 1 else x * keep


class Kit:
    """The TorchKit handed to Layer.to_torch: the engine's node of the layer being built, whose parts give
    each part its shapes."""

    nn: Any = nn
    transformer: Any = transformer

    def __init__(self, node: Node, taps: Taps) -> None:
        self.node, self.taps = node, taps

    def parts(self, layers: Sequence[Layer], scope: str = "") -> list[tuple[str, Any]]:
        """`layers` built in torch: the list `scope` of this node (a named path's: the path's own list)."""
        return [
            (str(layer.name), self.taps.watch(node, layer.to_torch(node.row.input, node.row.output,
                                                                  Kit(node, self.taps))))
            for layer, node in zip(layers, self._owner(scope).lists[""], strict=True)
        ]  # fmt: skip

    def _owner(self, scope: str) -> Node:
        """The node whose list '' is the list `scope` of this node (a named path's: the path)."""
        return self.node if not scope else self.node.lists[scope][0]

    def wiring(self, scope: str = "") -> list[tuple[Source, ...]]:
        """For each node of the list `scope`, where each of its inputs comes from (see Source): a position
        in the list, or the name Taps keeps a value read from another list by."""
        owner = self._owner(scope)
        local = positions(owner, owner.lists[""])
        return [tuple(local.get(source, source.name) for source in node.inputs) for node in owner.lists[""]]

    def activation(self, act: Act, inplace: bool = False, tokens: bool = False) -> Any:
        return act.module(nn, inplace, tokens)

    def fused(self, core: Any, bn: Any | None, act: Act | None, tokens: bool = False) -> Any:
        if bn is None and act is None:
            return core
        return Fused(core, bn, act and self.activation(act, inplace=True, tokens=tokens))

    def sequence(self, parts: list[tuple[str, Any]], scope: str = "") -> Any:
        """nn.Sequential for a chain; a Flow where a layer reads an earlier one by name (`from:`)."""
        wiring = self.wiring(scope)
        module = (
            nn.Sequential(OrderedDict(parts))
            if wiring == _chain(len(wiring))
            else Flow(parts, wiring, self.taps)
        )
        return self.taps.watch(self._owner(scope), module) if scope else module  # a path read by name

    def residual(self, body: list[tuple[str, Any]], shortcut: Any | None, act: Act | None, add: bool) -> Any:
        steps = Steps(body, self.wiring(), self.taps, keep=(len(body) - 1,))
        return Residual(steps, shortcut, act and self.activation(act, inplace=add), add)

    def branches(self, paths: Mapping[str, Any], merge: str, act: Act | None, fresh: bool) -> Any:
        return Branches(paths, merge, act and self.activation(act, inplace=fresh))

    def zero_pad(self, size: int, stride: Pair) -> Any:
        return ZeroPad(size, stride)

    def crop(self, box: tuple[int, int, int, int]) -> Any:
        return Crop(box)

    def layer_norm(self, channels: int, eps: float, affine: bool, volume: bool) -> Any:
        return (LayerNorm2d if volume else nn.LayerNorm)(channels, eps, elementwise_affine=affine)

    def layer_scale(self, channels: int, init: float, volume: bool) -> Any:
        return LayerScale(channels, init, volume)

    def drop_path(self, p: float) -> Any:
        return DropPath(p)

    def merge(self, how: str) -> Any:
        return Merge(how, None)


def build(spec: Spec, report: Report | None = None) -> Any:
    """The spec as a Model (a FlowModel where layers read earlier ones by name, returning each declared
    output); `report` is the engine's analysis of it at the input it will run with (default: the spec's)."""
    report = report or analyze(spec)
    assert report.graph is not None
    kit = Kit(report.graph.root, Taps(report.graph))
    parts, wiring = kit.parts(spec.layers), kit.wiring()
    names = [name for name, _ in parts]
    outputs = tuple(names.index(name) for name, _ in report.outputs)
    if wiring == _chain(len(wiring)) and len(outputs) <= 1 and not kit.taps.nodes:
        return Model(OrderedDict(parts))
    return FlowModel(parts, wiring, kit.taps, outputs)


def freeze(model: Any, report: Report) -> None:
    """The parameters of rows with none trainable (`trainable: false`) stop requiring grad."""
    modules = dict(model.named_modules())
    for row in report.rows:
        if row.params and not row.trainable_params and row.name in modules:
            modules[row.name].requires_grad_(False)


def _chain(length: int) -> list[tuple[Source, ...]]:
    """The wiring of layers in a row: each reads the one before."""
    return [(index - 1,) for index in range(length)]


def nchw(shape: Shape, batch: int = 1) -> tuple[int, ...]:
    """A tensor shape for torch: (batch, C, H, W) for a volume nH×nW×nC, (batch, n) for a vector."""
    return (batch, shape[2], shape[0], shape[1]) if len(shape) == 3 else (batch, *shape)


def hwc(shape: Sequence[int]) -> Shape:
    """The course's notation for one sample of a torch tensor shape (batch dropped)."""
    return (shape[2], shape[3], shape[1]) if len(shape) == 4 else tuple(shape[1:])
