"""The Spec model and the parsing of a YAML document into it, with every error located in the file.

A layer is written `- kind: {settings}`, `- kind: value` (the kind's shorthand setting) or `- kind` alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, Strict, ValidationError, field_validator

from archcalc.errors import DocPath, Problem
from archcalc.layers import LAYER_KINDS, Layer
from archcalc.messages import suggest, translate
from archcalc.shapes import Shape
from archcalc.source import SourceMap, load_file, load_text


class Spec(BaseModel):
    """An architecture: a name, an input shape (nH, nW, nC or a vector [n]) and a list of layers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Strict(), Field(min_length=1)]
    description: Annotated[str, Strict()] = ""
    input: tuple[Annotated[int, Strict(), Field(gt=0)], ...]
    layers: list[Layer] = Field(min_length=1)

    _source: SourceMap = PrivateAttr(default_factory=SourceMap)

    @field_validator("input")
    @classmethod
    def _volume_or_vector(cls, value: Shape) -> Shape:
        if len(value) not in (1, 3):
            raise ValueError(f"expected [nH, nW, nC] or a vector [n], got {len(value)} numbers")
        return value

    @property
    def source(self) -> SourceMap:
        """Where the spec's values sit in its file (empty for specs built in Python)."""
        return self._source


def load_spec(path: Path, display_name: str | None = None) -> Spec:
    """Read, validate and name a spec file; raises SpecError with file positions."""
    return parse_spec(*load_file(path, display_name))


def parse_spec_text(text: str, filename: str = "<spec>") -> Spec:
    return parse_spec(*load_text(text, filename))


def parse_spec(data: Any, source: SourceMap) -> Spec:
    """Validate plain data (from YAML) as a Spec, reporting every problem found, not just the first."""
    if not isinstance(data, dict):
        found = type(data).__name__.replace("NoneType", "null")
        raise source.error(
            [Problem(f"a spec is a mapping with 'name', 'input' and 'layers'; found a {found}")]
        )
    problems: list[Problem] = []
    layers = _parse_layers(data.get("layers"), ("layers",), problems)
    try:
        spec = Spec.model_validate({**data, "layers": layers})
    except ValidationError as exc:
        layers_reported = bool(problems)  # then an empty `layers` is their consequence, not news
        problems += [
            p for p in translate(exc, Spec, (), "spec") if not (layers_reported and p.path[:1] == ("layers",))
        ]
    if problems:
        raise source.error(problems)
    spec._source = source
    return spec


def _parse_layers(items: Any, path: DocPath, problems: list[Problem]) -> Any:
    """Parse each item (keeping going after a bad one), then give unnamed layers their names."""
    if not isinstance(items, list):
        return items  # let the Spec model report a missing or mistyped list
    layers = [_parse_layer(item, (*path, index), problems) for index, item in enumerate(items)]
    parsed = [layer for layer in layers if layer is not None]
    return _assign_names(parsed, problems)


def _parse_layer(item: Any, path: DocPath, problems: list[Problem]) -> Layer | None:
    split = _split_item(item, path)
    if isinstance(split, Problem):
        problems.append(split)
        return None
    kind, settings = split
    layer_class = LAYER_KINDS.get(kind)
    if layer_class is None:
        hint = suggest(kind, list(LAYER_KINDS))
        known = ", ".join(sorted(LAYER_KINDS))
        problems.append(
            Problem(f"unknown layer kind '{kind}'{hint} (known kinds: {known})", path, on_key=True)
        )
        return None
    where = (*path, kind) if isinstance(item, dict) else path
    try:
        layer = layer_class.model_validate(settings)
    except ValidationError as exc:
        problems += translate(exc, layer_class, where, _subject(kind, settings))
        return None
    layer._source_path = path
    return layer


def _split_item(item: Any, path: DocPath) -> tuple[str, Any] | Problem:
    """`- conv: {...}` → ('conv', {...}); `- flatten` → ('flatten', None)."""
    if isinstance(item, str):
        return item, None
    if isinstance(item, dict) and len(item) == 1:
        kind, settings = next(iter(item.items()))
        return str(kind), settings
    if isinstance(item, dict):
        kinds = [key for key in item if key in LAYER_KINDS]
        if len(kinds) == 1:
            others = ", ".join(str(key) for key in item if key != kinds[0])
            return Problem(
                f"put {others} inside the {kinds[0]} settings: `- {kinds[0]}: {{{others}: ...}}`", path
            )
        keys = ", ".join(str(key) for key in item)
        return Problem(
            f"a layer is written `- kind: {{settings}}` with one kind; this one has keys {keys}", path
        )
    return Problem(f"a layer is written `- kind: {{settings}}` or `- kind`; got {item!r}", path)


def _subject(kind: str, settings: Any) -> str:
    name = settings.get("name") if isinstance(settings, dict) else None
    return f"{kind} '{name}'" if isinstance(name, str) else kind


def _assign_names(layers: list[Layer], problems: list[Problem]) -> list[Layer]:
    """Keep the names given; name the others after their kind and rank (conv1, conv2, pool1, …)."""
    taken: set[str] = set()
    for layer in layers:
        if layer.name in taken:
            message = f"layer name '{layer.name}' is already used by an earlier layer; names must be unique"
            problems.append(Problem(message, layer.source_path))
        if layer.name is not None:
            taken.add(layer.name)
    counts: dict[str, int] = {}
    return [
        layer if layer.name else _renamed(layer, _next_name(layer.kind, counts, taken)) for layer in layers
    ]


def _next_name(kind: str, counts: dict[str, int], taken: set[str]) -> str:
    """The first free `kind<n>`, counting on from the last one given to this kind; marks it taken."""
    while True:
        counts[kind] = counts.get(kind, 0) + 1
        name = f"{kind}{counts[kind]}"
        if name not in taken:
            taken.add(name)
            return name


def _renamed(layer: Layer, name: str) -> Layer:
    copy = layer.model_copy(update={"name": name})
    copy._source_path = layer.source_path
    return copy
