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
    """InstanceNorm has no kind yet, and a product with a constant is not a layer."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.norm = nn.InstanceNorm2d(8, affine=True)

    def forward(self, x):
        return self.norm(self.conv(x)) * 2


class Branchy(nn.Module):
    """Control flow on a tensor's value: torch.fx cannot trace it."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def forward(self, x):
        return self.conv(x) if x.sum() > 0 else x


class Bottleneck(nn.Module):
    """torchvision's Bottleneck (v1.5: the stride on the 3×3), its downsample a 1×1 conv and a batch norm."""

    def __init__(self, inplanes, width, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, width * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(width * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or inplanes != width * 4:
            self.downsample = nn.Sequential(
                nn.Conv2d(inplanes, width * 4, 1, stride, bias=False), nn.BatchNorm2d(width * 4)
            )

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class TinyResNet(nn.Module):
    """A ResNet-50 in miniature, built as torchvision builds it: stages of Bottlenecks in nn.Sequential."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = nn.Sequential(Bottleneck(8, 4), Bottleneck(16, 4))
        self.layer2 = nn.Sequential(Bottleneck(16, 8, stride=2), Bottleneck(32, 8), Bottleneck(32, 8))
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.layer2(self.layer1(self.relu(self.bn1(self.conv1(x)))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class Inception(nn.Module):
    """GoogLeNet's module: four branches from one input, concatenated."""

    def __init__(self, channels):
        super().__init__()
        self.branch1 = nn.Conv2d(channels, 4, 1)
        self.branch2 = nn.Sequential(nn.Conv2d(channels, 2, 1), nn.ReLU(), nn.Conv2d(2, 4, 3, padding=1))
        self.branch3 = nn.Sequential(nn.MaxPool2d(3, 1, padding=1), nn.Conv2d(channels, 2, 1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), x], 1)


class WithInception(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 6, 3, padding=1)
        self.mixed = Inception(6)

    def forward(self, x):
        return self.mixed(self.stem(x))


class Encoder(nn.Module):
    """Two convs whose first output is also read outside the module (a U-Net skip): not one block."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1)

    def forward(self, x):
        skip = self.conv1(x)
        return self.conv2(skip), skip


class Skipping(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = Encoder()
        self.head = nn.Conv2d(8, 2, 1)

    def forward(self, x):
        deep, skip = self.enc(x)
        return self.head(torch.cat([deep, skip], 1))


class ShapeDependent(nn.Module):
    """Python control flow on a shape, which torch.fx cannot trace: pools until the map is 4×4 at most (the
    one MaxPool2d called as often as it takes)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.blocks = nn.Sequential(Basic(8), Basic(8))
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        x = F.relu(self.conv(x))
        while x.shape[-1] > 4:
            x = self.pool(x)
        x = self.blocks(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))
