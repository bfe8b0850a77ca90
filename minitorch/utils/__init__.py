"""Helpers around the core library: ``minitorch.utils.data`` feeds data to a model,
``make_grid`` and ``save_image`` show a batch of images."""

from minitorch.utils import data
from minitorch.utils.image_grid import make_grid, save_image

__all__ = ["data", "make_grid", "save_image"]

# ----- instruments: model summary -----
from minitorch.utils.summary import summary  # noqa: E402

__all__ += ["summary"]
