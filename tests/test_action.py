"""The GitHub Action (action.yml): lint with annotations, then a markdown report of how changed specs moved.
The report step's script is run here as the action runs it, in a scratch git repository."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.paths import ROOT, SPECS

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = {step["name"]: step for step in ACTION["runs"]["steps"]}


def test_it_is_a_composite_action_that_lints_with_annotations():
    assert ACTION["runs"]["using"] == "composite"
    assert "archcalc lint ${{ inputs.paths }} --format github" in STEPS["Lint specs"]["run"]


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t"})  # fmt: skip


@pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None, reason="needs git and bash")
def test_the_report_diffs_changed_specs_stage_by_stage_and_tables_new_ones(tmp_path):
    git(tmp_path, "init", "-q")
    (tmp_path / "net.yaml").write_text((SPECS / "resnet34.yaml").read_text())
    git(tmp_path, "add", "."), git(tmp_path, "commit", "-qm", "base")
    (tmp_path / "net.yaml").write_text((SPECS / "plain34.yaml").read_text())
    (tmp_path / "new.yaml").write_text((SPECS / "lenet5.yaml").read_text())
    git(tmp_path, "add", "."), git(tmp_path, "commit", "-qm", "change")
    env = {**os.environ, "ARCHCALC_BASE": "HEAD~1", "ARCHCALC_REPORT": "report.md",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}  # fmt: skip
    subprocess.run(["bash", "-c", STEPS["Report changed specs"]["run"]], cwd=tmp_path, env=env, check=True)
    report = (tmp_path / "report.md").read_text()
    assert report.startswith("## archcalc: changed specs")
    assert (
        "### `net.yaml`" in report and "| total | 1000 | 1000 | 21,797,672 |" in report
    )  # ResNet-34's params
    assert "### `new.yaml`" in report and "61,706" in report  # LeNet-5, new: its table
