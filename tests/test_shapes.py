"""Shape arithmetic: torch's sliding-window rule by hand, then against torch itself on random settings."""

import random

import pytest

from archcalc.engine import measure
from archcalc.errors import ShapeError
from archcalc.layers.conv import Conv
from archcalc.layers.pool import Pool
from archcalc.shapes import format_shape, numel, sliding_window


def window(size, kernel, **settings):
    settings = {"stride": (1, 1), "padding": ((0, 0), (0, 0))} | settings
    return sliding_window(size, kernel, **settings)


def test_floor_division_drops_the_pixels_a_stride_cannot_reach():
    assert window((224, 224), (11, 11), stride=(4, 4)) == (54, 54)  # ⌊213/4⌋ + 1; 227 gives exactly 55
    assert window((227, 227), (11, 11), stride=(4, 4)) == (55, 55)


def test_asymmetric_padding_counts_both_sides():
    assert window((10, 10), (4, 4), padding=((1, 2), (1, 2))) == (10, 10)


def test_ceil_mode_lets_a_window_overhang_as_torch_does():
    # ⌈(3 − 5)/3⌉ + 1 = 1: in ceil mode torch accepts a 5-wide window on 3 pixels; floor mode refuses it
    assert window((3, 3), (5, 5), stride=(3, 3), ceil_mode=True) == (1, 1)
    with pytest.raises(ShapeError, match=r"kernel 5×5 is larger than its 3×3 input"):
        window((3, 3), (5, 5), stride=(3, 3))


def test_the_refusal_names_dilation_and_padding():
    with pytest.raises(
        ShapeError, match=r"kernel 3×3 \(dilated to 5×5\) is larger than its 2×2 input \(padded to 4×4\)"
    ):
        window((2, 2), (3, 3), padding=((1, 1), (1, 1)), dilation=(2, 2))


def test_formatting_and_counting():
    assert format_shape((28, 28, 6)) == "28×28×6"
    assert format_shape((400,)) == "400"
    assert numel((5, 5, 16)) == 400


def _random_layer(rng):
    """A random conv or pool layer and its torch twin."""
    import torch

    kernel = (rng.randint(1, 7), rng.randint(1, 7))
    stride = (rng.randint(1, 4), rng.randint(1, 4))
    dilation = (rng.randint(1, 3), rng.randint(1, 3))
    pool_padding = (rng.randint(0, kernel[0] // 2), rng.randint(0, kernel[1] // 2))
    ceil_mode = rng.random() < 0.5
    op = rng.choice(["conv", "same", "max", "avg"])
    if op == "conv":
        padding = (rng.randint(0, 3), rng.randint(0, 3))
        ours = Conv(filters=4, kernel=kernel, stride=stride, padding=padding, dilation=dilation, groups=2)
        return ours, torch.nn.Conv2d(4, 4, kernel, stride, padding, dilation, groups=2, device="meta")
    if op == "same":
        ours = Conv(filters=4, kernel=kernel, padding="same", dilation=dilation)
        return ours, torch.nn.Conv2d(4, 4, kernel, 1, "same", dilation, device="meta")
    if op == "avg":
        ours = Pool(op="avg", kernel=kernel, stride=stride, padding=pool_padding, ceil_mode=ceil_mode)
        return ours, torch.nn.AvgPool2d(kernel, stride, pool_padding, ceil_mode=ceil_mode)
    ours = Pool(kernel=kernel, stride=stride, padding=pool_padding, dilation=dilation, ceil_mode=ceil_mode)
    return ours, torch.nn.MaxPool2d(kernel, stride, pool_padding, dilation=dilation, ceil_mode=ceil_mode)


def _torch_shape(module, height, width):
    import torch

    try:
        y = module(torch.empty(1, 4, height, width, device="meta"))
    except RuntimeError:
        return None
    return (y.shape[2], y.shape[3], y.shape[1]) if min(y.shape) > 0 else None


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")
def test_conv_and_pool_agree_with_torch_on_random_settings():
    torch = pytest.importorskip("torch")  # .ci/run installs the CPU wheel: torch==2.13.0
    rng = random.Random(2026)
    agreed = 0
    for _ in range(2000):
        layer, module = _random_layer(rng)
        height, width = rng.randint(1, 30), rng.randint(1, 30)
        try:
            row = measure(layer, (height, width, 4))
            ours = (row.output, row.params)
        except ShapeError:
            ours = None
        theirs = _torch_shape(module, height, width)
        expected = None if theirs is None else (theirs, sum(p.numel() for p in module.parameters()))
        assert ours == expected, (layer.describe(), height, width)
        agreed += ours is not None
    assert agreed > 1500, f"too few cases exercised with torch {torch.__version__}"
