"""The engine: a loop that carries the shape through the layers and adds up their costs."""

import pytest

from archcalc.engine import analyze
from archcalc.errors import SpecError
from archcalc.report import Costs
from archcalc.spec.model import load_spec
from tests.conftest import messages, spec_from
from tests.paths import SPECS

TINY = """\
name: tiny
input: [8, 8, 3]
layers:
  - conv: {filters: 4, kernel: 3, bn: true, act: relu}
  - pool: {kernel: 2}
  - flatten
  - dense: {units: 2, trainable: false}
"""


def test_totals_add_up_the_rows_and_flops_are_twice_the_macs():
    totals = analyze(spec_from(TINY)).totals
    # conv: 6×6×4, params 3·3·3·4 + 2·4 = 116, MACs 6·6·4·27 = 3,888; pool 3×3×4; dense 36 → 2: 74 params
    assert totals.params == 116 + 74
    assert totals.trainable_params == 116
    assert totals.non_trainable_params == 74
    assert totals.buffers == 8
    assert totals.macs == 3_888 + 72
    assert totals.flops == 2 * totals.macs
    assert totals.bias_adds == 2
    assert totals.activations == 144 + 36 + 36 + 2
    assert totals.param_bytes_fp32 == 4 * totals.params


@pytest.mark.parametrize("path", sorted(SPECS.glob("*.yaml")), ids=lambda path: path.stem)
def test_the_totals_are_the_sums_of_every_row_that_is_not_a_container(path):
    report = analyze(load_spec(path))
    assert report.totals.counts() == Costs.total(row for row in report.rows if not row.container).counts()


def test_symbolic_totals_are_the_sums_of_every_row_that_is_not_a_container():
    report = analyze(load_spec(SPECS / "resnet50.yaml"), ("H", "W", 3))
    assert report.totals.counts() == Costs.total(row for row in report.rows if not row.container).counts()


def test_input_override_flows_through_every_layer():
    report = analyze(spec_from(TINY), (10, 10, 3))
    assert report.input == (10, 10, 3)
    assert [row.output for row in report.rows] == [(8, 8, 4), (4, 4, 4), (64,), (2,)]


def test_a_shape_error_points_at_the_layer_that_caused_it():
    spec = spec_from(
        "name: t\ninput: [5, 5, 3]\nlayers:\n  - conv: {filters: 4, kernel: 3}\n"
        "  - conv: {filters: 8, kernel: 7, name: c3}\n"
    )
    with pytest.raises(SpecError) as error:
        analyze(spec)
    assert messages(error) == ["test.yaml:5:5: conv 'c3': kernel 7×7 is larger than its 3×3 input"]


def test_an_override_that_breaks_a_layer_says_so():
    with pytest.raises(SpecError) as error:
        analyze(spec_from(TINY), (2, 2, 3))
    assert messages(error) == [
        "test.yaml:4:5: conv 'conv1': kernel 3×3 is larger than its 2×2 input (input 2×2×3)"
    ]


def test_an_empty_output_is_refused():
    spec = spec_from(
        "name: t\ninput: [4, 4, 1]\nlayers:\n  - adaptive_pool: {output: 2}\n  - pool: {kernel: 3}\n"
    )
    with pytest.raises(SpecError, match="kernel 3×3 is larger than its 2×2 input"):
        analyze(spec)
