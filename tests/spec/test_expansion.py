"""Blocks and `repeat:` expand within the layer limit, refused before the work when the count is known."""

import pytest

from archcalc.errors import SpecError
from archcalc.spec.expansion import minimum_layers
from archcalc.spec.model import parse_spec_text
from tests.conftest import messages, spec_from


def doubling(levels: int) -> str:
    """Blocks b1 … bN, each using the one before twice: bN stands for 2^N dense layers."""
    blocks = "".join(f"  b{k}:\n    - b{k - 1}\n    - b{k - 1}\n" for k in range(1, levels + 1))
    return f"name: d\ninput: [4]\nblocks:\n  b0:\n    - dense: 4\n{blocks}layers:\n  - b{levels}\n"


def test_the_minimum_is_counted_from_the_items_as_written():
    spec = doubling(3)
    from archcalc.spec.blocks import parse_blocks
    from archcalc.spec.source import load_text

    data, _ = load_text(spec)
    blocks, _ = parse_blocks(data["blocks"], set())
    # b3 = 2·b2 = 4·b1 = 8 dense layers; the sequences that group the copies are not counted (a lower bound)
    assert minimum_layers(data["layers"], blocks) == 8
    repeated = [{"b3": {"repeat": 5}}, {"residual": {"body": [{"dense": 4}, "b0"]}}]
    assert minimum_layers(repeated, blocks) == 5 * 8 + (1 + 2)


def test_blocks_that_double_forty_times_are_refused_before_parsing():
    with pytest.raises(SpecError) as error:
        spec_from(doubling(40))
    assert messages(error)[-1].endswith(
        "the spec expands to at least 1,099,511,627,776 layers once blocks and `repeat:` are expanded, "
        "more than the limit of 120,000; raise it with `archcalc --limit layers=N`"
    )


def test_a_repeat_given_by_an_argument_is_refused_when_its_count_is_known():
    text = "name: r\ninput: [4]\nblocks:\n  b:\n    - dense: 4\n  outer(n):\n    - b: {repeat: n}\nlayers:\n  - outer: {n: 1000000}\n"
    with pytest.raises(SpecError) as error:
        parse_spec_text(text, "r.yaml")
    assert messages(error) == [
        "r.yaml:7:19: the spec expands to more than 120,000 layers once blocks and `repeat:` are expanded; "
        "raise the limit with `archcalc --limit layers=N` (in block 'outer' used at 9:5)"
    ]


def test_the_layer_limit_admits_what_fits_and_can_be_raised(limited):
    text = "name: r\ninput: [4]\nblocks:\n  b:\n    - dense: 4\nlayers:\n  - b: {repeat: 50}\n"
    assert len(spec_from(text).layers[0].layers) == 50
    limited(layers=49)
    with pytest.raises(SpecError):
        spec_from(text)


def test_blocks_nested_deeper_than_the_limit_are_refused(limited):
    limited(nesting=5)
    with pytest.raises(SpecError) as error:
        spec_from(doubling(8))
    assert "layers nested more than 5 deep (blocks within blocks, composites within composites)" in str(
        error.value
    )
