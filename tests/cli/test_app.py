"""What every command shares: a bug is one line and exit 3, limits can be raised, options are checked,
each --format lists exactly what its command prints, and a command that needs numbers says so."""

import json

import pytest
from typer.testing import CliRunner

from archcalc.cli import app
from archcalc.cli.app import INTERNAL_ERROR

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_a_bug_is_reported_in_one_line_with_exit_3_never_a_traceback(monkeypatch):
    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("archcalc.api.walk", broken)
    result = run("table", "lenet5")
    assert result.exit_code == INTERNAL_ERROR == 3
    assert result.stderr == (
        "internal error in table on lenet5: ZeroDivisionError: division by zero — please report it\n"
    )
    assert "Traceback" not in result.output


def test_limits_can_be_raised_for_one_run_and_unknown_ones_are_refused():
    assert run("--limit", "layers=20", "table", "resnet18").exit_code == 1
    assert run("--limit", "layers=500000", "table", "resnet18", "-f", "json").exit_code == 0
    refused = run("--limit", "layer=5", "table", "lenet5")
    assert refused.exit_code == 2 and "unknown limit 'layer'" in refused.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["table", "lenet5", "--input", "9" * 5000 + "x1x1"], "expected sizes like 224x224x3"),
        (
            ["table", "lenet5", "--set", "H=224"],
            "'H' is not a parameter or a size of this spec (it has no parameters and no symbolic size",
        ),
        (["table", "lenet5", "--input", "HxWx1", "--set", "X=5"], "no parameters and symbolic sizes H, W"),
        (["table", "lenet5", "--set", "H=" + "9" * 5000], "NAME=VALUE with a positive whole VALUE"),
        (["memory", "lenet5", "--batch", "0"], "positive whole numbers like 1,8,32"),
        (["sizes", "alexnet", "--range", "1:1000000000"], "1,000,000,000 sizes is more than the 100,000"),
        (["diff", "lenet5", "lenet5", "--format", "sarif"], "'sarif' is not one of"),
        (["explain", "lenet5", "--format", "csv"], "'csv' is not one of"),
        (["sizes", "lenet5", "--range", "8:9", "--format", "markdown"], "'markdown' is not one of"),
        (["verify", "lenet5", "--format", "csv"], "'csv' is not one of"),
        (["rules", "--format", "yaml"], "'yaml' is not one of"),
    ],
)
def test_bad_options_are_usage_errors_never_silently_ignored(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.replace("│", " ").split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["memory", "lenet5", "--input", "HxWx1"],
            "memory needs numbers for the input sizes, but H and W have no values; give the input with --input, e.g. --input 224x224x1",
        ),
        (
            ["diff", "lenet5", "lenet5", "--input-b", "Hx32x1"],
            "diff needs numbers for the input sizes, but H has no value; give the input with --input-b",
        ),
        (
            ["export", "lenet5", "x.onnx", "--input", "HxWx1"],
            "export --to onnx needs numbers for the input sizes",
        ),
    ],
)
def test_commands_that_need_numbers_say_which_option_gives_them(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.replace("│", " ").split())


def test_extra_columns_reach_json_and_csv():
    report = json.loads(run("table", "vgg16", "--columns", "rf,stride", "-f", "json").stdout)
    last_pool = [row for row in report["layers"] if row["kind"] == "pool"][-1]
    assert (last_pool["rf"], last_pool["stride"]) == ("212", "32")  # VGG-16: 212 pixels seen, 32 apart
    csv = run("table", "lenet5", "--columns", "rf", "-f", "csv").stdout.splitlines()
    assert csv[0].endswith(",container,rf") and csv[1].endswith(",false,5")  # conv1 5×5 sees 5 pixels


def test_explain_writes_symbolic_factors_in_parentheses():
    result = run("explain", "alexnet", "conv1", "--input", "HxWx3")
    assert "MACs = (⌊(H − 11)/4⌋ + 1)·(⌊(W − 11)/4⌋ + 1)·96 · 11·11·3" in result.stdout


def test_a_run_builds_only_the_command_it_names_and_every_command_can_be_named():
    from archcalc.cli.startup import _name_of, narrowed

    names = [_name_of(command) for command in app.registered_commands]
    for name in names:
        only = narrowed(app, [name, "--help"])
        assert [_name_of(command) for command in only.registered_commands] == [name]
    assert [_name_of(c) for c in narrowed(app, ["--limit", "layers=9", "lint"]).registered_commands] == [
        "lint"
    ]
    assert [_name_of(c) for c in narrowed(app, ["--limit=layers=9", "table"]).registered_commands] == [
        "table"
    ]
    for whole in ([], ["--help"], ["--version"], ["tablex", "lenet5"], ["--limit", "layers=9"]):
        assert narrowed(app, whole) is app  # help, the version and a misspelt command see every command


def test_the_narrowed_app_prints_what_the_whole_app_prints():
    from archcalc.cli.startup import narrowed

    for args in (["table", "lenet5", "--format", "json"], ["table", "--help"], ["lint", "lenet5"]):
        whole = runner.invoke(app, args, env={"COLUMNS": "120"})
        only = runner.invoke(narrowed(app, args), args, env={"COLUMNS": "120"})
        assert (only.exit_code, only.output) == (whole.exit_code, whole.output)


def test_a_reader_that_stops_reading_ends_the_command_quietly_with_exit_1():
    """`archcalc table … | head -1`: the rest of the output cannot be written; no internal error for it."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "archcalc", "table", "resnet1001-cifar", "--format", "json"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(2) == b"{\n"
    process.stdout.close()  # the JSON is megabytes: far more than the pipe holds
    assert process.wait(timeout=60) == 1
    assert process.stderr.read() == b""
