"""Long fuzzing runs: mutated specs through table, lint and explain, and random valid specs against torch.

Usage: python benchmarks/fuzz.py [--minutes 10] [--seed S] [--random N] [--out DIR]
Mutants come from tests/fuzz/mutate.py (the CI suite runs the same with one fixed seed); each run is
in-process, under a 10 s alarm, with its Python allocations traced (tracemalloc peak). Prints files tried,
escaped exceptions (tracebacks), internal errors (exit 3), hangs, and the slowest and largest run; saves every
failing mutant to --out. With --random N, also checks N random valid specs against torch (tests/fuzz/
generate.py): every layer's shape, params and FLOPs, and a real forward pass. Exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from tests.fuzz.mutate import COMMANDS, Outcome, mutated, run_one


@dataclass
class Tally:
    tried: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {"exception": 0, "exit 3": 0, "hang": 0})
    slowest: tuple[float, str] = (0.0, "")
    largest: tuple[int, str] = (0, "")

    def add(self, outcome: Outcome, peak: int, label: str) -> None:
        self.slowest = max(self.slowest, (outcome.seconds, label))
        self.largest = max(self.largest, (peak, label))
        if outcome.problem:
            kind = (
                "hang" if "no answer" in outcome.problem else "exit 3" if outcome.exit_code else "exception"
            )
            self.counts[kind] += 1
            print(f"FAIL {label}: {outcome.problem[:300]}")

    def report(self) -> int:
        counts = self.counts
        runs = self.tried * len(COMMANDS)
        print(f"mutated specs tried: {self.tried:,} ({runs:,} runs of table, lint, explain)")
        print(f"tracebacks (escaped exceptions): {counts['exception']}, internal errors (exit 3): "
              f"{counts['exit 3']}, hangs (> 10 s): {counts['hang']}")  # fmt: skip
        print(f"slowest run: {self.slowest[0]:.2f} s ({self.slowest[1]}); largest: "
              f"{self.largest[0] / 2**20:.1f} MiB traced ({self.largest[1]})")  # fmt: skip
        return sum(counts.values())


def fuzz(minutes: float, seed: int, out: Path) -> int:
    """Mutants from seed after seed until the time is up; failing ones saved to `out`."""
    deadline, tally, work = time.monotonic() + 60 * minutes, Tally(), Path(tempfile.mkdtemp())
    tracemalloc.start()
    while time.monotonic() < deadline:
        for number, source, text in mutated(seed, 500):
            path = work / f"s{seed}-m{number}.yaml"
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            for command in COMMANDS:
                tracemalloc.reset_peak()
                outcome = run_one(path, command)
                tally.add(outcome, tracemalloc.get_traced_memory()[1], f"seed {seed} mutant {number} "
                          f"({source.name}) {outcome.command}")  # fmt: skip
                if outcome.problem:
                    (out / path.name).write_text(text, encoding="utf-8", errors="surrogatepass")
            path.unlink()
            tally.tried += 1
            if time.monotonic() >= deadline:
                break
        seed += 1
    return tally.report()


def random_specs(count: int) -> int:
    import torch

    from archcalc.backends.torch import build, nchw
    from archcalc.backends.verify import verify
    from archcalc.engine import analyze
    from tests.fuzz.generate import SpecGenerator

    failures, layers = 0, 0
    for seed in range(count):
        text, spec = SpecGenerator(seed).spec()
        report = analyze(spec)
        layers += len(report.rows)
        verification = verify(spec)
        with torch.no_grad():
            output = build(spec, report).eval()(torch.zeros(nchw(report.input)))
        if not verification.ok or tuple(output.shape) != nchw(report.output):
            failures += 1
            print(f"FAIL random spec seed {seed}:\n{text}")
    print(
        f"random valid specs: {count:,} ({layers:,} rows), engine == torch on {count - failures:,} "
        f"({100 * (count - failures) / max(count, 1):.1f}%): shapes, params, FLOPs and a real forward pass"
    )
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--random", type=int, default=0, help="random valid specs to check against torch")
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"))
    options = parser.parse_args()
    options.out.mkdir(exist_ok=True)
    import warnings

    warnings.filterwarnings("ignore")
    failures = fuzz(options.minutes, options.seed, options.out) if options.minutes > 0 else 0
    failures += random_specs(options.random) if options.random else 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
