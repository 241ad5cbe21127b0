"""ResNet-1001 for CIFAR written by hand in torch, as specs/resnet1001-cifar.yaml describes it (10,327,706
parameters), for the benchmarks that compare archcalc with tools that run the model."""

from __future__ import annotations

from torch import Tensor, nn


class PreActBottleneck(nn.Module):
    """BN → ReLU → 1×1, BN → ReLU → 3×3 (stride), BN → ReLU → 1×1 ×4; a 1×1 projection where the shape
    changes."""

    def __init__(self, inplanes: int, width: int, stride: int) -> None:
        super().__init__()
        out = width * 4
        self.bn1, self.conv1 = nn.BatchNorm2d(inplanes), nn.Conv2d(inplanes, width, 1, bias=False)
        self.bn2, self.conv2 = nn.BatchNorm2d(width), nn.Conv2d(width, width, 3, stride, 1, bias=False)
        self.bn3, self.conv3 = nn.BatchNorm2d(width), nn.Conv2d(width, out, 1, bias=False)
        self.relu = nn.ReLU()
        changes = (inplanes, stride) != (out, 1)
        self.shortcut = nn.Conv2d(inplanes, out, 1, stride, bias=False) if changes else nn.Identity()

    def forward(self, x: Tensor) -> Tensor:
        y = self.conv1(self.relu(self.bn1(x)))
        y = self.conv2(self.relu(self.bn2(y)))
        y = self.conv3(self.relu(self.bn3(y)))
        return y + self.shortcut(x)


def stage(inplanes: int, width: int, stride: int, blocks: int = 111) -> nn.Sequential:
    rest = [PreActBottleneck(width * 4, width, 1) for _ in range(blocks - 1)]
    return nn.Sequential(PreActBottleneck(inplanes, width, stride), *rest)


def resnet1001() -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1, bias=False),
        stage(16, 16, 1), stage(64, 32, 2), stage(128, 64, 2),
        nn.BatchNorm2d(256), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(256, 10),
    )  # fmt: skip
