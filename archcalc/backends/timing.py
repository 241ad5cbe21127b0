"""How archcalc times torch (timm's benchmark methodology): a clock that adds no synchronisation inside what
it times, warm-up until the time settles, and runs of N iterations between one pair of marks, the
per-iteration time being a run's time / N and the spread coming from repeated runs.

On a GPU the marks are CUDA events read after one synchronisation (a synchronisation per iteration would add
the launch latency to every small batch); on the CPU and MPS, `time.perf_counter` after a synchronisation.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import torch

SETTLED = 0.05
"""Warm-up is over when the last three iterations are within 5% of their median (`--warmup auto`)."""
MAX_WARMUP = 50


class Clock:
    """Time marks: perf_counter values on the CPU, recorded CUDA events on a GPU (read once, at the end)."""

    def __init__(self, device: Any) -> None:
        self.cuda = device.type == "cuda"
        self.device = device

    def mark(self) -> Any:
        if not self.cuda:
            return time.perf_counter()
        event = torch.cuda.Event(enable_timing=True)  # type: ignore[no-untyped-call]
        event.record()
        return event

    def seconds(self, start: Any, end: Any) -> float:
        return float(start.elapsed_time(end)) / 1000 if self.cuda else float(end - start)

    def settle(self) -> None:
        """Wait for the device to finish what was queued."""
        if self.cuda:
            torch.cuda.synchronize(self.device)
        elif self.device.type == "mps":
            torch.mps.synchronize()

    def time(self, work: Callable[[], Any], iterations: int = 1) -> float:
        """Seconds for `iterations` calls of `work` between one pair of marks."""
        self.settle()
        start = self.mark()
        for _ in range(iterations):
            work()
        end = self.mark()
        self.settle()
        return self.seconds(start, end)


def warm_up(step: Callable[[], Any], clock: Clock, count: int | None) -> int:
    """Run `count` untimed iterations, or (None) until the time settles, at most MAX_WARMUP; how many ran."""
    if count is not None:
        for _ in range(count):
            step()
        return count
    times: list[float] = []
    while len(times) < MAX_WARMUP:
        times.append(clock.time(step))
        last = times[-3:]
        if len(last) == 3 and max(last) - min(last) <= SETTLED * statistics.median(last):
            break
    return len(times)


def timed_runs(
    step: Callable[[], Any], clock: Clock, iters: int, runs: int, *, budget: float | None = None,
    progress: Callable[[int], None] = lambda done: None,
) -> list[float]:  # fmt: skip
    """Seconds per iteration of each run of `iters` iterations: `runs` runs, or as many as `budget` seconds
    allow, at least 3; `progress` is told how many runs are done after each."""
    deadline = None if budget is None else time.perf_counter() + budget
    per_iteration: list[float] = []
    while _more(len(per_iteration), runs, deadline):
        per_iteration.append(clock.time(step, iters) / iters)
        progress(len(per_iteration))
    return per_iteration


def _more(done: int, runs: int, deadline: float | None) -> bool:
    return done < runs if deadline is None else done < 3 or time.perf_counter() < deadline
