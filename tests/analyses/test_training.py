"""The backward MACs of a training step, layer by layer: figures derived by hand and from REFERENCE.md."""

import json

import pytest
from typer.testing import CliRunner

from archcalc.analyses.training import training
from archcalc.cli import app
from archcalc.engine import analyze
from archcalc.spec.model import load_spec
from tests.conftest import spec_from
from tests.paths import SPECS

RESNET50_FORWARD_FLOPS = 8_178_368_512  # REFERENCE.md: FlopCounterMode on torchvision's ResNet-50
CONV1_MACS = 112 * 112 * 64 * 7 * 7 * 3  # 118,013,952: its input gradient (of the image) is never computed
# layer1 at 56×56: block 0 is 64→64 (1×1), 64→64 (3×3), 64→256 (1×1) and the 64→256 projection; blocks 1, 2
# start from 256 channels and have no projection
LAYER1_MACS = 56 * 56 * (64 * 64 + 9 * 64 * 64 + 64 * 256 + 64 * 256) + 2 * 56 * 56 * (
    256 * 64 + 9 * 64 * 64 + 64 * 256
)


def resnet50_with_a_frozen_stem_and_layer1():
    """The issue's case: conv1 (without its batch norm, which stays trainable) and layer1 frozen."""
    text = (SPECS / "resnet50.yaml").read_text()
    stem = "  - conv: {filters: 64, kernel: 7, stride: 2, padding: 3, bn: true, act: relu}    # 112×112×64\n"
    frozen_stem = ("  - conv: {filters: 64, kernel: 7, stride: 2, padding: 3, bias: false, trainable: false}\n"
                   "  - batchnorm\n  - act: relu\n")  # fmt: skip
    layer1 = "  - bottleneck: {name: layer1, width: 64, repeat: 3}"
    assert stem in text and layer1 in text
    text = text.replace(stem, frozen_stem).replace(layer1, layer1[:-1] + ", trainable: false}")
    return spec_from(text)


def test_resnet50_backward_is_twice_the_forward_but_the_first_convs_input_gradient():
    step = training(analyze(load_spec(SPECS / "resnet50.yaml")))
    assert 2 * step.forward_macs == RESNET50_FORWARD_FLOPS
    assert 2 * step.backward.macs == 2 * RESNET50_FORWARD_FLOPS - 2 * CONV1_MACS == 16_120_709_120
    assert step.backward.weight_grad == step.forward_macs


def test_a_frozen_stem_and_layer1_lose_their_weight_gradients_but_gradients_still_flow_through_layer1():
    report = analyze(resnet50_with_a_frozen_stem_and_layer1())
    step = training(report)
    assert LAYER1_MACS == 667_942_912
    assert 2 * step.backward.macs == 16_120_709_120 - 2 * (CONV1_MACS + LAYER1_MACS) == 14_548_795_392
    assert step.rows["layer1"].input_grad == LAYER1_MACS  # the batch norm before it is trained
    assert step.rows["layer1"].weight_grad == 0 == step.rows["conv1"].macs


def test_a_frozen_prefix_computes_no_gradient_at_all():
    spec = spec_from("""
        name: t
        input: [8, 8, 3]
        layers:
          - conv: {filters: 4, kernel: 3, trainable: false}
          - flatten
          - dense: {units: 10}
        """)
    step = training(analyze(spec))
    # only the dense layer's weight gradient: 6·6·4 = 144 inputs × 10 units
    assert (step.backward.input_grad, step.backward.weight_grad) == (0, 144 * 10)


N, D = 16, 64  # 4·4 patches of 8×8 from a 32×32 image, width 64
PROJECTIONS, MATMULS = N * D * D, 2 * N * N * D  # one D×D projection; QKᵀ + AV


@pytest.mark.parametrize(
    ("patches", "attention", "input_grad", "weight_grad"),
    [
        # everything trained: through all four projections and both matmuls (∂Q, ∂K, ∂A, ∂V)
        ("", "", 4 * PROJECTIONS + 2 * MATMULS, 4 * PROJECTIONS),
        # the patches frozen: no gradient into the Q, K, V projection's input, but through the rest
        (", trainable: false", "", PROJECTIONS + 2 * MATMULS, 4 * PROJECTIONS),
        # the attention frozen after trained patches: all of its activation gradients, no weight gradients
        ("", ", trainable: false", 4 * PROJECTIONS + 2 * MATMULS, 0),
    ],
)
def test_attention_backward(patches, attention, input_grad, weight_grad):
    spec = spec_from(f"name: t\ninput: [32, 32, 3]\nlayers:\n  - patch_embed: {{dim: {D}, patch: 8{patches}}}\n"
                     f"  - attention: {{heads: 4{attention}}}\n")  # fmt: skip
    row = training(analyze(spec)).rows["attention1"]
    assert (row.input_grad, row.weight_grad) == (input_grad, weight_grad)


def test_both_frozen_attention_costs_nothing_backward():
    spec = spec_from("name: t\ninput: [32, 32, 3]\nlayers:\n  - patch_embed: {dim: 64, patch: 8, trainable: false}\n"
                     "  - attention: {heads: 4, trainable: false}\n")  # fmt: skip
    assert training(analyze(spec)).backward.macs == 0


def test_table_mode_train_prints_each_layers_gradients_and_refuses_what_it_does_not_combine_with():
    runner = CliRunner()
    result = runner.invoke(app, ["table", "lenet5", "--mode", "train", "-f", "json"])
    totals = json.loads(result.stdout)["totals"]
    # LeNet-5's 416,520 forward MACs, once more for the weights, once more less conv1's 117,600 for inputs
    assert (totals["weight_grad_macs"], totals["input_grad_macs"]) == (416_520, 416_520 - 117_600)
    assert totals["step_flops"] == 2 * (3 * 416_520 - 117_600)
    for option in (["--count", "torch"], ["--columns", "rf"], ["--format", "latex"]):
        refused = runner.invoke(app, ["table", "lenet5", "--mode", "train", *option])
        assert refused.exit_code == 2 and "does not combine with --mode train" in refused.output
