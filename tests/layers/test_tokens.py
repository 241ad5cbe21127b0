"""Tokens N×D: patch embedding, class token, position embedding, attention, pooling, and a dense layer on
each token; every figure worked out by hand."""

import pytest

from tests.conftest import refusal, row_of

VIT_TOKENS = (197, 768)


def test_patch_embed_cuts_an_image_into_tokens_and_says_which_pixels_no_patch_reads():
    # 230 = 14·16 + 6: 14×14 patches, the last 6 rows and columns unread (as torch's conv drops them)
    row = row_of("patch_embed: {dim: 768, patch: 16}", (230, 230, 3))
    assert (row.output, row.params, row.macs) == ((196, 768), 590_592, 115_605_504)
    assert row.bias_adds == 196 * 768
    # 32×32 patches of a 64×48×3 image: 2·1 = 2 tokens; no bias: 32·32·3·64 weights
    row = row_of("patch_embed: {dim: 64, patch: [32, 48], bias: false}", (64, 48, 3))
    assert (row.output, row.params, row.macs, row.bias_adds) == (
        (2, 64),
        32 * 48 * 3 * 64,
        2 * 64 * 32 * 48 * 3,
        0,
    )


def test_attention_counts_its_projections_and_its_two_matmuls_apart():
    row = row_of("attention: {heads: 12}", VIT_TOKENS)
    projections = 4 * 197 * 768 * 768  # Q, K, V and the output: a 768×768 matrix on each of 197 tokens
    assert row.attention_macs == 2 * 197 * 197 * 768  # QKᵀ and AV: N·N·(D/h) per head, h heads
    assert row.macs == projections + row.attention_macs
    assert row.bias_adds == 197 * (3 * 768 + 768)


def test_attention_without_biases_has_four_d_squared_params_and_any_head_count_the_same_macs():
    one = row_of("attention: {heads: 1, qkv_bias: false, bias: false}", (50, 64))
    eight = row_of("attention: {heads: 8, qkv_bias: false, bias: false}", (50, 64))
    assert one.params == eight.params == 4 * 64 * 64
    assert one.macs == eight.macs == 4 * 50 * 64 * 64 + 2 * 50 * 50 * 64
    assert one.bias_adds == 0


def test_class_token_position_embedding_and_pooling():
    assert row_of("class_token", (196, 768)).output == (197, 768)
    assert row_of("pos_embed", (577, 768)).params == 577 * 768  # grows with the tokens: ViT at 384
    assert row_of("token_pool: mean", VIT_TOKENS).output == (768,)


def test_dense_applies_one_matrix_to_every_token():
    row = row_of("dense: 3072", VIT_TOKENS)
    assert (row.output, row.params, row.macs) == ((197, 3072), 768 * 3072 + 3072, 197 * 768 * 3072)
    assert row.bias_adds == 197 * 3072


def test_dense_per_position_on_a_volume_costs_what_a_1x1_conv_costs():
    dense = row_of("dense: {units: 384, per_position: true}", (56, 56, 96))
    conv = row_of("conv: {filters: 384, kernel: 1}", (56, 56, 96))
    assert (dense.output, dense.params, dense.macs) == ((56, 56, 384), 96 * 384 + 384, 56 * 56 * 96 * 384)
    assert (dense.output, dense.params, dense.macs, dense.bias_adds) == (conv.output, conv.params, conv.macs,
                                                                        conv.bias_adds)  # fmt: skip


def test_layer_norm_layer_scale_and_a_residual_work_on_tokens():
    assert row_of("layernorm", VIT_TOKENS).params == 2 * 768
    assert row_of("layer_scale", VIT_TOKENS).params == 768
    # a shortcut to a new width: the same 768×512 matrix on each token (no bias)
    row = row_of("residual: {body: [dense: 512], shortcut: projection}", VIT_TOKENS)
    assert (row.output, row.params) == ((197, 512), 768 * 512 + 512 + 768 * 512)
    assert (
        row_of("residual: {body: [dense: 1024], shortcut: zero_pad}", VIT_TOKENS).params == 768 * 1024 + 1024
    )


@pytest.mark.parametrize(
    ("item", "x", "says"),
    [
        (
            "conv: {filters: 8, kernel: 3}",
            VIT_TOKENS,
            "needs an nH×nW×nC volume, but its input is 197×768 tokens",
        ),
        ("pool: {kernel: 2}", VIT_TOKENS, "its input is 197×768 tokens (N×D)"),
        ("batchnorm", VIT_TOKENS, "use '- layernorm'"),
        ("groupnorm: 12", VIT_TOKENS, "group norm of 197×768 tokens (N×D) would take each token position"),
        ("lrn", VIT_TOKENS, "needs an nH×nW×nC volume, but its input is 197×768 tokens"),
        ("upsample: 2", VIT_TOKENS, "needs an nH×nW×nC volume, but its input is 197×768 tokens"),
        ("dense: {units: 10, bn: true}", VIT_TOKENS, "a fused batch norm needs a vector input"),
        ("concat: [-1]", VIT_TOKENS, "concat stacks the channels of volumes or vectors, not 197×768 tokens"),
        ("dropout: {p: 0.1, channels: true}", VIT_TOKENS, "has no planes to drop: remove it"),
        ("attention: 5", VIT_TOKENS, "5 heads must divide the width D = 768 of its tokens"),
        ("token_pool", (7, 7, 512), "needs N×D tokens, but its input is 7×7×512; add '- patch_embed"),
        ("class_token", (4096,), "needs N×D tokens, but its input is a vector of 4096; it has no tokens"),
        ("dense: 10", (7, 7, 512), "add '- flatten' before it (or set 'per_position: true'"),
        (
            "residual: {body: [class_token], shortcut: zero_pad}",
            (196, 768),
            "no shortcut changes the number of tokens",
        ),
        ("flatten", VIT_TOKENS, None),
    ],
)
def test_what_cannot_take_tokens_says_so_and_what_to_do(item, x, says):
    if says is None:
        assert row_of(item, x).output == (197 * 768,)  # torch's Flatten keeps the batch: N·D values
    else:
        assert says in refusal(f"name: t\ninput: [1]\nlayers:\n  - {item}\n", x)[0]  # x given to the walk
