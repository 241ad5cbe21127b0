"""Models written as people write them in PyTorch, for the importer's tests (imported only where torch is)."""

import torch
import torch.nn.functional as F
from torch import nn


class Basic(nn.Module):
    """torchvision's BasicBlock without its downsample: conv-bn-relu, conv-bn, += x, relu."""

    def __init__(self, width):
        super().__init__()
        self.conv1 = nn.Conv2d(width, width, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += x
        return F.relu(out)


class SmallResNet(nn.Module):
    def __init__(self, num_classes=10, width=16):
        super().__init__()
        self.stem = nn.Conv2d(3, width, 3, padding=1)
        self.blocks = nn.Sequential(Basic(width), Basic(width))
        self.fc = nn.Linear(width, num_classes)

    def forward(self, x):
        x = self.blocks(F.relu(self.stem(x)))
        x = F.adaptive_avg_pool2d(x, 1)
        x = x.view(x.size(0), -1)
        return self.fc(x)


def small_resnet(num_classes=10, width=16):
    return SmallResNet(num_classes, width)


class Functional(nn.Module):
    """Layers called as functions: pools, activations, a concat and a flatten, no modules but the convs."""

    def __init__(self):
        super().__init__()
        self.left = nn.Conv2d(3, 4, 1)
        self.right = nn.Conv2d(3, 6, 3, padding=1)

    def forward(self, x):
        y = torch.cat([torch.sigmoid(self.left(x)), F.leaky_relu(self.right(x), 0.1)], dim=1)
        y = F.max_pool2d(y, 2)
        y = F.avg_pool2d(y, kernel_size=3, stride=1, padding=1)
        return torch.flatten(y, 1).softmax(1)


class Unmappable(nn.Module):
    """GroupNorm has no kind yet, and a product with a constant is not a layer."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.norm = nn.GroupNorm(2, 8)

    def forward(self, x):
        return self.norm(self.conv(x)) * 2


class Branchy(nn.Module):
    """Control flow on a tensor's value: torch.fx cannot trace it."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        return self.conv(x) if x.sum() > 0 else x
