"""``LRScheduler``: the base of every learning-rate schedule (see ``lr_scheduler.py``).

It keeps ``last_epoch`` and ``base_lrs`` (each group's ``initial_lr``), and on each ``step()``
asks the subclass's ``get_lr()`` for the new rates and writes them into the optimizer's groups.
"""
from __future__ import annotations

import warnings
from typing import Any, Dict, List, Optional

from minitorch.optim.optimizer import Optimizer


class LRScheduler:
    """Base class: keeps ``last_epoch`` and ``base_lrs``; subclasses say how the rate moves."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        for index, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(
                    f"param 'initial_lr' is not specified in param_groups[{index}] when resuming a "
                    "scheduler with last_epoch >= 0: load the optimizer's state_dict first"
                )
        self.optimizer = optimizer
        self.base_lrs: List[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """The constructor's step: it sets the starting rates (``_is_initial`` tells ``get_lr``)."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> List[float]:
        """The rates for epoch ``last_epoch``, computed from the current ones."""
        raise NotImplementedError

    def _get_closed_form_lr(self) -> List[float]:
        """The rates for epoch ``last_epoch`` from ``base_lrs`` alone; schedules with a formula override it."""
        return self.get_lr()

    def get_last_lr(self) -> List[float]:
        """The rates the last ``step()`` set, one per parameter group."""
        return self._last_lr

    def step(self, epoch: Optional[int] = None) -> None:
        """Advance one epoch (or jump to ``epoch``, deprecated) and set the groups' rates."""
        self._step_count += 1
        if epoch is not None:
            warnings.warn(
                "The epoch parameter in `scheduler.step()` is deprecated; call `scheduler.step()` "
                "once per epoch instead", UserWarning, stacklevel=2,
            )
        self._update_lr(epoch)

    def _update_lr(self, epoch: Optional[int] = None) -> None:
        """Move to the next epoch (or to ``epoch``, by the closed form) and write the rates."""
        if epoch is None:
            self.last_epoch += 1
            rates = self.get_lr()
        else:
            self.last_epoch = epoch
            rates = self._get_closed_form_lr()
        for group, lr in zip(self.optimizer.param_groups, rates):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> Dict[str, Any]:
        """Everything but the optimizer (which saves its own state)."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        self.__dict__.update(state_dict)

    def _current_lrs(self) -> List[float]:
        return [group["lr"] for group in self.optimizer.param_groups]
