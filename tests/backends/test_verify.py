"""torch agrees with the engine on every shipped spec: every layer's shape, params and FLOPs (= 2 × MACs)."""

import pytest

from archcalc.backends.verify import verify
from archcalc.spec.model import load_spec
from tests.conftest import spec_from
from tests.paths import SPECS


@pytest.mark.parametrize("stem", sorted(path.stem for path in SPECS.glob("*.yaml")))
def test_torch_agrees_with_the_engine(stem):
    result = verify(load_spec(SPECS / f"{stem}.yaml"))
    assert result.failures == []
    assert result.total.torch_flops == result.total.flops  # FlopCounterMode: 2 per multiply-accumulate


def test_resnet50_matches_the_flop_counter_figure_from_reference():
    result = verify(load_spec(SPECS / "resnet50.yaml"))
    assert (
        result.total.torch_flops == 8_178_368_512
    )  # REFERENCE.md: FlopCounterMode on torchvision's ResNet-50


def test_vit_b16_at_384_with_577_tokens_matches_the_flop_counter_layer_by_layer():
    result = verify(load_spec(SPECS / "vit-b16.yaml"), (384, 384, 3))
    assert result.failures == []
    # issue #14's figures (torchvision 0.29): 55,484,350,464 MACs, 86,859,496 params
    assert (result.total.torch_flops, result.total.torch_params) == (2 * 55_484_350_464, 86_859_496)


def test_a_disagreement_is_reported_not_skipped(monkeypatch):
    from archcalc.layers.dense import Dense

    monkeypatch.setattr(Dense, "param_count", lambda self, x: 7)  # the engine now miscounts dense layers
    result = verify(spec_from("name: t\ninput: [4]\nlayers:\n  - dense: 3\n"))
    assert not result.ok
    assert [(check.name, check.params, check.torch_params) for check in result.failures] == [
        ("dense1", 7, 15),
        ("total", 7, 15),
    ]


def test_an_input_override_is_verified_at_that_size():
    result = verify(load_spec(SPECS / "alexnet.yaml"), (224, 224, 3))
    assert result.ok and result.input == (224, 224, 3)


def test_flop_counter_counts_attentions_two_matmuls_as_the_engines_attention_macs():
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from archcalc.backends.torch import build
    from archcalc.engine import analyze

    spec = spec_from(
        "name: t\ninput: [32, 32, 3]\nlayers:\n  - patch_embed: {dim: 64, patch: 8}\n  - attention: 4\n"
    )
    report = analyze(spec)
    with FlopCounterMode(display=False) as counter:  # grad enabled, CPU: no fused path to hide the matmuls
        build(spec, report)(torch.zeros(1, 3, 32, 32))
    matmuls = counter.get_flop_counts()["Global"][torch.ops.aten.bmm]
    # 4·4 = 16 tokens of 64 in 4 heads of 16: QKᵀ 4·16·16·16 MACs, AV the same
    assert matmuls == 2 * report.rows[1].attention_macs == 2 * (2 * 4 * 16 * 16 * 16)


@pytest.mark.parametrize("stem", sorted(path.stem for path in SPECS.glob("*.yaml")))
def test_a_training_steps_flops_and_kept_tensors_are_what_torch_counts(stem):
    result = verify(load_spec(SPECS / f"{stem}.yaml"), train=True)
    assert result.ok and result.train and result.kept is not None
    assert result.total.torch_flops == result.total.flops
    # every tensor autograd saves for the backward pass (a real forward pass, batch 2), to the byte
    assert result.kept.measured_bytes == result.kept.predicted_bytes


def test_resnet50_training_steps_match_the_issues_flop_counter_figures():
    from tests.analyses.test_training import resnet50_with_a_frozen_stem_and_layer1

    # FlopCounterMode over forward + backward (issue #15): 8,178,368,512 forward, then the backward
    assert (
        verify(load_spec(SPECS / "resnet50.yaml"), train=True).total.torch_flops
        == 8_178_368_512 + 16_120_709_120
    )
    frozen = verify(resnet50_with_a_frozen_stem_and_layer1(), train=True).total
    assert frozen.torch_flops == frozen.flops == 8_178_368_512 + 14_548_795_392


def test_a_depthwise_convs_weight_gradient_is_counted_once_not_once_per_group():
    # torch 2.13's formula counts it `groups` times (pytorch/pytorch#183405); verify counts it as computed
    result = verify(spec_from("name: t\ninput: [8, 8, 6]\nlayers:\n  - conv: {filters: 6, kernel: 3, groups: 6}\n"),
                    train=True)  # fmt: skip
    forward = 6 * 6 * 6 * 3 * 3  # 6·6 positions × 6 channels × a 3×3 window of one channel
    assert result.total.torch_flops == result.total.flops == 2 * (forward + forward)  # no input gradient
