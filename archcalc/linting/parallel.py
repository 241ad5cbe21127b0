"""Lint many files with several worker processes: each file is linted on its own (runner.lint_file), so the
files can be shared out; findings come back in the order of the files, as one process gives them.

Workers are forked (Linux only: elsewhere, for a few files, or from a process running other threads, whose
locks a fork could copy held, one process lints them all), so they start with this process's modules,
limits (`--limit`) and settings instead of importing archcalc again.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from functools import partial
from pathlib import Path

from archcalc.linting.config import LintConfig
from archcalc.linting.runner import Finding, Params, lint_file

FILES_PER_WORKER = 8
"""Fewer files than this per worker are linted in this process: a worker costs about as much to start as
a small spec costs to lint."""


def available_jobs() -> int:
    """The CPUs this process may run on: what `--jobs auto` uses."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def lint_files(files: list[Path], config: LintConfig, params: Params, jobs: int = 1) -> list[Finding]:
    """Every finding of `files`, file by file in their order, linted by up to `jobs` processes; the names
    of the parameters some spec took are added to `params.used` as one process would add them."""
    workers = min(jobs, len(files) // FILES_PER_WORKER)
    if workers < 2 or sys.platform != "linux" or threading.active_count() > 1:
        return [finding for path in files for finding in lint_file(path, config, params)]
    one_file = partial(_lint_one, config=config, values=params.values)
    chunk = max(1, len(files) // (workers * 8))  # small enough to even out files of very different sizes
    findings: list[Finding] = []
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for found, used in pool.imap(one_file, files, chunksize=chunk):
            findings += found
            params.used |= used
    return findings


def _lint_one(path: Path, config: LintConfig, values: dict[str, int]) -> tuple[list[Finding], set[str]]:
    params = Params(dict(values))
    return lint_file(path, config, params), params.used
