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
