"""Ready-made datasets, as ``torchvision.datasets``, read safely and downloaded resumably."""

from minitorch.datasets.cifar import CIFAR10
from minitorch.datasets.fakedata import FakeData
from minitorch.datasets.folder import IMG_EXTENSIONS, DatasetFolder, ImageFolder, default_loader, pil_loader
from minitorch.datasets.mnist import KMNIST, MNIST, FashionMNIST
from minitorch.datasets.vision import VisionDataset

__all__ = [
    "CIFAR10", "DatasetFolder", "FakeData", "FashionMNIST", "IMG_EXTENSIONS", "ImageFolder", "KMNIST", "MNIST",
    "VisionDataset", "default_loader", "pil_loader",
]
