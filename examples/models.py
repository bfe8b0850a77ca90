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
