"""The memory model against the tensors a real forward pass allocates (counted exactly by a dispatch mode)."""

import pytest
from typer.testing import CliRunner

from archcalc.backends.measure import inference_memory, training_memory
from archcalc.cli import app
from archcalc.spec.model import load_spec
from tests.paths import SPECS


@pytest.mark.parametrize("stem", ["lenet5", "ws-projection", "googlenet", "inception-module"])
def test_the_inference_peak_is_what_torch_allocates(stem):
    check = inference_memory(load_spec(SPECS / f"{stem}.yaml"), batch=2)
    assert check.measured_bytes == check.predicted_bytes


def test_resnet50_within_ten_percent():
    # torch holds one more 56×56×64 tensor than the model at the first bottleneck (see the issue note)
    check = inference_memory(load_spec(SPECS / "resnet50.yaml"), batch=1)
    assert 1.0 <= check.ratio < 1.1


def test_verify_memory_prints_the_comparison():
    result = CliRunner().invoke(app, ["verify", "lenet5", "--memory"])
    assert result.exit_code == 0
    assert (
        "inference activations, batch 4, fp32: archcalc predicts 110,464 bytes, torch allocated 110,464"
        in result.stdout
    )


TOKENS = "name: t\ninput: [32, 32, 3]\nlayers:\n  - patch_embed: {dim: 64, patch: 4}\n"


@pytest.mark.parametrize(
    "layers",
    [
        "  - attention: 8\n",  # Q, K, V, the 8·64×64 scores and their softmax while it runs
        "  - class_token\n  - pos_embed\n  - residual: {body: [layernorm, attention: 8]}\n",
        "  - dense: {units: 256, act: gelu}\n  - token_pool: mean\n",  # GELU is not in place: two outputs
    ],
)
def test_attention_and_a_dense_with_gelu_hold_what_torch_allocates(layers):
    from tests.conftest import spec_from

    check = inference_memory(spec_from(TOKENS + layers), batch=2)
    assert check.measured_bytes == check.predicted_bytes


def test_vit_b16_within_ten_percent():
    # as ResNet-50's: torch holds one more input-sized tensor in a residual body of three layers
    check = inference_memory(load_spec(SPECS / "vit-b16.yaml"), batch=1)
    assert 1.0 <= check.ratio < 1.1


KINDS = """
name: kinds
input: [8, 8, 4]
layers:
  - conv: {filters: 4, kernel: 3, padding: same, bn: true, act: relu}
  - conv: {filters: 4, kernel: 3, padding: same, act: silu}
  - conv: {filters: 4, kernel: 3, padding: same, act: relu6}
  - conv: {filters: 4, kernel: 3, padding: same, act: {fn: leaky_relu, slope: 0.1}}
  - conv: {filters: 4, kernel: 3, padding: same, act: gelu}
  - conv: {filters: 4, kernel: [4, 2], padding: same, padding_mode: replicate, bn: true, act: sigmoid}
  - conv: {filters: 4, kernel: 4, padding: same}
  - act: silu
  - act: relu6
  - act: tanh
  - groupnorm: 2
  - lrn: {size: 3}
  - layernorm
  - layer_scale
  - pad: {padding: [1, 0, 1, 0], mode: reflect}
  - upsample: 2
  - pool: {op: max, kernel: 2}
  - pool: {op: avg, kernel: 2}
  - residual: {body: [conv: {filters: 4, kernel: 1, act: relu}, drop_path: 0.2], act: relu}
  - branches: {paths: [[conv: {filters: 2, kernel: 1}], [pool: {op: max, kernel: 3, stride: 1, padding: 1}]], act: relu}
  - se: {}
  - global_pool: max
  - flatten
  - dropout: 0.5
  - dense: {units: 5, bn: true, act: relu}
  - dense: {units: 3, act: softmax}
blocks:
  se():
    - global_pool
    - dense: {units: 2, per_position: true, act: relu}
    - conv: {filters: nC, kernel: 1, act: sigmoid}
    - mul: [-1, -4]
"""


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")  # torch pads a copy: counted
@pytest.mark.parametrize(
    "text",
    [
        KINDS,
        TOKENS + "  - class_token\n  - pos_embed\n  - residual: {body: [layernorm, attention: 4]}\n"
        "  - dense: {units: 32, act: gelu}\n  - token_pool: class\n",
        TOKENS + "  - attention: {heads: 1, qkv_bias: false}\n  - token_pool: mean\n",
    ],
)
def test_what_autograd_keeps_is_archcalcs_figure_to_the_byte(text):
    from tests.conftest import spec_from

    check = training_memory(spec_from(text))
    assert check.measured_bytes == check.predicted_bytes > 0


@pytest.mark.parametrize("stem", ["lenet5", "resnet50", "efficientnet-b0"])
def test_under_mixed_precision_autograd_keeps_2_byte_activations_and_weight_copies(stem):
    check = training_memory(load_spec(SPECS / f"{stem}.yaml"), dtype="bf16")  # CPU autocast, bf16
    assert check.measured_bytes == check.predicted_bytes


def test_vit_b16_under_mixed_precision_keeps_a_little_more_than_predicted():
    # its residual stream stays fp32 (the fp32 position embedding is added outside autocast's op lists), so
    # layer norms keep fp32 inputs and the linears keep bf16 copies of theirs
    check = training_memory(load_spec(SPECS / "vit-b16.yaml"), dtype="bf16")
    assert 1.0 < check.ratio < 1.05


def live_after_forward(stem: str, checkpointed: list[str]) -> int:
    """Bytes torch holds once a training-mode forward pass of the spec returns (batch 2), with the named
    modules run under torch.utils.checkpoint (non-reentrant), its output aside."""
    import torch
    from torch.utils.checkpoint import checkpoint

    from archcalc.backends.measure import _LiveTensors
    from archcalc.backends.torch import build, nchw
    from archcalc.engine import analyze

    class Checkpointed(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, x):
            return checkpoint(self.inner, x, use_reentrant=False)

    report = analyze(load_spec(SPECS / f"{stem}.yaml"))
    model = build(load_spec(SPECS / f"{stem}.yaml"), report).train()
    for name in checkpointed:
        parent, _, child = name.rpartition(".")
        owner = model.get_submodule(parent)
        setattr(owner, child, Checkpointed(getattr(owner, child)))
    counter = _LiveTensors()
    with counter:
        out = model(torch.randn(nchw(report.input, 2)))
    return counter.live - out.untyped_storage().nbytes()


def test_checkpointing_blocks_frees_what_archcalc_says():
    from archcalc.analyses.training_memory import training_memory
    from archcalc.engine import analyze

    blocks = ["layer1.0", "layer1.1", "layer2.0"]
    report = analyze(load_spec(SPECS / "resnet18.yaml"))
    predicted = (training_memory(report).kept.bytes(2, "fp32")
                 - training_memory(report, blocks).kept.bytes(2, "fp32"))  # fmt: skip
    assert predicted == live_after_forward("resnet18", []) - live_after_forward("resnet18", blocks) > 0
