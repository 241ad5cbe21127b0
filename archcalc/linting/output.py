"""Lint findings as text: concise (`path:line:col: CODE message`), JSON, GitHub annotations, SARIF 2.1.0."""

from __future__ import annotations

import json
from collections.abc import Sequence

from archcalc import __version__
from archcalc.linting.rules import RULES
from archcalc.linting.runner import Finding

SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def concise(findings: Sequence[Finding], files: int) -> str:
    lines = [str(finding) for finding in findings]
    counts = {level: sum(f.level == level for f in findings) for level in ("error", "warning", "info")}
    summary = ", ".join(f"{count} {level}{'s' * (count != 1)}" for level, count in counts.items() if count)
    lines.append(f"{files} file{'s' * (files != 1)} checked: {summary or 'no findings'}")
    return "\n".join(lines) + "\n"


def as_json(findings: Sequence[Finding]) -> str:
    records = [{"file": f.diagnostic.file, "line": f.diagnostic.line, "col": f.diagnostic.col, "code": f.code,
                "level": f.level, "message": f.diagnostic.message} for f in findings]  # fmt: skip
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def github(findings: Sequence[Finding]) -> str:
    """GitHub Actions commands, escaped as the runner expects (data: % CR LF; properties: also : ,)."""
    lines = []
    for finding in findings:
        d = finding.diagnostic
        properties = [f"file={_property(d.file)}"]
        if d.line:
            properties += [f"line={d.line}", f"col={d.col}"]
        properties.append(f"title={_property(finding.code)}")
        lines.append(f"::{GITHUB_COMMANDS[finding.level]} {','.join(properties)}::{_data(d.message)}")
    return "".join(line + "\n" for line in lines)


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def sarif(findings: Sequence[Finding]) -> str:
    """A SARIF 2.1.0 log with one run: every rule in the driver, one result per finding."""
    codes = list(RULES)
    rules = [
        {"id": rule.code, "name": rule.name, "shortDescription": {"text": rule.rationale},
         "defaultConfiguration": {"level": SARIF_LEVELS[rule.level]}}
        for rule in RULES.values()
    ]  # fmt: skip
    results = [_result(finding, codes) for finding in findings]
    driver = {"name": "archcalc", "version": __version__, "rules": rules}
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": driver}, "results": results}]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _result(finding: Finding, codes: list[str]) -> dict[str, object]:
    d = finding.diagnostic
    location: dict[str, object] = {"artifactLocation": {"uri": d.file.replace("\\", "/")}}
    if d.line:
        location["region"] = {"startLine": d.line, "startColumn": d.col}
    result: dict[str, object] = {
        "ruleId": d.code,
        "level": SARIF_LEVELS[finding.level],
        "message": {"text": d.message},
        "locations": [{"physicalLocation": location}],
    }
    if d.code in codes:
        result["ruleIndex"] = codes.index(d.code)
    return result
