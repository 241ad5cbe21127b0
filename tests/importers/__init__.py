"""Importer tests: models in, checked specs out."""

from typing import Any


def written_layers(imported: Any) -> str:
    """The `layers:` list of the spec an import wrote (what follows `layers:`), as text."""
    return str(imported.text.split("layers:\n")[1])
