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
    result = bench(spec_from(TINY), BenchOptions(batches=(1, 4), warmup=1, iters=3, mode=mode))
    flops = STEP_FLOPS[mode]
    assert (result.device, result.dtype, result.mode, result.flops_per_sample) == ("cpu", "fp32", mode, flops)
    assert result.threads >= 1 and result.torch_version
    for row, batch in zip(result.rows, (1, 4), strict=True):
        assert (row.batch, row.status, row.iterations) == (batch, "ok", 3)
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


def test_a_time_budget_runs_at_least_three_iterations():
    result = bench(spec_from(TINY), BenchOptions(batches=(1,), warmup=0, budget=0.0))
    assert result.rows[0].iterations == 3


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
