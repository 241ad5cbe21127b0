"""`archcalc lint`, `rules` and `schema` from the command line: exit codes and formats CI relies on."""

import json

import pytest
import yaml
from typer.testing import CliRunner

from archcalc.cli import app
from tests.paths import DATA, ROOT, SPECS

runner = CliRunner()


def lint(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, ["lint", *args], env=env or {"GITHUB_ACTIONS": ""})


def test_the_shipped_zoo_is_clean_and_exits_0():
    result = lint(str(SPECS))
    assert result.exit_code == 0
    assert result.stdout == f"{len(list(SPECS.glob('*.yaml')))} files checked: no findings\n"


def test_errors_exit_1_warnings_only_with_strict_and_exit_zero_reports_only():
    assert lint(str(DATA / "bad" / "groups.yaml")).exit_code == 1
    warnings_only = str(DATA / "lint" / "wasteful.yaml")
    assert lint(warnings_only).exit_code == 0
    assert lint(warnings_only, "--strict").exit_code == 1
    assert lint(str(DATA / "bad"), "--exit-zero").exit_code == 0


def test_usage_and_configuration_errors_exit_2():
    assert lint(str(SPECS), "--format", "xml").exit_code == 2
    result = lint(str(SPECS), "--max-params", "many")
    assert result.exit_code == 2
    assert "max_params: expected a number with an optional K, M, G or T suffix, got 'many'" in result.stderr
    for workers in ("0", "-1", "two"):
        assert lint(str(SPECS), "--jobs", workers).exit_code == 2


def test_budgets_on_the_command_line():
    result = lint(str(SPECS / "vgg16.yaml"), "--max-params", "30M", "--max-macs", "5G")
    assert result.exit_code == 1
    assert [line.split(": ")[1].split()[0] for line in result.stdout.splitlines()[:-1]] == ["AC401", "AC402"]


def test_github_format_is_chosen_under_github_actions():
    result = lint(str(DATA / "lint" / "wasteful.yaml"), env={"GITHUB_ACTIONS": "true"})
    assert result.stdout.startswith("::warning file=")


def test_sarif_and_json_are_machine_readable():
    assert json.loads(lint(str(DATA / "lint"), "-f", "sarif").stdout)["version"] == "2.1.0"
    assert json.loads(lint(str(DATA / "lint"), "-f", "json").stdout)[0]["code"] == "AC201"


def test_rules_lists_every_code():
    records = json.loads(runner.invoke(app, ["rules", "--format", "json"]).stdout)
    assert {"AC001", "AC101", "AC201", "AC301", "AC401", "AC901"} <= {record["code"] for record in records}
    assert "window-not-tiling" in runner.invoke(app, ["rules"], env={"COLUMNS": "200"}).stdout


def test_the_schema_is_draft_07_and_every_shipped_spec_validates_against_it():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    validator = jsonschema.Draft7Validator(schema)
    validator.check_schema(schema)
    for path in sorted(SPECS.glob("*.yaml")):
        assert list(validator.iter_errors(yaml.safe_load(path.read_text()))) == [], path.name
    typo = yaml.safe_load("name: t\ninput: [4]\nlayers:\n  - dense: {unit: 3}\n")
    assert not validator.is_valid(typo)
    # a choice of words also takes a block argument's name (`act: act`), but not any text
    argument = (
        "name: t\ninput: [4]\nblocks:\n  d(act): [dense: {units: 3, act: act}]\nlayers: [d: {act: relu}]\n"
    )
    assert validator.is_valid(yaml.safe_load(argument))
    assert not validator.is_valid(yaml.safe_load(argument.replace("act: act", "act: relu!")))


def test_the_readme_documents_every_rule():
    readme = (ROOT / "README.md").read_text()
    from archcalc.linting.rules import RULES

    assert [code for code in RULES if f"| {code} |" not in readme] == []


def test_codes_take_commas_as_ruff_does_and_a_code_that_selects_nothing_is_an_error():
    both = lint(str(SPECS / "lenet5.yaml"), "--select", "AC3,AC2")
    assert both.exit_code == 0 and "AC302" in both.stdout and "AC301" in both.stdout
    unknown = lint(str(SPECS / "lenet5.yaml"), "--select", "XYZ")
    assert unknown.exit_code == 2
    assert (
        unknown.stderr
        == "archcalc lint: command line: select: 'XYZ' is no rule code or prefix (see `archcalc rules`)\n"
    )
    typo = lint(str(SPECS / "lenet5.yaml"), "--ignore", "AC2O1")
    assert typo.exit_code == 2 and "'AC2O1' is no rule code or prefix — did you mean 'AC201'?" in typo.stderr


@pytest.mark.parametrize(
    ("pyproject", "message"),
    [
        ("[tool.archcalc]\nignore = 5\n", "ignore: expected rule codes like AC2 or AC301 (text), got 5"),
        (b"\xff\xfe[tool", "cannot be read as TOML"),
        ("[tool]\narchcalc = 3\n", "[tool.archcalc] must be a table of lint settings"),
        ('[tool.archcalc]\nmax-params = "' + "9" * 400 + '"\n', "is larger than any budget needs"),
    ],
)
def test_pyproject_settings_are_validated_with_exit_2(pyproject, message, tmp_path, monkeypatch):
    target = tmp_path / "pyproject.toml"
    target.write_bytes(pyproject if isinstance(pyproject, bytes) else pyproject.encode())
    monkeypatch.chdir(tmp_path)
    result = lint(str(SPECS / "lenet5.yaml"))
    assert result.exit_code == 2 and message in result.stderr


def test_a_string_select_in_pyproject_means_those_codes_not_every_rule(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.archcalc]\nselect = "AC2"\n')
    monkeypatch.chdir(tmp_path)
    result = lint(str(SPECS / "lenet5.yaml"))
    assert result.exit_code == 0 and "AC30" not in result.stdout  # AC3 hints stay off
