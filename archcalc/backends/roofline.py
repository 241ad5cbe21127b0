"""A device's roofline: its peak FLOP/s for a dtype and its memory bandwidth, from a table of known GPUs
(datasheet figures, dense: no sparsity) or measured on the spot (the CPU, MPS, an unknown GPU): the best of a
few large matmuls and 1×1 convs, and the best of a few large copies (bytes read + written). A 3×3 conv can
run above the roof: Winograd kernels (oneDNN, cuDNN) do fewer multiplications than the MACs counted.

A layer whose arithmetic intensity (FLOPs per byte moved) is below the ridge point peak / bandwidth cannot
reach the peak however fast its kernel: it is memory-bound; above it, compute-bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from archcalc.backends.device import DTYPES
from archcalc.backends.timing import Clock

GPU_PEAKS = {  # name fragment: (fp32 GFLOP/s, TF32 tensor cores, bf16/fp16 tensor cores, memory GB/s)
    "H100 PCIe": (51_200, 378_000, 756_000, 2_000),
    "H100": (66_900, 494_700, 989_400, 3_350),  # SXM
    "H200": (66_900, 494_700, 989_400, 4_800),
    "A100-SXM4-80GB": (19_500, 156_000, 312_000, 2_039),
    "A100 80GB PCIe": (19_500, 156_000, 312_000, 1_935),
    "A100": (19_500, 156_000, 312_000, 1_555),  # 40 GB
    "L4": (30_300, 60_000, 121_000, 300),
    "RTX 4090": (82_600, 82_600, 165_200, 1_008),
}
"""The GPUs whose peaks archcalc knows (first matching fragment wins: the specific names come first)."""


@dataclass(frozen=True)
class Roofline:
    peak_flops: float
    """FLOP/s the device can reach for the dtype (with TF32 where it is on)."""
    bandwidth: float
    """Bytes/s between the device and its memory."""
    source: str
    """Where the figures come from: the datasheet of a named GPU, or 'measured'."""

    @property
    def ridge(self) -> float:
        """The arithmetic intensity (FLOPs/byte) where the two roofs meet."""
        return self.peak_flops / self.bandwidth

    def bound(self, intensity: float) -> str:
        return "compute" if intensity >= self.ridge else "memory"


def roofline(device: Any, dtype: str, tf32: bool) -> Roofline:
    """The roofline of `device` for `dtype`: a known GPU's datasheet, else measured."""
    known = datasheet(device, dtype, tf32)
    return known or Roofline(_measured_flops(device, dtype), _measured_bandwidth(device), "measured")


def datasheet(device: Any, dtype: str, tf32: bool) -> Roofline | None:
    """A known GPU's peaks for `dtype` (fp32 on TF32 tensor cores where `tf32` is on); None elsewhere."""
    if device.type != "cuda":
        return None
    name = str(torch.cuda.get_device_name(device))
    peaks = next((peaks for fragment, peaks in GPU_PEAKS.items() if fragment in name), None)
    if peaks is None:
        return None
    fp32, tf32_peak, half, bandwidth = peaks
    flops = half if dtype != "fp32" else tf32_peak if tf32 else fp32
    return Roofline(flops * 1e9, bandwidth * 1e9, f"{name} datasheet")


def _measured_flops(device: Any, dtype: str, runs: int = 5) -> float:
    """The better FLOP/s of a 2048×2048 matmul and of a 1×1 conv of 1024 channels on 8×14×14 positions, in
    `dtype`: a CPU's BLAS and its conv library can be 2× apart (MKL on an AMD EPYC: 210 GFLOP/s, oneDNN
    450), and a roof below what layers reach would call compute-bound layers memory-bound."""
    kind = DTYPES[dtype]
    size, channels, positions = 2048, 1024, 8 * 14 * 14
    a = torch.randn(size, size, device=device, dtype=kind)
    x = torch.randn(8, channels, 14, 14, device=device, dtype=kind)
    conv = torch.nn.Conv2d(channels, channels, 1, bias=False, device=device, dtype=kind)
    with torch.inference_mode():
        matmul = 2 * size**3 / _best_seconds(lambda: a @ a, device, runs)
        pointwise = 2 * positions * channels**2 / _best_seconds(lambda: conv(x), device, runs)
    return max(matmul, pointwise)


def _measured_bandwidth(device: Any, megabytes: int = 256, runs: int = 5) -> float:
    """The best bytes/s of copying a tensor of `megabytes` (each byte read once and written once)."""
    source = torch.ones(megabytes * 2**20 // 4, device=device)  # written: no page left unmapped
    target = torch.empty_like(source)
    return 2 * source.nbytes / _best_seconds(lambda: target.copy_(source), device, runs)


def _best_seconds(work: Any, device: Any, runs: int) -> float:
    """The shortest of `runs` timings of `work`, after one untimed call (allocation, kernel choice)."""
    clock = Clock(device)
    work()
    return min(clock.time(work) for _ in range(runs))
