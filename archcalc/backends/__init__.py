"""Optional backends. Only modules in this package import torch, and only when a command needs them."""

from __future__ import annotations

import importlib
from types import ModuleType

INSTALL_HINT = "PyTorch is not installed: `pip install 'archcalc[torch]'` adds it (a CPU-only build will do)"


class TorchMissing(Exception):
    """torch cannot be imported: the message says how to install it."""


def load_backend(name: str) -> ModuleType:
    """`archcalc.backends.<name>`, imported now; TorchMissing with the install hint when torch is absent."""
    try:
        return importlib.import_module(f"archcalc.backends.{name}")
    except ImportError as exc:
        if (exc.name or "").split(".")[0] != "torch":
            raise
        raise TorchMissing(f"{INSTALL_HINT} ({exc})") from None
