"""A benchmark of a spec built in torch that can be trusted on any device: a batch-size sweep, timed with
timm's methodology (backends/timing.py) under settings stated in every result (backends/device.py).

Per batch size: the first call at that shape timed apart (it compiles, searches cuDNN algorithms,
allocates), warm-up until the time settles (or a fixed count), then runs of N iterations between one pair
of marks; median, p10 and p90 over the runs of the per-iteration time, samples/s, peak memory, achieved
FLOP/s from the engine's exact FLOPs (of a training step: forward + backward, frozen layers frozen in torch
too), and on a known GPU the MFU against its peak for the dtype (the TF32 tensor-core peak when TF32 is on).
Out-of-memory at one batch size is reported in that row and the sweep goes on; Ctrl-C keeps what was
measured.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch

from archcalc.analyses.training import training
from archcalc.backends import device as devices
from archcalc.backends.profile import Profile, Target, profile
from archcalc.backends.roofline import datasheet, roofline
from archcalc.backends.timing import Clock, timed_runs, warm_up
from archcalc.backends.torch import build, freeze, nchw
from archcalc.engine import analyze
from archcalc.errors import SettingError
from archcalc.report import Report
from archcalc.shapes import Shape
from archcalc.spec.model import Spec

METHODOLOGY = (
    "first and second calls timed apart; warm-up until 3 iterations agree within 5% (or a fixed count); "
    "runs of N iterations between one pair of marks (CUDA events, else perf_counter); spread over the runs"
)

Progress = Callable[[int, int, int], None]
"""Called as (batch size, runs done, runs planned) while a batch size is measured."""


@dataclass(frozen=True)
class BenchOptions:
    device: str = "auto"
    batches: tuple[int, ...] = (1,)
    dtype: str = "fp32"
    channels_last: bool = False
    compile: bool = False
    compile_mode: str = "default"
    mode: str = "infer"
    warmup: int | None = None
    """Untimed iterations before timing; None: until the time settles."""
    iters: int = 10
    """Iterations per timed run."""
    runs: int = 5
    budget: float | None = None
    """Seconds per batch size: when given, runs go on until it is spent (at least 3)."""
    tf32: bool = False
    cudnn_benchmark: bool = True
    cuda_graphs: bool = False
    threads: int | None = None


@dataclass(frozen=True)
class BenchRow:
    batch: int
    status: str  # "ok", "oom" or "error: …"
    runs: int = 0
    iters_per_run: int = 0
    warmup_iterations: int = 0
    first_call_ms: float = 0.0
    """The first call at this batch size: compilation, cuDNN's search, allocation and one iteration."""
    second_call_ms: float = 0.0
    """The call after it: first call − second call is the compilation's (and the search's) time."""
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
    interop_threads: int = 0
    compile_mode: str = ""
    tf32: bool = False
    cudnn_benchmark: bool = False
    cuda_graphs: bool = False
    cuda_version: str = ""
    cudnn_version: str = ""
    cuda_driver: str = ""
    methodology: str = METHODOLOGY
    rows: list[BenchRow] = field(default_factory=list)
    interrupted: bool = False


def bench(
    spec: Spec, options: BenchOptions, progress: Progress | None = None, input_shape: Shape | None = None
) -> BenchResult:
    """Measure `spec` (at `input_shape`, default its own input) at every batch size of `options`; never
    raises for one batch size's failure."""
    result, run = _prepared(spec, options, input_shape, progress or (lambda *_: None))
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
    by block (backends/profile.py), after warm-up, over `iters` timed passes."""
    result, run = _prepared(spec, options, input_shape, lambda *_: None)
    batch, device = options.batches[0], run.device
    step = run.step(batch)
    warm_up(step, Clock(device), options.warmup)
    target = Target(run.model, run.report, step, device, batch, options.dtype)
    return result, profile(target, options.iters, roofline(device, options.dtype, options.tf32))


def _prepared(
    spec: Spec, options: BenchOptions, input_shape: Shape | None, progress: Progress
) -> tuple[BenchResult, _Run]:
    """The engine's report, the device with its settings made, the result's record of them, and the model
    built there, ready to run (what both benchmarks start from)."""
    report = analyze(spec, input_shape)
    device = devices.pick(options.device)
    _check_graphs(options, device)
    result = _context(spec, report, device, options)
    model = _model(spec, report, device, options)
    return result, _Run(model, report, device, options, progress, result.flops_per_sample)


def _check_graphs(options: BenchOptions, device: Any) -> None:
    """CUDA graphs replay an inference pass on a GPU; anything else is refused before anything runs."""
    if not options.cuda_graphs:
        return
    why = ("need a CUDA device, and this run is on " + device.type if device.type != "cuda"
           else "replay a forward pass: use --mode infer" if options.mode != "infer"
           else "and --compile do not mix: --compile-mode reduce-overhead captures graphs itself"
           if options.compile else "")  # fmt: skip
    if why:
        raise SettingError(f"CUDA graphs {why}", "cuda-graphs")


def _context(spec: Spec, report: Report, device: Any, options: BenchOptions) -> BenchResult:
    """The result's record of what ran where and how, before any row is measured (the device's settings
    are made here)."""
    devices.configure(options.tf32, options.cudnn_benchmark, options.threads)
    return BenchResult(
        spec.name, device.type, devices.name_of(device), torch.__version__, options.dtype,
        "channels_last" if options.channels_last else "contiguous", options.compile, options.mode,
        torch.get_num_threads(), _flops_per_sample(report, options.mode), torch.get_num_interop_threads(),
        options.compile_mode if options.compile else "", options.tf32, options.cudnn_benchmark,
        options.cuda_graphs, *devices.versions(device),
    )  # fmt: skip


def _flops_per_sample(report: Report, mode: str) -> int:
    """The engine's FLOPs of one sample: a forward pass, or a training step (forward + backward)."""
    return training(report).step_flops if mode == "train" else report.totals.flops


def _model(spec: Spec, report: Report, device: Any, options: BenchOptions) -> Any:
    model = build(spec, report).to(device)
    if options.channels_last and len(report.input) == 3:
        model = model.to(memory_format=torch.channels_last)
    model.train(options.mode == "train")
    freeze(model, report)
    return torch.compile(model, mode=options.compile_mode) if options.compile else model


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
        memory_before = devices.reset_memory(self.device)  # before the first call, when activations grow
        clock, options = Clock(self.device), self.options
        step = self.step(batch)
        first, second = clock.time(step), clock.time(step)
        warmed = warm_up(step, clock, options.warmup)
        if options.cuda_graphs:
            step = devices.graphed(step)
        times = self.timed(step, clock, batch)
        median = statistics.median(times)
        flops_per_s = self.flops_per_sample * batch / median
        peaks = datasheet(self.device, options.dtype, options.tf32)
        return BenchRow(
            batch, "ok", len(times), options.iters, warmed, 1000 * first, 1000 * second,
            median_ms=1000 * median, p10_ms=1000 * _quantile(times, 0.1), p90_ms=1000 * _quantile(times, 0.9),
            samples_per_s=batch / median, peak_memory_bytes=devices.peak_memory(self.device, memory_before),
            achieved_flops_per_s=flops_per_s, mfu=None if peaks is None else flops_per_s / peaks.peak_flops,
        )  # fmt: skip

    def step(self, batch: int) -> Callable[[], None]:
        """One iteration: a forward pass, or forward + backward + optimizer step on a random target."""
        model, device, dtype = self.model, self.device, devices.DTYPES[self.options.dtype]
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

    def timed(self, step: Callable[[], None], clock: Clock, batch: int) -> list[float]:
        """Seconds per iteration of each timed run (backends/timing.py), reporting progress."""
        options = self.options
        planned = options.runs if options.budget is None else 0

        def report(done: int) -> None:
            self.progress(batch, done, planned or done)

        return timed_runs(step, clock, options.iters, options.runs, budget=options.budget, progress=report)


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[round(q * (len(ordered) - 1))]
