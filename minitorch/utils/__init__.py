"""Helpers around the core library; ``minitorch.utils.data`` feeds data to a model."""

from minitorch.utils import data

__all__ = ["data"]
