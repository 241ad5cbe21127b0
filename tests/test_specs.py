"""The verified zoo: every spec in specs/ reproduces its published figures exactly.

The figures come from ../shared/REFERENCE.md (course notes and torchvision), never from archcalc's output.
A spec without an entry here, or an entry without a spec, fails.
"""

from pathlib import Path

import pytest

from archcalc.engine import analyze
from archcalc.spec import load_spec

SPECS = Path(__file__).parent.parent / "specs"

# stem: (input, output, params, MACs, bias adds)
REFERENCE = {
    "lenet5": ((32, 32, 1), (10,), 61_706, 416_520, 6_518),
    "alexnet": ((227, 227, 3), (1000,), 62_378_344, 1_135_256_096, 659_272),
    "alexnet-torchvision": ((224, 224, 3), (1000,), 61_100_840, 714_188_480, 494_184),
    "vgg16": ((224, 224, 3), (1000,), 138_357_544, 15_470_264_320, 13_556_712),
    "vgg19": ((224, 224, 3), (1000,), 143_667_240, 19_632_062_464, 14_861_288),
}


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


def test_vgg16_has_16_weight_layers_and_ends_in_7x7x512():
    rows = analyze(load_spec(SPECS / "vgg16.yaml")).rows
    assert sum(row.kind in ("conv", "dense") for row in rows) == 16
    assert [row.output for row in rows if row.kind == "flatten"] == [(25_088,)]  # 7·7·512
