"""dense: params (n + 1)·n'; MACs n·n'. flatten: nH·nW·nC."""

import pytest

from archcalc.errors import ShapeError
from tests.conftest import layer_from, row_of


def test_flatten_unrolls_the_volume():
    assert row_of("flatten", (5, 5, 16)).output == (400,)


def test_lenet_fc1():
    row = row_of("dense: {units: 120, act: relu}", (400,))
    assert row.output == (120,)
    assert row.params == 400 * 120 + 120 == 48_120
    assert row.macs == 48_000
    assert row.bias_adds == 120


def test_shorthand_and_aliases():
    assert row_of("fc: 10", (84,)).params == 850
    assert row_of("linear: {units: 10, bias: false}", (84,)).params == 840


def test_fused_batchnorm_on_a_vector():
    row = row_of("dense: {units: 256, bn: true}", (128,))
    assert row.params == 128 * 256 + 2 * 256
    assert row.buffers == 512


def test_a_volume_must_be_flattened_first():
    with pytest.raises(ShapeError, match="add '- flatten' before it"):
        layer_from("dense: 10").output_shape((5, 5, 16))
