"""Seeded random number generators: ``manual_seed(0)`` makes a run reproducible.

A :class:`Generator` wraps a NumPy ``Generator`` (PCG64). Tensors on the GPU are drawn on the
CPU and moved, so a seed gives the same numbers on every device.
"""
from __future__ import annotations

import numpy as np


class Generator:
    """A source of random numbers, as ``torch.Generator``: ``g = Generator().manual_seed(0)``."""

    def __init__(self, device: str = "cpu") -> None:
        self.device = device
        self._seed = 67280421310721  # PyTorch's default seed
        self.numpy_rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> "Generator":
        self._seed = int(seed)
        self.numpy_rng = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        return self._seed

    def seed(self) -> int:
        """Reseed from fresh entropy and return the new seed."""
        return self.manual_seed(int(np.random.SeedSequence().entropy % 2**63)).initial_seed()

    def get_state(self) -> dict:
        return self.numpy_rng.bit_generator.state

    def set_state(self, state: dict) -> None:
        self.numpy_rng.bit_generator.state = state


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator, which every random op uses unless given its own."""
    return default_generator.manual_seed(seed)


def initial_seed() -> int:
    return default_generator.initial_seed()


def rng_of(generator: "Generator | None") -> np.random.Generator:
    """The NumPy generator behind ``generator`` (the default one when None)."""
    return (generator or default_generator).numpy_rng
