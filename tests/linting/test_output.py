"""Lint output: concise lines, JSON, GitHub annotations (escaped) and SARIF 2.1.0 (valid against its schema)."""

import json

import pytest

from archcalc.errors import Diagnostic
from archcalc.linting import output
from archcalc.linting.config import LintConfig
from archcalc.linting.runner import Finding, discover, lint_file
from tests.paths import DATA


def findings() -> list[Finding]:
    return [
        f
        for path in discover([DATA / "bad", DATA / "lint"])
        for f in lint_file(path, LintConfig(select=("AC",)))
    ]


def test_concise_is_path_line_col_code_message_then_a_count():
    text = output.concise([Finding(Diagnostic("a.yaml", 3, 5, "boom", "AC101"), "error")], files=2)
    assert text == "a.yaml:3:5: AC101 boom\n2 files checked: 1 error\n"
    assert output.concise([], files=1) == "1 file checked: no findings\n"


def test_github_annotations_escape_what_the_runner_would_misread():
    finding = Finding(Diagnostic("dir,x/a:b.yaml", 3, 5, "100% of\nthe params: a, b", "AC301"), "info")
    assert output.github([finding]) == (
        "::notice file=dir%2Cx/a%3Ab.yaml,line=3,col=5,title=AC301::100%25 of%0Athe params: a, b\n"
    )
    no_position = Finding(Diagnostic("gone.yaml", 0, 0, "no such file", "AC001"), "error")
    assert output.github([no_position]) == "::error file=gone.yaml,title=AC001::no such file\n"


def test_json_lists_every_finding_with_its_position_code_and_level():
    records = json.loads(output.as_json(findings()))
    assert {"file", "line", "col", "code", "level", "message"} == set(records[0])
    assert {record["level"] for record in records} == {"error", "warning", "info"}


def test_sarif_is_valid_against_the_sarif_2_1_0_schema():
    jsonschema = pytest.importorskip("jsonschema")
    log = json.loads(output.sarif(findings()))
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert all(rules[result["ruleIndex"]]["id"] == result["ruleId"] for result in run["results"])
    assert {result["level"] for result in run["results"]} == {"error", "warning", "note"}
    assert all(
        result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for result in run["results"]
    )
