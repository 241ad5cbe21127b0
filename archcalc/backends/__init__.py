"""Optional backends. Only modules in this package import torch, and only when a command needs them."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

CPU_WHEEL = "pip install torch --index-url https://download.pytorch.org/whl/cpu"
"""The CPU-only build of torch: a few hundred MB instead of the multi-GB CUDA build a bare install pulls."""


def install_hint(package_folder: Path = Path(__file__).parents[1]) -> str:
    """How to add torch, for where archcalc runs from: a source checkout (a pyproject.toml beside the
    package) installs its extra with `pip install -e '.[torch]'`, an installed archcalc `archcalc[torch]`."""
    checkout = (package_folder.parent / "pyproject.toml").is_file()
    extra = "pip install -e '.[torch]'" if checkout else "pip install 'archcalc[torch]'"
    return f"PyTorch is not installed: `{extra}` adds it; for the CPU-only build (enough here): `{CPU_WHEEL}`"


class MissingPackage(Exception):
    """An optional package a command needs cannot be imported: the message says how to install it."""


class TorchMissing(MissingPackage):
    """torch cannot be imported: the message says how to install it."""


def load_backend(name: str) -> ModuleType:
    """`archcalc.backends.<name>`, imported now; TorchMissing with the install hint when torch is absent."""
    return importing_torch(f"archcalc.backends.{name}")


def importing_torch(module: str) -> ModuleType:
    """An archcalc module that imports torch, imported now; TorchMissing with the install hint when torch is
    absent (any other failed import is a bug, raised as it is)."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if (exc.name or "").split(".")[0] != "torch":
            raise
        raise TorchMissing(f"{install_hint()} ({exc})") from None
