"""`reconcile`: a quoted figure, matched to its precision against every way of counting at the usual inputs.

The ResNet-50 totals are REFERENCE.md's (torchvision, torchinfo, FlopCounterMode, fvcore); AlexNet's MACs
at 224 are worked by hand below."""

import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

import archcalc
from archcalc.analyses.presets import PRESETS, Counting
from archcalc.analyses.reconcile import RULES, FigureError, parse_figure
from archcalc.cli import app

RESNET50 = {
    "4,089,184,256": ["macs"],  # MACs
    "4,089,185,256": ["torchvision"],  # torchvision's GFLOPS, ptflops' aten backend
    "4,089,238,376": ["torchinfo"],  # torchinfo's Total mult-adds
    "8,178,368,512": ["flops", "torch"],  # FlopCounterMode
    "4,111,512,576": ["fvcore"],  # fvcore
}
# AlexNet as taught, at the paper's 224: conv1 54×54×96 (⌊(224 − 11)/4⌋ + 1), pools to 26, 12 and 5
ALEXNET_224_MACS = (
    54 * 54 * 96 * (11 * 11 * 3)
    + 26 * 26 * 256 * (5 * 5 * 96)
    + 12 * 12 * 384 * (3 * 3 * 256)
    + 12 * 12 * 384 * (3 * 3 * 384)
    + 12 * 12 * 256 * (3 * 3 * 384)
    + 5 * 5 * 256 * 4096
    + 4096 * 4096
    + 4096 * 1000
)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("4.12G", 4_115_000_000, 4_125_000_000),
        ("4.12 GFLOPs", 4_115_000_000, 4_125_000_000),
        ("4.09e9", 4_085_000_000, 4_095_000_000),
        ("25.6M", 25_550_000, 25_650_000),
        ("8,178,368,512", 8_178_368_512, 8_178_368_512),
        ("1.5 BFLOPs", 1_450_000_000, 1_550_000_000),
    ],
)
def test_a_figure_means_every_count_its_written_precision_allows(text, low, high):
    figure = parse_figure(text)
    assert (figure.low, figure.high) == (Decimal(low), Decimal(high))


@pytest.mark.parametrize("text", ["4.1x", "", "G", "4..1G", "12 apples"])
def test_what_is_not_a_figure_is_refused(text):
    with pytest.raises(FigureError, match=r"expected a figure like 4\.12G"):
        parse_figure(text)


def test_each_preset_is_one_of_the_rules_tried():
    assert all(preset.counting in RULES for preset in PRESETS.values())
    assert len(set(RULES)) == len(RULES) == 2 * 2 * 3 * 2 + 1
    assert Counting(mac_factor=2).presets == ["flops", "torch"]


@pytest.mark.parametrize(("figure", "tools"), RESNET50.items())
def test_each_reference_total_of_resnet50_is_explained_by_its_tool(figure, tools):
    result = archcalc.reconcile("resnet50", figure)
    best = result.matches[0]
    assert best.rule.presets == tools
    assert best.count == int(figure.replace(",", ""))
    assert best.input == (224, 224, 3) and best.own_input


def test_a_figure_to_three_digits_is_matched_by_the_simplest_rules_first():
    result = archcalc.reconcile("resnet50", "4.09G")
    assert [m.rule.presets for m in result.matches[:3]] == [["macs"], ["torchvision"], ["torchinfo"]]


def test_a_figure_no_rule_gives_shows_the_nearest_counts():
    result = archcalc.reconcile("resnet50", "4.12G")  # ptflops' pytorch backend also counts ReLU
    assert result.matches == []
    assert 4_111_512_576 in [m.count for m in result.nearest]


def test_alexnet_at_the_paper_224_is_told_apart_from_the_course_227():
    at_224 = archcalc.reconcile("alexnet", f"{ALEXNET_224_MACS:,}").matches[0]
    assert (at_224.input, at_224.rule.presets, at_224.own_input) == ((224, 224, 3), ["macs"], False)
    at_227 = archcalc.reconcile("alexnet", "1,135,256,096").matches[0]
    assert (at_227.input, at_227.own_input) == ((227, 227, 3), True)


def test_a_parameter_count_is_matched_once_whatever_the_input():
    result = archcalc.reconcile("resnet50", "25.6M")
    assert [(m.count, m.input) for m in result.matches] == [(25_557_032, (224, 224, 3))]


def test_the_command_exits_0_with_matches_1_without_2_for_a_bad_figure():
    runner = CliRunner()
    found = runner.invoke(app, ["reconcile", "resnet50", "4,089,185,256"])
    assert found.exit_code == 0 and "as --count torchvision" in found.stdout
    missing = runner.invoke(app, ["reconcile", "resnet50", "4.12G"])
    assert missing.exit_code == 1 and "no way of counting tried gives 4.12G" in missing.stdout
    assert runner.invoke(app, ["reconcile", "resnet50", "4.1x"]).exit_code == 2
    record = json.loads(runner.invoke(app, ["reconcile", "resnet50", "4.09G", "-f", "json"]).stdout)
    assert record["figure"] == {"text": "4.09G", "low": 4_085_000_000, "high": 4_095_000_000}
    assert record["matches"][0]["presets"] == ["macs"]
