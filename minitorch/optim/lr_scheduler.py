"""Learning-rate schedules: change each parameter group's ``lr`` as training goes on.

A scheduler wraps an optimizer; call ``scheduler.step()`` once per epoch, after
``optimizer.step()``. Each call advances ``last_epoch`` and writes the new rates into
``optimizer.param_groups``. Most schedules are *recursive* (the new rate is computed from the
current one), exactly as PyTorch computes them, so the rates agree with PyTorch's to the last
bit and compose with other changes to ``group['lr']``.

    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
    for epoch in range(100):
        train(...)
        scheduler.step()
"""
from __future__ import annotations

import math
from bisect import bisect_right
from typing import Iterable, List

from minitorch.optim.lr_scheduler_base import LRScheduler
from minitorch.optim.optimizer import Optimizer


class StepLR(LRScheduler):
    """lr ← lr·γ every ``step_size`` epochs: lr_t = base_lr · γ^⌊t / step_size⌋."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        if step_size < 1 or int(step_size) != step_size:
            raise ValueError(f"step_size must be a positive integer, got {step_size!r}")
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> List[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> List[float]:
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size) for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """lr ← lr·γ at each milestone epoch: lr_t = base_lr · γ^(number of milestones ≤ t)."""

    def __init__(
        self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1, last_epoch: int = -1,
    ) -> None:
        self.milestones = sorted(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> List[float]:
        hits = self.milestones.count(self.last_epoch)  # a milestone listed twice decays twice
        if hits == 0:
            return self._current_lrs()
        return [lr * self.gamma ** hits for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> List[float]:
        return [base_lr * self.gamma ** bisect_right(self.milestones, self.last_epoch) for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """lr ← lr·γ every epoch: lr_t = base_lr · γ^t."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> List[float]:
        if self._is_initial:  # resuming: the rates in the optimizer are already right
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> List[float]:
        return [base_lr * self.gamma ** self.last_epoch for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Half a cosine from base_lr down to η_min over ``T_max`` epochs.

    Closed form: lr_t = η_min + (base_lr − η_min)·(1 + cos(π·t/T_max))/2. Like PyTorch, each step
    rescales the current rate by the ratio of consecutive cosine terms instead, so changes made to
    ``group['lr']`` from outside carry on; after ``T_max`` the rate climbs back up.
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:
        if T_max <= 0:
            raise ValueError(f"T_max must be positive, got {T_max!r}")
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> List[float]:
        t, T, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current_lrs()
        if self._step_count == 1 and t > 0:  # resuming at epoch t: start from the closed form
            return self._get_closed_form_lr()
        if (t - 1 - T) % (2 * T) == 0:  # leaving the bottom of the cosine, where the ratio is 0/0
            return [lr + (base_lr - eta_min) * (1 - math.cos(math.pi / T)) / 2
                    for base_lr, lr in zip(self.base_lrs, self._current_lrs())]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [ratio * (lr - eta_min) + eta_min for lr in self._current_lrs()]

    def _get_closed_form_lr(self) -> List[float]:
        return [
            self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
            for base_lr in self.base_lrs
        ]


# ----- optim surface B: the other schedules, in files of their own -----
from minitorch.optim.schedulers_compose import ChainedScheduler, ReduceLROnPlateau, SequentialLR  # noqa: E402
from minitorch.optim.schedulers_cyclic import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR  # noqa: E402
from minitorch.optim.schedulers_factor import (  # noqa: E402
    ConstantLR, LambdaLR, LinearLR, MultiplicativeLR, PolynomialLR,
)

__all__ = [
    "ChainedScheduler", "ConstantLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CyclicLR",
    "ExponentialLR", "LRScheduler", "LambdaLR", "LinearLR", "MultiStepLR", "MultiplicativeLR", "OneCycleLR",
    "PolynomialLR", "ReduceLROnPlateau", "SequentialLR", "StepLR",
]
