"""Seeded random number generators: ``manual_seed(0)`` makes a run reproducible.

A :class:`Generator` wraps a NumPy ``Generator`` (PCG64). Tensors on the GPU are drawn on the
CPU and moved, so a seed gives the same numbers on every device.
"""
from __future__ import annotations

from typing import Any

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

    def get_state(self) -> np.ndarray:
        """The generator's whole state as bytes (uint8): PCG64's 128-bit state and increment,
        and the cached half-draw NumPy keeps. Give it back to :meth:`set_state` to replay."""
        state = self.numpy_rng.bit_generator.state
        words = [state["state"]["state"], state["state"]["inc"]]
        packed = b"".join(w.to_bytes(16, "little") for w in words)
        packed += bytes([state["has_uint32"]]) + int(state["uinteger"]).to_bytes(4, "little")
        packed += int(self._seed).to_bytes(8, "little")
        return np.frombuffer(packed, dtype=np.uint8).copy()

    def set_state(self, new_state: Any) -> "Generator":
        packed = np.asarray(new_state)
        if packed.dtype != np.uint8 or packed.shape != (_STATE_BYTES,):
            raise RuntimeError(
                f"RNG state must be a uint8 tensor of {_STATE_BYTES} bytes (from get_state()), "
                f"got dtype {packed.dtype} and shape {list(packed.shape)}"
            )
        raw = packed.tobytes()
        self.numpy_rng.bit_generator.state = {
            "bit_generator": "PCG64",
            "state": {"state": int.from_bytes(raw[:16], "little"), "inc": int.from_bytes(raw[16:32], "little")},
            "has_uint32": raw[32], "uinteger": int.from_bytes(raw[33:37], "little"),
        }
        self._seed = int.from_bytes(raw[37:45], "little")
        return self


_STATE_BYTES = 45


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator, which every random op uses unless given its own."""
    return default_generator.manual_seed(seed)


def initial_seed() -> int:
    return default_generator.initial_seed()


def seed() -> int:
    """Seed the default generator from fresh entropy; returns the seed."""
    return default_generator.seed()


def get_rng_state() -> np.ndarray:
    return default_generator.get_state()


def set_rng_state(new_state: Any) -> None:
    default_generator.set_state(new_state)


def rng_of(generator: "Generator | None") -> np.random.Generator:
    """The NumPy generator behind ``generator`` (the default one when None)."""
    if generator is not None and not isinstance(generator, Generator):
        raise TypeError(f"generator must be a minitorch.Generator, got {type(generator).__name__}")
    return (generator or default_generator).numpy_rng
