"""archcalc from Python: one call per question, the same figures as the command line, one exception type.

Figures are the course's (REFERENCE.md) or worked by hand in the test."""

import json
import subprocess
import sys
import textwrap

import pytest
from typer.testing import CliRunner

import archcalc
from archcalc.cli import app
from tests.paths import SPECS

LENET_MACS = 28 * 28 * 6 * 25 + 10 * 10 * 16 * 150 + 400 * 120 + 120 * 84 + 84 * 10  # 416,520
SMALL = textwrap.dedent("""\
    name: small
    params: {f: 8}
    input: [H, W, 3]
    layers:
      - conv: {filters: f, kernel: 3}
""")


def cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_spec_is_a_builtin_name_a_path_yaml_text_or_a_dict():
    text = (SPECS / "lenet5.yaml").read_text()
    import yaml

    for source in ("lenet5", SPECS / "lenet5.yaml", str(SPECS / "lenet5.yaml"), text, yaml.safe_load(text)):
        analysis = archcalc.analyze(source)
        assert (analysis.totals.params, analysis.totals.macs) == (61_706, LENET_MACS)
        assert analysis.name == "LeNet-5"
        assert analysis.output == (10,)


def test_input_overrides_the_spec_and_keeps_the_spec_own_figures_as_baseline():
    # AlexNet at 224: conv1 gives 54×54 (⌊(224 − 11)/4⌋ + 1), the last pool 5×5×256 = 6,400 inputs to fc1
    analysis = archcalc.analyze("alexnet", input=(224, 224, 3))
    assert analysis.totals.params == 62_378_344 - (9_216 - 6_400) * 4_096
    assert analysis.rows[0].output == (54, 54, 96)
    assert analysis.baseline is not None and analysis.baseline.totals.params == 62_378_344


def test_set_gives_parameters_and_symbolic_sizes_values():
    analysis = archcalc.analyze(SMALL, set={"f": 4, "H": 10, "W": 10})
    assert analysis.input == (10, 10, 3)
    assert analysis.totals.params == (3 * 3 * 3 + 1) * 4
    assert analysis.totals.macs == 8 * 8 * 4 * (3 * 3 * 3)


def test_count_chooses_the_preset_of_counted():
    assert archcalc.analyze("resnet50", count="torchvision").counted == 4_089_185_256
    assert archcalc.analyze("resnet50", count="torchinfo").counted == 4_089_238_376
    assert archcalc.analyze("resnet50").counted == 4_089_184_256


def test_renderings_are_exactly_what_the_command_line_prints():
    analysis = archcalc.analyze("lenet5", input=(36, 36, 1), count="torchvision")
    options = ("table", "lenet5", "--input", "36x36x1", "--count", "torchvision", "--format")
    assert analysis.to_dict() == json.loads(cli(*options, "json"))
    assert analysis.to_json() == cli(*options, "json")
    assert analysis.to_markdown() == cli(*options, "markdown")
    assert analysis.to_csv() == cli(*options, "csv")
    assert analysis.to_latex() == cli(*options, "latex")


def test_rows_are_the_records_of_the_json_contract():
    analysis = archcalc.analyze("lenet5")
    assert [row.to_dict() for row in analysis.rows] == analysis.to_dict()["layers"]
    assert analysis.rows[0].name == "conv1" and analysis.rows[0].macs == 28 * 28 * 6 * 25


def test_to_dataframe_has_one_row_per_layer():
    pytest.importorskip("pandas")
    frame = archcalc.analyze("lenet5").to_dataframe()
    assert list(frame["params"]) == [156, 0, 2_416, 0, 0, 48_120, 10_164, 850]


def test_every_problem_raises_spec_error_with_the_lines_the_cli_prints():
    with pytest.raises(archcalc.SpecError) as error:
        archcalc.analyze("name: t\ninput: [8, 8, 3]\nlayers:\n  - conv: {filters: 2, kernel: 9}\n")
    (diagnostic,) = error.value.diagnostics
    assert (diagnostic.file, diagnostic.line) == ("<text>", 4)
    assert diagnostic.message == "conv 'conv1': kernel 9×9 is larger than its 8×8 input"


@pytest.mark.parametrize(
    ("call", "option", "says"),
    [
        (lambda: archcalc.analyze(SMALL, set={"g": 3}), "set", "'g' is not a parameter or a size"),
        (lambda: archcalc.analyze("lenet5", count="ptflops"), "count", "'ptflops' is not one of macs"),
        (lambda: archcalc.analyze("lenet5", input=(0, 32, 1)), "input", "expected (nH, nW, nC)"),
        (lambda: archcalc.analyze("lenet5", set={"n": -1}), "set", "positive whole values"),
        (lambda: archcalc.reconcile("lenet5", "4.1x"), "figure", "expected a figure like 4.12G"),
        (lambda: archcalc.reconcile("resnet-cifar", "1G", set={"H": 3}), "set", "'H' is not a parameter"),
        (
            lambda: archcalc.reconcile(SMALL, "1K", set={"H": 9}),
            "set",
            "reconcile tries the input sizes itself",
        ),
        (lambda: archcalc.lint([SPECS], set={"nope": 2}), "set", "no spec linted declares"),
    ],
)
def test_a_value_given_with_the_spec_that_it_cannot_take_is_a_setting_error(call, option, says):
    with pytest.raises(archcalc.SettingError) as error:
        call()
    assert isinstance(error.value, archcalc.SpecError)
    assert error.value.option == option and says in error.value.message


def test_an_unknown_spec_name_is_a_spec_error_with_a_suggestion():
    with pytest.raises(archcalc.SpecError, match="did you mean 'lenet5'"):
        archcalc.analyze("lenet")


def test_explain_puts_the_numbers_into_the_course_formulas():
    text = archcalc.explain("alexnet", "conv1")
    assert "⌊(227 + 2·0 − 11)/4⌋ + 1 = 55" in text
    assert text == cli("explain", "alexnet", "conv1")
    as_json = archcalc.explain("alexnet", "conv1", format="json")
    assert as_json == cli("explain", "alexnet", "conv1", "-f", "json")
    with pytest.raises(archcalc.SettingError, match="format: expected one of text, markdown, json"):
        archcalc.explain("alexnet", format="csv")  # type: ignore[arg-type]


def test_lint_returns_the_files_read_and_their_findings():
    linted = archcalc.lint([SPECS])
    assert len(linted.files) == len(list(SPECS.glob("*.yaml")))
    assert not linted.failing()


def test_build_makes_the_torch_module_of_the_spec():
    pytest.importorskip("torch")
    module = archcalc.build("lenet5")
    assert sum(p.numel() for p in module.parameters()) == 61_706


def test_import_archcalc_imports_nothing_until_a_function_is_used():
    code = "import sys, archcalc; print(sorted(m for m in sys.modules if m.startswith(('archcalc.', 'pydantic'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
