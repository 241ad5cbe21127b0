"""A PyTorch model read back as Steps: traced with torch.fx (symbolically, on the meta device: no weights are
made and nothing is computed), shapes propagated through the trace, and each op read back by the layer kind
that builds it (`Layer.from_torch`). An op no kind expresses is listed, never counted as zero."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from itertools import chain
from typing import Any

import torch
from torch import fx, nn
from torch.fx.passes.shape_prop import ShapeProp
from torch.nn.utils.stateless import _reparametrize_module

from archcalc.backends.torch import hwc, nchw
from archcalc.importers.calls import CALLS, MERGES, PASSED_ON, RESHAPES
from archcalc.importers.recorded import Recorded, record
from archcalc.importers.steps import INPUT, Imported, Step, Unmapped, error, unique
from archcalc.layers import TORCH_MODULES
from archcalc.shapes import Shape, format_shape, numel

OWN_MODULES = ("torch.nn.", "archcalc.backends.")
"""Where the classes that TORCH_MODULES names by their class name live."""


def load_model(target: str, arguments: Mapping[str, Any]) -> Any:
    """The model `pkg.module:factory` names, made by calling the factory with `arguments` (on the meta
    device where it can be: no memory for weights), or the module instance the name holds."""
    module_name, _, attribute = target.partition(":")
    sys.path.insert(0, "")  # the current folder, as `python -m` has it
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except ImportError as exc:
        raise error(target, f"cannot import '{module_name}' ({exc}); run from the folder that holds it, or "
                            "install its package") from None  # fmt: skip
    except AttributeError:
        raise error(target, f"module '{module_name}' has no '{attribute}'") from None
    finally:
        sys.path.remove("")
    return factory if isinstance(factory, nn.Module) else _made(factory, arguments, target)


def _made(factory: Any, arguments: Mapping[str, Any], target: str) -> Any:
    try:
        with torch.device("meta"):
            model = factory(**arguments)
    except Exception as exc:  # a factory is the user's code: any failure is theirs to see, not a traceback
        raise error(target, f"{target}({_call(arguments)}) raised {type(exc).__name__}: {exc}") from None
    if not isinstance(model, nn.Module):
        raise error(target, f"{target}({_call(arguments)}) returned a {type(model).__name__}, not a torch "
                            "nn.Module")  # fmt: skip
    return model


def _call(arguments: Mapping[str, Any]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in arguments.items())


class _Tracer(fx.Tracer):
    """Stops at every module a layer kind reads back (archcalc's own included), and at torch.nn's."""

    def is_leaf_module(self, m: Any, module_qualified_name: str) -> bool:
        return _kind_module(m) or super().is_leaf_module(m, module_qualified_name)


def _kind_module(module: Any) -> bool:
    cls = type(module)
    return cls.__name__ in TORCH_MODULES and cls.__module__.startswith(OWN_MODULES)


def import_model(model: Any, shape: Shape, title: str, source: str) -> Imported:
    """The steps of `model` on one input of `shape` (nH×nW×nC, or n for a vector)."""
    graph, how = _traced(model.eval(), shape, source)
    reader = _Reader(graph, source)
    for node in graph.graph.nodes:
        reader.read(node)
    description = f"imported from {source} by archcalc import ({how})"
    return Imported(title, description, shape, reader.steps, reader.outputs, reader.unmapped, reader.modules)


def _traced(model: Any, shape: Shape, source: str) -> tuple[Any, str]:
    """The model's graph with every value's shape: traced by torch.fx, or where fx cannot, recorded by
    running the model on meta tensors."""
    example = torch.empty(nchw(shape), device="meta")
    try:
        graph = fx.GraphModule(model, _Tracer().trace(model))
    except Exception as exc:  # fx refuses control flow on shapes and much else: run the model instead
        return _recorded(model, example, source, _why(exc)), "run on meta tensors: torch.fx cannot trace it"
    try:
        with _on_meta(graph):
            ShapeProp(graph).propagate(example)
    except Exception as exc:
        raise _does_not_run(shape, exc, source) from None
    return graph, "torch.fx"


def _recorded(model: Any, example: Any, source: str, fx_failure: str) -> Recorded:
    try:
        with _on_meta(model):
            return record(model, example, _kind_module)
    except Exception as exc:
        advice = "export it to ONNX with torch.onnx.export and import the .onnx file instead"
        raise error(source, f"torch.fx cannot trace the model ({fx_failure}) and running it on meta tensors "
                            f"fails too ({_why(exc)}); {advice}") from None  # fmt: skip


@contextmanager
def _on_meta(module: Any) -> Iterator[None]:
    """The module's parameters and buffers as meta tensors while it runs (no memory, no arithmetic); the
    caller's model is left as it was, where `module.to("meta")` would move it."""
    tensors = chain(
        module.named_parameters(remove_duplicate=False), module.named_buffers(remove_duplicate=False)
    )
    state = {name: torch.empty_like(value, device="meta") for name, value in tensors}
    with _reparametrize_module(module, state):
        yield


def _does_not_run(shape: Shape, exc: BaseException, source: str) -> Exception:
    message = f"the model does not run on a {format_shape(shape)} input ({_why(exc)}); give the one it takes"
    return error(source, f"{message} with --input")


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else ""


class _Reader:
    """Reads a traced model node by node into Steps; each value is known by the step that makes it."""

    def __init__(self, graph: Any, source: str) -> None:
        self.graph, self.source = graph, source
        self.steps: list[Step] = []
        self.unmapped: list[Unmapped] = []
        self.outputs: list[str] = []
        self.values: dict[Any, str] = {}
        self.shapes: dict[str, Shape] = {}
        self.taken = {str(node.name) for node in graph.graph.nodes}
        self.modules: dict[str, str] = {}

    def read(self, node: Any) -> None:
        if node.op == "placeholder":
            if self.values:
                raise error(self.source, "the model takes several inputs; archcalc specs take one")
            self.values[node], self.shapes[INPUT] = INPUT, hwc(node.meta["tensor_meta"].shape)
        elif node.op == "output":
            self.outputs = [self.values[found] for found in _nodes(node.args) if found in self.values]
        elif node.op != "get_attr":
            self._read_call(node)

    def _read_call(self, node: Any) -> None:
        meta = node.meta.get("tensor_meta")
        inputs = [self.values[found] for found in _nodes((node.args, node.kwargs)) if found in self.values]
        if not hasattr(meta, "shape"):  # not one tensor: x.size(0), or a module's tuple
            if node.op == "call_module":
                self.unmapped.append(Unmapped(node.name, self._op(node), "it does not return one tensor"))
            return
        if inputs and (node.target in PASSED_ON or _flattens(node, meta, self.shapes[inputs[0]])):
            self.values[node] = (
                inputs[0] if node.target in PASSED_ON else self._add(node, "flatten", {}, inputs, meta)
            )
            return
        translated = self._translate(node, self.shapes[inputs[0]] if inputs else ())
        if isinstance(translated, Unmapped):
            self.unmapped.append(translated)
            self.values[node] = inputs[0] if inputs else INPUT  # read on, to find every other op too
            self.shapes.setdefault(node.name, hwc(meta.shape))
            return
        kind, settings = translated
        self.values[node] = self._add(node, kind, settings, inputs, meta)

    def _add(self, node: Any, kind: str, settings: dict[str, Any], inputs: list[str], meta: Any) -> str:
        scope = self._scope(node)
        base = settings.get("fn", kind)
        if node.op == "call_module":
            name, path = str(node.name), str(node.target)
        else:
            name, path = self._scoped(node, scope, base), ".".join((*scope[-1:], base))
        shape = hwc(meta.shape)
        self.steps.append(Step(name, kind, settings, inputs, shape, scope, path))
        self.shapes[name] = shape
        return name

    def _scope(self, node: Any) -> tuple[str, ...]:
        """The paths of the modules the node runs in (its own, for a module call, left out), each module's
        class noted for the names of the blocks they become."""
        stack = [(str(path), cls) for path, cls in node.meta.get("nn_module_stack", {}).values()]
        if node.op == "call_module" and stack and stack[-1][0] == node.target:
            stack.pop()
        for path, cls in stack:
            self.modules[path] = getattr(cls, "__name__", str(cls).rsplit(".", 1)[-1])
        return tuple(path for path, _ in stack)

    def _scoped(self, node: Any, scope: tuple[str, ...], kind: str) -> str:
        """A call's name after the module it is made in: `out += identity` in layer1.0 is layer1_0_add (or
        the name torch.fx gave the call, if that is the one it comes to)."""
        path = scope[-1].replace(".", "_") if scope else ""
        name = path if path.rsplit("_", 1)[-1] == kind else "_".join(part for part in (path, kind) if part)
        return unique(name, self.taken, own=node.name)

    def _translate(self, node: Any, x: Shape) -> tuple[str, dict[str, Any]] | Unmapped:
        if node.op == "call_module":
            return _by_kind(self.graph.get_submodule(node.target), x, node.name, self._op(node))
        if node.target in MERGES:
            return _merge(node, MERGES[node.target], self._op(node))
        call = CALLS.get(node.target)
        arguments = call.arguments(tuple(node.args), dict(node.kwargs)) if call else None
        if call is None or arguments is None:
            return Unmapped(node.name, self._op(node))
        try:
            module = getattr(nn, call.module)(*arguments[0], **arguments[1])
        except (TypeError, ValueError) as exc:
            return Unmapped(node.name, self._op(node), f"its arguments ({exc})")
        return _by_kind(module, x, node.name, self._op(node))

    def _op(self, node: Any) -> str:
        if node.op == "call_module":
            cls = type(self.graph.get_submodule(node.target))
            return f"{cls.__module__.split('.modules.')[0]}.{cls.__name__}"
        if node.op == "call_method":
            return f"Tensor.{node.target}"
        home = (getattr(node.target, "__module__", None) or "operator").lstrip(
            "_"
        )  # _operator.add: operator.add
        return f"{home.replace('torch.nn.functional', 'F')}.{getattr(node.target, '__name__', node.target)}"


def _by_kind(module: Any, x: Shape, name: str, op: str) -> tuple[str, dict[str, Any]] | Unmapped:
    """The first kind that reads `module` back (two may claim a class: global_pool takes 1×1 outputs)."""
    if not _kind_module(module):
        return Unmapped(name, op)
    for kind in TORCH_MODULES[type(module).__name__]:
        settings = kind.from_torch(module, x)
        if settings is not None:
            return kind.kind, settings
    return Unmapped(name, op, "its settings are ones no kind builds")


def _merge(node: Any, kind: str, op: str) -> tuple[str, dict[str, Any]] | Unmapped:
    joined = _flat(node.args[0]) if kind == "concat" else list(node.args[:2])
    if len(joined) < 2 or not all(isinstance(arg, fx.Node) for arg in joined):
        return Unmapped(node.name, op, "it joins a tensor with a constant")
    dim = node.kwargs.get("dim", node.args[1] if len(node.args) > 1 else 0)
    rank = len(node.meta["tensor_meta"].shape)
    if kind == "concat" and dim not in (1, 1 - rank):
        return Unmapped(node.name, op, f"it joins along dim {dim}, not the channels (dim 1)")
    return kind, {}


def _flattens(node: Any, meta: Any, x: Shape) -> bool:
    """A reshape to one vector per sample is a flatten."""
    return node.target in RESHAPES and len(meta.shape) == 2 and tuple(meta.shape[1:]) == (numel(x),)


def _nodes(value: Any) -> list[Any]:
    """The fx nodes in a call's arguments, in order (inside lists, tuples and dicts too)."""
    return [item for item in _flat(value) if isinstance(item, fx.Node)]


def _flat(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return [item for part in value for item in _flat(part)]
    if isinstance(value, dict):
        return _flat(list(value.values()))
    return [value]
