"""The device a benchmark runs on: which one, its name and versions, the settings that change what its
kernels do (cuDNN's algorithm search, TF32, threads), its peak memory, and CUDA graphs."""

from __future__ import annotations

import resource
from collections.abc import Callable
from typing import Any

import torch

DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}
"""The torch dtype of each name `--dtype` takes (bf16 and fp16 run under autocast)."""


def pick(requested: str) -> Any:
    """`auto`: CUDA, else MPS, else the CPU; otherwise the device named."""
    if requested != "auto":
        return torch.device(requested)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    return torch.device("mps" if mps is not None and mps.is_available() else "cpu")


def name_of(device: Any) -> str:
    if device.type == "cuda":
        return str(torch.cuda.get_device_name(device))
    import platform

    return platform.processor() or platform.machine()


def versions(device: Any) -> tuple[str, str, str]:
    """(CUDA runtime, cuDNN, driver) versions on a GPU (the driver's as CUDA reports it, e.g. 12080 for
    12.8, where torch's build exposes it); empty elsewhere."""
    if device.type != "cuda":
        return "", "", ""
    driver = getattr(torch._C, "_cuda_getDriverVersion", None)
    cudnn = torch.backends.cudnn.version()  # type: ignore[no-untyped-call]
    return str(torch.version.cuda or ""), str(cudnn or ""), str(driver()) if driver else ""


def configure(tf32: bool, cudnn_benchmark: bool, threads: int | None) -> None:
    """Set what the kernels may do, for the whole process: TF32 for fp32 matmuls and convolutions (on or off,
    never torch's mixed default of convolutions on, matmuls off), cuDNN's search for the fastest convolution
    algorithm per shape (timm turns it on), and the CPU's intra-op threads."""
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cudnn.benchmark = cudnn_benchmark
    if threads is not None:
        torch.set_num_threads(threads)


def reset_memory(device: Any) -> int:
    """Start counting peak memory: CUDA's peak is reset; the CPU's peak RSS so far is returned."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def peak_memory(device: Any, before: int) -> int:
    """CUDA: the most bytes allocated since the reset; the CPU: how much the peak RSS grew (a proxy)."""
    if device.type == "cuda":
        return int(torch.cuda.max_memory_allocated(device))
    return max(0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before)


def graphed(step: Callable[[], None]) -> Callable[[], None]:
    """`step` captured once as a CUDA graph, replayed on each call: the same kernels, without the CPU
    launching each one (warmed up on a side stream first, as capture requires)."""
    stream = torch.cuda.Stream()  # type: ignore[no-untyped-call]
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        step()
    torch.cuda.current_stream().wait_stream(stream)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        step()
    return graph.replay
