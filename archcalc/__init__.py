"""archcalc: exact shapes, parameters and MACs of CNN architectures written as YAML specs.

The Python API (archcalc.api) is imported on first use, so that `import archcalc` stays cheap:

    >>> import archcalc
    >>> archcalc.analyze("vgg16").totals.params
    138357544
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from archcalc.api import (
        Linted,
        analyze,
        build,
        explain,
        lint,
        load,
        reconcile,
    )
    from archcalc.api.analysis import Analysis
    from archcalc.api.importing import ImportedSpec, import_model
    from archcalc.errors import Diagnostic, SettingError, SpecError

__all__ = [
    "Analysis",
    "Diagnostic",
    "ImportedSpec",
    "Linted",
    "SettingError",
    "SpecError",
    "__version__",
    "analyze",
    "build",
    "explain",
    "import_model",
    "lint",
    "load",
    "reconcile",
]
_HOMES = {
    "Diagnostic": "archcalc.errors", "SpecError": "archcalc.errors", "SettingError": "archcalc.errors",
    "ImportedSpec": "archcalc.api.importing", "import_model": "archcalc.api.importing",
    "Analysis": "archcalc.api.analysis",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    """The API's names, imported when first asked for (PEP 562)."""
    if name not in __all__:
        raise AttributeError(f"module 'archcalc' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES.get(name, "archcalc.api")), name)
