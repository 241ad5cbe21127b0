"""branches: paths from one input, merged by concat (nC' = the sum) or add; sequential groups layers."""

import pytest

from archcalc.engine import analyze
from archcalc.errors import SpecError
from tests.conftest import messages, row_of, spec_from


def rows_of(item: str, input_shape: str):
    return analyze(spec_from(f"name: t\ninput: {input_shape}\nlayers:\n  - {item}\n")).rows


def test_concat_stacks_channels_and_each_path_has_a_row():
    rows = rows_of("branches: {paths: {a: [conv: {filters: 8, kernel: 1}], b: [conv: {filters: 4, kernel: 3, padding: 1}]}}",
                   "[6, 6, 2]")  # fmt: skip
    assert [(row.name, row.kind, row.output) for row in rows] == [
        ("branches1", "branches", (6, 6, 12)),
        ("branches1.a", "path", (6, 6, 8)),
        ("branches1.a.conv1", "conv", (6, 6, 8)),
        ("branches1.b", "path", (6, 6, 4)),
        ("branches1.b.conv1", "conv", (6, 6, 4)),
        ("branches1.concat", "concat", (6, 6, 12)),
    ]
    assert rows[0].params == (2 + 1) * 8 + (9 * 2 + 1) * 4


def test_an_empty_path_passes_the_input_on():
    row = row_of("branches: {paths: [[], [conv: {filters: 3, kernel: 1}]]}", (5, 5, 7))
    assert row.output == (5, 5, 10)


def test_concat_names_the_path_whose_size_differs():
    with pytest.raises(SpecError) as error:
        rows_of(
            "branches: {paths: [[conv: {filters: 8, kernel: 1}], [], [pool: {kernel: 2}]]}", "[14, 14, 8]"
        )
    assert messages(error) == [
        "test.yaml:4:5: branches 'branches1': concat needs equal nH×nW: branch 'branch3' gives 7×7×8 but 'branch1' gives 14×14×8"
    ]


def test_add_needs_equal_shapes():
    assert row_of(
        "branches: {merge: add, paths: [[], [conv: {filters: 4, kernel: 1}]]}", (3, 3, 4)
    ).output == (3, 3, 4)
    with pytest.raises(
        SpecError, match="add needs equal shapes: branch 'branch2' gives 3×3×8 but 'branch1' gives 3×3×4"
    ):
        row_of("branches: {merge: add, paths: [[], [conv: {filters: 8, kernel: 1}]]}", (3, 3, 4))


def test_sequential_groups_layers_under_one_name():
    rows = rows_of(
        "sequential: {name: features, layers: [conv: {filters: 4, kernel: 3}, pool: {kernel: 2}]}",
        "[8, 8, 1]",
    )
    assert [(row.name, row.depth, row.container) for row in rows] == [
        ("features", 0, True),
        ("features.conv1", 1, False),
        ("features.pool1", 1, False),
    ]


def test_a_frozen_composite_freezes_its_parts():
    row = row_of("sequential: {trainable: false, layers: [dense: 4]}", (3,))
    assert (row.params, row.trainable_params) == (16, 0)
