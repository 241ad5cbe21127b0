"""Memory: the inference peak with lifetimes, derived by hand (training: test_training_memory.py)."""

from typer.testing import CliRunner

from archcalc.analyses.memory import memory
from archcalc.cli import app
from archcalc.spec.model import load_spec
from tests.paths import SPECS


def test_lenet5_in_a_chain_input_and_output_coexist():
    result = memory(load_spec(SPECS / "lenet5.yaml"))
    # the caller's input 32·32 stays; conv1 out 28·28·6 = 4,704 and pool1 out 14·14·6 = 1,176 coexist
    assert result.inference_peak == 1_024 + 4_704 + 1_176


def test_a_residual_block_keeps_its_input_until_the_add():
    result = memory(load_spec(SPECS / "ws-projection.yaml"))
    # a[l] (128) lives through the body; at the add: a[l], z (256), Ws·a[l] (256) and the sum (256)
    assert result.inference_peak == 128 + 256 + 256 + 256


def test_resnet50_peak_is_the_first_projection_block():
    result = memory(load_spec(SPECS / "resnet50.yaml"))
    image, block_input, widened = 224 * 224 * 3, 56 * 56 * 64, 56 * 56 * 256
    # the body's output, and the projection's conv and batch norm outputs, while a[l] and the image are held
    assert result.inference_peak == image + block_input + 3 * widened
    assert (result.params, result.buffers) == (25_557_032, 53_120)


def test_the_command_prints_bytes_per_batch_and_dtype():
    out = CliRunner().invoke(app, ["memory", "lenet5", "-b", "1,2", "--dtype", "fp32,fp16"]).stdout
    assert "     2  fp16" in out and "inference peak" in out
    assert CliRunner().invoke(app, ["memory", "lenet5", "--dtype", "fp64"]).exit_code == 2
