"""The command line as people already use command lines: -h, completion, help that reads as typed, numbers
never cut, formats from file names, paths as the user sees them."""

import json
import re

import pytest
from typer.testing import CliRunner

from archcalc.cli import app

runner = CliRunner()
COMMANDS = ["table", "list", "lint", "rules", "schema", "explain", "sizes", "diff", "memory", "reconcile",
            "verify", "bench", "bench-compare", "export", "import"]  # fmt: skip


def run(*args: str, columns: int = 80, terminal: bool = False):
    env = {"COLUMNS": str(columns), **({"TTY_COMPATIBLE": "1", "NO_COLOR": "1"} if terminal else {})}
    return runner.invoke(app, list(args), env=env)


def test_dash_h_is_help_everywhere():
    assert run("-h").stdout == run("--help").stdout
    for command in COMMANDS:
        assert run(command, "-h").stdout == run(command, "--help").stdout


def test_shell_completion_can_be_installed_or_shown():
    assert "--install-completion" in run("--help").stdout
    assert "--show-completion" in run("--help").stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_no_type_placeholders_and_keeps_choices_whole(command):
    text = run(command, "--help").stdout
    assert not re.search(r"<\w[\w\[\]|, ]*>", text), text
    assert "--no-" not in text  # a flag is one word
    if command == "lint":
        assert "github" in text and "CODES" in text and "AC2,AC301" in text
    if command == "table":
        words = " ".join(text.replace("│", " ").split())  # the help column, unwrapped
        assert "HxWx3 leaves nH and nW symbolic" in words
        assert "One of: table, json, csv, markdown, latex." in words


@pytest.mark.parametrize("terminal", [False, True])
def test_numbers_are_never_cut_at_80_columns_piped_or_in_a_terminal(terminal):
    diff = run("diff", "resnet34", "plain34", terminal=terminal).stdout
    for figure in ("21,797,672", "3,663,761,408", "118,013,952"):  # REFERENCE.md: ResNet-34, its conv1
        assert figure in diff
    assert "…" not in diff
    table = run("table", "lenet5", "--columns", "rf,stride", terminal=terminal).stdout
    assert "…" not in table and "117,600" in table and "61,706" in table


def test_piped_output_is_not_wrapped_at_all():
    lines = run("table", "lenet5", "--columns", "rf,stride").stdout.splitlines()
    assert any("conv 5×5 s1 valid, relu" in line for line in lines)  # the kind column whole, on one line


@pytest.mark.parametrize(("name", "first"), [("net.mmd", "flowchart TD"), ("net.dot", "digraph")])
def test_export_takes_the_format_from_the_extension(tmp_path, name, first):
    result = run("export", "lenet5", str(tmp_path / name))
    assert result.exit_code == 0, result.output
    assert (tmp_path / name).read_text().startswith(first)


def test_export_without_to_or_a_known_extension_asks_for_to(tmp_path):
    result = run("export", "lenet5", str(tmp_path / "net.txt"))
    assert result.exit_code == 2 and "give --to" in result.output
    assert not (tmp_path / "net.txt").exists()


def test_lint_names_files_relative_to_the_current_folder_however_given(tmp_path, monkeypatch):
    (tmp_path / "nets").mkdir()
    (tmp_path / "nets" / "bad.yaml").write_text(
        "name: b\ninput: [8, 8, 3]\nlayers:\n  - conv: {filters: 0, kernel: 3}\n"
    )
    monkeypatch.chdir(tmp_path)
    for given in ([], ["nets"], [str(tmp_path / "nets")]):
        assert run("lint", *given).stdout.startswith("nets/bad.yaml:4:")


def test_memory_prints_json_and_csv_in_bytes():
    record = json.loads(run("memory", "lenet5", "-b", "1,2", "-f", "json").stdout)
    assert record["params"] == 61_706
    assert [row["param_bytes"] for row in record["rows"]] == [4 * 61_706] * 2
    csv = run("memory", "lenet5", "-f", "csv").stdout.splitlines()
    assert csv[0].startswith("batch,dtype,param_bytes") and csv[1].startswith("1,fp32,246824,")
