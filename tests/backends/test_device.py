"""The device a benchmark runs on: its CUDA branches run with torch's CUDA calls replaced (no GPU here)."""

import torch

from archcalc.backends import device


def test_on_a_gpu_peak_memory_is_cudas_allocator_peak_after_a_reset(monkeypatch):
    calls = []
    monkeypatch.setattr(torch.cuda, "synchronize", lambda where=None: calls.append("synchronize"))
    monkeypatch.setattr(torch.cuda, "reset_peak_memory_stats", lambda where=None: calls.append("reset"))
    monkeypatch.setattr(torch.cuda, "max_memory_allocated", lambda where=None: 123_456)
    cuda = torch.device("cuda")
    assert device.reset_memory(cuda) == 0 and calls == ["synchronize", "reset"]
    assert device.peak_memory(cuda, 0) == 123_456


def test_on_the_cpu_peak_memory_is_the_growth_of_the_peak_rss():
    cpu = torch.device("cpu")
    before = device.reset_memory(cpu)
    grown = torch.ones(64 * 2**20 // 4)  # 64 MiB, written
    assert device.peak_memory(cpu, before) >= 0 and grown.sum() > 0


def test_a_gpu_run_records_its_name_and_the_cuda_and_cudnn_versions(monkeypatch):
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda where=None: "NVIDIA L4")
    monkeypatch.setattr(torch.version, "cuda", "12.8")
    monkeypatch.setattr(torch.backends.cudnn, "version", lambda: 91000)
    monkeypatch.setattr(torch._C, "_cuda_getDriverVersion", lambda: 12080, raising=False)
    cuda = torch.device("cuda")
    assert (device.name_of(cuda), device.versions(cuda)) == ("NVIDIA L4", ("12.8", "91000", "12080"))
    assert device.versions(torch.device("cpu")) == ("", "", "")


def test_auto_picks_cuda_then_mps_then_the_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert device.pick("auto").type == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert device.pick("auto").type == "mps"
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert device.pick("auto").type == "cpu" and device.pick("cuda").type == "cuda"
