"""Batch norm (2 params per channel, 2 buffers), LRN, activations, dropout and identity."""

import pytest

from archcalc.errors import SpecError
from tests.conftest import layer_from, row_of


def test_batchnorm_learns_gamma_and_beta_per_channel():
    row = row_of("batchnorm", (56, 56, 64))
    assert (row.output, row.params, row.buffers, row.macs) == ((56, 56, 64), 128, 128, 0)


def test_batchnorm_without_affine_has_only_buffers():
    row = row_of("bn: {affine: false}", (256,))
    assert (row.params, row.buffers) == (0, 512)


def test_lrn_has_no_parameters():
    row = row_of("lrn: {size: 5, k: 2}", (55, 55, 96))
    assert (row.output, row.params) == ((55, 55, 96), 0)


@pytest.mark.parametrize("item", ["act: relu", "activation: {fn: leaky_relu, slope: 0.1}", "act: softmax"])
def test_activations_cost_nothing_and_keep_the_shape(item):
    row = row_of(item, (13, 13, 256))
    assert (row.output, row.params, row.macs, row.bias_adds) == ((13, 13, 256), 0, 0, 0)


def test_slope_belongs_to_leaky_relu_only():
    assert layer_from("act: {fn: leaky_relu, slope: 0.1}").describe() == "leaky_relu(0.1)"
    with pytest.raises(SpecError, match="'slope' applies to leaky_relu only"):
        layer_from("act: {fn: relu, slope: 0.1}")


def test_dropout_keeps_the_shape_and_checks_p():
    assert row_of("dropout: 0.5", (4096,)).output == (4096,)
    with pytest.raises(SpecError, match="less than or equal to 1"):
        layer_from("dropout: 1.5")


def test_identity_passes_through():
    assert row_of("identity", (7, 7, 3)).output == (7, 7, 3)


def test_frozen_layers_count_as_non_trainable():
    row = row_of("dense: {units: 10, trainable: false}", (84,))
    assert (row.params, row.trainable_params) == (850, 0)
