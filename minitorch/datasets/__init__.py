"""Ready-made datasets, as ``torchvision.datasets``, read safely and downloaded resumably."""

from minitorch.datasets.cifar import CIFAR10

__all__ = ["CIFAR10"]
