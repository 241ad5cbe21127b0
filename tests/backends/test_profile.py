"""bench --per-layer: each layer's time beside its FLOPs and bytes, the roofline, and how the times add up."""

import json

import pytest
import torch
from typer.testing import CliRunner

from archcalc.backends import profile as profiling
from archcalc.backends import roofline as rooflines
from archcalc.backends.bench import BenchOptions, per_layer
from archcalc.backends.timing import Clock
from archcalc.cli import app
from archcalc.spec.model import load_spec
from tests.paths import SPECS

runner = CliRunner()


@pytest.fixture(scope="module")
def resnet50():
    return per_layer(load_spec(SPECS / "resnet50.yaml"), BenchOptions(batches=(4,), warmup=2, iters=5))


def test_every_conv_of_resnet50_has_its_time_flops_bytes_and_bound(resnet50):
    context, result = resnet50
    convs = [layer for layer in result.layers if layer.traffic.kind == "conv"]
    assert len(convs) == 53  # the stem, 16 blocks of 3 and 4 projections
    assert all(layer.seconds > 0 and layer.traffic.flops > 0 and layer.traffic.bytes > 0 for layer in convs)
    assert {result.bound(layer) for layer in result.layers} <= {"compute", "memory"}
    assert result.bound(next(layer for layer in result.layers if layer.traffic.name == "pool1")) == "memory"
    assert context.device == "cpu" and context.threads == torch.get_num_threads()


def test_the_layers_add_up_to_within_15_percent_of_the_pass_they_were_timed_in(resnet50):
    _, result = resnet50
    assert 0.85 <= result.coverage <= 1  # each pass's layers against that pass: noise in one pass stays there
    blocks = {block.name: block.seconds for block in result.blocks}
    assert set(blocks) >= {"layer1", "layer1.0", "layer4.2"}
    assert blocks["layer1"] >= blocks["layer1.0"] > 0


def test_a_known_gpu_takes_its_datasheet_peaks_and_tf32_its_tensor_core_peak(monkeypatch):
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "NVIDIA H100 80GB HBM3")
    cuda = torch.device("cuda")
    fp32, tf32, bf16 = (rooflines.roofline(cuda, dtype, tf32=on) for dtype, on in
                        (("fp32", False), ("fp32", True), ("bf16", False)))  # fmt: skip
    assert (fp32.peak_flops, tf32.peak_flops, bf16.peak_flops) == (66.9e12, 494.7e12, 989.4e12)
    assert fp32.bandwidth == 3_350e9 and fp32.source == "NVIDIA H100 80GB HBM3 datasheet"
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "NVIDIA H100 PCIe")
    assert rooflines.roofline(cuda, "bf16", tf32=False).peak_flops == 756e12


def test_an_unknown_device_is_measured(monkeypatch):
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "Some Future GPU")
    monkeypatch.setattr(rooflines, "_measured_flops", lambda device, dtype: 1e12)
    monkeypatch.setattr(rooflines, "_measured_bandwidth", lambda device: 1e11)
    line = rooflines.roofline(torch.device("cuda"), "fp32", tf32=False)
    assert (line.source, line.ridge) == ("measured", 10.0)
    assert (line.bound(9.9), line.bound(10.0)) == ("memory", "compute")


class FakeEvent:
    """A CUDA event on a machine without CUDA: records the CPU clock, in ms as torch's events do."""

    def __init__(self, enable_timing=False):
        self.at = 0.0

    def record(self):
        import time

        self.at = time.perf_counter()

    def elapsed_time(self, end):
        return 1000 * (end.at - self.at)


def test_on_a_gpu_each_module_is_timed_by_a_pair_of_events_read_after_one_synchronisation(monkeypatch):
    synchronised = []
    monkeypatch.setattr(torch.cuda, "Event", FakeEvent)
    monkeypatch.setattr(torch.cuda, "synchronize", lambda device=None: synchronised.append(device))
    clock = Clock(torch.device("cuda"))
    model = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.ReLU())
    spans = profiling._Spans(clock, dict(model.named_modules()))
    passes = spans.passes(lambda: model(torch.zeros(1, 4)), runs=3)
    assert set(passes) == {"", "0", "1"} and all(len(times) == 3 for times in passes.values())
    assert passes[""][0] >= passes["0"][0] > 0
    assert len(synchronised) == 1  # once, after the passes: none inside them


def run(*args):
    return runner.invoke(app, ["bench", "lenet5", "--per-layer", "--iters", "2", "--warmup", "0", *args])


def test_the_command_prints_the_slowest_layers_and_how_they_add_up():
    result = run("--top", "3")
    assert result.exit_code == 0
    assert "layers add up to" in result.stdout and "Roofline (measured)" in result.stdout
    record = json.loads(run("-f", "json").stdout)
    assert len(record["layers"]) == 8 and record["layers"][0]["seconds"] >= record["layers"][-1]["seconds"]
    conv1 = next(layer for layer in record["layers"] if layer["name"] == "conv1")
    assert conv1["flops"] == 2 * 117_600 and conv1["bound"] in ("compute", "memory")
    assert run("-f", "csv", "--top", "2").stdout.splitlines()[0].startswith("name,kind,seconds,flops")


def test_the_roofline_plot_is_written(tmp_path):
    pytest.importorskip("matplotlib")
    target = tmp_path / "roofline.png"
    assert run("--plot", str(target)).exit_code == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["-b", "1,2"], "--batch"),
        (["--mode", "train"], "--mode"),
        (["--compile"], "--compile"),
        (["--plot", "roofline.gif"], "--plot"),
        (["--cuda-graphs"], "--cuda-graphs"),
        (["--runs", "3"], "--runs"),
        (["--budget", "1"], "--budget"),
    ],
)
def test_what_per_layer_cannot_do_is_refused(args, option):
    result = run(*args)
    assert result.exit_code == 2 and option in result.output


def test_top_and_plot_without_per_layer_are_refused():
    result = runner.invoke(app, ["bench", "lenet5", "--top", "3"])
    assert result.exit_code == 2 and "apply to --per-layer only" in result.output
