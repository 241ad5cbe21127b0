"""residual: a[l+2] = g(z[l+2] + Ws·a[l]); the shortcut options and what each costs."""

import pytest

from archcalc.engine import analyze
from archcalc.errors import SpecError
from tests.conftest import messages, spec_from


def rows_of(residual: str, input_shape: str):
    spec = spec_from(f"name: t\ninput: {input_shape}\nlayers:\n  - residual:\n{residual}")
    return {row.name.removeprefix("residual1."): row for row in analyze(spec).rows}


BODY_56_TO_28 = """\
      body:
        - conv: {filters: 128, kernel: 3, stride: 2, padding: 1, bias: false}
        - conv: {filters: 128, kernel: 3, padding: 1, bias: false}
"""


def test_identity_shortcut_adds_nothing_but_an_add_row():
    rows = rows_of(
        "      body: [conv: {filters: 64, kernel: 3, padding: 1}]\n      act: relu\n", "[56, 56, 64]"
    )
    assert list(rows) == ["residual1", "conv1", "add"]
    assert rows["add"].summary == "identity, relu"
    assert rows["residual1"].params == (9 * 64 + 1) * 64


def test_identity_on_mismatched_shapes_offers_both_fixes_with_their_cost():
    with pytest.raises(SpecError) as error:
        rows_of(BODY_56_TO_28, "[56, 56, 64]")
    assert messages(error) == [
        "test.yaml:4:5: residual 'residual1': shortcut 56×56×64 vs body 28×28×128: use 'projection' "
        "(1×1 conv stride 2, 8,192 params) or 'zero_pad' (0 params)"
    ]


def test_the_fix_costs_include_batch_norm_and_vectors_get_a_matrix():
    with pytest.raises(SpecError, match=r"'projection' \(1×1 conv stride 2 \+ batch norm, 8,448 params\)"):
        rows_of(BODY_56_TO_28 + "      projection_bn: true\n", "[56, 56, 64]")
    with pytest.raises(
        SpecError, match=r"shortcut 128 vs body 256: use 'projection' \(256×128 matrix, 32,768 params\)"
    ):
        rows_of("      body: [dense: 256]\n", "[128]")


def test_zero_pad_is_not_offered_when_channels_shrink():
    with pytest.raises(SpecError) as error:
        rows_of("      body: [conv: {filters: 32, kernel: 1}]\n", "[8, 8, 64]")
    assert messages(error)[0].endswith(
        "shortcut 8×8×64 vs body 8×8×32: use 'projection' (1×1 conv stride 1, 2,048 params)"
    )


def test_projection_is_a_1x1_conv_with_the_bodys_stride_and_no_bias():
    rows = rows_of(BODY_56_TO_28 + "      shortcut: projection\n      projection_bn: true\n", "[56, 56, 64]")
    shortcut = rows["shortcut"]
    assert (shortcut.kind, shortcut.summary, shortcut.output) == ("conv", "1×1 s2 valid, bn", (28, 28, 128))
    assert shortcut.params == 64 * 128 + 2 * 128
    assert shortcut.macs == 28 * 28 * 128 * 64


def test_zero_pad_subsamples_and_pads_for_free():
    rows = rows_of(BODY_56_TO_28 + "      shortcut: zero_pad\n", "[56, 56, 64]")
    assert (rows["shortcut"].kind, rows["shortcut"].output, rows["shortcut"].params) == (
        "zero_pad",
        (28, 28, 128),
        0,
    )


def test_auto_is_identity_when_shapes_match_else_projection():
    assert "shortcut" not in rows_of(
        "      body: [conv: {filters: 8, kernel: 1}]\n      shortcut: auto\n", "[4, 4, 8]"
    )
    assert (
        rows_of("      body: [conv: {filters: 16, kernel: 1}]\n      shortcut: auto\n", "[4, 4, 8]")[
            "shortcut"
        ].params
        == 128
    )


def test_the_lectures_fully_connected_block():
    rows = rows_of(
        "      body: [dense: {units: 256, act: relu}, dense: 256]\n      shortcut: projection\n", "[128]"
    )
    assert rows["shortcut"].params == 256 * 128 == 32_768
    assert rows["residual1"].params == 131_584
    zero = rows_of(
        "      body: [dense: {units: 256, act: relu}, dense: 256]\n      shortcut: zero_pad\n", "[128]"
    )
    assert zero["residual1"].params == 131_584 - 32_768


def test_a_custom_shortcut_is_a_named_path():
    shortcut = (
        "      shortcut:\n        - pool: {op: avg, kernel: 2}\n        - conv: {filters: 128, kernel: 1}\n"
    )
    rows = rows_of(BODY_56_TO_28 + shortcut, "[56, 56, 64]")
    assert [name for name in rows if name.startswith("shortcut")] == [
        "shortcut",
        "shortcut.pool1",
        "shortcut.conv1",
    ]
    assert rows["shortcut"].params == 64 * 128 + 128


def test_a_custom_shortcut_must_reach_the_bodys_shape():
    with pytest.raises(SpecError, match="the shortcut gives 56×56×128 but the body gives 28×28×128"):
        rows_of(BODY_56_TO_28 + "      shortcut: [conv: {filters: 128, kernel: 1}]\n", "[56, 56, 64]")


def test_plain_drops_the_shortcut_and_keeps_the_activation():
    rows = rows_of(
        BODY_56_TO_28 + "      shortcut: auto\n      act: relu\n      plain: true\n", "[56, 56, 64]"
    )
    assert list(rows) == ["residual1", "conv1", "conv2", "act"]
    assert rows["residual1"].params == 9 * 64 * 128 + 9 * 128 * 128
