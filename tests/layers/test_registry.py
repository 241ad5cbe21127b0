"""Every registered layer kind has a hand-checked example here: a new kind without one fails this test."""

import pytest

from archcalc.layers import LAYER_KINDS
from tests.conftest import row_of, spec_from

# kind: (YAML item, input shape, expected output shape, params, MACs), each worked out by hand
EXAMPLES = {
    "conv": ("conv: {filters: 16, kernel: 5}", (14, 14, 6), (10, 10, 16), 2_416, 240_000),
    "pool": ("pool: {op: max, kernel: 3, stride: 2}", (13, 13, 256), (6, 6, 256), 0, 0),
    "global_pool": ("global_pool: avg", (7, 7, 2048), (1, 1, 2048), 0, 0),
    "adaptive_pool": ("adaptive_pool: {output: 7}", (7, 7, 512), (7, 7, 512), 0, 0),
    "flatten": ("flatten", (6, 6, 256), (9216,), 0, 0),
    "dense": ("dense: 4096", (9216,), (4096,), 37_752_832, 37_748_736),
    "batchnorm": ("batchnorm", (28, 28, 128), (28, 28, 128), 256, 0),
    # ConvNeXt-Tiny's stem norm: γ and β for each of the 96 channels, normalised at every position
    "layernorm": ("layernorm: {eps: 1.0e-6}", (56, 56, 96), (56, 56, 96), 2 * 96, 0),
    "layer_scale": ("layer_scale", (56, 56, 96), (56, 56, 96), 96, 0),
    # 256 channels in 32 groups of 8: still one γ and one β per channel
    "groupnorm": ("groupnorm: 32", (56, 56, 256), (56, 56, 256), 2 * 256, 0),
    "channel_shuffle": ("channel_shuffle: 3", (28, 28, 240), (28, 28, 240), 0, 0),
    "drop_path": ("drop_path: 0.1", (14, 14, 384), (14, 14, 384), 0, 0),
    "lrn": ("lrn", (27, 27, 256), (27, 27, 256), 0, 0),
    "act": ("act: tanh", (84,), (84,), 0, 0),
    "dropout": ("dropout: 0.5", (4096,), (4096,), 0, 0),
    "identity": ("identity", (3,), (3,), 0, 0),
    # the lecture's fully connected block: 128 → 256 → 256 plus a learned Ws of 256×128
    "residual": (
        "residual: {body: [dense: 256, dense: 256], shortcut: projection, act: relu}",
        (128,),
        (256,),
        131_584,
        131_072,
    ),
    # a 1×1 conv beside a 3×3 same max-pool, concatenated: (192 + 1)·64 params, 28·28·64·192 MACs
    "branches": (
        "branches: {paths: [[conv: {filters: 64, kernel: 1}], [pool: {kernel: 3, stride: 1, padding: 1}]]}",
        (28, 28, 192),
        (28, 28, 256),
        12_352,
        9_633_792,
    ),
    "sequential": (
        "sequential: [conv: {filters: 6, kernel: 5}, pool: {kernel: 2}]",
        (32, 32, 1),
        (14, 14, 6),
        156,
        117_600,
    ),
    "zero_pad": ("zero_pad: {size: 128, stride: 2}", (56, 56, 64), (28, 28, 128), 0, 0),
    # YOLOv3's 2× nearest upsampling of its 13×13 map
    "upsample": ("upsample: 2", (13, 13, 256), (26, 26, 256), 0, 0),
    # U-Net's last up-convolution: (28 − 1)·2 − 0 + 1·(2 − 1) + 0 + 1 = 56; 2·2·1024·512 weights + 512 biases;
    # 28·28·1024 input positions × 2·2·512 taps each
    "conv_transpose": (
        "conv_transpose: {filters: 512, kernel: 2, stride: 2}",
        (28, 28, 1024),
        (56, 56, 512),
        2 * 2 * 1024 * 512 + 512,
        28 * 28 * 1024 * 2 * 2 * 512,
    ),
    # U-Net's skip map: 64×64 cropped to the centre 56×56 (rows 4…59)
    "crop": ("crop: [56, 56]", (64, 64, 512), (56, 56, 512), 0, 0),
    # 1 row above and below, 2 columns left and right: 1 + 8 + 1 = 10, 2 + 8 + 2 = 12
    "pad": ("pad: {padding: [1, 2], mode: reflect}", (8, 8, 3), (10, 12, 3), 0, 0),
    # merges of one input pass it on (tests/layers/test_merge.py joins several)
    "concat": ("concat: [-1]", (26, 26, 128), (26, 26, 128), 0, 0),
    "add": ("add: [-1]", (8, 8, 64), (8, 8, 64), 0, 0),
    "mul": ("mul: [-1]", (1, 1, 64), (1, 1, 64), 0, 0),
    # ViT-B/16's: 224/16 = 14, 14·14 = 196 tokens of 768; (16·16·3 + 1)·768 params; 196·768 · 16·16·3 MACs
    "patch_embed": ("patch_embed: {dim: 768, patch: 16}", (224, 224, 3), (196, 768), 590_592, 115_605_504),
    "class_token": ("class_token", (196, 768), (197, 768), 768, 0),
    "pos_embed": ("pos_embed", (197, 768), (197, 768), 197 * 768, 0),
    # 4·768² + 4·768 params; 4·197·768² projection MACs + 2·197²·768 for QKᵀ and AV
    "attention": ("attention: 12", (197, 768), (197, 768), 2_362_368, 464_781_312 + 59_610_624),
    "token_pool": ("token_pool: class", (197, 768), (768,), 0, 0),
}


@pytest.mark.parametrize("kind", sorted({cls.kind for cls in LAYER_KINDS.values()}))
def test_every_kind_has_a_hand_checked_example(kind):
    assert kind in EXAMPLES, f"add a hand-derived example for the new layer kind '{kind}'"
    item, x, output, params, macs = EXAMPLES[kind]
    row = row_of(item, x)
    assert (row.kind, row.output, row.params, row.macs) == (kind, output, params, macs)


def test_every_kind_and_alias_names_its_class():
    for name, cls in LAYER_KINDS.items():
        assert name == cls.kind or name in cls.aliases
        assert cls.__doc__, f"{cls.__name__} needs a docstring stating its rule"


def test_a_kind_builds_its_validator_when_a_spec_first_uses_it():
    import subprocess
    import sys

    code = ("from archcalc.layers.conv import Conv\nfrom archcalc.layers.pool import Pool\n"
            "before = Conv.__pydantic_complete__\nConv.model_validate({'filters': 4, 'kernel': 3})\n"
            "print(before, Conv.__pydantic_complete__, Pool.__pydantic_complete__)")  # fmt: skip
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert found.split() == ["False", "True", "False"]  # imported, not built; built by its first use only


UNMARKED = {"_source_path": (), "_via": (), "_block": None, "_label": None, "_implicit": False}


def test_a_validated_layer_starts_unmarked():
    conv = LAYER_KINDS["conv"].model_validate({"filters": 6, "kernel": 5, "act": "relu"})
    assert conv.__pydantic_private__ == UNMARKED
    assert conv.act.__pydantic_private__ == UNMARKED


@pytest.mark.parametrize("kind", sorted({cls.kind for cls in LAYER_KINDS.values()}))
def test_every_kinds_layers_have_marks_of_their_own(kind):
    item, x, *_ = EXAMPLES[kind]
    first, second = spec_from(f"name: t\ninput: [{x[0]}]\nlayers:\n  - {item}\n  - {item}\n").layers
    assert first.__pydantic_private__.keys() == UNMARKED.keys()
    first.labelled("basic", "basic(width=64)").made_implicitly()
    assert (first.block, first.implicit, second.block, second.implicit) == ("basic", True, None, False)
    assert first.replaced(name="x").block == "basic"


def pydantic_state(layer: object) -> tuple[object, ...]:
    state = ("__dict__", "__pydantic_fields_set__", "__pydantic_private__", "__pydantic_extra__")
    return (type(layer), *(getattr(layer, name) for name in state))


@pytest.mark.parametrize("kind", sorted({cls.kind for cls in LAYER_KINDS.values()}))
def test_a_replaced_layer_is_what_pydantic_copies_with_those_settings(kind):
    item, x, *_ = EXAMPLES[kind]
    (layer,) = spec_from(f"name: t\ninput: [{x[0]}]\nlayers:\n  - {item}\n").layers
    layer.labelled("basic", "basic(width=64)")
    settings = {"name": "x", "sources": ("stem",), "trainable": False}
    replaced = layer.replaced(**settings)
    assert pydantic_state(replaced) == pydantic_state(layer.model_copy(update=settings))
    replaced.made_implicitly()
    assert layer.name != "x" and not layer.implicit and replaced.implicit  # the original kept, marks apart
