"""Long fuzzing runs: mutated specs through table, lint and explain, and random valid specs against torch.

Usage: python benchmarks/fuzz.py [--minutes 10] [--seed S] [--random N] [--out DIR]
Mutants come from tests/fuzz/mutate.py (the CI suite runs the same with one fixed seed); each run is
in-process, under a 10 s alarm. Prints files tried, escaped exceptions (tracebacks), internal errors
(exit 3), hangs, the slowest run, and the largest Python allocation peak (tracemalloc) among the ten slowest
runs (tracing every run would slow them all); saves every failing mutant to --out. With --random N, also
checks N random valid specs against torch (tests/fuzz/generate.py): every layer's shape, params and FLOPs,
and a real forward pass. Exits 1 on any failure.
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
    slowest: list[tuple[float, str, tuple[str, ...], str]] = field(default_factory=list)
    """The slowest runs: (seconds, label, command, the mutant's text), to measure their memory after."""

    def add(self, outcome: Outcome, label: str, command: tuple[str, ...], text: str) -> None:
        self.slowest = sorted([*self.slowest, (outcome.seconds, label, command, text)], reverse=True)[:10]
        if outcome.problem:
            hang = "no answer" in outcome.problem
            self.counts["hang" if hang else "exit 3" if outcome.exit_code else "exception"] += 1
            print(f"FAIL {label}: {outcome.problem[:300]}")

    def report(self, work: Path) -> int:
        counts, runs = self.counts, self.tried * len(COMMANDS)
        print(f"mutated specs tried: {self.tried:,} ({runs:,} runs of table, lint, explain)")
        print(f"tracebacks (escaped exceptions): {counts['exception']}, internal errors (exit 3): "
              f"{counts['exit 3']}, hangs (> 10 s): {counts['hang']}")  # fmt: skip
        seconds, label, _, _ = self.slowest[0]
        print(f"slowest run: {seconds:.2f} s ({label}); largest of the 10 slowest: {self._largest(work)}")
        return sum(counts.values())

    def _largest(self, work: Path) -> str:
        """The peak Python allocations (tracemalloc) of the slowest runs, run again: the largest one."""
        tracemalloc.start()
        peaks = []
        for _, label, command, text in self.slowest:
            path = work / "again.yaml"
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            tracemalloc.reset_peak()
            run_one(path, command, bound=60)
            peaks.append((tracemalloc.get_traced_memory()[1], label))
        tracemalloc.stop()
        peak, label = max(peaks)
        return f"{peak / 2**20:.1f} MiB traced ({label})"


def fuzz(minutes: float, seed: int, out: Path) -> int:
    """Mutants from seed after seed until the time is up; failing ones saved to `out`."""
    deadline, tally, work = time.monotonic() + 60 * minutes, Tally(), Path(tempfile.mkdtemp())
    while time.monotonic() < deadline:
        for number, source, text in mutated(seed, 500):
            path = work / f"s{seed}-m{number}.yaml"
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            for command in COMMANDS:
                outcome = run_one(path, command)
                tally.add(
                    outcome, f"seed {seed} mutant {number} ({source.name}) {outcome.command}", command, text
                )
                if outcome.problem:
                    (out / path.name).write_text(text, encoding="utf-8", errors="surrogatepass")
            path.unlink()
            tally.tried += 1
            if time.monotonic() >= deadline:
                break
        seed += 1
    return tally.report(work)


def random_specs(count: int) -> int:
    import torch

    from archcalc.backends.torch import build, nchw
    from archcalc.backends.verify import verify
    from archcalc.engine import analyze
    from tests.fuzz.generate import SpecGenerator

    failures, layers, kept_exact = 0, 0, 0
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
        kept_exact += kept_agrees(spec, seed)
    print(
        f"random valid specs: {count:,} ({layers:,} rows), engine == torch on {count - failures:,} "
        f"({100 * (count - failures) / max(count, 1):.1f}%): shapes, params, FLOPs and a real forward pass; "
        f"what autograd keeps for the backward pass equals archcalc's figure to the byte on {kept_exact:,}"
    )
    return failures


def kept_agrees(spec: object, seed: int) -> bool:
    """Whether the bytes autograd keeps in a training-mode forward pass are archcalc's, to the byte (not a
    failure when not: the README names the causes known, the views torch copies before keeping)."""
    from archcalc.backends.measure import training_memory

    check = training_memory(spec)  # type: ignore[arg-type]
    if check.measured_bytes != check.predicted_bytes:
        print(f"random spec seed {seed}: kept for backward {check.measured_bytes:,} bytes, archcalc "
              f"{check.predicted_bytes:,}")  # fmt: skip
    return check.measured_bytes == check.predicted_bytes


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
