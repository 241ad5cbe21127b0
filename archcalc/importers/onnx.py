"""An ONNX graph read back as Steps, with the `onnx` package only (no torch): each node's op and attributes
as the kind and settings that build it, the weights' shapes from the initializers, and every value's shape
from ONNX's own shape inference, which `written.checked` holds archcalc's shapes against."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from archcalc.backends import MissingPackage
from archcalc.importers.steps import INPUT, Imported, Step, Unmapped, error, unique
from archcalc.layers.conv import Conv
from archcalc.layers.pool import Pool
from archcalc.layers.transpose import ConvTranspose
from archcalc.shapes import Shape

Settings = tuple[str, dict[str, Any]] | str
"""A node read back: (kind, settings), or why no kind says it."""


class _Node:
    """One ONNX node with its attributes as Python values and the shapes of the weights it reads."""

    def __init__(self, node: Any, weights: dict[str, tuple[int, ...]], helper: Any) -> None:
        self.op, self.name = node.op_type, node.name or node.output[0]
        self.attributes = {item.name: helper.get_attribute_value(item) for item in node.attribute}
        self.inputs, self.outputs = list(node.input), list(node.output)
        self.weights = [weights.get(name) for name in node.input]

    def get(self, name: str, default: Any = None) -> Any:
        value = self.attributes.get(name, default)
        return value.decode() if isinstance(value, bytes) else value

    def pair(self, name: str, default: int) -> Any:
        """A per-axis attribute as a spec writes it: 3 for [3, 3], [1, 2] as given."""
        values = self.get(name, [default, default])
        return values[0] if len(set(values)) == 1 else list(values)

    def padding(self, same: bool = False) -> Any:
        """Symmetric pads [top, left, bottom, right] as a spec's padding; with `same`, SAME_UPPER at stride
        1 as 'same' (the odd pixel after, as torch pads); None for any other padding."""
        auto = self.get("auto_pad", "NOTSET")
        if auto == "SAME_UPPER" and same and self.pair("strides", 1) == 1:
            return "same"
        if auto not in ("NOTSET", "VALID"):
            return None
        top, left, bottom, right = self.get("pads", [0, 0, 0, 0])
        return None if (top, left) != (bottom, right) else top if top == left else [top, left]


def _conv(node: _Node) -> Settings:
    weight, padding = node.weights[1], node.padding(same=True)
    if weight is None or len(weight) != 4 or padding is None:
        return "only 2-D convolutions with their weights in the file and even padding are read"
    settings = Conv.written(filters=weight[0], kernel=node.pair("kernel_shape", 0) or list(weight[2:]),
                            stride=node.pair("strides", 1), padding=padding,
                            dilation=node.pair("dilations", 1), groups=node.get("group", 1))  # fmt: skip
    return "conv", settings | ({} if len(node.inputs) > 2 else {"bias": False})


def _conv_transpose(node: _Node) -> Settings:
    weight, padding = node.weights[1], node.padding()
    if weight is None or len(weight) != 4 or padding is None or "output_shape" in node.attributes:
        return "only 2-D transposed convolutions with their weights in the file and even padding are read"
    groups = node.get("group", 1)
    settings = ConvTranspose.written(
        filters=weight[1] * groups, kernel=list(weight[2:]), stride=node.pair("strides", 1), padding=padding,
        output_padding=node.pair("output_padding", 0), dilation=node.pair("dilations", 1), groups=groups,
    )  # fmt: skip
    return "conv_transpose", settings | ({} if len(node.inputs) > 2 else {"bias": False})


def _gemm(node: _Node) -> Settings:
    weight = node.weights[1]
    if weight is None or node.get("transA", 0) or node.get("alpha", 1.0) != 1.0:
        return "only x·Wᵀ + b with W in the file is a dense layer"
    units = weight[0] if node.get("transB", 0) else weight[1]
    return "dense", {"units": units} | ({} if len(node.inputs) > 2 else {"bias": False})


def _batchnorm(node: _Node) -> Settings:
    """ONNX's momentum is torch's 1 − momentum."""
    eps, momentum = node.get("epsilon", 1e-5), round(1 - node.get("momentum", 0.9), 6)
    return "batchnorm", {name: value for name, value in (("eps", eps), ("momentum", momentum))
                         if abs(value - {"eps": 1e-5, "momentum": 0.1}[name]) > 1e-9}  # fmt: skip


def _pool(node: _Node) -> Settings:
    padding = node.padding()
    if padding is None:
        return "only even padding is read"
    kernel, strides = node.pair("kernel_shape", 1), node.pair("strides", 1)
    window = {"kernel": kernel, "stride": None if strides == kernel else strides, "padding": padding,
              "ceil_mode": bool(node.get("ceil_mode", 0))}  # fmt: skip
    if node.op == "MaxPool":
        return "pool", Pool.written(**window, dilation=node.pair("dilations", 1))
    return "pool", Pool.written(op="avg", **window, count_include_pad=bool(node.get("count_include_pad", 0)))


def _activation(fn: str) -> Callable[[_Node], Settings]:
    def read(node: _Node) -> Settings:
        if fn == "leaky_relu":
            slope = round(node.get("alpha", 0.01), 6)
            return "act", {"fn": fn} | ({"slope": slope} if slope != 0.01 else {})
        if fn in ("softmax", "log_softmax") and node.get("axis", -1) not in (1, -1):
            return "only a softmax over the channels is read"
        return "act", {"fn": fn}

    return read


def _flatten(node: _Node) -> Settings:
    return ("flatten", {}) if node.get("axis", 1) == 1 else "only a flatten after the batch axis is read"


def _concat(node: _Node) -> Settings:
    return ("concat", {}) if node.get("axis") in (1, -3) else "only a concat along the channels is read"


READERS: dict[str, Callable[[_Node], Settings]] = {
    "Conv": _conv, "ConvTranspose": _conv_transpose, "Gemm": _gemm, "BatchNormalization": _batchnorm,
    "MaxPool": _pool, "AveragePool": _pool, "Flatten": _flatten, "Concat": _concat,
    "GlobalAveragePool": lambda node: ("global_pool", {}),
    "GlobalMaxPool": lambda node: ("global_pool", {"op": "max"}),
    "Add": lambda node: ("add", {}), "Mul": lambda node: ("mul", {}),
    "Relu": _activation("relu"), "LeakyRelu": _activation("leaky_relu"), "Sigmoid": _activation("sigmoid"),
    "Tanh": _activation("tanh"), "Softmax": _activation("softmax"), "LogSoftmax": _activation("log_softmax"),
    "Elu": _activation("elu"), "Selu": _activation("selu"), "Celu": _activation("celu"),
    "Softplus": _activation("softplus"), "HardSwish": _activation("hardswish"), "Mish": _activation("mish"),
    "HardSigmoid": _activation("hardsigmoid"), "Gelu": _activation("gelu"),
}  # fmt: skip
PASSED_ON = {"Identity", "Dropout"}
"""Nodes that give back their input in inference (an exported Dropout does nothing)."""
WEIGHTED = {"Conv", "ConvTranspose", "Gemm", "BatchNormalization"}
"""Ops whose inputs after the first are weights, not values of the network."""


def import_onnx(path: Path, source: str) -> Imported:
    """The steps of the ONNX model at `path` (one input, N×C×H×W or N×n)."""
    onnx = _onnx(source)
    try:
        model = onnx.shape_inference.infer_shapes(onnx.load(str(path)))
    except Exception as exc:  # a broken file, from whatever wrote it
        raise error(source, f"not an ONNX model onnx can read ({type(exc).__name__}: {exc})") from None
    graph = model.graph
    weights = {tensor.name: tuple(int(d) for d in tensor.dims) for tensor in graph.initializer}
    shapes = {info.name: _shape(info) for info in (*graph.input, *graph.value_info, *graph.output)}
    inputs = [info.name for info in graph.input if info.name not in weights]
    if len(inputs) != 1 or shapes.get(inputs[0]) is None:
        raise error(source, "archcalc reads models of one input whose sizes are fixed numbers "
                            f"(this one has {len(inputs)}); export it with a fixed input size")  # fmt: skip
    reader = _Reader(weights, shapes, inputs[0], onnx.helper)
    for node in graph.node:
        reader.read(node)
    title = path.stem
    outputs = [reader.values.get(info.name, INPUT) for info in graph.output]
    description = f"imported from {source} by archcalc import (ONNX, checked against onnx shape inference)"
    return Imported(title, description, shapes[inputs[0]] or (), reader.steps, outputs, reader.unmapped)


def _onnx(source: str) -> Any:
    try:
        import onnx
    except ImportError:
        raise MissingPackage("reading ONNX needs the onnx package: `pip install onnx`") from None
    return onnx


def _shape(info: Any) -> Shape | None:
    """A value's shape without the batch axis, in nH×nW×nC (None where inference left a size unknown)."""
    dims = [int(dim.dim_value) if dim.HasField("dim_value") else 0 for dim in info.type.tensor_type.shape.dim]
    if len(dims) not in (2, 4) or 0 in dims[1:]:
        return None
    return (dims[2], dims[3], dims[1]) if len(dims) == 4 else (dims[1],)


class _Reader:
    def __init__(self, weights: dict[str, tuple[int, ...]], shapes: dict[str, Shape | None], start: str,
                 helper: Any) -> None:  # fmt: skip
        self.weights, self.shapes, self.helper = weights, shapes, helper
        self.values: dict[str, str] = {start: INPUT}
        """Each ONNX value by the step that makes it (or INPUT)."""
        self.steps: list[Step] = []
        self.unmapped: list[Unmapped] = []
        self.taken: set[str] = set()

    def read(self, raw: Any) -> None:
        node = _Node(raw, self.weights, self.helper)
        values = [name for name in (node.inputs[:1] if node.op in WEIGHTED else node.inputs) if name]
        inputs = [self.values[name] for name in values if name in self.values]
        if not inputs:  # a constant, or arithmetic on constants
            return
        settings = None if node.op in PASSED_ON else _settings(node, len(inputs) == len(values))
        if settings is None or isinstance(settings, str):
            if settings is not None:
                self.unmapped.append(Unmapped(node.name, node.op, settings))
            self.values[node.outputs[0]] = inputs[0]  # read on, to find every other op too
            return
        name, scope = _name(node, self.taken), _scope(node)
        path = ".".join((*scope[-1:], node.op.lower()))
        self.steps.append(Step(name, *settings, inputs, self.shapes.get(node.outputs[0]), scope, path))
        self.values[node.outputs[0]] = name


def _settings(node: _Node, all_values: bool) -> Settings:
    read = READERS.get(node.op)
    if read is None:
        return ""
    if node.op in ("Add", "Mul") and not all_values:
        return "it joins a value with a constant"
    return read(node)


def _scope(node: _Node) -> tuple[str, ...]:
    """The module paths torch's exporter writes into a node's name, outermost first:
    `/layer1/layer1.0/conv1/Conv` → layer1, layer1.0, layer1.0.conv1 (a part is a path of its own where it
    repeats the one before, else a name inside it)."""
    paths: list[str] = []
    for part in [part for part in node.name.split("/") if part][:-1]:
        paths.append(part if not paths or part.startswith(paths[-1] + ".") else f"{paths[-1]}.{part}")
    return tuple(paths)


def _name(node: _Node, taken: set[str]) -> str:
    """An ONNX node's name as a spec layer name, from the module path torch's exporter writes:
    `/layer1/layer1.0/conv1/Conv` → layer1_0_conv1 (a part its successor repeats is left out)."""
    parts = [part.replace(".", "_") for part in node.name.split("/") if part][:-1]
    kept = [
        part for part, after in zip(parts, [*parts[1:], ""], strict=True) if not after.startswith(part + "_")
    ]
    return unique("_".join(kept) or node.op.lower(), taken)
