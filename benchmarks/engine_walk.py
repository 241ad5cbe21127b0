"""How fast the engine walks a spec, in-process (issue #3 target: ResNet-1001 for CIFAR in well under 50 ms).

Usage: python benchmarks/engine_walk.py [--runs 20]
Prints the median parse and walk times of specs/resnet1001-cifar.yaml, then a sweep over generated specs of
10 to 10,000 layers (residual blocks of two 3×3 convs on 32×32×16) to show that time grows linearly.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from archcalc.engine import analyze
from archcalc.spec.model import load_spec, parse_spec_text

TARGET_MS = 50.0
SPEC = Path(__file__).resolve().parent.parent / "specs" / "resnet1001-cifar.yaml"


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def generated(blocks: int) -> str:
    """A spec of `blocks` residual blocks (two convs, an add: 3 rows each) plus a stem conv."""
    return f"""\
name: sweep
input: [32, 32, 16]
blocks:
  block:
    - residual:
        body:
          - conv: {{filters: 16, kernel: 3, padding: 1, bn: true, act: relu}}
          - conv: {{filters: 16, kernel: 3, padding: 1, bn: true}}
        act: relu
layers:
  - conv: {{filters: 16, kernel: 3, padding: 1}}
  - block: {{repeat: {blocks}}}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    spec = load_spec(SPEC)
    rows = analyze(spec).rows
    leaves = sum(not row.container for row in rows)
    parse = median_ms(lambda: load_spec(SPEC), runs)
    walk = median_ms(lambda: analyze(spec), runs)
    print(
        f"resnet1001-cifar: {leaves:,} layers ({len(rows):,} rows): parse {parse:.1f} ms, "
        f"walk {walk:.1f} ms (target: walk < {TARGET_MS:.0f} ms)"
    )
    print(f"{'layers':>8} {'parse ms':>9} {'walk ms':>8} {'walk µs/layer':>14}")
    for blocks in (3, 33, 333, 3_333):
        text = generated(blocks)
        sweep = parse_spec_text(text)
        layers = sum(not row.container for row in analyze(sweep).rows)
        sweep_parse = median_ms(lambda text=text: parse_spec_text(text), max(3, runs // 4))
        sweep_walk = median_ms(lambda spec=sweep: analyze(spec), max(3, runs // 4))
        print(f"{layers:>8,} {sweep_parse:>9.1f} {sweep_walk:>8.1f} {1000 * sweep_walk / layers:>14.1f}")
    return 0 if walk < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
