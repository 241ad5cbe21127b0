"""diff: stages paired by resolution; the differences derived by hand from the architectures."""

import json

from typer.testing import CliRunner

from archcalc.cli import app
from tests.paths import GOLDEN

runner = CliRunner()


def stages(*args: str) -> dict:
    return json.loads(runner.invoke(app, ["diff", *args, "-f", "json"]).stdout)


def test_resnet34_against_plain34_shows_exactly_the_three_projections():
    record = stages("resnet34", "plain34")
    deltas = [
        (s["a"]["params"] - s["b"]["params"], s["a"]["macs"] - s["b"]["macs"]) for s in record["stages"]
    ]
    projection = [64 * 128 + 256, 128 * 256 + 512, 256 * 512 + 1024]  # 1×1 conv + BN at 28, 14 and 7
    assert deltas == [(0, 0), (0, 0), (projection[0], 28 * 28 * 128 * 64), (projection[1], 14 * 14 * 256 * 128),
                      (projection[2], 7 * 7 * 512 * 256), (0, 0), (0, 0)]  # fmt: skip


def test_vgg19_adds_one_conv_to_each_of_the_last_three_stages():
    record = stages("vgg16", "vgg19")
    extra = [s["b"]["params"] - s["a"]["params"] for s in record["stages"]]
    assert extra == [0, 0, 9 * 256 * 256 + 256, 9 * 512 * 512 + 512, 9 * 512 * 512 + 512, 0, 0]
    assert record["b"]["totals"]["params"] - record["a"]["totals"]["params"] == 5_309_696


def test_one_spec_at_two_input_sizes():
    record = stages("alexnet", "alexnet", "--input-b", "224x224x3")
    assert [s["b"]["output"] for s in record["stages"]][:4] == [
        "54×54×96",
        "26×26×256",
        "12×12×256",
        "5×5×256",
    ]
    # the first fc sees 5·5·256 = 6,400 inputs instead of 9,216: (9,216 − 6,400)·4,096 fewer weights
    assert record["a"]["totals"]["params"] - record["b"]["totals"]["params"] == (9_216 - 6_400) * 4_096


def test_the_table_reads_a_to_b():
    result = runner.invoke(app, ["diff", "vgg16", "vgg19", "-f", "markdown"])
    assert "| 56×56 | 56×56×256 | 56×56×256 | 1,475,328 | 2,065,408 | +590,080 (+40.0%) |" in result.stdout
    assert runner.invoke(app, ["diff", "vgg16", "vgg19"], env={"COLUMNS": "160"}).exit_code == 0


def test_golden_diff():

    golden = GOLDEN / "vgg16-vgg19.diff.md"
    assert runner.invoke(app, ["diff", "vgg16", "vgg19", "-f", "markdown"]).stdout == golden.read_text()


def test_csv_has_exact_integers_per_stage_and_in_total_for_a_spreadsheet():
    import csv
    import io

    result = runner.invoke(app, ["diff", "resnet34", "plain34", "-f", "csv"])
    records = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(records[0]) == ["stage", "output_a", "output_b", "params_a", "params_b", "macs_a", "macs_b"]
    at_28 = next(record for record in records if record["stage"] == "28×28")
    assert int(at_28["params_a"]) - int(at_28["params_b"]) == 64 * 128 + 256  # the 1×1 projection and its BN
    total = records[-1]
    assert total["stage"] == "total" and (total["output_a"], total["output_b"]) == ("1000", "1000")
    projections = 64 * 128 + 256 + 128 * 256 + 512 + 256 * 512 + 1024
    assert int(total["params_a"]) - int(total["params_b"]) == projections == 173_824


def test_latex_is_a_booktabs_table_with_the_totals_under_a_rule():
    text = runner.invoke(app, ["diff", "resnet34", "plain34", "-f", "latex"]).stdout
    lines = text.splitlines()
    assert lines[:4] == [r"\begin{table}", r"\centering", lines[2], r"\begin{tabular}{lllrrrrrr}"]
    assert r"& $\Delta$ params &" in text and r"\usepackage" not in text
    body = lines[lines.index(r"\toprule") :]
    assert body[-4].startswith(r"total & 1000 & 1000 & 21,797,672 & 21,623,848 & -173,824")
    assert body[-5] == r"\midrule" and body[-3:] == [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
