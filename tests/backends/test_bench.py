"""bench on the CPU with tiny counts: the structure and the arithmetic of the result, never the speed."""

import json

import pytest

from archcalc.backends.bench import BenchOptions, bench
from archcalc.render.torch import bench_csv, bench_json
from tests.conftest import spec_from

TINY = "name: tiny\ninput: [8, 8, 1]\nlayers:\n  - conv: {filters: 2, kernel: 3}\n  - flatten\n  - dense: 3\n"
# MACs per sample: 6·6·2·9 = 648 (conv) + 72·3 = 216 (dense) = 864, so 1,728 FLOPs; a training step adds
# the conv's weight gradient (648; its input is the image: no input gradient) and the dense layer's two (216
# each): 864 + 1,080 = 1,944 MACs, 3,888 FLOPs
STEP_FLOPS = {"infer": 1_728, "train": 3_888}


@pytest.mark.parametrize("mode", ["infer", "train"])
def test_a_sweep_reports_every_batch_size_with_consistent_figures(mode):
    result = bench(spec_from(TINY), BenchOptions(batches=(1, 4), warmup=1, iters=2, runs=3, mode=mode))
    flops = STEP_FLOPS[mode]
    assert (result.device, result.dtype, result.mode, result.flops_per_sample) == ("cpu", "fp32", mode, flops)
    assert result.threads >= 1 and result.torch_version
    for row, batch in zip(result.rows, (1, 4), strict=True):
        assert (row.batch, row.status, row.runs, row.iters_per_run, row.warmup_iterations) == (
            batch,
            "ok",
            3,
            2,
            1,
        )
        assert row.first_call_ms > 0 and row.second_call_ms > 0
        assert 0 < row.p10_ms <= row.median_ms <= row.p90_ms
        assert row.samples_per_s == pytest.approx(batch / (row.median_ms / 1000))
        assert row.achieved_flops_per_s == pytest.approx(flops * batch / (row.median_ms / 1000))
        assert row.mfu is None  # no GPU here: no peak to compare with


def test_json_and_csv_carry_the_context_of_the_run():
    result = bench(
        spec_from(TINY), BenchOptions(batches=(2,), warmup=0, iters=2, dtype="bf16", channels_last=True)
    )
    record = json.loads(bench_json(result))
    assert {"device", "torch_version", "dtype", "layout", "compile", "threads", "mode", "rows"} <= set(record)
    assert (record["dtype"], record["layout"]) == ("bf16", "channels_last")
    assert set(record["rows"][0]) >= {"batch", "median_ms", "p10_ms", "p90_ms", "samples_per_s",
                                      "peak_memory_bytes", "achieved_flops_per_s", "mfu"}  # fmt: skip
    header, line = bench_csv(result).splitlines()
    assert header.startswith("name,device,device_name,torch_version,dtype,layout,compile,mode,threads")
    assert line.startswith("tiny,cpu,")


def test_a_time_budget_times_at_least_three_runs():
    result = bench(spec_from(TINY), BenchOptions(batches=(1,), warmup=0, budget=0.0))
    assert result.rows[0].runs == 3


def test_a_failing_batch_size_is_reported_in_its_row_and_the_sweep_goes_on(monkeypatch):
    import archcalc.backends.bench as module

    real = module._Run.measure

    def measure(self, batch):
        if batch == 2:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2 GiB")
        return real(self, batch)

    monkeypatch.setattr(module._Run, "measure", measure)
    result = bench(spec_from(TINY), BenchOptions(batches=(1, 2, 3), warmup=0, iters=1))
    assert [(row.batch, row.status) for row in result.rows] == [(1, "ok"), (2, "oom"), (3, "ok")]


def test_ctrl_c_keeps_what_was_measured(monkeypatch):
    import archcalc.backends.bench as module

    real = module._Run.measure

    def measure(self, batch):
        if batch == 2:
            raise KeyboardInterrupt
        return real(self, batch)

    monkeypatch.setattr(module._Run, "measure", measure)
    result = bench(spec_from(TINY), BenchOptions(batches=(1, 2, 3), warmup=0, iters=1))
    assert result.interrupted and [row.batch for row in result.rows] == [1]


class Ticks:
    """A clock whose marks are counted, each iteration taking `seconds[i]`."""

    def __init__(self, seconds):
        self.seconds_of, self.now, self.marks = list(seconds), 0.0, 0

    def mark(self):
        self.marks += 1
        return self.now

    def seconds(self, start, end):
        return end - start

    def settle(self):
        pass

    def step(self):
        self.now += self.seconds_of.pop(0) if self.seconds_of else 1.0

    def time(self, work, iterations=1):
        from archcalc.backends.timing import Clock

        return Clock.time(self, work, iterations)


def test_warm_up_runs_until_three_iterations_agree_within_5_percent():
    from archcalc.backends.timing import warm_up

    clock = Ticks([9.0, 3.0, 1.2, 1.0, 1.02, 0.99, 5.0])
    assert warm_up(clock.step, clock, None) == 6  # 1.0, 1.02, 0.99: settled
    assert warm_up(Ticks([]).step, Ticks([]), 4) == 4  # a fixed count is a fixed count


def test_a_run_of_n_iterations_sits_between_one_pair_of_marks():
    from archcalc.backends.timing import timed_runs

    clock = Ticks([1.0] * 10 + [2.0] * 10)
    done = []
    per_iteration = timed_runs(clock.step, clock, iters=10, runs=2, progress=done.append)
    assert per_iteration == [1.0, 2.0] and clock.marks == 4 and done == [1, 2]


def test_the_settings_are_made_and_recorded():
    import torch

    from archcalc.backends import device

    threads, cudnn = torch.get_num_threads(), torch.backends.cudnn
    before = (cudnn.allow_tf32, cudnn.benchmark)
    try:
        options = BenchOptions(warmup=0, iters=1, runs=1, tf32=True, cudnn_benchmark=False, threads=1)
        result = bench(spec_from(TINY), options)
        assert torch.backends.cuda.matmul.allow_tf32 and torch.backends.cudnn.allow_tf32
        assert not torch.backends.cudnn.benchmark and torch.get_num_threads() == 1
        assert (result.tf32, result.cudnn_benchmark, result.threads) == (True, False, 1)
        assert result.methodology.startswith("first and second calls timed apart")
    finally:
        device.configure(before[0], before[1], threads)
        torch.backends.cuda.matmul.allow_tf32 = False


def test_mfu_is_taken_against_the_tf32_peak_when_tf32_is_on(monkeypatch):
    import torch

    from archcalc.backends import roofline

    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "NVIDIA A100-SXM4-80GB")
    cuda = torch.device("cuda")
    assert roofline.datasheet(cuda, "fp32", tf32=False).peak_flops == 19.5e12
    assert roofline.datasheet(cuda, "fp32", tf32=True).peak_flops == 156e12
    assert roofline.datasheet(torch.device("cpu"), "fp32", tf32=True) is None  # no datasheet: no MFU


def test_compile_mode_is_handed_to_torch_compile(monkeypatch):
    import torch

    modes = []
    monkeypatch.setattr(torch, "compile", lambda model, mode=None: modes.append(mode) or model)
    result = bench(
        spec_from(TINY), BenchOptions(warmup=0, iters=1, runs=1, compile=True, compile_mode="max-autotune")
    )
    assert modes == ["max-autotune"] and result.compile_mode == "max-autotune"


@pytest.mark.parametrize(
    ("options", "why"),
    [
        ({}, "CUDA graphs need a CUDA device, and this run is on cpu"),
        ({"device": "cuda", "mode": "train"}, "CUDA graphs replay a forward pass: use --mode infer"),
        ({"device": "cuda", "compile": True}, "--compile-mode reduce-overhead captures graphs itself"),
    ],
)
def test_cuda_graphs_are_refused_where_they_cannot_run(options, why):
    from archcalc.errors import SettingError

    with pytest.raises(SettingError, match=why):
        bench(spec_from(TINY), BenchOptions(cuda_graphs=True, **options))


def test_a_cuda_graph_is_captured_after_a_side_stream_warm_up_and_replayed(monkeypatch):
    import contextlib

    import torch

    from archcalc.backends import device

    calls = []

    class Graph:
        def replay(self):
            calls.append("replay")

    class Stream:
        def wait_stream(self, other):
            calls.append("wait")

    monkeypatch.setattr(torch.cuda, "Stream", Stream)
    monkeypatch.setattr(torch.cuda, "current_stream", Stream)
    monkeypatch.setattr(torch.cuda, "CUDAGraph", Graph)
    monkeypatch.setattr(torch.cuda, "stream", lambda stream: contextlib.nullcontext())
    monkeypatch.setattr(torch.cuda, "graph", lambda graph: contextlib.nullcontext(calls.append("capture")))
    replay = device.graphed(lambda: calls.append("step"))
    replay()
    assert calls == ["wait", "step", "wait", "capture", "step", "replay"]
