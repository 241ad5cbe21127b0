"""Issue #13's table: each figure measured beside its reference in the same run, as a ratio.

Usage: python benchmarks/performance.py [--runs 15] [--only cold,table,walk,large,lint,verify]
Fresh processes (warm .pyc, page cache warmed by one untimed run) and in-process timings alike are medians
of --runs runs, archcalc and its reference alternating so that machine drift hits both. Prints a Markdown
table (the README's) and exits 1 if a goal is missed. Needs archcalc installed (pip install -e .); the rows
that compare with torch need torch, and the torchinfo row needs torchinfo (pip install torchinfo), else they
say they were skipped.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine_walk import generated, median_ms
from lint_zoo import generate

from archcalc.linting.parallel import available_jobs

ROOT = Path(__file__).resolve().parent.parent
IMPORT_FLOOR = "import pydantic, yaml, typer"
PYDANTIC_MODELS = "import pydantic, yaml, typer; from pydantic import BaseModel, BeforeValidator, Field"


@dataclass
class Row:
    measure: str
    archcalc: str
    reference: str
    ratio: float | None
    goal: str
    met: bool | None

    def line(self) -> str:
        ratio = "—" if self.ratio is None else f"{self.ratio:.2f}"
        met = {True: "yes", False: "**no**", None: "—"}[self.met]
        return f"| {self.measure} | {self.archcalc} | {self.reference} | {ratio} | {self.goal} | {met} |"


def run_once(command: list[str]) -> tuple[float, int]:
    """Wall time (s) and peak memory (MB) of one fresh process, its output discarded."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # warm .pyc, as users have
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # lint and verify exit 1 on findings / mismatches
        sys.exit(f"{' '.join(command)} failed with exit code {process.returncode}")
    return seconds, usage.ru_maxrss // 1024


def medians(commands: dict[str, list[str]], runs: int) -> dict[str, tuple[float, int]]:
    """Median seconds and median peak MB of each command, run alternately `runs` times after one warm-up."""
    for command in commands.values():
        run_once(command)
    samples: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
    for index in range(runs):
        order = list(commands.items()) if index % 2 == 0 else list(reversed(commands.items()))
        for name, command in order:
            samples[name].append(run_once(command))
    return {
        name: (statistics.median(s for s, _ in runs_), int(statistics.median(m for _, m in runs_)))
        for name, runs_ in samples.items()
    }


def peak_megabytes(command: list[str]) -> int:
    """The peak memory of `command`, started from a small Python process: a child forked from this one
    (torch loaded by then) would count this process's pages too."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)")  # fmt: skip
    return int(subprocess.run([*python(probe), *command], capture_output=True, text=True, check=True).stdout)


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """engine_walk's median, after one untimed run (first-use work, e.g. building validators, left out)."""
    action()
    return median_ms(action, runs) / 1000


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def archcalc(*args: str) -> list[str]:
    return [shutil.which("archcalc") or sys.exit("archcalc is not installed: pip install -e ."), *args]


def has(module: str) -> bool:
    return subprocess.run(python(f"import {module}"), capture_output=True, check=False).returncode == 0


def ms(seconds: float) -> str:
    return f"{1000 * seconds:,.1f} ms"


def cold(runs: int) -> list[Row]:
    commands = {"floor": python(IMPORT_FLOOR), "models": python(PYDANTIC_MODELS),
                "archcalc": archcalc("table", "resnet152", "--format", "json")}  # fmt: skip
    torch = has("torch")
    if torch:
        commands["torch"] = python("import torch")
    times = {name: seconds for name, (seconds, _) in medians(commands, runs).items()}
    ours, floor = times["archcalc"], times["floor"]
    rows = [
        Row("cold `table resnet152 --format json` ÷ cold `import pydantic, yaml, typer`", ms(ours), ms(floor),
            ours / floor, "≤ 1.30", ours / floor <= 1.30),
        Row("(what using pydantic models alone costs: `from pydantic import BaseModel, …` ÷ the same)",
            ms(times["models"]), ms(floor), times["models"] / floor, "—", None),
    ]  # fmt: skip
    if torch:
        torch_ratio = ours / times["torch"]
        rows.append(Row("cold `table resnet152 --format json` ÷ cold `import torch`", ms(ours),
                        ms(times["torch"]), torch_ratio, "≤ 0.10", torch_ratio <= 0.10))  # fmt: skip
    return rows


def rich_table(runs: int) -> list[Row]:
    found = medians({"rich": archcalc("table", "resnet1001-cifar"),
                     "json": archcalc("table", "resnet1001-cifar", "--format", "json")}, runs)  # fmt: skip
    rich, json = found["rich"][0], found["json"][0]
    return [Row("`table resnet1001-cifar` (the boxed table, 3,675 rows) ÷ the same `--format json`", ms(rich),
                ms(json), rich / json, "< 2", rich / json < 2)]  # fmt: skip


def walk(runs: int) -> list[Row]:
    from archcalc.engine import analyze
    from archcalc.spec.model import load_spec

    path = ROOT / "specs" / "resnet1001-cifar.yaml"
    ours = median_seconds(lambda: analyze(load_spec(path)), runs)
    measure = "ResNet-1001 parsed and walked in-process ÷ `torchinfo.summary` of it written in torch"
    if not (has("torch") and has("torchinfo")):
        return [Row(measure, ms(ours), "skipped: pip install torchinfo", None, "≤ 0.02", None)]
    import torchinfo
    from torch_resnet1001 import resnet1001

    network = resnet1001()
    theirs = median_seconds(lambda: torchinfo.summary(network, input_size=(1, 3, 32, 32), verbose=0), runs)
    return [Row(measure, ms(ours), ms(theirs), ours / theirs, "≤ 0.02", ours / theirs <= 0.02)]


def large(runs: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "large.yaml"
        spec.write_text(generated(25_000))  # 100,002 rows: a stem, 25,000 blocks of a residual and 3 layers
        command = archcalc("table", str(spec), "--format", "json")
        seconds, _ = medians({"large": command}, runs)["large"]
        megabytes = peak_megabytes(command)
    return [
        Row("100,002 rows (`repeat: 25000`), `table --format json`: time", f"{seconds:.2f} s", "—", None,
            "< 3 s", seconds < 3),
        Row("the same: peak memory", f"{megabytes} MB", "—", None, "< 300 MB", megabytes < 300),
    ]  # fmt: skip


def lint(runs: int) -> list[Row]:
    """The goal's measure (one process: `--jobs 1`), and the command as it runs by default (a worker per
    CPU), each on its own row."""
    with tempfile.TemporaryDirectory() as folder:
        generate(Path(folder), 1000)
        command = archcalc("lint", str(ROOT / "specs"), folder)
        found = medians({"one": [*command, "--jobs", "1"], "auto": command}, runs)
    one, auto = found["one"][0], found["auto"][0]
    return [
        Row("`lint` of specs/ + 1,000 generated specs, one process (`--jobs 1`)", f"{one:.2f} s", "—", None,
            "≤ 1.5 s", one <= 1.5),
        Row(f"the same, `lint` as it runs by default (`--jobs auto`: {available_jobs()} workers here)",
            f"{auto:.2f} s", "—", None, "—", None),
    ]  # fmt: skip


def verify(runs: int) -> list[Row]:
    measure = "`verify vgg16` on the meta device; reference: one op on the meta device"
    if not has("torch"):
        return [Row(measure, "skipped: no torch", "—", None, "≤ 1.5 s", None)]
    meta = "import torch; torch.relu(torch.empty(1, device='meta'))"
    found = medians({"verify": archcalc("verify", "vgg16"), "meta": python(meta)}, runs)
    ours, floor = found["verify"][0], found["meta"][0]
    return [Row(measure, f"{ours:.2f} s", f"{floor:.2f} s", ours / floor, "≤ 1.5 s", ours <= 1.5)]


MEASURES = {"cold": cold, "table": rich_table, "walk": walk, "large": large, "lint": lint, "verify": verify}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--only", default=",".join(MEASURES), help=f"some of {','.join(MEASURES)}")
    options = parser.parse_args()
    print(f"medians of {options.runs} runs, Python {sys.version.split()[0]}, {os.cpu_count()} cores\n")
    print("| measure | archcalc | reference | ratio | goal | met |\n|---|---:|---:|---:|---|---|")
    rows = []
    for name in options.only.split(","):
        for row in MEASURES[name](options.runs):
            print(row.line(), flush=True)
            rows.append(row)
    return 1 if any(row.met is False for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
