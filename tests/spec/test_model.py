"""Parsing a spec: layer syntax, names, and schema errors that point into the file and suggest a fix."""

import pytest

from archcalc.errors import SpecError
from tests.conftest import messages, spec_from

HEADER = "name: t\ninput: [32, 32, 3]\nlayers:\n"


def errors_of(layers: str, header: str = HEADER) -> list[str]:
    with pytest.raises(SpecError) as error:
        spec_from(header + layers)
    return messages(error)


def test_three_ways_to_write_a_layer():
    spec = spec_from(HEADER + "  - conv: {filters: 8, kernel: 3}\n  - dropout: 0.2\n  - flatten\n")
    assert [layer.kind for layer in spec.layers] == ["conv", "dropout", "flatten"]
    assert spec.layers[1].p == 0.2


def test_unnamed_layers_are_named_by_kind_and_rank_around_given_names():
    spec = spec_from(
        HEADER + "  - conv: {filters: 8, kernel: 3, name: conv1}\n  - conv: {filters: 8, kernel: 3}\n"
        "  - pool: {kernel: 2}\n  - fc: 10\n"
    )
    assert [layer.name for layer in spec.layers] == ["conv1", "conv2", "pool1", "dense1"]


def test_names_must_be_unique():
    assert errors_of("  - identity: {name: a}\n  - identity: {name: a}\n") == [
        "test.yaml:5:5: layer name 'a' is already used by an earlier layer; names must be unique"
    ]


def test_unknown_setting_suggests_the_nearest_and_lists_the_valid_ones():
    (error,) = errors_of("  - dense: {units: 10, bais: false}\n")
    assert error.startswith("test.yaml:4:24: dense: unknown setting 'bais' — did you mean 'bias'? (valid: ")


def test_an_unknown_setting_of_a_fused_activation_is_checked_against_the_activation():
    assert errors_of("  - conv: {filters: 2, kernel: 3, act: {fn: leaky_relu, slop: 0.1}}\n") == [
        "test.yaml:4:57: conv: act: unknown setting 'slop' — did you mean 'slope'? (valid: fn, slope, name, trainable, from)"
    ]


def test_settings_must_be_a_mapping_or_the_kinds_shorthand():
    assert errors_of("  - flatten: 3\n  - conv: [3, 3]\n") == [
        "test.yaml:4:14: flatten: expected a mapping of settings, got 3",
        "test.yaml:5:11: conv: expected a mapping of settings, got [3, 3]",
    ]


def test_unknown_kind_suggests_the_nearest_and_lists_the_known_ones():
    (error,) = errors_of("  - maxpool: {kernel: 2}\n")
    assert error.startswith(
        "test.yaml:4:5: unknown layer kind 'maxpool' — did you mean 'pool'? (known kinds and blocks: act,"
    )


def test_every_bad_layer_is_reported_in_file_order():
    assert errors_of("  - conv: {kernel: 3}\n  - pool: {op: mean, kernel: 2}\n  - fc: 0\n") == [
        "test.yaml:4:11: conv: missing required setting 'filters'",
        "test.yaml:5:16: pool: op: 'mean' is not one of 'max' or 'avg'",
        "test.yaml:6:9: fc: units: input should be greater than 0, got 0",
    ]


def test_a_named_layer_is_named_in_its_errors():
    assert errors_of("  - conv: {name: stem, filters: 8, kernel: -3}\n") == [
        "test.yaml:4:44: conv 'stem': kernel: expected a whole number ≥ 1 or a [height, width] pair of them, got -3"
    ]


def test_misplaced_settings_and_malformed_items():
    assert errors_of("  - conv: {filters: 8, kernel: 3}\n    name: x\n  - {a: 1, b: 2}\n  - 7\n") == [
        "test.yaml:4:5: put name inside the conv settings: `- conv: {name: ...}`",
        "test.yaml:6:5: a layer is written `- kind: {settings}` with one kind; this one has keys a, b",
        "test.yaml:7:5: a layer is written `- kind: {settings}` or `- kind`; got 7",
    ]


def test_strings_are_not_numbers_and_booleans_are_not_numbers():
    assert errors_of("  - conv: {filters: '8', kernel: 3, bias: 1}\n") == [
        "test.yaml:4:21: conv: filters: expected a whole number, got '8'",
        "test.yaml:4:43: conv: bias: expected true or false, got 1",
    ]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            "- conv: {}\n",
            "test.yaml:1:1: a spec is a mapping with 'name', 'input' and 'layers'; found a list",
        ),
        (
            "name: t\ninput: [32, 32]\nlayers: [flatten]\n",
            "test.yaml:2:8: spec: input: expected [nH, nW, nC] or a vector [n], got 2 numbers",
        ),
        ("name: t\nlayers: [flatten]\n", "test.yaml:1:1: spec: missing required setting 'input'"),
        (
            "name: t\ninput: [3]\nlayers: []\n",
            "test.yaml:3:9: spec: layers: list should have at least 1 item after validation, not 0, got []",
        ),
        (
            "name: t\ninput: [3]\nlayers: [flatten]\nlayer: []\n",
            "test.yaml:4:1: spec: unknown setting 'layer' — did you mean 'layers'? (valid: name, description, input,"
            " layers, outputs, params, blocks, include, lint)",
        ),
    ],
)
def test_top_level_errors(document, expected):
    with pytest.raises(SpecError) as error:
        spec_from(document)
    assert messages(error) == [expected]
