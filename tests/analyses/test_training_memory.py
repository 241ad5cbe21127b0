"""Training memory: what autograd keeps for the backward pass, layer kind by layer kind, derived by hand from
torch's derivative formulas; weights, gradients and optimizer state; checkpointing."""

import json

import pytest
from typer.testing import CliRunner

from archcalc.analyses.training_memory import Kept, training_memory
from archcalc.cli import app
from archcalc.engine import analyze
from archcalc.errors import SettingError
from archcalc.spec.model import load_spec
from tests.conftest import spec_from
from tests.paths import SPECS


def kept_of(spec, checkpointed=()):
    return training_memory(analyze(spec), checkpointed)


def test_lenet5_keeps_each_tensor_once_however_many_layers_read_it():
    kept = kept_of(load_spec(SPECS / "lenet5.yaml")).kept
    image = 32 * 32  # conv1 keeps its input
    # ReLU keeps its output, which pool1 keeps too; conv2 keeps pool1's
    relu1, pooled1 = 28 * 28 * 6, 14 * 14 * 6
    # pool2 keeps relu2's; flatten is a view of pool2's, which dense1 keeps
    relu2, pooled2 = 10 * 10 * 16, 5 * 5 * 16
    dense = 120 + 84 + 10  # each ReLU its output (the next dense's input), the softmax its output
    biases = 6 + 16 + 120 + 84 + 10  # every weight is kept for an input gradient, no bias is
    assert kept == Kept(activations=image + relu1 + pooled1 + relu2 + pooled2 + dense,
                        cast_weights=61_706 - biases)  # fmt: skip


def resnet50_kept() -> tuple[int, int]:
    """(activations, batch norm channels) ResNet-50 keeps per sample, from torchvision's layers: each conv its
    input, each batch norm its conv's output, each in-place ReLU its output (the next conv's input)."""
    kept = 224 * 224 * 3 + 2 * 112 * 112 * 64 + 56 * 56 * 64  # image, conv1 out, ReLU out, max pool out
    channels, size = 64, 56
    for stage, (blocks, mid) in enumerate(zip((3, 4, 6, 3), (64, 128, 256, 512), strict=True)):
        out = 4 * mid
        for block in range(blocks):
            after = size // 2 if block == 0 and stage > 0 else size  # the 3×3 conv strides
            # conv1's output and ReLU (at the block's input size), conv2's and ReLU, conv3's, the add's ReLU
            kept += 2 * mid * size * size + 2 * mid * after * after + 2 * out * after * after
            kept += out * after * after if block == 0 else 0  # the projection's conv output (its bn keeps it)
            channels += 2 * mid + out + (out if block == 0 else 0)
            size = after
    return kept + 2048, channels  # the pooled vector the fc keeps (the average pool is a mean: keeps nothing)


def test_resnet50_keeps_its_inputs_of_convs_batch_norms_and_relus():
    activations, channels = resnet50_kept()
    kept = kept_of(load_spec(SPECS / "resnet50.yaml")).kept
    assert (kept.activations, kept.int64, kept.per_batch) == (activations, 56 * 56 * 64, 2 * channels)
    # the max pool's int64 indices; batch norm's mean and 1/σ per channel; the conv and fc weights: 25,557,032
    # params less batch norm's 53,120 and the fc's 1,000 biases
    assert kept.cast_weights == 25_557_032 - 53_120 - 1_000
    assert kept.bytes(2, "fp32") == 172_031_488  # what torch's autograd saved (verify --train, batch 2)


def test_a_frozen_prefix_keeps_nothing_and_a_trained_layer_on_it_keeps_its_input():
    spec = spec_from("""
        name: t
        input: [8, 8, 3]
        layers:
          - conv: {filters: 4, kernel: 3, act: relu, trainable: false}
          - pool: {op: max, kernel: 2}
          - conv: {filters: 2, kernel: 3, act: relu}
        """)
    # nothing before conv2 needs a gradient; conv2 keeps the pooled 3·3·4 for its weight gradient
    assert kept_of(spec).kept == Kept(activations=3 * 3 * 4 + 1 * 1 * 2, cast_weights=2 * (3 * 3 * 4))


@pytest.mark.parametrize(
    ("item", "kept"),
    [
        ("act: gelu", Kept(activations=64)),  # GELU keeps its input (the conv's output): 4·4·4
        ("act: sigmoid", Kept(activations=64)),  # sigmoid its output (a new tensor), not its input
        ("batchnorm", Kept(activations=64, per_batch=2 * 4)),  # its input, mean and 1/σ per channel
        ("layernorm", Kept(activations=64, fp32=2 * 16)),  # its input, mean and 1/σ per position
        ("groupnorm: 2", Kept(activations=64, fp32=2 * 2)),  # its input, mean and 1/σ per group
        ("pool: {op: max, kernel: 2}", Kept(activations=64, int64=2 * 2 * 4)),  # input, one index per output
        ("dropout: 0.5", Kept(activations=64)),  # the scaled mask, one value per element
        ("flatten", Kept()),  # a view of the conv's output, which nothing keeps
        # x, x² padded by 2 channels, their sum, its power
        ("lrn: {size: 3}", Kept(activations=64 + (4 + 2) * 16 + 2 * 64)),
    ],
)
def test_each_kind_keeps_what_its_gradient_reads(item, kept):
    spec = spec_from(f"name: t\ninput: [4, 4, 2]\nlayers:\n  - conv: {{filters: 4, kernel: 1}}\n  - {item}\n")
    # the conv keeps the network's input (4·4·2) and its 2·4 weights whatever follows
    assert kept_of(spec).kept == Kept(activations=32 + kept.activations, fp32=kept.fp32, int64=kept.int64,
                                      per_batch=kept.per_batch, cast_weights=8)  # fmt: skip


def test_attention_keeps_its_input_the_three_heads_copies_the_softmax_and_the_joined_heads():
    spec = spec_from("name: t\ninput: [32, 32, 3]\nlayers:\n  - patch_embed: {dim: 16, patch: 8}\n"
                     "  - attention: 2\n")  # fmt: skip
    tokens, width = 16, 16
    image = 32 * 32 * 3  # the patch conv's input
    attention = tokens * width + 3 * tokens * width + 2 * tokens * tokens + tokens * width
    assert kept_of(spec).kept.activations == image + attention


def test_optimizers_keep_zero_one_or_two_fp32_copies_of_the_trained_weights():
    result = kept_of(load_spec(SPECS / "lenet5.yaml"))
    weights = 61_706 * 4
    kept = 9_118 * 32 * 4  # the activations above, batch 32
    for optimizer, copies in (("sgd", 0), ("momentum", 1), ("adam", 2), ("adamw", 2)):
        parts = result.breakdown(32, "fp32", optimizer)
        assert parts["optimizer_state"] == copies * weights
        assert parts["total"] == 2 * weights + copies * weights + kept


def test_mixed_precision_halves_the_activations_and_adds_a_2_byte_copy_of_the_weights():
    parts = kept_of(load_spec(SPECS / "lenet5.yaml")).breakdown(32, "bf16", "adamw")
    # fmt: off
    # fp32 master weights, gradients and both moments; autocast's bf16 copies of the conv/dense weights
    assert (parts["weights"], parts["gradients"], parts["optimizer_state"]) == (246_824, 246_824, 493_648)
    assert parts["activations"] == 9_118 * 32 * 2 + (61_706 - 236) * 2  # weights without their 236 biases
    # fmt: on


def test_a_checkpointed_block_keeps_its_input_and_runs_again():
    spec = spec_from("""
        name: t
        input: [8, 8, 4]
        layers:
          - conv: {filters: 4, kernel: 1}
          - residual: {name: block, body: [conv: {filters: 4, kernel: 3, padding: 1, act: relu}]}
          - global_pool
        """)
    plain, checkpointed = kept_of(spec), kept_of(spec, ["block"])
    image, conv1, relu = 8 * 8 * 4, 8 * 8 * 4, 8 * 8 * 4
    assert plain.kept.activations == image + conv1 + relu  # the block's conv keeps conv1's output
    assert checkpointed.kept.activations == image + conv1  # only the block's input
    assert checkpointed.recomputed.activations == conv1 + relu
    assert checkpointed.recompute_macs == 8 * 8 * 4 * 3 * 3 * 4


def test_a_checkpointed_layer_keeps_only_its_input():
    spec = spec_from("name: t\ninput: [8, 8, 4]\nlayers:\n  - conv: {filters: 4, kernel: 1}\n"
                     "  - conv: {name: late, filters: 4, kernel: 3, padding: 1, bn: true, act: gelu}\n")  # fmt: skip
    plain, checkpointed = kept_of(spec).kept, kept_of(spec, ["late"]).kept
    # late keeps conv1's output, its conv's output (the bn's input) and the bn's output (GELU's input)
    assert plain.activations == 3 * 8 * 8 * 4 + 8 * 8 * 4 and plain.per_batch == 2 * 4
    assert (checkpointed.activations, checkpointed.per_batch) == (8 * 8 * 4 + 8 * 8 * 4, 0)  # image, conv1


def test_of_blocks_checkpointed_inside_one_another_the_outermost_keeps_its_input():
    resnet18 = load_spec(SPECS / "resnet18.yaml")
    outer = kept_of(resnet18, ["layer1"]).kept
    assert kept_of(resnet18, ["layer1", "layer1.0", "layer1.1"]).kept == outer
    assert outer.activations < kept_of(resnet18, ["layer1.0", "layer1.1"]).kept.activations


def test_an_unknown_checkpoint_name_is_a_usage_error():
    with pytest.raises(SettingError, match="no row named layer9; name blocks or layers as the table does"):
        kept_of(load_spec(SPECS / "resnet18.yaml"), ["layer9"])


def run(*args):
    return CliRunner().invoke(app, ["memory", *args])


def test_the_command_prints_a_training_table_per_optimizer_dtype_and_batch():
    out = run("lenet5", "--mode", "train", "-b", "1,32", "--dtype", "fp32,bf16", "--optimizer", "sgd,adamw")
    assert out.exit_code == 0
    lines = out.stdout.splitlines()
    assert lines[0].startswith("params 61,706 (61,706 trained); kept for the backward pass per sample: 9,118")
    assert sum(line.split()[2:3] == ["adamw"] for line in lines) == 4


def test_the_json_lists_bytes_by_what_holds_them():
    record = json.loads(run("resnet50", "--mode", "train", "-b", "2", "-f", "json").stdout)
    row = record["rows"][0]
    assert row["activations_bytes"] == 172_031_488
    assert row["total_bytes"] == 2 * 25_557_032 * 4 + 53_120 * 4 + 172_031_488


@pytest.mark.parametrize(
    "args",
    [
        ["--optimizer", "adam"],  # training options without --mode train
        ["--checkpoint", "layer1"],
        ["--mode", "train", "--dtype", "int8"],  # no int8 training
        ["--mode", "train", "--optimizer", "lion"],
        ["--mode", "train", "--checkpoint", "layer9"],
    ],
)
def test_options_that_do_not_apply_are_refused(args):
    assert run("resnet18", *args).exit_code == 2
