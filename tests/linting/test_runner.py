"""Linting files and folders: golden findings, suppressions, budgets, configuration, discovery."""

import gc
import os
from pathlib import Path

import pytest

from archcalc.linting.config import ConfigError, LintConfig, parse_size
from archcalc.linting.runner import discover, lint_file
from tests.paths import DATA, SPECS


def test_the_bad_and_lint_folders_give_exactly_the_golden_findings(monkeypatch):
    monkeypatch.chdir(DATA)
    config = LintConfig(select=("AC",))
    found = [f"{f.diagnostic.file}:{f.diagnostic.line}:{f.diagnostic.col} {f.code}"
             for path in discover([Path("bad"), Path("lint")]) for f in lint_file(path, config)]  # fmt: skip
    assert found == (DATA / "lint.expected").read_text().splitlines()


@pytest.mark.parametrize("stem", sorted(path.stem for path in SPECS.glob("*.yaml")))
def test_every_shipped_spec_lints_clean(stem):
    assert [str(finding) for finding in lint_file(SPECS / f"{stem}.yaml", LintConfig())] == []


def spec(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    return path


def codes(path: Path, config: LintConfig | None = None) -> list[str]:
    return [finding.code for finding in lint_file(path, config or LintConfig())]


def test_a_line_suppression_silences_only_its_codes_on_its_line(tmp_path):
    text = ("name: t\ninput: [32, 32, 3]\nlayers:\n"
            "  - conv: {filters: 8, kernel: 4, padding: same}  # archcalc: noqa: AC204, AC202\n"
            "  - conv: {filters: 8, kernel: 4, padding: same}\n")  # fmt: skip
    findings = lint_file(spec(tmp_path, text), LintConfig())
    assert [(f.code, f.diagnostic.line) for f in findings] == [("AC901", 4), ("AC204", 5)]  # AC202: unused


def test_a_bare_noqa_silences_everything_on_its_line_and_unused_ones_are_reported(tmp_path):
    text = ("name: t\ninput: [32, 32, 3]\nlayers:\n"
            "  - conv: {filters: 8, kernel: 4, padding: same, stride: 1}  # archcalc: noqa\n"
            "  - flatten  # archcalc: noqa: AC202\n")  # fmt: skip
    findings = lint_file(spec(tmp_path, text), LintConfig())
    assert [(f.code, f.diagnostic.line, f.diagnostic.col) for f in findings] == [("AC901", 5, 14)]


def test_budgets_from_the_command_line_and_from_the_spec(tmp_path):
    text = "name: t\ninput: [100]\nlayers:\n  - dense: 100\n"  # 10,100 params, 10,000 MACs, 100 activations
    path = spec(tmp_path, text)
    assert codes(
        path, LintConfig().merged({"max_params": "10k", "max_macs": "10K", "max_activations": 99}, "cli")
    ) == ["AC401", "AC403"]
    assert codes(spec(tmp_path, text + "lint: {max-macs: 9.9k, ignore: [AC403]}\n")) == ["AC402"]


def test_a_bad_lint_setting_in_a_spec_is_reported_at_its_line(tmp_path):
    findings = lint_file(spec(tmp_path, "name: t\ninput: [4]\nlayers: [identity]\nlint: {max_params: lots}\n"),
                         LintConfig())  # fmt: skip
    assert [(f.code, f.diagnostic.line) for f in findings] == [("AC012", 4)]
    assert (
        "expected a number with an optional K, M, G or T suffix, got 'lots'" in findings[0].diagnostic.message
    )


@pytest.mark.parametrize(
    ("text", "value"), [("30M", 30_000_000), ("5G", 5_000_000_000), ("1.5k", 1_500), ("12", 12)]
)
def test_human_sizes(text, value):
    assert parse_size(text, "x") == value


def test_select_and_ignore_match_by_prefix_the_longest_winning():
    config = LintConfig(select=("AC2", "AC301"), ignore=("AC20",))
    assert [config.enabled(code) for code in ("AC201", "AC210", "AC301", "AC302", "AC101")] == [
        False,
        True,
        True,
        False,
        False,
    ]
    with pytest.raises(ConfigError, match="unknown lint setting 'max_param'"):
        LintConfig().merged({"max_param": 3}, "pyproject.toml")


def test_folders_are_searched_for_specs_only(tmp_path):
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "net.yml").write_text("name: t\ninput: [4]\nlayers: [identity]\n")
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "vendored.yaml").write_text("layers: []\n")
    assert discover([tmp_path]) == [tmp_path / "nested" / "net.yml"]


def test_one_broken_file_does_not_hide_the_others(tmp_path):
    broken = tmp_path / "a.yaml"
    broken.write_text("name: t\ninput: [4\nlayers: []\n")
    flagged = tmp_path / "b.yaml"
    flagged.write_text("name: t\ninput: [32, 32, 3]\nlayers:\n  - pool: {kernel: 2, stride: 4}\n")
    assert [codes(path) for path in discover([tmp_path])] == [["AC002"], ["AC201", "AC205"]]
    assert codes(tmp_path / "missing.yaml") == ["AC001"]


def test_pyproject_settings_are_found_upwards(tmp_path, monkeypatch):
    from archcalc.linting.config import from_pyproject

    (tmp_path / "pyproject.toml").write_text('[tool.archcalc]\nmax-params = "30M"\nignore = ["AC205"]\n')
    (tmp_path / "deep").mkdir()
    settings, origin = from_pyproject(tmp_path / "deep")
    assert origin == tmp_path / "pyproject.toml"
    assert LintConfig().merged(settings, str(origin)).budgets == {"max_params": 30_000_000}
    assert os.fspath(origin).endswith("pyproject.toml")


def test_only_specs_skips_given_files_that_are_not_specs(tmp_path):
    other = tmp_path / "config.yaml"
    other.write_text("repos: []\n")
    assert discover([other]) == [other]
    assert discover([other], only_specs=True) == []


def test_linting_a_file_leaves_nothing_for_the_cycle_collector():
    lint_file(SPECS / "googlenet.yaml", LintConfig())
    gc.collect()
    gc.disable()
    try:
        assert lint_file(SPECS / "resnet1001-cifar.yaml", LintConfig()) == []
        assert gc.collect() == 0
    finally:
        gc.enable()
