"""Ready-made datasets, as ``torchvision.datasets``, read safely and downloaded resumably."""

from minitorch.datasets.cifar import CIFAR10
from minitorch.datasets.mnist import KMNIST, MNIST, FashionMNIST

__all__ = ["CIFAR10", "FashionMNIST", "KMNIST", "MNIST"]
