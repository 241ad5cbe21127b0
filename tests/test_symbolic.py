"""Symbolic sizes: formulas that simplify, and that equal the numeric engine at every size (property test)."""

import random

import pytest
from typer.testing import CliRunner

from archcalc.cli import app
from archcalc.engine import analyze
from archcalc.errors import SpecError
from archcalc.spec.model import load_spec
from archcalc.symbolic import Expr, evaluate
from tests.conftest import spec_from
from tests.paths import SPECS

H, W = Expr.symbol("H"), Expr.symbol("W")


def test_formulas_simplify_as_they_are_made():
    assert str((H + 0) // 1) == "H"
    assert str((2 * H + 5) // 2) == "H + 2"  # ⌊(2H + 5)/2⌋ = H + ⌊5/2⌋
    assert str((H + 6 - 7) // 2 + 1) == "⌊(H − 1)/2⌋ + 1"  # ResNet's 7×7 stride-2 stem
    assert (
        str(((H - 1) // 2 + 1 + 2 - 3) // 2 + 1) == "⌊(H − 1)/4⌋ + 1"
    )  # then its max-pool: one floor, not two
    assert str(9408 * ((H - 1) // 2 + 1) * ((W - 1) // 2 + 1)) == "9,408·(⌊(H − 1)/2⌋ + 1)·(⌊(W − 1)/2⌋ + 1)"


def test_equal_formulas_compare_equal_and_unknown_comparisons_are_false():
    assert (H - 1) // 2 + 1 == (H + 2 - 3) // 2 + 1
    assert not (H <= 0) and not (H > 5)
    assert Expr({(): 3}) > 2


def test_a_spec_may_leave_its_input_symbolic():
    spec = spec_from(
        "name: t\ninput: [H, W, 3]\nlayers:\n  - conv: {filters: 8, kernel: 7, stride: 4}\n  - flatten\n"
    )
    report = analyze(spec)
    assert [str(d) for d in report.rows[0].output] == ["⌊(H − 7)/4⌋ + 1", "⌊(W − 7)/4⌋ + 1", "8"]
    assert report.rows[0].params == 7 * 7 * 3 * 8 + 8  # params do not depend on the size
    assert evaluate(report.totals.macs, {"H": 227, "W": 227}) == 56 * 56 * 8 * 147


def test_only_height_and_width_may_be_symbols():
    with pytest.raises(SpecError, match="only nH and nW may be symbols"):
        spec_from("name: t\ninput: [H, W, C]\nlayers: [flatten]\n")


def _numbers(row):
    return (row.output, row.params, row.macs, row.bias_adds, row.activations, row.norm_outputs)


@pytest.mark.parametrize(
    "stem", ["lenet5", "alexnet", "vgg16", "resnet50", "googlenet", "darknet53", "inception-module"]
)
def test_every_substituted_value_equals_the_numeric_engine(stem):
    spec = load_spec(SPECS / f"{stem}.yaml")
    channels = spec.input[2]
    symbolic = analyze(spec, ("H", "W", channels))
    rng = random.Random(stem)
    checked = 0
    while checked < 12:
        h, w = rng.randint(24, 300), rng.randint(24, 300)
        try:
            numeric = analyze(spec, (h, w, channels))
        except SpecError:
            continue  # too small for some window: the formula has nothing to match
        env = {"H": h, "W": w}
        assert [_numbers(row) for row in numeric.rows] == [
            tuple(evaluate(value, env) for value in _numbers(row)) for row in symbolic.rows
        ], (h, w)
        assert evaluate(symbolic.totals.macs, env) == numeric.totals.macs
        checked += 1


def test_the_table_shows_formulas_and_set_gives_numbers():
    runner = CliRunner()
    formulas = runner.invoke(app, ["table", "alexnet", "--input", "HxWx3", "-f", "markdown"]).stdout
    assert (
        "| conv1 | conv 11×11 s4 valid, relu | (⌊(H − 11)/4⌋ + 1)×(⌊(W − 11)/4⌋ + 1)×96 (was 55×55×96) |"
        in formulas
    )
    numbers = runner.invoke(
        app, ["table", "alexnet", "--input", "HxWx3", "--set", "H=227,W=227", "-f", "json"]
    ).stdout
    assert '"macs": 1135256096' in numbers
    assert runner.invoke(app, ["table", "alexnet", "--set", "H=oops"]).exit_code == 2


def test_the_numeric_path_never_imports_the_symbolic_engine():
    import subprocess
    import sys

    script = ("import sys\nfrom archcalc.engine import analyze\nfrom archcalc.spec.model import load_spec\n"
              f"analyze(load_spec(__import__('pathlib').Path({str(SPECS / 'resnet50.yaml')!r})))\n"
              "print('archcalc.symbolic' in sys.modules)\n")  # fmt: skip
    assert subprocess.run([sys.executable, "-c", script], capture_output=True, text=True).stdout == "False\n"
