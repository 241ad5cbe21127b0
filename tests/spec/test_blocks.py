"""Reusable blocks: defined once with arguments, used by name, repeated; errors at the use and definition."""

import pytest

from archcalc.engine import analyze
from archcalc.errors import SpecError
from tests.conftest import messages, spec_from

DEFINITIONS = """\
name: t
input: [8, 8, 16]
blocks:
  unit(width, stride=1):
    - conv: {filters: width, kernel: 3, stride: stride, padding: 1}
  pair(width):
    - conv: {filters: width, kernel: 1}
    - conv: {filters: width * 2, kernel: 1}
layers:
"""


def report(uses: str):
    return analyze(spec_from(DEFINITIONS + uses))


def errors(uses: str, definitions: str = DEFINITIONS) -> list[str]:
    with pytest.raises(SpecError) as error:
        analyze(spec_from(definitions + uses))
    return messages(error)


def test_a_single_layer_block_is_that_layer_under_the_uses_name():
    (row,) = report("  - unit: {width: 32}\n").rows
    assert (row.name, row.kind, row.output, row.params) == ("unit1", "conv", (8, 8, 32), 9 * 16 * 32 + 32)


def test_a_default_can_be_overridden():
    (row,) = report("  - unit: {width: 32, stride: 2}\n").rows
    assert row.output == (4, 4, 32)


def test_a_multi_layer_block_is_a_sequence_of_its_layers():
    rows = report("  - pair: {width: 8, name: p}\n").rows
    assert [(row.name, row.kind, row.output) for row in rows] == [
        ("p", "sequential", (8, 8, 16)),
        ("p.conv1", "conv", (8, 8, 8)),
        ("p.conv2", "conv", (8, 8, 16)),
    ]
    assert rows[0].summary == "pair(width=8)"
    assert rows[0].params == (16 + 1) * 8 + (8 + 1) * 16


def test_repeat_names_the_copies_0_to_n_minus_1_and_offers_their_index():
    rows = report("  - unit: {name: stage, width: 16, stride: 2 if i == 0 else 1, repeat: 3}\n").rows
    assert [(row.name, row.output) for row in rows] == [
        ("stage", (4, 4, 16)),
        ("stage.0", (4, 4, 16)),
        ("stage.1", (4, 4, 16)),
        ("stage.2", (4, 4, 16)),
    ]
    assert rows[0].summary == "unit ×3"
    assert rows[1].summary == "3×3 s2 p1"
    assert rows[0].container and not rows[1].container


def test_blocks_can_use_blocks_with_arguments_computed_from_their_own():
    definitions = DEFINITIONS.replace("layers:\n", "  twice(width):\n    - pair: {width: width // 2}\n"
                                                   "    - unit: {width: width}\nlayers:\n")  # fmt: skip
    rows = analyze(spec_from(definitions + "  - twice: {width: 32}\n")).rows
    assert [row.name for row in rows] == ["twice1", "twice1.pair1", "twice1.pair1.conv1", "twice1.pair1.conv2",
                                          "twice1.unit1"]  # fmt: skip
    assert rows[-1].output == (8, 8, 32)


def test_missing_and_unknown_arguments():
    assert errors("  - unit: {widht: 8}\n  - unit\n") == [
        "test.yaml:10:11: block 'unit' needs 'width'",
        "test.yaml:10:12: block 'unit' has no argument 'widht' — did you mean 'width'? (arguments: width, stride)",
        "test.yaml:11:5: block 'unit' needs 'width'",
    ]


def test_an_unknown_name_in_an_argument_expression():
    assert errors("  - unit: {width: wdth * 2}\n") == [
        "test.yaml:10:11: block 'unit': 'wdth * 2': unknown name 'wdth' (known: none)"
    ]


def test_a_misspelt_argument_in_a_definition_is_pointed_out():
    definitions = DEFINITIONS.replace(
        "layers:\n", "  typo(width):\n    - conv: {filters: widht, kernel: 1}\nlayers:\n"
    )
    assert errors("  - typo: {width: 8}\n", definitions) == [
        "test.yaml:10:23: conv: filters: expected a whole number, got 'widht' — did you mean the argument 'width'?"
        " (in block 'typo' used at 12:5)"
    ]


def test_a_bad_repeat_count():
    assert errors("  - unit: {width: 8, repeat: 0}\n") == [
        "test.yaml:10:30: repeat: expected a whole number ≥ 1, got 0"
    ]


def test_an_error_inside_a_block_points_at_the_definition_and_the_use():
    assert errors("  - unit: {width: 8}\n  - unit: {width: 0}\n") == [
        "test.yaml:5:23: conv: filters: input should be greater than 0, got 0 (in block 'unit' used at 11:5)"
    ]


def test_a_shape_error_inside_a_block_names_the_layer_path_and_the_uses():
    spec = DEFINITIONS.replace("input: [8, 8, 16]", "input: [2, 2, 16]")
    assert errors("  - pair: {width: 4}\n  - unit: {width: 8, stride: 9, name: u}\n  - pool: {kernel: 3}\n",
                  spec) == [
        "test.yaml:12:5: pool 'pool1': kernel 3×3 is larger than its 1×1 input"
    ]  # fmt: skip
    nested = spec.replace("layers:\n", "  outer:\n    - unit: {width: 4}\n    - pool: {kernel: 5}\nlayers:\n")
    assert errors("  - outer: {name: o}\n", nested) == [
        "test.yaml:11:7: pool 'o.pool1': kernel 5×5 is larger than its 2×2 input (in block 'outer' used at 13:5)"
    ]


def test_recursion_is_refused():
    definitions = DEFINITIONS.replace("layers:\n", "  a:\n    - b\n  b:\n    - a\nlayers:\n")
    assert errors("  - a\n", definitions) == [
        "test.yaml:12:7: block 'a' uses itself (a → b → a) (in block 'b' used at 10:7; in block 'a' used at 14:5)"
    ]


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        (
            "  conv(width):\n    - identity\n",
            "test.yaml:4:3: block name 'conv' is a layer kind; choose another name",
        ),
        ("  x(repeat):\n    - identity\n", "test.yaml:4:3: block 'x': argument 'repeat' is reserved"),
        ("  x(a, a):\n    - identity\n", "test.yaml:4:3: block 'x': argument 'a' is repeated"),
        (
            "  x(a=):\n    - identity\n",
            "test.yaml:4:3: block 'x': argument 'a=' is not `name` or `name=default`",
        ),
        (
            "  x y:\n    - identity\n",
            "test.yaml:4:3: block 'x y': write a block as `name` or `name(arg, arg=default)`",
        ),
        ("  x: {conv: {}}\n", "test.yaml:4:6: block 'x': expected a list of layers"),
    ],
)
def test_malformed_definitions(definition, expected):
    document = f"name: t\ninput: [4]\nblocks:\n{definition}layers: [identity]\n"
    with pytest.raises(SpecError) as error:
        spec_from(document)
    assert messages(error) == [expected]


def test_a_use_names_its_instance_after_the_block():
    rows = report("  - unit: {width: 8}\n  - unit: {width: 8}\n  - conv: {filters: 8, kernel: 1}\n").rows
    assert [row.name for row in rows] == ["unit1", "unit2", "conv1"]


def test_trainable_false_on_a_use_freezes_every_layer_it_makes():
    rows = {row.name: row for row in report("  - unit: {width: 32, trainable: false}\n"
                                             "  - pair: {name: p, width: 4, repeat: 2, trainable: false}\n").rows}  # fmt: skip
    assert rows["unit1"].params == 9 * 16 * 32 + 32 and rows["unit1"].trainable_params == 0
    # copy 0 reads unit1's 32 channels: 1×1 convs 32 → 4 → 8; copy 1 reads 8: 8 → 4 → 8
    assert rows["p"].params == (32 * 4 + 4) + (4 * 8 + 8) + (8 * 4 + 4) + (4 * 8 + 8)
    assert rows["p"].trainable_params == 0 and rows["p.1.conv2"].trainable_params == 0
    assert errors("  - unit: {width: 32, trainable: maybe}\n") == [
        "test.yaml:10:34: trainable: expected true or false, got 'maybe'"
    ]
