"""Helpers around the core library; ``minitorch.utils.data`` feeds data to a model."""

from minitorch.utils import data

__all__ = ["data"]

# ----- instruments: model summary -----
from minitorch.utils.summary import summary  # noqa: E402

__all__ += ["summary"]
