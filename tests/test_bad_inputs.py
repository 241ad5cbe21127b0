"""Inputs that once broke archcalc (copied from ../shared/bad-inputs): each gets a clean answer.

A file that must fail gets its exact `file:line:col` message (`NAME.expected`) and exit 1, in process, with no
traceback; the ones that are fine now are checked for what they compute, worked out by hand below. How fast
and how small each refusal is, is measured by `benchmarks/bad_inputs.py` (never by a timed test).
"""

import json

import pytest
from typer.testing import CliRunner

from archcalc.cli import app
from tests.paths import DATA

BAD = DATA / "bad-inputs"
runner = CliRunner()
REFUSED = sorted(path.with_suffix(".yaml").name for path in BAD.glob("*.expected"))


@pytest.mark.parametrize("name", REFUSED)
def test_each_bad_input_is_refused_with_its_exact_message(name, monkeypatch):
    monkeypatch.chdir(BAD)
    result = runner.invoke(app, ["table", name, "--format", "json"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (BAD / name).with_suffix(".expected").read_text(encoding="utf-8")


def test_every_bad_input_is_covered():
    computed = {
        "03-residual-huge-input-hang.yaml",
        "12-merge-key-override-rejected.yaml",
        "12-merge-key-without-override-ok.yaml",
        "15-lint-budget-overflow.yaml",
        "15-lint-ignore-int.yaml",
        "18-ansi-escape-in-output.yaml",
    }
    assert {path.name for path in BAD.glob("*.yaml")} == set(REFUSED) | computed


def table_json(name: str, *options: str) -> dict:
    result = runner.invoke(app, ["table", str(BAD / name), "--format", "json", *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_residual_block_on_a_billion_pixels_finds_its_shortcut_stride_in_closed_form():
    report = table_json("03-residual-huge-input-hang.yaml")
    # ⌊(10⁹ − 1)/2⌋ + 1 = 5·10⁸; the body's conv (1·1·3 + 1)·8 = 32 params, the projection 1·1·3·8 = 24
    assert report["output"] == [500_000_000, 500_000_000, 8]
    assert report["totals"]["params"] == 32 + 24
    assert report["totals"]["macs"] == 2 * (500_000_000**2 * 8 * 3)
    shortcut = next(row for row in report["layers"] if row["name"] == "residual1.shortcut")
    assert shortcut["summary"].startswith("1×1 s2")


@pytest.mark.parametrize(
    ("name", "second_conv_params"),
    [
        ("12-merge-key-override-rejected.yaml", (1 * 1 * 4 + 1) * 4),  # kernel: 1 overrides the merged 3
        ("12-merge-key-without-override-ok.yaml", (3 * 3 * 4 + 1) * 4),
    ],
)
def test_yaml_merge_keys_let_an_explicit_key_override_a_merged_one(name, second_conv_params):
    first, second, *rest = table_json(name)["layers"]
    assert first["params"] == (3 * 3 * 3 + 1) * 4
    assert second["params"] == second_conv_params
    assert [row["params"] for row in rest] == [(3 * 3 * 4 + 1) * 4] * len(rest)  # `{<<: *c}` merges all of c


def test_lint_settings_of_the_wrong_type_are_findings_not_tracebacks():
    result = runner.invoke(
        app, ["lint", str(BAD / "15-lint-budget-overflow.yaml"), str(BAD / "15-lint-ignore-int.yaml")]
    )
    assert result.exit_code == 1
    assert "AC012 lint: max_params: '99999999999999999999999999999999999" in result.stdout
    assert "is larger than any budget needs (at most 1,000,000,000,000,000,000)" in result.stdout
    assert "AC012 lint: ignore: expected rule codes like AC2 or AC301 (text), got 5" in result.stdout


def test_terminal_escapes_in_names_are_printed_escaped_and_json_keeps_them_exact():
    for output_format in ("table", "csv", "markdown", "json"):
        result = runner.invoke(
            app, ["table", str(BAD / "18-ansi-escape-in-output.yaml"), "-f", output_format]
        )
        assert result.exit_code == 0
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert "\\u001b[2J\\u001b[Hcleared" in result.stdout
    report = table_json("18-ansi-escape-in-output.yaml")
    assert report["name"] == "\x1b[31mRED\x1b[0m \x1b]0;pwned-title\x07"


def test_one_broken_file_never_hides_the_others_findings(monkeypatch):
    monkeypatch.chdir(BAD)
    result = runner.invoke(app, ["lint", "06-lint-folder-one-bad"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "06-lint-folder-one-bad/unknown-kind.yaml:5:5: AC010 unknown layer kind 'maxpool' — did you mean 'pool'? "
        "(known kinds and blocks: act, activation, adaptive_pool, add, attention, batchnorm, bn, branches, "
        "channel_shuffle, class_token, concat, conv, conv2d, conv_transpose, conv_transpose2d, crop, deconv, dense, "
        "drop_path, dropout, fc, flatten, global_pool, group_norm, groupnorm, identity, layer_norm, layer_scale, "
        "layernorm, linear, lrn, mul, pad, patch_embed, pool, pos_embed, residual, self_attention, seq, sequential, "
        "stochastic_depth, token_pool, upsample, zero_pad)",
        "06-lint-folder-one-bad/zz-control-char.yaml:1:12: AC002 the control character U+0007 is not allowed in "
        'YAML; delete it, or write it as "\\x07" inside a double-quoted string',
        "4 files checked: 2 errors",
    ]
