"""explain: the course's formulas with the numbers put in (golden files; the figures are the lecture's)."""

from typer.testing import CliRunner

from archcalc.cli import app
from tests.paths import DATA, GOLDEN

runner = CliRunner()


def test_alexnet_conv1_as_in_the_lecture():
    assert runner.invoke(app, ["explain", "alexnet", "conv1"]).stdout == (
        "conv1 (conv 11×11 s4 valid, relu): 227×227×3 → 55×55×96\n"
        "  nH' = ⌊(227 + 2·0 − 11)/4⌋ + 1 = 55\n"
        "  nW' = ⌊(227 + 2·0 − 11)/4⌋ + 1 = 55\n"
        "  nC' = filters = 96\n"
        "  params = (11·11·3 + 1)·96 = 34,944\n"
        "  MACs = 55·55·96 · 11·11·3 = 105,415,200\n"
    )


def test_padding_dilation_ceil_mode_and_batch_norm_are_spelled_out():
    spec = DATA / "explain.yaml"
    result = runner.invoke(app, ["explain", str(spec)])
    assert "nH' = ⌊(10 + 1 + 2 − 4)/1⌋ + 1 = 10" in result.stdout  # 'same' with an even kernel
    assert "nH' = ⌊(10 + 2·0 − 2·(3 − 1) − 1)/1⌋ + 1 = 6" in result.stdout
    assert "nH' = ⌈(6 + 2·0 − 3)/2⌉ + 1 = 3" in result.stdout
    assert "params = (3·3·8 + 0)·8" not in result.stdout
    assert "params = (3·3·8)·8 + 2·8 (batch norm γ, β) = 592" in result.stdout


def test_golden_explanations():
    for stem in ("lenet5", "inception-module"):
        assert runner.invoke(app, ["explain", stem]).stdout == (GOLDEN / f"{stem}.explain.txt").read_text()


def test_an_unknown_layer_is_an_error_with_a_suggestion():
    result = runner.invoke(app, ["explain", "lenet5", "conv9"])
    assert result.exit_code == 1
    assert "no layer 'conv9' — did you mean 'conv2'?" in result.stderr
