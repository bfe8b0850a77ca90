"""torchvision's classic image classifiers, with its constructors and ``state_dict`` key names:
``resnet18``, ``resnet34``, ``vgg11``, ``vgg11_bn``, ``alexnet``.

So ``torchvision.models.resnet18(num_classes=10)`` code runs with the imports swapped
(``from minitorch.models import resnet18``), and a ``state_dict`` saved from either library loads
into the other. Only ``weights=None`` is supported: pretrained weights would have to be downloaded,
and minitorch works offline; load a converted ``state_dict`` instead (``model.load_state_dict``).
"""
from minitorch.models.alexnet import AlexNet, alexnet
from minitorch.models.resnet import BasicBlock, ResNet, resnet18, resnet34
from minitorch.models.vgg import VGG, vgg11, vgg11_bn

__all__ = ["AlexNet", "BasicBlock", "ResNet", "VGG", "alexnet", "resnet18", "resnet34", "vgg11", "vgg11_bn"]
