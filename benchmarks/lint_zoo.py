"""How long `archcalc lint` takes on the zoo plus 1,000 generated specs (issue #5: seconds, not minutes).

Usage: python benchmarks/lint_zoo.py [--count 1000] [--jobs auto]
Writes the generated specs (copies of the zoo under new names, and small conv stacks of varied sizes) to a
temporary folder, then times one `archcalc lint --jobs N` command over specs/ and that folder (`--jobs 1`:
one process; auto, the default, a worker per CPU).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SPECS = Path(__file__).resolve().parent.parent / "specs"


def generate(folder: Path, count: int) -> None:
    zoo = sorted(SPECS.glob("*.yaml"))
    for index in range(count):
        if index % 2:
            source = zoo[index % len(zoo)].read_text()
            (folder / f"zoo-{index}.yaml").write_text(source)
            continue
        size, width = 32 + index % 64, 8 * (1 + index % 8)
        conv = "  - conv: {{filters: {}, kernel: 3, padding: 1, bn: true, act: relu}}\n"
        layers = "".join(conv.format(width * (1 + depth % 3)) for depth in range(2 + index % 6))
        head = f"name: stack {index}\ninput: [{size}, {size}, 3]\nlayers:\n"
        (folder / f"stack-{index}.yaml").write_text(
            head + layers + "  - global_pool\n  - flatten\n  - fc: 10\n"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--jobs", default="auto")
    options = parser.parse_args()
    count = options.count
    executable = shutil.which("archcalc") or sys.exit("archcalc is not installed: pip install -e .")
    with tempfile.TemporaryDirectory() as folder:
        generate(Path(folder), count)
        start = time.perf_counter()
        result = subprocess.run(
            [executable, "lint", str(SPECS), folder, "--jobs", options.jobs],
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - start
    summary = result.stdout.strip().splitlines()[-1]
    what = f"archcalc lint specs/ + {count} generated, --jobs {options.jobs}"
    print(f"{what}: {seconds:.2f} s ({summary}, exit {result.returncode})")
    return 0 if result.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
