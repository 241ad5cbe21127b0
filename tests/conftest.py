"""Helpers shared by the tests: build one layer or a whole spec from YAML text."""

from __future__ import annotations

import textwrap

import pytest

from archcalc.engine import analyze
from archcalc.errors import SpecError
from archcalc.layers import Layer
from archcalc.report import LayerRow
from archcalc.shapes import Shape
from archcalc.spec.model import Spec, parse_spec_text


def spec_from(text: str, filename: str = "test.yaml") -> Spec:
    """A spec from (dedented) YAML text."""
    return parse_spec_text(textwrap.dedent(text), filename)


def layer_from(item: str) -> Layer:
    """One layer from its YAML list item, e.g. `conv: {filters: 6, kernel: 5}`."""
    return spec_from(f"name: t\ninput: [1]\nlayers:\n  - {item}\n").layers[0]


def row_of(item: str, x: Shape) -> LayerRow:
    """The engine's row for one layer (simple or composite) given its input shape (N×D tokens, which a spec
    never starts from, are given to the engine as the input it walks)."""
    dims = ", ".join(str(d) for d in x)
    if len(x) == 2:
        return analyze(spec_from(f"name: t\ninput: [1]\nlayers:\n  - {item}\n"), x).rows[0]
    return analyze(spec_from(f"name: t\ninput: [{dims}]\nlayers:\n  - {item}\n")).rows[0]


def messages(error: pytest.ExceptionInfo[SpecError]) -> list[str]:
    return [str(d) for d in error.value.diagnostics]


def refusal(text: str, input_shape: Shape | None = None) -> list[str]:
    """What archcalc says of spec text it must refuse (read, or walked at `input_shape`), as printed."""
    with pytest.raises(SpecError) as error:
        analyze(spec_from(text), input_shape)
    return messages(error)


@pytest.fixture
def limited(monkeypatch):
    """Run a test under smaller archcalc.limits: `limited(layers=10)`."""
    from archcalc import limits

    def apply(**settings: int) -> None:
        monkeypatch.setattr(limits, "_current", limits.Limits().raised(settings))

    return apply
