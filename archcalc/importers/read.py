"""`archcalc import`: a model in (an ONNX file, a PyTorch model or the `pkg.module:factory` that makes one),
a checked spec out. torch and onnx are imported only for the kind of model given."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from archcalc.backends import importing_torch
from archcalc.importers.steps import Imported, error, fuse
from archcalc.importers.written import checked
from archcalc.report import Report
from archcalc.shapes import Shape


def read_model(model: Any, shape: Shape | None, arguments: Mapping[str, Any]) -> tuple[str, Report]:
    """The spec of `model` (YAML text) and archcalc's analysis of it; SpecError naming every op no kind
    expresses, or what else stops the import. `shape` is the input for a PyTorch model (an ONNX file
    has its own)."""
    source = str(model) if isinstance(model, str | Path) else type(model).__name__
    if isinstance(model, str | Path) and str(model).endswith(".onnx"):
        from archcalc.importers.onnx import import_onnx

        imported = import_onnx(_existing(Path(model), source), source)
    else:
        imported = _from_torch(model, shape, arguments, source)
    imported.require_mapped(source)
    fuse(imported)
    return checked(imported, source)


def _existing(path: Path, source: str) -> Path:
    if not path.is_file():
        raise error(source, "no such file" if not path.exists() else "not a regular file")
    return path


def _from_torch(model: Any, shape: Shape | None, arguments: Mapping[str, Any], source: str) -> Imported:
    torchfx = importing_torch("archcalc.importers.torchfx")
    if isinstance(model, str):
        if ":" not in model:
            raise error(source, "give a model as pkg.module:factory (a function or class that makes the "
                                "nn.Module), or an .onnx file")  # fmt: skip
        model = torchfx.load_model(model, arguments)
    if shape is None:
        raise error(source, "a PyTorch model needs the input it runs on, e.g. 224x224x3")
    title = type(model).__name__
    imported: Imported = torchfx.import_model(model, shape, title, source)
    return imported
