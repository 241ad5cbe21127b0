"""`archcalc import` of PyTorch models: factories with their arguments, unmapped ops, `diff` against a
hand-written spec, and the README's example."""

import json

import pytest
from typer.testing import CliRunner

from archcalc.cli import app
from tests.paths import ROOT

pytest.importorskip("torch")

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args), env={"COLUMNS": "80"})


def test_an_unmapped_op_exits_1_and_writes_nothing(tmp_path):
    result = run(
        "import", "tests.importers.models:Unmappable", "--input", "16x16x3", "-o", str(tmp_path / "n.yaml")
    )
    assert result.exit_code == 1
    assert "'norm' (torch.nn.InstanceNorm2d) has no archcalc layer kind" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_factory_arguments_are_read_as_yaml_values():
    result = run("import", "tests.importers.models:small_resnet", "--input", "32x32x3",
                 "--arg", "num_classes=100", "--arg", "width=8")  # fmt: skip
    assert result.exit_code == 0
    assert "  - dense: {name: fc, units: 100}  # 100\n" in result.stdout


def test_diff_says_whether_a_hand_written_spec_describes_the_code(tmp_path):
    imported = run("import", "tests.importers.models:SmallResNet", "--input", "32x32x3").stdout
    (tmp_path / "imported.yaml").write_text(imported)
    (tmp_path / "hand.yaml").write_text(
        "name: by hand\ninput: [32, 32, 3]\n"
        "blocks:\n  basic:\n    - residual:\n        act: relu\n        body:\n"
        "          - conv: {filters: 16, kernel: 3, padding: 1, bn: true, act: relu}\n"
        "          - conv: {filters: 16, kernel: 3, padding: 1, bn: true}\n"
        "layers:\n  - conv: {filters: 16, kernel: 3, padding: 1, act: relu}\n  - basic: {repeat: 2}\n"
        "  - global_pool\n  - flatten\n  - dense: 10\n"
    )
    result = run("diff", str(tmp_path / "hand.yaml"), str(tmp_path / "imported.yaml"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    compared = json.loads(result.stdout)
    hand, code = compared["a"]["totals"], compared["b"]["totals"]
    assert hand["params"] == code["params"] == 9_962  # as worked out in test_torchfx
    assert hand["macs"] == code["macs"] == 9_879_712


def test_the_readme_example_is_what_the_command_prints(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("import", "tests.importers.models:small_resnet", "--input", "32x32x3", "--arg", "width=8",
                 "-o", "small.yaml")  # fmt: skip
    readme = (ROOT / "README.md").read_text()
    assert result.stderr in readme
    assert (tmp_path / "small.yaml").read_text() in readme
