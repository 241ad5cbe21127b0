"""pool: nH' = ⌊(nH + 2p − f)/s⌋ + 1 (⌈…⌉ with ceil_mode); no parameters, no MACs."""

import pytest

from archcalc.errors import SpecError
from tests.conftest import layer_from, row_of


def test_lenet_average_pool_halves():
    row = row_of("pool: {op: avg, kernel: 2, stride: 2}", (28, 28, 6))
    assert row.output == (14, 14, 6)
    assert (row.params, row.macs, row.bias_adds) == (0, 0, 0)


def test_alexnet_overlapping_max_pool():
    assert row_of("pool: {kernel: 3, stride: 2}", (55, 55, 96)).output == (27, 27, 96)  # ⌊52/2⌋ + 1


def test_stride_defaults_to_the_kernel_as_in_torch():
    assert row_of("pool: {kernel: 2}", (7, 7, 1)).output == (3, 3, 1)


def test_ceil_mode_keeps_the_partial_window():
    # GoogLeNet's maxpool1: ⌈(112 − 3)/2⌉ + 1 = 56, where floor gives 55
    assert row_of("pool: {kernel: 3, stride: 2, ceil_mode: true}", (112, 112, 64)).output == (56, 56, 64)
    assert row_of("pool: {kernel: 3, stride: 2}", (112, 112, 64)).output == (55, 55, 64)


def test_ceil_mode_drops_a_window_that_would_start_in_the_padding():
    # ⌈(5 + 2 − 2)/2⌉ + 1 = 4, but the 4th window starts at 6 ≥ 5 + 1: torch gives 3
    assert row_of("pool: {kernel: 2, stride: 2, padding: 1, ceil_mode: true}", (5, 5, 1)).output == (3, 3, 1)


def test_padding_beyond_half_the_kernel_is_refused():
    with pytest.raises(SpecError, match="more than half the kernel"):
        layer_from("pool: {kernel: 3, padding: 2}")


def test_average_pool_has_no_dilation():
    with pytest.raises(SpecError, match="average pooling has no dilation"):
        layer_from("pool: {op: avg, kernel: 3, dilation: 2}")


def test_average_only_settings_are_refused_on_max_pooling():
    assert layer_from("pool: {op: avg, kernel: 2, divisor_override: 3}").divisor_override == 3
    with pytest.raises(SpecError, match="apply to average pooling only"):
        layer_from("pool: {kernel: 2, count_include_pad: false}")


def test_global_pool_keeps_one_value_per_channel():
    assert row_of("global_pool", (7, 7, 512)).output == (1, 1, 512)
    assert layer_from("global_pool: max").describe() == "max"


def test_adaptive_pool_outputs_its_fixed_size():
    assert row_of("adaptive_pool: {output: 6}", (13, 13, 256)).output == (6, 6, 256)
    assert row_of("adaptive_pool: {op: max, output: [2, 3]}", (5, 5, 4)).output == (2, 3, 4)
