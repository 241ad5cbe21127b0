"""Where torch.fx cannot trace a model symbolically (Python control flow on a shape, `len(x)`, an assert on
a size), the model is run once on meta tensors of the given input and the calls it makes are recorded as
the torch.fx graph a symbolic trace would have given: each module a layer kind reads back as one
`call_module` (hooks), each torch function or Tensor method outside them as a `call_function` or
`call_method` (a TorchFunctionMode). Like torch.export, this follows the path the input takes; unlike it,
it keeps the modules a kind reads back rather than their aten ops."""

from __future__ import annotations

import operator
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import torch
from torch import fx, nn
from torch.overrides import TorchFunctionMode

METHOD_OWNERS = ("TensorBase.", "Tensor.")


class Recorded:
    """What the importer's reader asks of a traced model: its graph, and its modules by path."""

    def __init__(self, graph: fx.Graph, model: nn.Module) -> None:
        self.graph, self.model = graph, model

    def get_submodule(self, target: str) -> nn.Module:
        return self.model.get_submodule(target)


def record(model: nn.Module, example: torch.Tensor, leaf: Callable[[nn.Module], bool]) -> Recorded:
    """Run `model` on `example` and record its calls; `leaf` says which modules are recorded whole."""
    recorder = _Recorder(fx.Graph())
    recorder.known(example, recorder.graph.placeholder("x"))
    handles = []
    for path, module in model.named_modules():
        if path:
            handles.append(module.register_forward_pre_hook(recorder.entering(path, leaf(module))))
            handles.append(module.register_forward_hook(recorder.leaving(path, leaf(module))))
    try:
        with recorder:
            output = model(example)
    finally:
        for handle in handles:
            handle.remove()
    recorder.graph.output(recorder.argument(output))
    return Recorded(recorder.graph, model)


class _Recorder(TorchFunctionMode):
    def __init__(self, graph: fx.Graph) -> None:
        super().__init__()
        self.graph = graph
        self.nodes: dict[int, fx.Node] = {}
        self.kept: list[torch.Tensor] = []  # every tensor seen stays alive: its id names one value
        self.stack: list[tuple[str, type]] = []
        self.inside_leaf = 0
        self.pending: Any = ()  # the arguments of the leaf module being called

    def known(self, tensor: torch.Tensor, node: fx.Node) -> None:
        self.kept.append(tensor)
        self.nodes[id(tensor)] = node
        node.meta["tensor_meta"] = SimpleNamespace(shape=tensor.shape)
        node.meta["nn_module_stack"] = self.module_stack()

    def module_stack(self) -> dict[str, tuple[str, type]]:
        """The modules being run, outermost first, as torch.fx records them (`nn_module_stack`)."""
        return {path: (path, cls) for path, cls in self.stack}

    def argument(self, value: Any) -> Any:
        """A call's argument as the graph has it: a tensor by its node (one made outside the model, a
        constant); lists, tuples and dicts through."""
        if isinstance(value, torch.Tensor):
            if id(value) not in self.nodes:
                self.known(value, self.graph.get_attr(f"constant_{len(self.kept)}"))
            return self.nodes[id(value)]
        if isinstance(value, list | tuple):
            return type(value)(self.argument(item) for item in value)
        if isinstance(value, dict):
            return {key: self.argument(item) for key, item in value.items()}
        return value

    def entering(self, path: str, leaf: bool) -> Callable[..., None]:
        def hook(module: nn.Module, args: Any) -> None:
            if not self.inside_leaf:
                self.stack.append((path, type(module)))
                self.pending = self.argument(args) if leaf else ()
            self.inside_leaf += leaf

        return hook

    def leaving(self, path: str, leaf: bool) -> Callable[..., None]:
        def hook(module: nn.Module, args: Any, output: Any) -> None:
            self.inside_leaf -= leaf
            if self.inside_leaf:
                return
            if leaf:
                self.made(output, self.graph.call_module(path, self.pending))
            self.stack.pop()

        return hook

    def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        output = func(*args, **kwargs)
        if (
            self.inside_leaf
            or isinstance(output, torch.Size)
            or not isinstance(output, torch.Tensor | list | tuple)
        ):
            return output
        name = getattr(func, "__qualname__", "")
        if name.startswith(METHOD_OWNERS):
            node = self.graph.call_method(func.__name__, self.argument(args), self.argument(kwargs))
        else:
            node = self.graph.call_function(func, self.argument(args), self.argument(kwargs))
        self.made(output, node)
        return output

    def made(self, output: Any, node: fx.Node) -> None:
        """The node makes `output`: one tensor, or a tuple whose items are read by getitem (as fx does)."""
        if isinstance(output, torch.Tensor):
            self.known(output, node)
            return
        node.meta["nn_module_stack"] = self.module_stack()
        for index, item in enumerate(output if isinstance(output, list | tuple) else ()):
            if isinstance(item, torch.Tensor):
                self.known(item, self.graph.call_function(operator.getitem, (node, index)))


def _recordable(output: Any) -> bool:
    """A tensor, or tensors in a tuple or list (a torch.Size is a tuple of sizes: not a value of the net)."""
    return isinstance(output, torch.Tensor) or (
        isinstance(output, list | tuple) and not isinstance(output, torch.Size)
    )
