"""The CNNs that ``cifar_cnn.py`` trains on CIFAR-10 (3 x 32 x 32 images, 10 classes).

- ``Net``: the CNN of PyTorch's "Training a classifier" tutorial (62k parameters).
- ``Net2``: the same shape with 3x3 convolutions padded by 1, so the pooling alone shrinks the
  image, and more channels (262k parameters, most of them in the first Linear).
- ``BNNet``: three (conv, BatchNorm, ReLU, max-pool) blocks and dropout; it learns faster and
  goes further, at a few times the cost per image (114k parameters; best on a GPU).

Written exactly as PyTorch code; only the three import lines differ.
"""
from __future__ import annotations

import minitorch as torch
import minitorch.nn as nn
import minitorch.nn.functional as F


class Net(nn.Module):
    """conv 3->6 (5x5), pool, conv 6->16 (5x5), pool, then 400 -> 120 -> 84 -> 10."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)  # 32x32 -> 28x28, pooled to 14x14
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)  # 14x14 -> 10x10, pooled to 5x5
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)  # flatten all dimensions except the batch
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)  # raw scores (logits); CrossEntropyLoss applies the softmax


class Net2(nn.Module):
    """conv 3->16 (3x3, padding 1), pool, conv 16->32 (3x3, padding 1), pool, then 2048 -> 120 -> 84 -> 10."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)  # 32x32 stays 32x32, pooled to 16x16
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)  # 16x16, pooled to 8x8
        self.fc1 = nn.Linear(32 * 8 * 8, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def conv_block(in_channels: int, out_channels: int) -> nn.Sequential:
    """3x3 conv (no bias: BatchNorm's shift plays that role), BatchNorm, ReLU, 2x2 max-pool."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(),
        nn.MaxPool2d(2),
    )


class BNNet(nn.Module):
    """Three conv blocks (32, 64, 128 channels; 32x32 -> 4x4), dropout, then 2048 -> 10."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(conv_block(3, 32), conv_block(32, 64), conv_block(64, 128))
        self.classifier = nn.Sequential(nn.Dropout(0.25), nn.Linear(128 * 4 * 4, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(torch.flatten(self.features(x), 1))


MODELS: dict[str, type[nn.Module]] = {"lenet": Net, "net2": Net2, "bn": BNNet}


# ----- the model zoo: classic CNNs as the d2l.ai chapters build them, with lazy layers -----
# Lazy layers (nn.LazyConv2d, nn.LazyLinear, nn.LazyBatchNorm2d) read their input size from the
# first batch, so each block names only its output width. Widths are those of the papers divided
# by ``shrink`` (2 by default is fine for 32x32 CIFAR-10 images; tests use larger divisors).
def lenet() -> nn.Sequential:
    """LeNet-5 (LeCun et al., 1998), with sigmoids and average pooling as the original."""
    return nn.Sequential(
        nn.LazyConv2d(6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.LazyConv2d(16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(), nn.LazyLinear(120), nn.Sigmoid(), nn.LazyLinear(84), nn.Sigmoid(), nn.LazyLinear(10),
    )


def alexnet32(shrink: int = 2) -> nn.Sequential:
    """AlexNet's five convolutions and three dense layers, resized for 32x32 images (3x3 kernels,
    three 2x2 pools: 32 -> 4), ReLU and dropout as in the paper."""
    w = lambda channels: max(channels // shrink, 1)  # noqa: E731
    return nn.Sequential(
        nn.LazyConv2d(w(96), kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.LazyConv2d(w(256), kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.LazyConv2d(w(384), kernel_size=3, padding=1), nn.ReLU(),
        nn.LazyConv2d(w(384), kernel_size=3, padding=1), nn.ReLU(),
        nn.LazyConv2d(w(256), kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.LazyLinear(w(4096)), nn.ReLU(), nn.Dropout(0.5),
        nn.LazyLinear(w(4096)), nn.ReLU(), nn.Dropout(0.5), nn.LazyLinear(10),
    )


def vgg_block(convs: int, channels: int) -> nn.Sequential:
    """``convs`` 3x3 convolutions (padding 1) with ReLUs, then a 2x2 max-pool halving the image."""
    layers: list = []
    for _ in range(convs):
        layers += [nn.LazyConv2d(channels, kernel_size=3, padding=1), nn.ReLU()]
    return nn.Sequential(*layers, nn.MaxPool2d(kernel_size=2, stride=2))


def vgg11(shrink: int = 4) -> nn.Sequential:
    """VGG-11's five blocks (1, 1, 2, 2, 2 convolutions; 64 ... 512 channels) on 32x32 images (-> 1x1)."""
    blocks = [vgg_block(convs, max(channels // shrink, 1))
              for convs, channels in ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))]
    return nn.Sequential(*blocks, nn.Flatten(), nn.LazyLinear(4096 // shrink), nn.ReLU(), nn.Dropout(0.5),
                         nn.LazyLinear(4096 // shrink), nn.ReLU(), nn.Dropout(0.5), nn.LazyLinear(10))


def nin_block(channels: int, kernel_size: int, stride: int, padding: int) -> nn.Sequential:
    """Network in Network (Lin et al., 2013): a convolution, then two 1x1 convolutions acting as a
    small per-pixel MLP across channels."""
    return nn.Sequential(
        nn.LazyConv2d(channels, kernel_size, stride, padding), nn.ReLU(),
        nn.LazyConv2d(channels, kernel_size=1), nn.ReLU(), nn.LazyConv2d(channels, kernel_size=1), nn.ReLU(),
    )


def nin(shrink: int = 2) -> nn.Sequential:
    """NiN on 32x32 images: no dense layers; the last block has one channel per class and a global
    average pool turns each channel into its class score."""
    return nn.Sequential(
        nin_block(96 // shrink, 5, 1, 2), nn.MaxPool2d(3, stride=2),
        nin_block(256 // shrink, 5, 1, 2), nn.MaxPool2d(3, stride=2),
        nin_block(384 // shrink, 3, 1, 1), nn.MaxPool2d(3, stride=2), nn.Dropout(0.5),
        nin_block(10, 3, 1, 1), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
    )


class Inception(nn.Module):
    """GoogLeNet's block (Szegedy et al., 2015): four parallel paths whose outputs are stacked as
    channels: a 1x1 conv; 1x1 then 3x3; 1x1 then 5x5; a 3x3 max-pool then 1x1. The 1x1 convs
    before the wide kernels cut the channels they have to read."""

    def __init__(self, c1: int, c2: tuple, c3: tuple, c4: int) -> None:
        super().__init__()
        self.b1 = nn.LazyConv2d(c1, kernel_size=1)
        self.b2 = nn.Sequential(nn.LazyConv2d(c2[0], kernel_size=1), nn.ReLU(),
                                nn.LazyConv2d(c2[1], kernel_size=3, padding=1))
        self.b3 = nn.Sequential(nn.LazyConv2d(c3[0], kernel_size=1), nn.ReLU(),
                                nn.LazyConv2d(c3[1], kernel_size=5, padding=2))
        self.b4 = nn.Sequential(nn.MaxPool2d(kernel_size=3, stride=1, padding=1), nn.LazyConv2d(c4, kernel_size=1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        paths = [F.relu(branch(x)) for branch in (self.b1, self.b2, self.b3, self.b4)]
        return torch.cat(paths, dim=1)


def googlenet_mini(shrink: int = 2) -> nn.Sequential:
    """A stem and two Inception blocks (GoogLeNet's 3a and 3b widths, divided by ``shrink``) on 32x32 images."""
    w = lambda *channels: [max(c // shrink, 1) for c in channels]  # noqa: E731
    return nn.Sequential(
        nn.LazyConv2d(w(64)[0], kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(3, stride=2, padding=1),
        Inception(*w(64), w(96, 128), w(16, 32), *w(32)), Inception(*w(128), w(128, 192), w(32, 96), *w(64)),
        nn.MaxPool2d(3, stride=2, padding=1), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.LazyLinear(10),
    )


class Residual(nn.Module):
    """ResNet's block: two 3x3 conv + BatchNorm layers whose output is added to the input (through
    a strided 1x1 conv when the shape changes), then ReLU."""

    def __init__(self, channels: int, use_1x1conv: bool = False, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.LazyConv2d(channels, kernel_size=3, padding=1, stride=stride)
        self.conv2 = nn.LazyConv2d(channels, kernel_size=3, padding=1)
        self.conv3 = nn.LazyConv2d(channels, kernel_size=1, stride=stride) if use_1x1conv else None
        self.bn1 = nn.LazyBatchNorm2d()
        self.bn2 = nn.LazyBatchNorm2d()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        if self.conv3 is not None:
            x = self.conv3(x)
        return F.relu(y + x)


def resnet18(shrink: int = 1, classes: int = 10) -> nn.Sequential:
    """ResNet-18 as d2l.ai builds it: a 7x7 stem, four stages of two residual blocks (the first
    block of stages 2-4 halves the image), global average pool, one dense layer."""
    stages = []
    for index, channels in enumerate((64, 128, 256, 512)):
        width = max(channels // shrink, 1)
        first = Residual(width, use_1x1conv=index > 0, stride=2 if index > 0 else 1)
        stages.append(nn.Sequential(first, Residual(width)))
    return nn.Sequential(
        nn.LazyConv2d(64 // shrink, kernel_size=7, stride=2, padding=3), nn.LazyBatchNorm2d(), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1), *stages,
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.LazyLinear(classes),
    )


class DenseBlock(nn.Module):
    """DenseNet's block (Huang et al., 2017): each (BN, ReLU, 3x3 conv) layer sees the input and every
    earlier layer's output, stacked as channels; the block adds ``growth`` channels per layer."""

    def __init__(self, layers: int, growth: int) -> None:
        super().__init__()
        self.net = nn.Sequential(*[
            nn.Sequential(nn.LazyBatchNorm2d(), nn.ReLU(), nn.LazyConv2d(growth, kernel_size=3, padding=1))
            for _ in range(layers)
        ])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.net:
            x = torch.cat((x, layer(x)), dim=1)
        return x


def transition_block(channels: int) -> nn.Sequential:
    """Between dense blocks: BN, ReLU, a 1x1 conv cutting the channels, and a 2x2 average pool."""
    return nn.Sequential(nn.LazyBatchNorm2d(), nn.ReLU(), nn.LazyConv2d(channels, kernel_size=1),
                         nn.AvgPool2d(kernel_size=2, stride=2))


def densenet_mini(growth: int = 16, layers: tuple = (4, 4), stem: int = 32) -> nn.Sequential:
    """A stem, dense blocks with transitions that halve the channels, BN, ReLU, global pool, dense."""
    parts: list = [nn.LazyConv2d(stem, kernel_size=3, padding=1), nn.LazyBatchNorm2d(), nn.ReLU(),
                   nn.MaxPool2d(2)]
    channels = stem
    for index, count in enumerate(layers):
        parts.append(DenseBlock(count, growth))
        channels += count * growth
        if index < len(layers) - 1:
            channels //= 2
            parts.append(transition_block(channels))
    return nn.Sequential(*parts, nn.LazyBatchNorm2d(), nn.ReLU(), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(),
                         nn.LazyLinear(10))


ZOO = {"lenet": lenet, "alexnet32": alexnet32, "vgg11": vgg11, "nin": nin, "googlenet_mini": googlenet_mini,
       "resnet18": resnet18, "densenet_mini": densenet_mini}
