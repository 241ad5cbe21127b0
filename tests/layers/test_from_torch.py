"""Each kind reads back the torch modules it builds (`archcalc import`): the settings a spec would write,
defaults left out, a pair of equal numbers written as one."""

import pytest

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402

from archcalc.backends.torch import Crop, DropPath, LayerNorm2d, LayerScale, ZeroPad  # noqa: E402
from archcalc.layers import TORCH_MODULES  # noqa: E402

CASES = [
    (nn.Conv2d(3, 64, 7, 2, 3, bias=False), (224, 224, 3), "conv",
     {"filters": 64, "kernel": 7, "stride": 2, "padding": 3, "bias": False}),
    (nn.Conv2d(32, 32, (1, 3), padding="same", groups=32, dilation=2), (8, 8, 32), "conv",
     {"filters": 32, "kernel": [1, 3], "padding": "same", "dilation": 2, "groups": 32}),
    (nn.Conv2d(3, 8, 3, padding="valid", padding_mode="zeros"), (8, 8, 3), "conv", {"filters": 8, "kernel": 3}),
    (nn.ConvTranspose2d(64, 32, 2, stride=2), (8, 8, 64), "conv_transpose",
     {"filters": 32, "kernel": 2, "stride": 2}),
    (nn.Linear(4096, 1000), (4096,), "dense", {"units": 1000}),
    (nn.Linear(10, 5, bias=False), (10,), "dense", {"units": 5, "bias": False}),
    (nn.BatchNorm2d(64), (8, 8, 64), "batchnorm", {}),
    (LayerNorm2d(96, eps=1e-6), (56, 56, 96), "layernorm", {"eps": 1e-6}),
    (nn.LayerNorm(768, elementwise_affine=False), (768,), "layernorm", {"affine": False}),
    (LayerScale(96, 1e-6, volume=True), (56, 56, 96), "layer_scale", {}),
    (nn.GroupNorm(32, 256, eps=1e-6), (56, 56, 256), "groupnorm", {"groups": 32, "eps": 1e-6}),
    (nn.ChannelShuffle(3), (28, 28, 240), "channel_shuffle", {"groups": 3}),
    (DropPath(0.2), (14, 14, 384), "drop_path", {"p": 0.2}),
    (nn.BatchNorm1d(64, eps=1e-3, momentum=0.01), (64,), "batchnorm", {"eps": 1e-3, "momentum": 0.01}),
    (nn.LocalResponseNorm(5, 1e-4, 0.75, 2.0), (8, 8, 96), "lrn", {"k": 2.0}),
    (nn.ReLU(inplace=True), (8, 8, 3), "act", {"fn": "relu"}),
    (nn.LeakyReLU(0.1), (8, 8, 3), "act", {"fn": "leaky_relu", "slope": 0.1}),
    (nn.LeakyReLU(), (8, 8, 3), "act", {"fn": "leaky_relu"}),
    (nn.Softmax(dim=1), (1000,), "act", {"fn": "softmax"}),
    (nn.MaxPool2d(3, 2, 1), (112, 112, 64), "pool", {"kernel": 3, "stride": 2, "padding": 1}),
    (nn.MaxPool2d(2), (8, 8, 3), "pool", {"kernel": 2}),
    (nn.AvgPool2d(2, ceil_mode=True, count_include_pad=False), (7, 7, 3), "pool",
     {"op": "avg", "kernel": 2, "ceil_mode": True, "count_include_pad": False}),
    (nn.AdaptiveAvgPool2d(1), (7, 7, 512), "global_pool", {}),
    (nn.AdaptiveMaxPool2d((1, 1)), (7, 7, 512), "global_pool", {"op": "max"}),
    (nn.AdaptiveAvgPool2d((6, 6)), (13, 13, 256), "adaptive_pool", {"output": 6}),
    (nn.AdaptiveAvgPool2d((None, 1)), (13, 9, 256), "adaptive_pool", {"output": [13, 1]}),
    (nn.Flatten(), (7, 7, 512), "flatten", {}),
    (nn.Dropout(0.5), (4096,), "dropout", {}),
    (nn.Dropout2d(0.2), (8, 8, 3), "dropout", {"p": 0.2, "channels": True}),
    (nn.Identity(), (8, 8, 3), "identity", {}),
    (nn.Upsample(scale_factor=2), (13, 13, 256), "upsample", {"scale": 2}),
    (nn.Upsample(size=(20, 30), mode="bilinear", align_corners=False), (10, 10, 3), "upsample",
     {"size": [20, 30], "mode": "bilinear", "align_corners": False}),
    (nn.ZeroPad2d((1, 2, 3, 4)), (8, 8, 3), "pad", {"padding": [3, 4, 1, 2]}),
    (nn.ReflectionPad2d(1), (8, 8, 3), "pad", {"padding": 1, "mode": "reflect"}),
    (ZeroPad(32, (2, 2)), (32, 32, 16), "zero_pad", {"size": 32, "stride": 2}),
    (Crop((4, 56, 4, 56)), (64, 64, 512), "crop", {}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("module", "x", "kind", "settings"), CASES, ids=lambda case: getattr(case, "__name__", None)
)
def test_a_torch_module_is_read_back_as_the_settings_that_build_it(module, x, kind, settings):
    read = [(k.kind, k.from_torch(module, x)) for k in TORCH_MODULES[type(module).__name__]]
    assert next((k, s) for k, s in read if s is not None) == (kind, settings)


@pytest.mark.parametrize(
    ("module", "x"),
    [
        (nn.Flatten(0), (8, 8, 3)),  # flattens the batch too
        (nn.Linear(8, 4), (8, 8, 8)),  # a Linear at every position: not yet a kind
        (nn.Softmax(dim=2), (8, 8, 3)),  # over the rows
        (nn.BatchNorm2d(8, track_running_stats=False), (8, 8, 8)),  # no running statistics: no buffers
        (nn.Upsample(scale_factor=1.5), (8, 8, 3)),  # not a whole scale
        (nn.LayerNorm(8), (8, 8, 8)),  # on an NCHW volume: over its rows, not its channels
        (LayerNorm2d(8), (8, 8, 16)),  # over 8 of 16 channels
        (nn.GroupNorm(2, 8), (8, 8, 16)),  # 8 of 16 channels
    ],
)
def test_settings_no_kind_builds_are_refused_not_approximated(module, x):
    assert all(kind.from_torch(module, x) is None for kind in TORCH_MODULES[type(module).__name__])
