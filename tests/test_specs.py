"""The verified zoo: every spec in specs/ reproduces its published figures exactly.

The figures come from ../shared/REFERENCE.md (course notes and torchvision), never from archcalc's output.
A spec without an entry here, or an entry without a spec, fails.
"""

import json

import pytest

from archcalc.engine import analyze
from archcalc.spec.model import load_spec
from tests.modern_nets import (
    convnext_tiny,
    efficientnet_b0,
    make_divisible,
    mobilenet_v3_large,
    vit_b16,
    vit_b16_counts,
)
from tests.paths import SPECS


def unet(size: int, classes: int, valid: bool, in_channels: int, batch_norm: bool) -> tuple:
    """U-Net's figures from its architecture, level by level (Ronneberger et al. 2015; the padded variant):
    two 3×3 convs per level (valid: each takes 2 pixels off; padded: none), 2×2 pools, 2×2 stride-2
    up-convolutions with bias halving the channels, concat with the encoder's map, a 1×1 conv with bias."""
    shrink = 2 if valid else 0
    params = macs = bias_adds = upconv_macs = 0
    widths, n, c = [64, 128, 256, 512, 1024], size, in_channels

    def conv(c_in: int, c_out: int, n_out: int, k: int = 3, bias: bool = not batch_norm) -> None:
        nonlocal params, macs, bias_adds
        params += k * k * c_in * c_out + (c_out if bias else 2 * c_out)
        macs += n_out * n_out * c_out * k * k * c_in
        bias_adds += n_out * n_out * c_out if bias else 0

    for level, width in enumerate(widths):
        n -= shrink
        conv(c, width, n)
        n -= shrink
        conv(width, width, n)
        c = width
        if level < 4:
            n //= 2
    for width in reversed(widths[:4]):
        n, c_in = 2 * n, c  # the up-convolution: c → c/2 = width, with bias
        params += 2 * 2 * c_in * width + width
        upconv_macs += (n // 2) * (n // 2) * c_in * 2 * 2 * width
        bias_adds += n * n * width
        n -= shrink
        conv(2 * width, width, n)
        n -= shrink
        conv(width, width, n)
        c = width
    conv(64, classes, n, k=1, bias=True)
    return (size, size, in_channels), (n, n, classes), params, macs + upconv_macs, bias_adds


def yolov3(size: int) -> tuple:
    """YOLOv3's figures from darknet's yolov3.cfg, conv by conv: every conv has batch norm (2·nC' params)
    and no bias, but the three heads' 1×1 convs to 255, which have a bias; stride-2 3×3 convs with padding 1
    give ⌊(n − 1)/2⌋ + 1."""
    totals = {"params": 0, "macs": 0, "bias_adds": 0}

    def conv(c_in: int, c_out: int, n: int, k: int = 3, head: bool = False) -> None:
        totals["params"] += k * k * c_in * c_out + (c_out if head else 2 * c_out)
        totals["macs"] += n * n * c_out * k * k * c_in
        totals["bias_adds"] += n * n * c_out if head else 0

    n, c, levels = size, 32, []
    conv(3, 32, n)
    for width, blocks in ((64, 1), (128, 2), (256, 8), (512, 8), (1024, 4)):
        n = (n - 1) // 2 + 1
        conv(c, width, n)
        for _ in range(blocks):
            conv(width, width // 2, n, k=1)
            conv(width // 2, width, n)
        levels.append((n, width))
        c = width
    (n52, c52), (n26, c26), (n13, _) = levels[2:]
    heads, c_in = [], 1024
    for width, n, skip, lateral in ((512, n13, 0, None), (256, n26, c26, n13), (128, n52, c52, n26)):
        if lateral is not None:
            conv(2 * width, width, lateral, k=1)  # the previous neck's output, 1×1 to this width, then ×2
            c_in = width + skip
        for c_from, c_to, k in ((c_in, width, 1), (width, 2 * width, 3), (2 * width, width, 1),
                                (width, 2 * width, 3), (2 * width, width, 1), (width, 2 * width, 3)):  # fmt: skip
            conv(c_from, c_to, n, k)
        conv(2 * width, 255, n, k=1, head=True)
        heads.append((n, n, 255))
    return (size, size, 3), heads[-1], totals["params"], totals["macs"], totals["bias_adds"]


def resnet_cifar(n: int) -> tuple:
    """He et al.'s CIFAR ResNet of depth 6n + 2, option A shortcuts (no parameters): every conv 3×3 with
    batch norm (2·nC' params, no bias); the stages at 32², 16², 8² with 16, 32, 64 channels."""
    params, macs = 3 * 3 * 3 * 16 + 2 * 16, 32 * 32 * 16 * 27
    c_in = 16
    for width, size in ((16, 32), (32, 16), (64, 8)):
        for block in range(n):
            first_in = c_in if block == 0 else width
            params += 9 * first_in * width + 9 * width * width + 4 * width
            macs += size * size * width * 9 * (first_in + width)
        c_in = width
    return (32, 32, 3), (10,), params + 64 * 10 + 10, macs + 64 * 10, 10


# stem: (input, output, params, MACs, bias adds)
REFERENCE = {
    "lenet5": ((32, 32, 1), (10,), 61_706, 416_520, 6_518),
    "alexnet": ((227, 227, 3), (1000,), 62_378_344, 1_135_256_096, 659_272),
    "alexnet-torchvision": ((224, 224, 3), (1000,), 61_100_840, 714_188_480, 494_184),
    "vgg16": ((224, 224, 3), (1000,), 138_357_544, 15_470_264_320, 13_556_712),
    "vgg19": ((224, 224, 3), (1000,), 143_667_240, 19_632_062_464, 14_861_288),
    "resnet18": ((224, 224, 3), (1000,), 11_689_512, 1_814_073_344, 1_000),
    "resnet34": ((224, 224, 3), (1000,), 21_797_672, 3_663_761_408, 1_000),
    "resnet50": ((224, 224, 3), (1000,), 25_557_032, 4_089_184_256, 1_000),
    "resnet101": ((224, 224, 3), (1000,), 44_549_160, 7_801_405_440, 1_000),
    "resnet152": ((224, 224, 3), (1000,), 60_192_808, 11_513_626_624, 1_000),
    # ResNet-34 less its three projection shortcuts (1×1 conv + BN at layer2.0, layer3.0, layer4.0):
    # params 64·128 + 2·128, 128·256 + 2·256, 256·512 + 2·512; MACs 28·28·128·64, 14·14·256·128, 7·7·512·256
    "plain34": (
        (224, 224, 3),
        (1000,),
        21_797_672 - (8_192 + 256) - (32_768 + 512) - (131_072 + 1_024),
        3_663_761_408 - 28 * 28 * 128 * 64 - 14 * 14 * 256 * 128 - 7 * 7 * 512 * 256,
        1_000,
    ),
    "googlenet": ((224, 224, 3), (1000,), 6_624_904, 1_498_376_192, 1_000),
    "darknet53": ((256, 256, 3), (1000,), 41_609_928, 9_285_115_904, 1_000),
    "resnet1001-cifar": ((32, 32, 3), (10,), 10_327_706, 1_490_995_712, 10),
    # the course's module: 1×1 64 | 1×1 96 → 3×3 128 | 1×1 16 → 5×5 32 | pool → 1×1 32, with biases
    "inception-module": (
        (28, 28, 192),
        (28, 28, 64 + 128 + 32 + 32),
        193 * 64 + 193 * 96 + (9 * 96 + 1) * 128 + 193 * 16 + (25 * 16 + 1) * 32 + 193 * 32,
        28 * 28 * (64 * 192 + 96 * 192 + 128 * 9 * 96 + 16 * 192 + 32 * 25 * 16 + 32 * 192),
        28 * 28 * (64 + 96 + 128 + 16 + 32 + 32),
    ),
    # the two paths of REFERENCE.md's last rows side by side: 5×5 same (153,632) and 1×1 → 5×5 (15,920)
    "bottleneck-cost": (
        (28, 28, 192),
        (28, 28, 64),
        153_632 + 15_920,
        120_422_400 + 12_443_648,
        25_088 + 37_632,
    ),
    "conv1x1": ((28, 28, 192), (28, 28, 32), 6_176, 4_816_896, 25_088),
    "ws-projection": ((128,), (256,), 131_584, 131_072, 512),
    "ws-zero-pad": ((128,), (256,), 131_584 - 256 * 128, 131_072 - 256 * 128, 512),
    "unet": unet(572, classes=2, valid=True, in_channels=1, batch_norm=False),
    "yolov3": yolov3(416),
    "resnet-cifar": resnet_cifar(3),
    "unet-same": unet(256, classes=1, valid=False, in_channels=3, batch_norm=True),
    "efficientnet-b0": efficientnet_b0(),
    "mobilenet-v3-large": mobilenet_v3_large(),
    "convnext-tiny": convnext_tiny(),
    "vit-b16": vit_b16(),
}


def test_efficientnet_mobilenet_and_convnext_derivations_give_torchvisions_figures():
    # issue #14's figures (torchvision 0.29, weights=None, batch 1), reproduced by the derivations above
    assert efficientnet_b0()[2:4] == (5_288_548, 385_814_752)
    assert mobilenet_v3_large()[2:4] == (5_483_032, 216_589_760)
    assert convnext_tiny()[2:4] == (28_589_128, 4_455_531_264)
    assert [make_divisible(e // 4) for e in (72, 120, 480, 672, 960)] == [24, 32, 120, 168, 240]


def test_the_vit_derivation_gives_torchvisions_figures_at_224_and_384():
    # issue #14's figures (torchvision 0.29 vit_b_16, weights=None, batch 1)
    at_224, at_384 = vit_b16_counts(224), vit_b16_counts(384)
    assert (at_224.params, at_224.macs, at_224.attention_macs) == (86_567_656, 17_563_828_224, 715_327_488)
    assert (at_384.params, at_384.macs, at_384.attention_macs) == (86_859_496, 55_484_350_464, 6_136_547_328)
    patch_conv = 14 * 14 * 768 * 16 * 16 * 3
    assert patch_conv == 115_605_504
    assert at_224.macs - at_224.attention_macs - patch_conv == 16_732_895_232  # the linear layers


def test_vit_b16_reports_attention_macs_apart_and_grows_its_position_embedding_with_the_input():
    spec = load_spec(SPECS / "vit-b16.yaml")
    for size in (224, 384):
        report, expected = analyze(spec, (size, size, 3)), vit_b16_counts(size)
        assert (report.totals.params, report.totals.macs) == (expected.params, expected.macs)
        assert report.totals.attention_macs == expected.attention_macs
    rows = {row.name: row for row in analyze(spec, (384, 384, 3)).rows}
    assert rows["pos_embedding"].output == (577, 768) and rows["pos_embedding"].params == 577 * 768
    assert rows["conv_proj"].macs == 24 * 24 * 768 * 16 * 16 * 3


def test_unet_figures_are_the_published_ones():
    # the figures (Ronneberger et al.; milesial/Pytorch-UNet), reproduced by the derivation above
    assert unet(572, 2, True, 1, False)[2:4] == (31_030_658, 150_428_424_448)
    assert unet(256, 1, False, 3, True)[2:4] == (31_037_633, 48_167_387_136)


def test_unet_levels_and_up_convolutions():
    rows = analyze(load_spec(SPECS / "unet.yaml")).rows
    top = {row.name: row.output[0] for row in rows if row.depth == 0}
    assert [top[name] for name in ("enc1", "enc2", "enc3", "enc4", "bottom")] == [568, 280, 136, 64, 28]
    assert [top[name] for name in ("dec4", "dec3", "dec2", "dec1")] == [52, 100, 196, 388]
    # up-convolutions: 28²·1024·4·512 + 52²·512·4·256 + 100²·256·4·128 + 196²·128·4·64
    assert sum(row.macs for row in rows if row.kind == "conv_transpose") == 5_631_377_408
    same = analyze(load_spec(SPECS / "unet-same.yaml")).rows
    # 16²·1024·4·512 + 32²·512·4·256 + 64²·256·4·128 + 128²·128·4·64 = 4·2²⁹
    assert sum(row.macs for row in same if row.kind == "conv_transpose") == 2_147_483_648


def spec_stems() -> list[str]:
    return sorted(path.stem for path in SPECS.glob("*.yaml"))


def test_every_spec_has_reference_figures_and_every_figure_a_spec():
    assert spec_stems() == sorted(REFERENCE)


@pytest.mark.parametrize("stem", spec_stems())
def test_spec_reproduces_its_reference_figures(stem):
    report = analyze(load_spec(SPECS / f"{stem}.yaml"))
    totals = report.totals
    assert (report.input, report.output, totals.params, totals.macs, totals.bias_adds) == REFERENCE[stem]
    assert totals.flops == 2 * REFERENCE[stem][3]


def test_alexnet_as_taught_walks_through_the_lectures_shapes():
    rows = analyze(load_spec(SPECS / "alexnet.yaml")).rows
    shapes = [row.output for row in rows if row.kind != "act"]
    assert shapes[:9] == [
        (55, 55, 96),
        (27, 27, 96),
        (27, 27, 256),
        (13, 13, 256),
        (13, 13, 384),
        (13, 13, 384),
        (13, 13, 256),
        (6, 6, 256),
        (9216,),
    ]


def test_lenet5_has_the_courses_shapes():
    rows = analyze(load_spec(SPECS / "lenet5.yaml")).rows
    assert [row.output for row in rows] == [
        (28, 28, 6),
        (14, 14, 6),
        (10, 10, 16),
        (5, 5, 16),
        (400,),
        (120,),
        (84,),
        (10,),
    ]


def weight_layers(stem: str) -> list[str]:
    rows = analyze(load_spec(SPECS / f"{stem}.yaml")).rows
    return [row.name for row in rows if row.kind in ("conv", "dense")]


def test_darknet53_has_53_conv_layers():
    assert len(weight_layers("darknet53")) == 53


def test_resnet1001_has_1004_weight_layers_counting_its_3_projections():
    names = weight_layers("resnet1001-cifar")
    assert len(names) == 1 + 3 * 111 * 3 + 3 + 1
    assert [name for name in names if name.endswith("shortcut")] == [
        "stage1.0.shortcut",
        "stage2.0.shortcut",
        "stage3.0.shortcut",
    ]


def test_resnet50_names_its_layers_like_torchvision():
    names = weight_layers("resnet50")
    assert names[:5] == ["conv1", "layer1.0.conv1", "layer1.0.conv2", "layer1.0.conv3", "layer1.0.shortcut"]
    assert "layer3.5.conv3" in names and "layer3.6.conv1" not in names  # six bottlenecks in layer3
    assert names[-1] == "dense1"


def test_plain34_differs_from_resnet34_by_one_line_besides_its_name():
    resnet = (SPECS / "resnet34.yaml").read_text().splitlines()
    plain = (SPECS / "plain34.yaml").read_text().splitlines()
    assert [line for line in plain if line not in resnet][2:] == [
        "        plain: true               # the one line that differs from resnet34.yaml"
    ]
    assert len(plain) == len(resnet) + 1


def test_vgg16_has_16_weight_layers_and_ends_in_7x7x512():
    rows = analyze(load_spec(SPECS / "vgg16.yaml")).rows
    assert sum(row.kind in ("conv", "dense") for row in rows) == 16
    assert [row.output for row in rows if row.kind == "flatten"] == [(25_088,)]  # 7·7·512


def test_yolov3_figures_are_the_published_ones_at_three_sizes():
    assert yolov3(416)[2:4] == (61_949_149, 32_932_037_632)
    assert yolov3(608)[3] == 70_345_950_208
    assert yolov3(320)[3] == 19_486_412_800
    for size in (608, 320):
        report = analyze(load_spec(SPECS / "yolov3.yaml"), (size, size, 3))
        assert (report.totals.params, report.totals.macs) == yolov3(size)[2:4]


def test_yolov3_reports_its_three_heads_and_a_formula_that_equals_the_figures():
    report = analyze(load_spec(SPECS / "yolov3.yaml"))
    assert report.outputs == (("head13", (13, 13, 255)), ("head26", (26, 26, 255)), ("head52", (52, 52, 255)))
    backbone = report.rows[: [row.name for row in report.rows].index("neck13")]
    assert sum(row.macs for row in backbone if not row.container) == 24_515_805_184
    formula = analyze(load_spec(SPECS / "yolov3.yaml"), ("H", "W", 3)).totals.macs
    assert [formula.value({"H": n, "W": n}) for n in (416, 608, 320)] == [
        yolov3(n)[3] for n in (416, 608, 320)
    ]


def test_the_cifar_resnets_depth_is_a_parameter_set_from_the_command_line():
    from typer.testing import CliRunner

    from archcalc.cli import app

    assert resnet_cifar(3)[2:4] == (269_722, 40_551_040)  # ResNet-20: the paper's 0.27M
    for n, depth in ((3, 20), (18, 110)):
        result = CliRunner().invoke(app, ["table", "resnet-cifar", "--set", f"n={n}", "-f", "json"])
        report = json.loads(result.stdout)
        assert (report["totals"]["params"], report["totals"]["macs"]) == resnet_cifar(n)[2:4]
        assert sum(row["kind"] in ("conv", "dense") for row in report["layers"]) == depth == 6 * n + 2


def test_every_command_that_reads_a_spec_takes_its_parameters_from_set(tmp_path):
    from typer.testing import CliRunner

    from archcalc.cli import app

    def run(*args: str):
        return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})

    swept = json.loads(run("sizes", "resnet-cifar", "-r", "32:32", "--sweep", "-f", "json",
                           "--set", "n=18").stdout)  # fmt: skip
    assert swept[0]["macs"] == resnet_cifar(18)[3]
    compared = json.loads(run("diff", "resnet-cifar", "resnet-cifar", "--set-b", "n=18", "-f", "json").stdout)
    assert compared["a"]["totals"]["params"] == resnet_cifar(3)[2]
    assert compared["b"]["totals"]["params"] == resnet_cifar(18)[2]
    budget = str(resnet_cifar(3)[2] + 1)
    assert run("lint", str(SPECS / "resnet-cifar.yaml"), "--max-params", budget).exit_code == 0
    over = run("lint", str(SPECS / "resnet-cifar.yaml"), "--max-params", budget, "--set", "n=4")
    assert over.exit_code == 1 and f"params {resnet_cifar(4)[2]:,} exceed" in over.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("lint", str(SPECS / "resnet-cifar.yaml"), "--set", "depth=20"),
        ("sizes", "resnet-cifar", "-r", "32:32", "--set", "H=32"),
        ("diff", "resnet-cifar", "lenet5", "--set-b", "n=3"),
        ("bench", "resnet-cifar", "--set", "m=3"),
    ],
)
def test_a_set_name_the_spec_does_not_declare_is_a_usage_error(args):
    from typer.testing import CliRunner

    from archcalc.cli import app

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 2, result.output
    assert "--set" in result.stderr
