"""Lint spec files: each one on its own (a broken file never hides the others), findings in file order.

A finding is a Diagnostic with its rule's level. `# archcalc: noqa: AC201` at the end of a line silences
those codes on that line (`# archcalc: noqa` silences all); `# archcalc: noqa-file: AC302` anywhere silences
them in the whole file. A suppression that silences nothing is itself reported (AC901).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archcalc.allocation import building
from archcalc.engine import analyze
from archcalc.errors import Diagnostic, Problem, SpecError
from archcalc.linting.config import BUDGETS, ConfigError, LintConfig
from archcalc.linting.context import Context
from archcalc.linting.rules import RULES
from archcalc.report import Report
from archcalc.spec.model import Spec, parse_spec
from archcalc.spec.positions import SourceMap
from archcalc.spec.source import load_text, read_text

SPEC_SUFFIXES = (".yaml", ".yml")
SKIPPED_FOLDERS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache"}
_LOOKS_LIKE_SPEC = re.compile(r"^layers\s*:", re.MULTILINE)
_NOQA = re.compile(r"#\s*archcalc:\s*noqa(?P<file>-file)?(?:\s*:\s*(?P<codes>[A-Z0-9,\s]+))?", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    diagnostic: Diagnostic
    level: str  # "error", "warning" or "info"

    @property
    def code(self) -> str:
        return self.diagnostic.code

    def __str__(self) -> str:
        d = self.diagnostic
        where = f"{d.file}:{d.line}:{d.col}" if d.line else d.file
        return f"{where}: {d.code} {d.message}"


@dataclass
class Params:
    """`--set` values for a run over many specs: each spec takes those it declares under `params:`;
    `used` collects the names some spec took, so that a name none declares can be refused."""

    values: dict[str, int] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def declared_by(self, data: object) -> dict[str, int]:
        declared = data.get("params") if isinstance(data, dict) else None
        taken = {k: v for k, v in self.values.items() if isinstance(declared, dict) and k in declared}
        self.used |= set(taken)
        return taken


def discover(paths: Iterable[Path], only_specs: bool = False) -> list[Path]:
    """Files as given (with `only_specs`, those that look like specs); folders searched for *.yaml / *.yml
    that look like specs (a top-level `layers:`)."""
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            if not only_specs or not path.is_file() or _looks_like_spec(path):
                found.append(path)
            continue
        for candidate in sorted(path.rglob("*")):
            hidden = SKIPPED_FOLDERS.intersection(candidate.relative_to(path).parts)
            if (
                candidate.suffix in SPEC_SUFFIXES
                and candidate.is_file()
                and not hidden
                and _looks_like_spec(candidate)
            ):
                found.append(candidate)
    return found


def shown(path: Path) -> str:
    """How findings name a file: relative to the current folder when it is inside it (however it was given),
    else as given, so that the same file is named the same in every run."""
    if not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _looks_like_spec(path: Path) -> bool:
    try:
        return bool(_LOOKS_LIKE_SPEC.search(read_text(path, str(path))))
    except SpecError:
        return True  # let linting report why it cannot be read


def lint_file(path: Path, config: LintConfig, params: Params | None = None) -> list[Finding]:
    """Every finding of one file, suppressions applied, in file order. A bug of archcalc's on this file is
    a finding too (AC000), so that it never hides the other files' findings. `params` give spec parameters
    values (`--set n=18`) in the specs that declare them."""
    display = shown(path)
    try:
        text = read_text(path, display)
    except SpecError as exc:
        return _findings(exc.diagnostics, config)
    try:
        findings = _findings(_diagnostics(text, display, config, params or Params()), config)
    except Exception as exc:
        message = f"internal error: {type(exc).__name__}: {str(exc)[:300]} — please report it"
        return [Finding(Diagnostic(display, 0, 0, message, "AC000"), "error")]
    return _suppress(findings, text, display, config)


def _diagnostics(text: str, display: str, config: LintConfig, params: Params) -> list[Diagnostic]:
    """The file's diagnostics, with the cycle collector paused: what the file makes is freed when it is
    done with (its report released, and the rest with the frame of `_made_diagnostics`, before the
    collector resumes), so the collector has nothing to scan (archcalc.allocation)."""
    with building():
        return _made_diagnostics(text, display, config, params)


def _made_diagnostics(text: str, display: str, config: LintConfig, params: Params) -> list[Diagnostic]:
    try:
        data, source = load_text(text, display)
        spec = parse_spec(data, source, params.declared_by(data))
        spec_config = config.merged(spec.lint, "lint") if spec.lint else config
        report = analyze(spec)
    except SpecError as exc:
        return exc.diagnostics
    except ConfigError as exc:
        return [source.diagnostic(Problem(str(exc), ("lint",), code="AC012"))]
    try:
        return _checked(spec, report, source, spec_config)
    finally:
        if report.graph is not None:
            report.graph.release()


def _checked(spec: Spec, report: Report, source: SourceMap, spec_config: LintConfig) -> list[Diagnostic]:
    """What the rules and the budgets find in a spec that walks."""
    context = Context(spec, report)  # one for every rule: what it works out once is shared
    problems = [problem for code, rule in RULES.items() if rule.check and spec_config.enabled(code)
                for problem in rule.check(context)]  # fmt: skip
    problems += _budgets(report.totals.to_dict(), spec_config)
    return [source.diagnostic(problem) for problem in problems if spec_config.enabled(problem.code)]


def _budgets(totals: dict[str, int], config: LintConfig) -> list[Problem]:
    """A problem for each budget exceeded, or that cannot be judged (a total in symbolic sizes)."""
    problems = []
    for key, code in zip(BUDGETS, ("AC401", "AC402", "AC403"), strict=True):
        what, option = key.removeprefix("max_"), key.replace("_", "-")
        total = totals[what]
        if key not in config.budgets:
            continue
        if not isinstance(total, int):
            message = (f"{what} depend on the symbolic input size ({total}): {option} "
                       "cannot be checked; give the spec numeric sizes")  # fmt: skip
            problems.append(Problem(message, ("input",), code=code))
        elif total > config.budgets[key]:
            message = f"{what} {total:,} exceed the budget of {config.budgets[key]:,} ({option})"
            problems.append(Problem(message, ("name",), code=code))
    return problems


def _findings(diagnostics: list[Diagnostic], config: LintConfig) -> list[Finding]:
    """Enabled, one per place and message (a block's finding once, not once per use), in file order."""
    unique = {(d.line, d.col, d.code, d.message): d for d in diagnostics if config.enabled(d.code)}
    ordered = sorted(unique.values(), key=lambda d: (d.line, d.col, d.code))
    return [Finding(d, RULES[d.code].level if d.code in RULES else "error") for d in ordered]


@dataclass
class _Suppression:
    line: int
    col: int
    whole_file: bool
    codes: set[str] | None  # None: every code
    used: set[str] = field(default_factory=set)

    def covers(self, finding: Finding) -> bool:
        d = finding.diagnostic
        hit = (self.whole_file or d.line == self.line) and (self.codes is None or d.code in self.codes)
        if hit:
            self.used.add(d.code)
        return hit

    def unused(self) -> list[str]:
        if self.codes is None:
            return [] if self.used else ["all"]
        return sorted(self.codes - self.used)


def _suppress(findings: list[Finding], text: str, display: str, config: LintConfig) -> list[Finding]:
    suppressions = _suppressions(text)
    kept = [finding for finding in findings if not any([s.covers(finding) for s in suppressions])]
    if not config.enabled("AC901"):
        return kept
    stale = [
        Diagnostic(display, s.line, s.col, f"`# archcalc: noqa` for {', '.join(s.unused())} suppresses "
                   "nothing; remove it", "AC901")
        for s in suppressions if s.unused()
    ]  # fmt: skip
    return sorted(
        kept + [Finding(d, "warning") for d in stale], key=lambda f: (f.diagnostic.line, f.diagnostic.col)
    )


def _suppressions(text: str) -> list[_Suppression]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _NOQA.search(line)
        if match:
            codes = {code.strip().upper() for code in (match.group("codes") or "").split(",") if code.strip()}
            found.append(_Suppression(number, match.start() + 1, bool(match.group("file")), codes or None))
    return found
