"""conv: nH' = ⌊(nH + 2p − d(f−1) − 1)/s⌋ + 1; params (f·f·nC/g + 1)·nC'; MACs nH'·nW'·nC'·f·f·nC/g."""

import pytest

from archcalc.errors import ShapeError, SpecError
from tests.conftest import layer_from, row_of


def test_lenet_conv1_valid_5x5():
    row = row_of("conv: {filters: 6, kernel: 5}", (32, 32, 1))
    assert row.output == (28, 28, 6)  # 32 − 5 + 1
    assert row.params == (5 * 5 * 1 + 1) * 6 == 156
    assert row.macs == 28 * 28 * 6 * 25 == 117_600
    assert row.bias_adds == 28 * 28 * 6


def test_the_lectures_one_by_one_conv_shrinks_channels():
    row = row_of("conv: {filters: 32, kernel: 1}", (28, 28, 192))
    assert row.output == (28, 28, 32)
    assert row.params == 6_176  # (192 + 1)·32
    assert row.macs == 4_816_896  # 28·28·32 · 192


def test_the_lectures_5x5_same_conv_costs_120_million_multiplies():
    row = row_of("conv: {filters: 32, kernel: 5, padding: same}", (28, 28, 192))
    assert row.output == (28, 28, 32)
    assert row.params == 153_632  # (5·5·192 + 1)·32
    assert row.macs == 120_422_400  # 28·28·32 · 5·5·192


def test_stride_and_padding_floor_like_torchvision_alexnet_conv1():
    # ⌊(224 + 2·2 − 11)/4⌋ + 1 = ⌊217/4⌋ + 1 = 55
    assert row_of("conv: {filters: 64, kernel: 11, stride: 4, padding: 2}", (224, 224, 3)).output == (
        55,
        55,
        64,
    )


def test_same_with_an_even_kernel_pads_the_extra_pixel_after():
    layer = layer_from("conv: {filters: 8, kernel: 4, padding: same}")
    assert layer.pads() == ((1, 2), (1, 2))  # total d·(f−1) = 3: torch puts 1 before, 2 after
    assert row_of("conv: {filters: 8, kernel: 4, padding: same}", (10, 10, 3)).output == (10, 10, 8)


def test_same_with_dilation_keeps_the_size():
    assert row_of("conv: {filters: 4, kernel: 3, dilation: 2, padding: same}", (9, 9, 2)).output == (9, 9, 4)


def test_dilation_widens_the_window():
    # effective kernel 2·(3 − 1) + 1 = 5; 7 − 5 + 1 = 3
    assert row_of("conv: {filters: 1, kernel: 3, dilation: 2}", (7, 7, 1)).output == (3, 3, 1)


def test_per_axis_kernel_and_padding():
    row = row_of("conv: {filters: 192, kernel: [1, 7], padding: [0, 3]}", (17, 17, 128))
    assert row.output == (17, 17, 192)
    assert row.params == (1 * 7 * 128 + 1) * 192 == 172_224


def test_groups_divide_the_weights():
    row = row_of("conv: {filters: 64, kernel: 3, padding: 1, groups: 4}", (8, 8, 32))
    assert row.params == 3 * 3 * 8 * 64 + 64 == 4_672
    assert row.macs == 8 * 8 * 64 * (3 * 3 * 8) == 294_912


def test_depthwise_conv():
    assert row_of("conv: {filters: 32, kernel: 3, padding: 1, groups: 32}", (8, 8, 32)).params == 9 * 32 + 32


def test_fused_batchnorm_drops_the_bias_and_adds_gamma_beta():
    row = row_of("conv: {filters: 64, kernel: 3, padding: 1, bn: true, act: relu}", (56, 56, 64))
    assert row.params == 3 * 3 * 64 * 64 + 2 * 64 == 36_992
    assert row.buffers == 2 * 64  # running mean and variance
    assert row.bias_adds == 0


def test_bias_can_be_kept_before_batchnorm_or_dropped_without_it():
    assert row_of("conv: {filters: 4, kernel: 1, bn: true, bias: true}", (2, 2, 3)).params == 3 * 4 + 4 + 8
    assert row_of("conv: {filters: 4, kernel: 1, bias: false}", (2, 2, 3)).params == 3 * 4


def test_kernel_larger_than_input_is_refused():
    layer = layer_from("conv: {filters: 8, kernel: 7}")
    with pytest.raises(ShapeError, match=r"kernel 7×7 is larger than its 5×5 input"):
        layer.output_shape((5, 5, 3))


def test_padding_is_counted_before_refusing():
    assert row_of("conv: {filters: 8, kernel: 7, padding: 1}", (5, 5, 3)).output == (1, 1, 8)


def test_groups_must_divide_input_channels():
    with pytest.raises(ShapeError, match="groups 4 must divide its 6 input channels"):
        layer_from("conv: {filters: 8, kernel: 1, groups: 4}").output_shape((3, 3, 6))


def test_strided_same_is_refused_as_torch_refuses_it():
    with pytest.raises(SpecError, match="padding 'same' needs stride 1"):
        layer_from("conv: {filters: 8, kernel: 3, stride: 2, padding: same}")


def test_a_vector_input_needs_a_volume():
    with pytest.raises(ShapeError, match="needs an nH×nW×nC volume"):
        layer_from("conv: {filters: 8, kernel: 1}").output_shape((400,))


def test_describe_reads_like_the_course():
    assert layer_from("conv: {filters: 6, kernel: 5, act: relu}").describe() == "5×5 s1 valid, relu"
    assert (
        layer_from("conv: {filters: 6, kernel: 3, padding: same, bn: true}").describe() == "3×3 s1 same, bn"
    )
