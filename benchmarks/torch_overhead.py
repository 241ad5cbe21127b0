"""Does building from a spec cost anything at run time? specs/resnet50.yaml vs ResNet-50 written by hand.

Usage: python benchmarks/torch_overhead.py [--batch 8] [--iters 10]
Both models run forward (eval, inference mode, fp32, CPU) in the same process with the same threads,
alternately and in alternating order (A B, B A, …) so that drift hits both alike; first, with the same
weights copied in, their outputs must be identical. Target: ratio of the medians within 5%.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch
from torch import nn

from archcalc.backends.torch import build, nchw
from archcalc.engine import analyze
from archcalc.spec.model import load_spec

SPEC = Path(__file__).resolve().parent.parent / "specs" / "resnet50.yaml"


class Bottleneck(nn.Module):
    """torchvision's v1.5 bottleneck, written out: 1×1, 3×3 (stride), 1×1 ×4, projection where needed."""

    def __init__(self, inplanes: int, width: int, stride: int) -> None:
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(inplanes, width, 1, bias=False), nn.BatchNorm2d(width)
        self.conv2, self.bn2 = nn.Conv2d(width, width, 3, stride, 1, bias=False), nn.BatchNorm2d(width)
        self.conv3, self.bn3 = nn.Conv2d(width, width * 4, 1, bias=False), nn.BatchNorm2d(width * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or inplanes != width * 4:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, width * 4, 1, stride, bias=False),
                                            nn.BatchNorm2d(width * 4))  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + (x if self.downsample is None else self.downsample(x)))


def resnet50_by_hand() -> nn.Module:
    stem = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True)]
    layers: list[nn.Module] = [*stem, nn.MaxPool2d(3, 2, 1)]
    inplanes = 64
    for width, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
        for index in range(blocks):
            layers.append(Bottleneck(inplanes, width, stride if index == 0 else 1))
            inplanes = width * 4
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2048, 1000)]
    return nn.Sequential(*layers)


def seconds(model: nn.Module, x: torch.Tensor) -> float:
    start = time.perf_counter()
    with torch.inference_mode():
        model(x)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--iters", type=int, default=10)
    options = parser.parse_args()
    spec = load_spec(SPEC)
    report = analyze(spec)
    ours, theirs = build(spec, report).eval(), resnet50_by_hand().eval()
    counts = [sum(p.numel() for p in model.parameters()) for model in (ours, theirs)]
    assert counts[0] == counts[1] == 25_557_032, counts
    x = torch.randn(nchw(report.input, options.batch))
    with torch.no_grad():  # the same weights in the same order: the two must compute the same function
        for mine, hand in zip(
            [*ours.parameters(), *ours.buffers()], [*theirs.parameters(), *theirs.buffers()], strict=True
        ):
            hand.copy_(mine)
        assert torch.equal(ours(x[:2]), theirs(x[:2])), "the spec's model and the hand-written one differ"
    for model in (ours, theirs):  # warm-up at the measured shape
        seconds(model, x)
    times: dict[str, list[float]] = {"spec": [], "by hand": []}
    for index in range(options.iters):  # A B, then B A: neither model always runs first
        pair = [("spec", ours), ("by hand", theirs)]
        for name, model in pair if index % 2 == 0 else pair[::-1]:
            times[name].append(seconds(model, x))
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["spec"] / medians["by hand"]
    threads = torch.get_num_threads()
    print(f"ResNet-50 forward, batch {options.batch}, CPU, {threads} threads, torch {torch.__version__}, "
          f"{options.iters} runs each, alternating; same weights give identical outputs")  # fmt: skip
    for name, values in times.items():
        spread = f"min {1000 * min(values):.1f}, max {1000 * max(values):.1f}"
        print(f"  {name:8} median {1000 * medians[name]:8.1f} ms  ({spread})")
    print(f"  ratio spec / by hand: {ratio:.3f} (target: within 5%)")
    return 0 if abs(ratio - 1) <= 0.05 else 1


if __name__ == "__main__":
    sys.exit(main())
