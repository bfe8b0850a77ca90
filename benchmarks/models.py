"""The benchmark models, written once against a library's `nn` and `F` modules.

`build("lenet", torch.nn, torch.nn.functional)` and
`build("lenet", minitorch.nn, minitorch.nn.functional)` run the very same code, so
a speed difference comes from the library, never from the model definitions.
"""

from __future__ import annotations

from typing import Any

# name -> (conv channels, kernel size, padding); both see 3x32x32 images
MODELS: dict[str, tuple[tuple[int, int], int, int]] = {
    "lenet": ((6, 16), 5, 0),  # the PyTorch CIFAR-10 tutorial CNN, flatten 400
    "net2": ((16, 32), 3, 1),  # 3x3 convolutions with padding 1, flatten 2048
}
IMAGE = 32
CLASSES = 10


def flat_features(channels: tuple[int, int], kernel: int, padding: int) -> int:
    """Features after two (conv, 2x2 max-pool) stages on an IMAGE x IMAGE input."""
    side = IMAGE
    for _ in range(2):
        side = (side + 2 * padding - kernel + 1) // 2
    return channels[1] * side * side


def build(name: str, nn: Any, F: Any) -> Any:
    """A fresh `name` model: (conv, relu, max-pool) x 2, then Linear -> 120 -> 84 -> 10."""
    channels, kernel, padding = MODELS[name]

    class SmallCNN(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(3, channels[0], kernel, padding=padding)
            self.conv2 = nn.Conv2d(channels[0], channels[1], kernel, padding=padding)
            self.pool = nn.MaxPool2d(2, 2)
            self.fc1 = nn.Linear(flat_features(channels, kernel, padding), 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, CLASSES)

        def forward(self, x: Any) -> Any:
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = x.flatten(1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    return SmallCNN()
