"""VGG (Simonyan & Zisserman, 2015), as torchvision builds it: stacks of 3x3 convolutions and
2x2 max-pools, then three fully connected layers. VGG-11 is configuration "A"."""
from __future__ import annotations

from typing import Any, List, Union

import minitorch as torch
import minitorch.nn as nn
from minitorch.models.weights import check_no_weights

CONFIG_A: List[Union[int, str]] = [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"]


class VGG(nn.Module):
    """``features`` (the convolutions), a 7x7 adaptive average pool, and the classifier."""

    def __init__(self, features: nn.Module, num_classes: int = 1000, init_weights: bool = True,
                 dropout: float = 0.5) -> None:
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:  # torchvision's initialisation
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.flatten(self.avgpool(self.features(x)), 1)
        return self.classifier(x)


def make_layers(config: List[Union[int, str]], batch_norm: bool = False) -> nn.Sequential:
    """``features`` from a configuration: a number is a 3x3 conv of that width (+ BN) + ReLU, "M" a max-pool."""
    layers: List[nn.Module] = []
    in_channels = 3
    for v in config:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = nn.Conv2d(in_channels, int(v), kernel_size=3, padding=1)
            layers += [conv2d, nn.BatchNorm2d(int(v)), nn.ReLU(inplace=True)] if batch_norm else \
                [conv2d, nn.ReLU(inplace=True)]
            in_channels = int(v)
    return nn.Sequential(*layers)


def vgg11(*, weights: Any = None, progress: bool = True, **kwargs: Any) -> VGG:
    """VGG-11 (configuration "A"; 132.9M parameters at 1000 classes, mostly in the classifier)."""
    check_no_weights("vgg11", weights, kwargs)
    return VGG(make_layers(CONFIG_A), **kwargs)


def vgg11_bn(*, weights: Any = None, progress: bool = True, **kwargs: Any) -> VGG:
    """VGG-11 with BatchNorm after each convolution."""
    check_no_weights("vgg11_bn", weights, kwargs)
    return VGG(make_layers(CONFIG_A, batch_norm=True), **kwargs)
