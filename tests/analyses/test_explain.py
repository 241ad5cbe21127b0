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


def test_json_has_each_layers_exact_counts_beside_its_formulas():
    import json

    record = json.loads(runner.invoke(app, ["explain", "alexnet", "conv1", "-f", "json"]).stdout)
    assert record["convention"].startswith("MACs = multiply-accumulates of conv/dense weights")
    (conv1,) = record["layers"]
    assert (conv1["input"], conv1["output"]) == ([227, 227, 3], [55, 55, 96])
    assert conv1["params"] == (11 * 11 * 3 + 1) * 96 == 34_944  # the lecture's figures
    assert conv1["macs"] == 55 * 55 * 96 * 11 * 11 * 3 == 105_415_200
    assert conv1["formulas"][0] == "nH' = ⌊(227 + 2·0 − 11)/4⌋ + 1 = 55"


def test_markdown_gives_each_layer_a_heading_and_its_formulas_as_a_list():
    text = runner.invoke(app, ["explain", "alexnet", "conv1", "-f", "markdown"]).stdout
    assert text.splitlines()[:4] == [
        "#### conv1 (conv 11×11 s4 valid, relu): 227×227×3 → 55×55×96",
        "",
        "- `nH' = ⌊(227 + 2·0 − 11)/4⌋ + 1 = 55`",
        "- `nW' = ⌊(227 + 2·0 − 11)/4⌋ + 1 = 55`",
    ]
    assert text.rstrip().endswith("FLOPs = 2 × MACs._")
