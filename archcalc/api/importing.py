"""archcalc from existing models: `import_model` reads a PyTorch model or an ONNX file into a checked spec
(the importers do the reading; this is their public face, with the checks of what a caller passes)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from archcalc.api import InputSize, check_input
from archcalc.api.analysis import Analysis
from archcalc.errors import SettingError
from archcalc.shapes import Shape


@dataclass(frozen=True)
class ImportedSpec:
    """A spec made from an existing model (`import_model`): its YAML text, and archcalc's analysis of it."""

    text: str
    analysis: Analysis


def import_model(
    model: Any, *, input: InputSize | None = None, args: Mapping[str, Any] | None = None
) -> ImportedSpec:
    """A spec of an existing model: an ONNX file's path (needs onnx), a torch `nn.Module`, or the
    `"pkg.module:factory"` that makes one, called with `args` (needs torch). Every layer's shape is checked
    against the model's own; an op no layer kind expresses is a SpecError naming it, never a zero. `input`
    (nH, nW, nC) is what a PyTorch model runs on; an ONNX file has its own."""
    from archcalc.importers.read import read_model

    onnx = isinstance(model, str | os.PathLike) and os.fspath(model).endswith(".onnx")
    if onnx and input is not None:
        raise SettingError("an ONNX file has its own input size; leave the input out", "input")
    if onnx and args:
        raise SettingError("arguments are for a PyTorch model's factory, not an ONNX file", "arg")
    if not onnx and input is None:
        raise SettingError("a PyTorch model needs the input it runs on, e.g. 224x224x3", "input")
    shape = None if input is None else _numbers(input)
    text, report = read_model(model, shape, args or {})
    return ImportedSpec(text, Analysis(report))


def _numbers(input: InputSize) -> Shape:
    if not all(isinstance(size, int) and not isinstance(size, bool) and size > 0 for size in input):
        raise SettingError(f"an imported model runs on sizes that are numbers, not {tuple(input)}", "input")
    check_input(tuple(input))
    return tuple(int(size) for size in input)
