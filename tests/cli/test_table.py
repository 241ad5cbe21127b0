"""The command line: exit codes, formats, built-in names, and bad specs reported as file:line:col."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from archcalc import __version__
from archcalc.cli import app
from tests.paths import DATA, SPECS

BAD = DATA / "bad"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_table_by_path_and_by_builtin_name_agree():
    by_name = run("table", "lenet5", "--format", "json")
    by_path = run("table", str(SPECS / "lenet5.yaml"), "--format", "json")
    assert by_name.exit_code == by_path.exit_code == 0
    assert json.loads(by_name.stdout)["totals"] == json.loads(by_path.stdout)["totals"]


def test_rich_table_shows_rows_totals_and_the_convention():
    result = run("table", "lenet5")
    assert result.exit_code == 0
    for text in ("conv1", "28×28×6", "61,706", "416,520", "FLOPs", "833,040", "MACs = multiply-accumulates"):
        assert text in result.stdout


def test_input_override_shows_what_changed():
    result = run("table", "alexnet", "--input", "224x224x3", "--format", "markdown")
    assert result.exit_code == 0
    # ⌊(224 − 11)/4⌋ + 1 = 54 instead of 55; the first fc then sees 5·5·256 = 6,400 inputs
    assert "54×54×96 (was 55×55×96)" in result.stdout
    assert "6400 (was 9216)" in result.stdout
    assert "- input: 224×224×3 (was 227×227×3)" in result.stdout


@pytest.mark.parametrize("text", ["224x224", "3x3xa", "0x1x1", "224x224x3x1", "H-1x3x3"])
def test_a_malformed_input_size_is_a_usage_error(text):
    result = run("table", "alexnet", "--input", text)
    assert result.exit_code == 2


def test_csv_has_a_row_per_layer_and_a_total():
    lines = run("table", "lenet5", "--format", "csv").stdout.splitlines()
    assert lines[0].startswith("name,kind,summary,input,output,params,trainable_params,buffers,macs")
    assert lines[1].startswith("conv1,conv,")
    assert lines[1].endswith(",0,false")  # depth 0, not a container
    assert lines[-1] == "total,,,32×32×1,10,61706,61706,0,416520,0,6518,8494,0,0,0,,"  # no attention: 0


def test_output_file_is_written_whole(tmp_path):
    target = tmp_path / "vgg16.json"
    assert run("table", "vgg16", "-f", "json", "-o", str(target)).exit_code == 0
    assert json.loads(target.read_text())["totals"]["params"] == 138_357_544
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_a_failing_spec_writes_no_output_file(tmp_path):
    target = tmp_path / "out.json"
    assert run("table", str(BAD / "groups.yaml"), "-f", "json", "-o", str(target)).exit_code == 1
    assert not target.exists()


def test_list_shows_every_builtin_spec():
    records = json.loads(run("list", "--format", "json").stdout)
    assert {r["spec"]: r["params"] for r in records}["vgg19"] == 143_667_240
    table = run("list").stdout
    assert "alexnet-torchvision" in table and "15,470,264,320" in table


def test_unknown_builtin_name_suggests_the_nearest():
    result = run("table", "vgg-16")
    assert result.exit_code == 1
    assert result.stderr.startswith("vgg-16: no such file or built-in spec — did you mean 'vgg16'?")


def test_version_from_python_dash_m():
    result = subprocess.run([sys.executable, "-m", "archcalc", "--version"], capture_output=True, text=True)
    assert result.stdout == f"archcalc {__version__}\n"


@pytest.mark.parametrize("spec", sorted(path.name for path in BAD.glob("*.yaml")))
def test_bad_spec_gets_its_exact_message_and_exit_code_1(spec, monkeypatch):
    monkeypatch.chdir(BAD)
    result = run("table", spec)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (BAD / spec).with_suffix(".expected").read_text(encoding="utf-8")
    assert "Traceback" not in result.output


def test_an_80_column_terminal_shows_every_figure_whole():
    result = runner.invoke(app, ["table", "vgg19", "--input", "112x112x3"], env={"COLUMNS": "80"})
    # conv1_1 at 112×112: 112·112·64 · 3·3·3 = 21,676,032 MACs; 19,632,062,464 at the spec's own 224
    assert "21,676,032" in result.stdout
    assert "(was 19,632,062,464)" in result.stdout
    assert "…" not in result.stdout
    listing = runner.invoke(app, ["list"], env={"COLUMNS": "80"}).stdout
    assert "19,632,062,464" in listing and "…" not in listing


def test_depth_collapses_the_hierarchy_but_not_the_totals():
    lines = run("table", "resnet50", "--depth", "1", "-f", "csv").stdout.splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [
        "conv1",
        "pool1",
        "layer1",
        "layer2",
        "layer3",
        "layer4",
        "global_pool1",
        "flatten1",
        "dense1",
        "total",
    ]
    assert lines[-1].split(",")[5] == "25557032"
    deeper = run("table", "resnet50", "--depth", "2", "-f", "csv").stdout
    assert "layer3.5," in deeper and "layer3.5.conv1," not in deeper


def test_the_rich_table_shows_the_hierarchy_as_a_tree():
    result = runner.invoke(app, ["table", "resnet18", "--depth", "3"], env={"COLUMNS": "100"})
    lines = result.stdout.splitlines()
    assert any(line.startswith("│ layer2 ") for line in lines)
    assert any(line.startswith("│   0 ") for line in lines)
    assert any(line.startswith("│     shortcut ") for line in lines)
