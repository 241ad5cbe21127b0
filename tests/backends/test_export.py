"""export writes ONNX and TorchScript files holding exactly the weights the engine counts."""

import pytest

from archcalc.backends.export import export
from archcalc.spec.model import load_spec
from tests.paths import SPECS


@pytest.mark.parametrize("stem", ["lenet5", "resnet18", "googlenet", "ws-zero-pad"])
def test_onnx_holds_params_and_batch_norm_statistics(stem, tmp_path):
    pytest.importorskip("onnx")
    result = export(load_spec(SPECS / f"{stem}.yaml"), "onnx", tmp_path / "model.onnx")
    assert result.weights == result.expected
    assert list(tmp_path.iterdir()) == [tmp_path / "model.onnx"]


def test_onnx_of_resnet18_counts_its_9600_batch_norm_statistics(tmp_path):
    pytest.importorskip("onnx")
    result = export(load_spec(SPECS / "resnet18.yaml"), "onnx", tmp_path / "r.onnx")
    assert result.weights == 11_689_512 + 9_600  # running mean and variance of 4,800 BN channels


def test_torchscript_holds_the_params(tmp_path):
    result = export(load_spec(SPECS / "resnet18.yaml"), "torchscript", tmp_path / "r.pt")
    assert result.weights == 11_689_512
