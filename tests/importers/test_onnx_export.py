"""The ONNX that `archcalc export` writes imports back to the spec's totals (needs torch to export)."""

import pytest

pytest.importorskip("onnx")
pytest.importorskip("torch")

import archcalc
from archcalc.backends.export import export
from tests.paths import SPECS


@pytest.mark.parametrize("stem", ["resnet50", "googlenet", "inception-module"])
def test_the_onnx_archcalc_exports_imports_back_to_the_same_totals(stem, tmp_path):
    original = archcalc.analyze(SPECS / f"{stem}.yaml")
    export(archcalc.load(SPECS / f"{stem}.yaml"), "onnx", tmp_path / "model.onnx")
    imported = archcalc.import_model(tmp_path / "model.onnx").analysis
    assert (imported.totals.params, imported.totals.buffers) == (
        original.totals.params,
        original.totals.buffers,
    )
    assert (imported.totals.macs, imported.totals.bias_adds) == (
        original.totals.macs,
        original.totals.bias_adds,
    )
    assert imported.output == original.output


def test_the_readme_onnx_example_is_what_the_command_prints(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from archcalc.cli.app import app
    from tests.paths import ROOT

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["export", "resnet50", "r50.onnx"]).exit_code == 0
    result = runner.invoke(app, ["import", "r50.onnx", "-o", "r50.yaml"])
    readme = (ROOT / "README.md").read_text()
    assert result.exit_code == 0
    assert result.stderr in readme
    assert "\n".join((tmp_path / "r50.yaml").read_text().splitlines()[3:8]) in readme
