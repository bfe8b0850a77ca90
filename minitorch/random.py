"""Seeded random number generators: ``manual_seed(0)`` makes a run reproducible.

A :class:`Generator` wraps a NumPy ``Generator`` (PCG64). Tensors on a GPU are drawn there, by a
CuPy generator seeded from the same seed (:func:`rng_on`): no random numbers cross the bus, and,
as in PyTorch, a seed gives other numbers on a GPU than on the CPU.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minitorch import backend


class Generator:
    """A source of random numbers, as ``torch.Generator``: ``g = Generator().manual_seed(0)``."""

    def __init__(self, device: str = "cpu") -> None:
        self.device = device
        self._seed = 67280421310721  # PyTorch's default seed
        self.numpy_rng = np.random.default_rng(self._seed)
        self.device_rngs: dict = {}

    def manual_seed(self, seed: int) -> "Generator":
        self._seed = int(seed)
        self.numpy_rng = np.random.default_rng(self._seed)
        self.device_rngs = {}  # GPU index -> CuPy generator, made on first use (see rng_on)
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


def rng_on(generator: "Generator | None", device: Any) -> Any:
    """The generator that draws on ``device``: NumPy's for the CPU, a CuPy one for a GPU (seeded from
    ``generator``'s seed, made in that GPU's context). CuPy's offers ``random``, ``standard_normal``,
    ``uniform`` and ``integers``; use only those."""
    source = generator or default_generator
    target = backend.device(device)
    if target.type == "cpu":
        return source.numpy_rng
    index = target.index or 0
    if index not in source.device_rngs:
        with backend.array_module_on(target) as xp:
            source.device_rngs[index] = xp.random.default_rng((source.initial_seed() + index) % 2**63)
    return source.device_rngs[index]
