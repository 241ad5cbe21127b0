"""Each reproducer of tests/data/bad-inputs (and a FIFO, /dev/zero) refused fast and small, as a user runs it.

Usage: python benchmarks/bad_inputs.py
Runs `archcalc table FILE --format json` as a fresh process per file and reads its wall time and peak
resident memory (os.wait4). Targets: every refusal under 1 s and 200 MB, exit 1 or 2, no traceback.
Exits 1 if one misses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FOLDER = Path(__file__).parent.parent / "tests" / "data" / "bad-inputs"
SECONDS, MEBIBYTES = 1.0, 200


def measure(command: list[str]) -> tuple[float, float, int, str]:
    """(seconds, peak MiB, exit code, stderr) of one fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read() if process.stderr else ""
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), stderr


def main() -> int:
    executable = shutil.which("archcalc") or sys.exit("archcalc is not installed: pip install -e .")
    scratch = Path(tempfile.mkdtemp())
    os.mkfifo(scratch / "pipe.yaml")
    files = [*sorted(FOLDER.glob("*.yaml")), scratch / "pipe.yaml", Path("/dev/zero")]
    missed = 0
    print(f"{'file':<40} {'exit':>4} {'seconds':>8} {'MiB':>6}")
    for path in files:
        seconds, mib, code, stderr = measure([executable, "table", str(path), "--format", "json"])
        ok = code in (0, 1, 2) and "Traceback" not in stderr and seconds < SECONDS and mib < MEBIBYTES
        missed += not ok
        print(f"{path.name:<40} {code:>4} {seconds:>8.3f} {mib:>6.1f}{'' if ok else '  MISSED'}")
    print(
        f"{len(files)} inputs, {missed} missed the targets (< {SECONDS:g} s, < {MEBIBYTES} MiB, exit 0/1/2)"
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
