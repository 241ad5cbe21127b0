"""Cold-start time of a whole `archcalc` process (issue #2 target: under 0.25 s for vgg16 as JSON).

Usage: python benchmarks/cold_start.py [--runs 30] [-- ARGS...]
Runs the console script as a fresh process each time (imports included, .pyc already warm) and prints the
minimum, median and 90th percentile wall time. Exits 1 if the median misses the target.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

TARGET_SECONDS = 0.25


def time_once(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("args", nargs="*", default=["table", "vgg16", "--format", "json"])
    options = parser.parse_args()
    executable = shutil.which("archcalc") or sys.exit("archcalc is not installed: pip install -e .")
    command = [executable, *options.args]
    time_once(command)  # warm the .pyc files and the page cache
    times = sorted(time_once(command) for _ in range(options.runs))
    median = statistics.median(times)
    p90 = times[int(0.9 * (len(times) - 1))]
    print(
        f"archcalc {' '.join(options.args)}: {options.runs} runs, "
        f"min {times[0]:.3f} s, median {median:.3f} s, p90 {p90:.3f} s (target: median < {TARGET_SECONDS} s)"
    )
    return 0 if median < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
