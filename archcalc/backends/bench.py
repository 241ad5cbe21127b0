"""A quick, honest benchmark of a spec built in torch: a batch-size sweep with medians and spreads.

Timing: CUDA events with synchronisation on a GPU, `time.perf_counter` on the CPU (thread count recorded);
warm-up runs at the measured shape first. Per batch size: median, p10 and p90 of the per-iteration times,
samples/s, peak memory (CUDA: max_memory_allocated after a reset; CPU: growth of the process's peak RSS, a
proxy), achieved FLOP/s from the engine's exact FLOPs (of a training step: forward + backward, from
analyses/training.py, with frozen layers frozen in torch too), and on a known GPU the
MFU against its dense peak for the dtype. Out-of-memory at one batch size is reported in that row and the
sweep goes on; Ctrl-C ends the sweep and keeps what was measured.
"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch

from archcalc.analyses.training import training
from archcalc.backends.profile import Profile, Target, profile
from archcalc.backends.roofline import datasheet, roofline
from archcalc.backends.torch import build, freeze, nchw
from archcalc.engine import analyze
from archcalc.report import Report
from archcalc.shapes import Shape
from archcalc.spec.model import Spec

DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}

Progress = Callable[[int, int, int], None]
"""Called as (batch size, iterations done, iterations planned) while a batch size is measured."""


@dataclass(frozen=True)
class BenchOptions:
    device: str = "auto"
    batches: tuple[int, ...] = (1,)
    dtype: str = "fp32"
    channels_last: bool = False
    compile: bool = False
    mode: str = "infer"
    warmup: int = 3
    iters: int = 10
    budget: float | None = None
    """Seconds per batch size: when given, iterate until it is spent (at least 3 iterations)."""


@dataclass(frozen=True)
class BenchRow:
    batch: int
    status: str  # "ok", "oom" or "error: …"
    iterations: int = 0
    median_ms: float = 0.0
    p10_ms: float = 0.0
    p90_ms: float = 0.0
    samples_per_s: float = 0.0
    peak_memory_bytes: int = 0
    achieved_flops_per_s: float = 0.0
    mfu: float | None = None


@dataclass
class BenchResult:
    name: str
    device: str
    device_name: str
    torch_version: str
    dtype: str
    layout: str
    compile: bool
    mode: str
    threads: int
    flops_per_sample: int
    rows: list[BenchRow] = field(default_factory=list)
    interrupted: bool = False


def bench(
    spec: Spec, options: BenchOptions, progress: Progress | None = None, input_shape: Shape | None = None
) -> BenchResult:
    """Measure `spec` (at `input_shape`, default its own input) at every batch size of `options`; never
    raises for one batch size's failure."""
    report = analyze(spec, input_shape)
    device = _device(options.device)
    result = _context(spec, report, device, options)
    model = _model(spec, report, device, options)
    run = _Run(model, report, device, options, progress or (lambda *_: None), result.flops_per_sample)
    try:
        for batch in options.batches:
            result.rows.append(run.measure_safely(batch))
    except KeyboardInterrupt:
        result.interrupted = True
    return result


def per_layer(
    spec: Spec, options: BenchOptions, input_shape: Shape | None = None
) -> tuple[BenchResult, Profile]:
    """Where a forward pass at the first batch size of `options` spends its time, layer by layer and block
    by block (backends/profile.py), after `warmup` passes, over `iters` timed passes."""
    report = analyze(spec, input_shape)
    device = _device(options.device)
    result = _context(spec, report, device, options)
    model = _model(spec, report, device, options)
    batch = options.batches[0]
    step = _Run(model, report, device, options, lambda *_: None, result.flops_per_sample).step(batch)
    for _ in range(options.warmup):
        step()
    target = Target(model, report, step, device, batch, options.dtype)
    return result, profile(target, options.iters, roofline(device, options.dtype, tf32=False))


def _context(spec: Spec, report: Report, device: Any, options: BenchOptions) -> BenchResult:
    """The result's record of what ran where, before any row is measured."""
    return BenchResult(
        spec.name, device.type, _device_name(device), torch.__version__, options.dtype,
        "channels_last" if options.channels_last else "contiguous", options.compile, options.mode,
        torch.get_num_threads(), _flops_per_sample(report, options.mode),
    )  # fmt: skip


def _flops_per_sample(report: Report, mode: str) -> int:
    """The engine's FLOPs of one sample: a forward pass, or a training step (forward + backward)."""
    return training(report).step_flops if mode == "train" else report.totals.flops


def _device(requested: str) -> Any:
    if requested != "auto":
        return torch.device(requested)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    return torch.device("mps" if mps is not None and mps.is_available() else "cpu")


def _device_name(device: Any) -> str:
    if device.type == "cuda":
        return str(torch.cuda.get_device_name(device))
    import platform

    return platform.processor() or platform.machine()


def _model(spec: Spec, report: Report, device: Any, options: BenchOptions) -> Any:
    model = build(spec, report).to(device)
    if options.channels_last and len(report.input) == 3:
        model = model.to(memory_format=torch.channels_last)
    model.train(options.mode == "train")
    freeze(model, report)
    return torch.compile(model) if options.compile else model


@dataclass(frozen=True)
class _Run:
    """One benchmark: the model on its device, the engine's report, the options."""

    model: Any
    report: Report
    device: Any
    options: BenchOptions
    progress: Progress
    flops_per_sample: int
    """The engine's FLOPs of one sample for the benchmark's mode (inference, or a training step)."""

    def measure_safely(self, batch: int) -> BenchRow:
        try:
            return self.measure(batch)
        except (torch.cuda.OutOfMemoryError, MemoryError):
            return BenchRow(batch, "oom")
        except RuntimeError as exc:
            if "out of memory" in str(exc):
                return BenchRow(batch, "oom")
            return BenchRow(batch, f"error: {str(exc).splitlines()[0]}")
        finally:
            if self.device.type == "cuda":
                torch.cuda.empty_cache()

    def measure(self, batch: int) -> BenchRow:
        memory_before = _reset_memory(self.device)  # before the warm-up, which is when activations grow
        step = self.step(batch)
        for _ in range(self.options.warmup):
            step()
        times = self.timed(step, batch)
        median = statistics.median(times)
        flops_per_s = self.flops_per_sample * batch / median
        return BenchRow(
            batch, "ok", len(times), median_ms=1000 * median, p10_ms=1000 * _quantile(times, 0.1),
            p90_ms=1000 * _quantile(times, 0.9), samples_per_s=batch / median,
            peak_memory_bytes=_peak_memory(self.device, memory_before), achieved_flops_per_s=flops_per_s,
            mfu=_mfu(self.device, self.options.dtype, flops_per_s),
        )  # fmt: skip

    def step(self, batch: int) -> Callable[[], None]:
        """One iteration: a forward pass, or forward + backward + optimizer step on a random target."""
        model, device, dtype = self.model, self.device, DTYPES[self.options.dtype]
        x = torch.randn(nchw(self.report.input, batch), device=device)
        if self.options.channels_last and x.dim() == 4:
            x = x.contiguous(memory_format=torch.channels_last)

        def autocast() -> Any:
            return torch.autocast(device.type, dtype=dtype, enabled=dtype != torch.float32)

        if self.options.mode != "train":

            def infer() -> None:
                with torch.inference_mode(), autocast():
                    model(x)

            return infer
        optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
        target = torch.randn(nchw(self.report.output, batch), device=device)

        def train() -> None:
            optimizer.zero_grad(set_to_none=True)
            with autocast():
                loss = torch.nn.functional.mse_loss(model(x).float(), target)
            loss.backward()  # type: ignore[no-untyped-call]
            optimizer.step()

        return train

    def timed(self, step: Callable[[], None], batch: int) -> list[float]:
        """Seconds per iteration: `iters` of them, or as many as fit in the budget (at least 3)."""
        iters, budget = self.options.iters, self.options.budget
        deadline = None if budget is None else time.perf_counter() + budget
        times: list[float] = []
        while _more(len(times), iters, deadline):
            times.append(_time_one(step, self.device))
            self.progress(batch, len(times), iters if deadline is None else len(times))
        return times


def _more(done: int, iters: int, deadline: float | None) -> bool:
    return done < iters if deadline is None else done < 3 or time.perf_counter() < deadline


def _time_one(step: Callable[[], None], device: Any) -> float:
    if device.type != "cuda":
        start = time.perf_counter()
        step()
        return time.perf_counter() - start
    begin = torch.cuda.Event(enable_timing=True)  # type: ignore[no-untyped-call]
    end = torch.cuda.Event(enable_timing=True)  # type: ignore[no-untyped-call]
    begin.record()
    step()
    end.record()
    torch.cuda.synchronize(device)
    return float(begin.elapsed_time(end)) / 1000


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[round(q * (len(ordered) - 1))]


def _reset_memory(device: Any) -> int:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _peak_memory(device: Any, before: int) -> int:
    if device.type == "cuda":
        return int(torch.cuda.max_memory_allocated(device))
    return max(0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before)


def _mfu(device: Any, dtype: str, flops_per_s: float) -> float | None:
    """Achieved over peak dense FLOP/s for a known GPU and dtype (backends/roofline.py); None elsewhere."""
    peaks = datasheet(device, dtype, tf32=False)
    return None if peaks is None else flops_per_s / peaks.peak_flops
