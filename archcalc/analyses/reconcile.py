"""`archcalc reconcile`: which way of counting, at which input size, gives a quoted figure ("4.12G")?

Papers, tools and model cards quote one number with no rule attached. A figure is matched against every
combination of the usual choices, each a sum of the engine's exact per-network counts (analyses/presets.py):

    count = m · MACs + [bias adds] + [BN: its params γ, β | 2 per BN output] + [adaptive-pool inputs]

with m = 1 (MACs, multiply-accumulates) or 2 (FLOPs), and also against the parameter count; at the spec's own
input and at the input sizes figures are usually quoted at (224, 227, 256, 299, 320, …). A figure matches
when it equals the count to the precision it is written with: "4.12G" is any count from 4,115,000,000 to
4,125,000,000; "4,089,184,256" only that number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import product
from typing import Any

from archcalc.analyses.presets import Counting
from archcalc.engine import analyze
from archcalc.errors import SpecError
from archcalc.shapes import Shape, format_shape
from archcalc.spec.model import Spec

SIZES = (32, 64, 96, 128, 160, 192, 224, 227, 256, 288, 299, 320, 384, 416, 448, 480, 512, 608)
"""Square input sizes figures are commonly quoted at (CIFAR 32 … YOLO 608), tried besides the spec's own."""
_SCALES = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9, "B": 10**9, "T": 10**12}
_FIGURE = re.compile(
    r"^\s*(?P<number>[0-9][0-9,_]*(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*(?P<scale>[KMGBT]?)"
    r"\s*(?:FLOPS?|MACS?|MULT-ADDS|OPS|PARAMS|PARAMETERS)?\s*$"
)


class FigureError(ValueError):
    """A figure that cannot be read as a number; the message shows how to write one."""


@dataclass(frozen=True)
class Figure:
    """A quoted figure: its value, and the half-width of the interval its written precision allows."""

    text: str
    value: Decimal
    tolerance: Decimal

    @property
    def low(self) -> Decimal:
        return self.value - self.tolerance

    @property
    def high(self) -> Decimal:
        return self.value + self.tolerance


def parse_figure(text: str) -> Figure:
    """`4.12G`, `4.12 GFLOPs`, `4.09e9`, `8,178,368,512`, `61.9M` → the figure and its precision: half a
    unit in the last digit written ("4.12G": ± 0.005 × 10⁹); a whole number written out in full is exact."""
    match = _FIGURE.match(text.upper() if len(text) < 40 else "")
    if not match:
        raise FigureError(f"expected a figure like 4.12G, 4.09e9 or 4,089,184,256, got {text[:40]!r}")
    number = match["number"].replace(",", "").replace("_", "")
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise FigureError(f"expected a figure like 4.12G, got {text[:40]!r}") from None
    scale = _SCALES[match["scale"]]
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    last_digit = Decimal(10) ** exponent * scale
    exact = exponent >= 0 and scale == 1 and "E" not in number
    return Figure(text.strip(), value * scale, Decimal(0) if exact else last_digit / 2)


RULES = (
    *(
        Counting(*choice)
        for choice in product((1, 2), (False, True), ("", "params", "outputs"), (False, True))
    ),
    Counting(params=True),
)
"""Every combination of the choices (each preset among them), and the parameter count."""


def terms(rule: Counting) -> int:
    """How many choices a rule makes beyond plain MACs: simpler explanations rank first."""
    return (rule.mac_factor - 1) + rule.bias + bool(rule.norm) + rule.pooled


def describe(rule: Counting) -> str:
    """The formula, and the presets that count this way: `MACs + bias adds — as --count torchvision`."""
    return rule.formula() + (f" — as --count {' / '.join(rule.presets)}" if rule.presets else "")


@dataclass(frozen=True)
class Match:
    """A way of counting, at an input, and the count it gives."""

    rule: Counting
    input: Shape
    count: int
    own_input: bool

    def describe(self) -> str:
        return f"{self.count:,} = {describe(self.rule)}, input {format_shape(self.input)}"


@dataclass(frozen=True)
class Reconciliation:
    """The figure, the ways of counting that reproduce it (best first: a tool's rule before an ad-hoc one,
    fewer terms first, the spec's own input first, then the nearest), and when none does, the three nearest
    counts, to show how far off the figure is."""

    figure: Figure
    matches: list[Match]
    nearest: list[Match]


def reconcile(spec: Spec, figure: Figure) -> Reconciliation:
    """Every rule at every input tried, matched against `figure`; a count an input does not change (the
    params of a network with a global pool) is shown once, at the first input that gives it."""
    candidates = list({(m.rule, m.count): m for m in reversed(list(_candidates(spec)))}.values())[::-1]
    matches = [m for m in candidates if figure.low <= m.count <= figure.high]
    matches.sort(
        key=lambda m: (not m.rule.presets, terms(m.rule), not m.own_input, abs(m.count - figure.value))
    )
    nearest = sorted(candidates, key=lambda m: (abs(m.count - figure.value), terms(m.rule)))[:3]
    return Reconciliation(figure, matches, [] if matches else nearest)


def _candidates(spec: Spec) -> Iterator[Match]:
    for shape, own in _inputs(spec):
        try:
            totals = analyze(spec, None if own else shape).totals
        except SpecError:
            continue  # the spec cannot take this size: no count to compare
        for rule in RULES:
            yield Match(rule, shape, int(rule.count(totals)), own)


def _inputs(spec: Spec) -> Iterator[tuple[tuple[Any, ...], bool]]:
    """The spec's own input (when numeric), then the common square sizes, each with its channels."""
    own = tuple(spec.input)
    numeric = all(isinstance(d, int) for d in own)
    if numeric:
        yield own, True
    if len(own) != 3:
        return
    for size in SIZES:
        shape = (size, size, own[2])
        if shape != own:
            yield shape, False
