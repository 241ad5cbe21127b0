"""The Spec model and the parsing of a YAML document into it, with every error located in the file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    PrivateAttr,
    Strict,
    ValidationError,
    WithJsonSchema,
    field_validator,
)

from archcalc.allocation import building
from archcalc.errors import Problem
from archcalc.layers import LAYER_KINDS, Layer
from archcalc.limits import limits
from archcalc.shapes import Shape
from archcalc.spec.blocks import INPUT_NAMES, Block, parse_blocks
from archcalc.spec.expansion import minimum_layers
from archcalc.spec.include import included_blocks
from archcalc.spec.messages import translate
from archcalc.spec.parse import LayerParser
from archcalc.spec.positions import SourceMap
from archcalc.spec.source import load_file, load_text


def _dimension(value: Any) -> int | str:
    """One input size: a positive whole number, or a name (`H`) that leaves it symbolic."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value > 0:
            return value
        raise ValueError(f"sizes are whole numbers of at least 1, got {value}")
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z_]\w*", value):
        return value
    raise ValueError(f"expected a size: a whole number like 224 or a name like H, got {value!r}")


Dimension = Annotated[
    int | str,
    PlainValidator(_dimension),
    WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": r"^[A-Za-z_]\w*$"}]}
    ),
]


class Spec(BaseModel):
    """An architecture: a name, an input shape (nH, nW, nC or a vector [n]) and a list of layers."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: Annotated[str, Strict(), Field(min_length=1)]
    description: Annotated[str, Strict()] = ""
    input: tuple[Dimension, ...]
    """nH, nW, nC or [n]; nH and nW may be names (`[H, W, 3]`) to leave the size symbolic."""
    layers: list[Layer] = Field(min_length=1)
    outputs: list[Annotated[str, Strict(), Field(min_length=1)]] = Field(default_factory=list)
    params: dict[str, int] = Field(default_factory=dict)
    """Names usable in every expression (`repeat: n`), given other values with `--set n=18`."""
    """The top-level layers whose outputs are the network's (YOLOv3's three heads); default: the last."""
    blocks: dict[str, Any] = Field(default_factory=dict)
    """The block definitions as written (their uses are already instantiated in `layers`)."""
    include: list[str] | str = Field(default_factory=list)
    """Other specs whose blocks this one uses: built-in names or paths from this spec's folder."""
    lint: dict[str, Any] = Field(default_factory=dict)
    """Settings for `archcalc lint` on this spec (budgets, select, ignore); checked by the linter."""

    _source: SourceMap = PrivateAttr(default_factory=SourceMap)

    @field_validator("input")
    @classmethod
    def _volume_or_vector(cls, value: Shape) -> Shape:
        if len(value) not in (1, 3):
            raise ValueError(f"expected [nH, nW, nC] or a vector [n], got {len(value)} numbers")
        if isinstance(value[-1], str):
            raise ValueError(
                "only nH and nW may be symbols; the channels (or a vector's length) are a number"
            )
        return value

    @property
    def source(self) -> SourceMap:
        """Where the spec's values sit in its file (empty for specs built in Python)."""
        return self._source


def load_spec(path: Path, display_name: str | None = None, overrides: dict[str, int] | None = None) -> Spec:
    """Read, validate and name a spec file; raises SpecError with file positions."""
    with building():
        return parse_spec(*load_file(path, display_name), overrides)


def parse_spec_text(text: str, filename: str = "<spec>") -> Spec:
    with building():
        return parse_spec(*load_text(text, filename))


def _params(raw: Any, overrides: dict[str, int]) -> tuple[dict[str, int], list[Problem]]:
    """The spec's `params:` (names → whole numbers), with `--set` values over them."""
    if raw is None:
        return dict(overrides), []
    if not isinstance(raw, dict):
        return {}, [Problem("params: expected a mapping of names to whole numbers, e.g. {n: 3}", ("params",))]
    problems = [
        Problem(f"params: '{name}' must be a name and a whole number, got {value!r}", ("params", name))
        for name, value in raw.items()
        if not (isinstance(name, str) and name.isidentifier() and type(value) is int)
    ] + [
        Problem(f"params: '{name}' is reserved: blocks read their input's size as nH, nW, nC",
                ("params", name), on_key=True)
        for name in raw if name in INPUT_NAMES
    ]  # fmt: skip
    return {**raw, **overrides}, problems


def _blocks(data: dict[str, Any], source: SourceMap) -> tuple[dict[str, Block], list[Problem]]:
    """The spec's own blocks and those it includes; a block of its own may not take an included name."""
    included, problems = included_blocks(data.get("include"), source, set(LAYER_KINDS))
    own, failures = parse_blocks(data.get("blocks"), set(LAYER_KINDS), included)
    return {**included, **own}, problems + failures


def parse_spec(data: Any, source: SourceMap, overrides: dict[str, int] | None = None) -> Spec:
    """Validate plain data (from YAML) as a Spec, reporting every problem found, not just the first.
    `overrides` give spec parameters other values (`--set n=18`)."""
    with building():
        return _parsed(data, source, overrides)


def _parsed(data: Any, source: SourceMap, overrides: dict[str, int] | None) -> Spec:
    if not isinstance(data, dict):
        found = type(data).__name__.replace("NoneType", "null")
        raise source.error(
            [Problem(f"a spec is a mapping with 'name', 'input' and 'layers'; found a {found}", code="AC002")]
        )
    blocks, problems = _blocks(data, source)
    items = data.get("layers")
    at_least = minimum_layers(items, blocks)
    if at_least > limits().layers:
        message = (
            f"the spec expands to at least {at_least:,} layers once blocks and `repeat:` are expanded, "
            f"more than the limit of {limits().layers:,}; raise it with `archcalc --limit layers=N`"
        )
        raise source.error([*problems, Problem(message, ("layers",), code="AC003")])
    params, bad_params = _params(data.get("params"), overrides or {})
    problems += bad_params
    parser = LayerParser(blocks, params, source.error)
    layers = parser.spec_layers(items) if isinstance(items, list) else items
    problems += parser.problems
    try:
        spec = Spec.model_validate({**data, "layers": layers, "params": params})
    except ValidationError as exc:
        layers_reported = bool(problems)  # then an empty `layers` is their consequence, not news
        problems += [
            p for p in translate(exc, Spec, (), "spec") if not (layers_reported and p.path[:1] == ("layers",))
        ]
    if problems:
        raise source.error(problems)
    spec._source = source
    return spec
