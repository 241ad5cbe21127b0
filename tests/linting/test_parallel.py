"""Linting with several worker processes: the same findings, in the same order, as one process."""

import os
import sys
from pathlib import Path

import pytest

from archcalc import api
from archcalc.errors import SettingError
from archcalc.linting import parallel
from archcalc.linting.config import LintConfig
from tests.paths import DATA

needs_fork = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
EVERY_RULE = LintConfig(select=("AC",))


def found(jobs: int) -> list[str]:
    linted = api.lint([DATA / "bad", DATA / "lint"], config=EVERY_RULE, jobs=jobs)
    return [
        f"{f.diagnostic.file}:{f.diagnostic.line}:{f.diagnostic.col} {f.code} {f.level}"
        for f in linted.findings
    ]


PIDS = Path()
"""Where each process that lints a file leaves a file named after its pid (set by the test below)."""
_lint_one = parallel._lint_one


def recording_lint_one(*args, **keywords):
    (PIDS / str(os.getpid())).touch()
    return _lint_one(*args, **keywords)


@needs_fork
def test_three_workers_find_what_one_process_finds_in_the_same_order(monkeypatch, tmp_path):
    monkeypatch.chdir(DATA)
    monkeypatch.setattr(sys.modules[__name__], "PIDS", tmp_path)
    monkeypatch.setattr(parallel, "_lint_one", recording_lint_one)  # the workers are forked with it
    assert found(jobs=3) == found(jobs=1)
    workers = {int(path.name) for path in tmp_path.iterdir()}
    assert len(workers) >= 2 and os.getpid() not in workers


def stacks(folder: Path, count: int) -> None:
    for index in range(count):
        declares = "params: {n: 1}\n" if index % 2 else ""
        (folder / f"stack{index}.yaml").write_text(
            f"name: s{index}\ninput: [8, 8, 3]\n{declares}layers:\n  - conv: {{filters: 4, kernel: 3}}\n"
        )


@needs_fork
def test_a_parameter_taken_in_a_worker_counts_and_one_no_spec_declares_is_refused(tmp_path):
    stacks(tmp_path, 24)
    assert api.lint([tmp_path], set={"n": 3}, jobs=2).findings == []
    with pytest.raises(SettingError, match="no spec linted declares a parameter 'm'"):
        api.lint([tmp_path], set={"m": 3}, jobs=2)


def test_a_few_files_are_linted_in_this_process(tmp_path, monkeypatch):
    stacks(tmp_path, parallel.FILES_PER_WORKER * 2 - 1)
    monkeypatch.setattr(parallel.multiprocessing, "get_context", lambda _method: pytest.fail("forked"))
    assert api.lint([tmp_path], jobs=2).findings == []


def test_a_process_running_other_threads_is_not_forked(tmp_path, monkeypatch):
    stacks(tmp_path, parallel.FILES_PER_WORKER * 4)
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 2)
    monkeypatch.setattr(parallel.multiprocessing, "get_context", lambda _method: pytest.fail("forked"))
    assert api.lint([tmp_path], jobs=2).findings == []
