"""Image transforms, as ``torchvision.transforms``, for one image or a whole batch at once.

Three kinds of image come in (see ``_layout.py``):

- a ``PIL.Image``: the transforms use Pillow's own operations, as torchvision does;
- a NumPy array as images are stored: channels last, ``HWC`` (``NHWC`` for a batch), uint8;
- a Tensor as layers want it: channels first, ``CHW`` (``NCHW`` for a batch), usually float32.

:class:`ToTensor` turns the first two into the third. The random transforms accept all three,
and give every image of a batch its own random crop, flip, rotation or colour change using
array code, with no Python loop over the images (torchvision uses one draw per call; on a
single image the two agree). ``transforms.functional`` has the same operations as functions
with explicit parameters.

Random transforms draw from their ``generator`` argument or, when it is None,
from ``minitorch.random.default_generator`` (inside a DataLoader's background
thread: from that thread's own seeded generator), so ``minitorch.manual_seed``
makes them reproducible.

Transforms with ``supports_batches = True`` may be given a whole batch; a dataset hands its
transform whole batches only when it (every member of a ``Compose``) says so.
"""
from minitorch.transforms import functional
from minitorch.transforms._layout import InterpolationMode
from minitorch.transforms.color import ColorJitter, GaussianBlur, Grayscale, RandomErasing, RandomGrayscale
from minitorch.transforms.containers import Compose, RandomApply, RandomChoice, RandomOrder
from minitorch.transforms.conversion import ConvertImageDtype, Lambda, Normalize, PILToTensor, ToPILImage, ToTensor
from minitorch.transforms.geometry import (
    CenterCrop, Pad, RandomAffine, RandomCrop, RandomHorizontalFlip, RandomResizedCrop, RandomRotation,
    RandomVerticalFlip, Resize,
)

__all__ = [
    "CenterCrop", "ColorJitter", "Compose", "ConvertImageDtype", "GaussianBlur", "Grayscale", "InterpolationMode",
    "Lambda", "Normalize", "Pad", "PILToTensor", "RandomAffine", "RandomApply", "RandomChoice", "RandomCrop",
    "RandomErasing", "RandomGrayscale", "RandomHorizontalFlip", "RandomOrder", "RandomResizedCrop",
    "RandomRotation", "RandomVerticalFlip", "Resize", "ToPILImage", "ToTensor", "functional",
]
