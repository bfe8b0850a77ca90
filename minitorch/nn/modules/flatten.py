"""``Flatten``: merge dimensions, e.g. (N, C, H, W) feature maps into (N, C·H·W) rows for a Linear."""
from __future__ import annotations

from minitorch.nn.module import Module
from minitorch.tensor import Tensor


class Flatten(Module):
    """Merge dimensions ``start_dim`` through ``end_dim`` (by default all but the batch dimension)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
