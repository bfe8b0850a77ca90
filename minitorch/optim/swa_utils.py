"""Stochastic weight averaging (``torch.optim.swa_utils``): average the weights along the end of training.

    swa_model = AveragedModel(model)             # a copy whose weights will be the running average
    swa_scheduler = SWALR(optimizer, swa_lr=0.05)
    for epoch in range(epochs):
        train_one_epoch(model, optimizer)
        if epoch >= swa_start:
            swa_model.update_parameters(model)   # average ← average + (θ − average)/(n + 1)
            swa_scheduler.step()
    update_bn(train_loader, swa_model)           # BatchNorm statistics for the averaged weights

``get_ema_avg_fn(decay)`` turns the plain average into an exponential moving average.
"""
from __future__ import annotations

import copy
import itertools
import math
from typing import Any, Callable, Iterable, List, Optional, Sequence

from minitorch.autograd.grad_mode import no_grad
from minitorch.creation import tensor
from minitorch.nn.module import Module
from minitorch.nn.modules.batchnorm import _BatchNorm
from minitorch.optim.lr_scheduler_base import LRScheduler
from minitorch.optim.optimizer import Optimizer
from minitorch.tensor import Tensor
from minitorch import dtypes

AvgFn = Callable[[Tensor, Tensor, Any], Tensor]


def get_swa_avg_fn() -> AvgFn:
    """The running mean: average + (current − average)/(n + 1)."""
    def swa_update(averaged: Tensor, current: Tensor, num_averaged: Any) -> Tensor:
        return averaged + (current - averaged) / (num_averaged + 1)
    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> AvgFn:
    """The exponential moving average decay·average + (1 − decay)·current."""
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")

    def ema_update(averaged: Tensor, current: Tensor, num_averaged: Any) -> Tensor:
        return decay * averaged + (1 - decay) * current
    return ema_update


def get_swa_multi_avg_fn() -> Callable[[Sequence[Tensor], Sequence[Tensor], Any], None]:
    """The running mean, updating lists of tensors in place."""
    def swa_update(averaged: Sequence[Tensor], current: Sequence[Tensor], num_averaged: Any) -> None:
        for a, c in zip(averaged, current):
            a.copy_(get_swa_avg_fn()(a, c, num_averaged))
    return swa_update


def get_ema_multi_avg_fn(decay: float = 0.999) -> Callable[[Sequence[Tensor], Sequence[Tensor], Any], None]:
    """The exponential moving average, updating lists of tensors in place."""
    update = get_ema_avg_fn(decay)

    def ema_update(averaged: Sequence[Tensor], current: Sequence[Tensor], num_averaged: Any) -> None:
        for a, c in zip(averaged, current):
            a.copy_(update(a, c, num_averaged))
    return ema_update


class AveragedModel(Module):
    """A copy of ``model`` whose parameters (and, with ``use_buffers``, buffers) are averaged by
    ``update_parameters``; calling it runs the copy."""

    def __init__(self, model: Module, device: Any = None, avg_fn: Optional[AvgFn] = None,
                 multi_avg_fn: Optional[Callable[..., None]] = None, use_buffers: bool = False) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", tensor(0, dtype=dtypes.int64, device=device))
        self.avg_fn, self.multi_avg_fn, self.use_buffers = avg_fn, multi_avg_fn, use_buffers

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self.module(*args, **kwargs)

    def update_parameters(self, model: Module) -> None:
        """Fold ``model``'s current weights into the average (the first call copies them)."""
        def tensors(m: Module) -> Iterable[Tensor]:
            return itertools.chain(m.parameters(), m.buffers()) if self.use_buffers else m.parameters()

        own = [p.detach() for p in (tensors(self.module) if self.use_buffers else self.parameters())]
        theirs = [p.detach().to(a.device) for a, p in zip(own, tensors(model))]
        with no_grad():
            if int(self.n_averaged.item()) == 0:
                for averaged, current in zip(own, theirs):
                    averaged.copy_(current)
            elif self.multi_avg_fn is not None:
                self.multi_avg_fn(own, theirs, self.n_averaged)
            else:
                update = self.avg_fn or get_swa_avg_fn()
                for averaged, current in zip(own, theirs):
                    averaged.copy_(update(averaged, current, self.n_averaged))
            if not self.use_buffers:
                for own_buffer, buffer in zip(self.module.buffers(), model.buffers()):
                    own_buffer.detach().copy_(buffer.detach().to(own_buffer.device))
            self.n_averaged += 1


def update_bn(loader: Iterable[Any], model: Module, device: Any = None) -> None:
    """Recompute every BatchNorm's running statistics with one pass over ``loader`` (a cumulative
    average over its batches), as the averaged weights need statistics of their own."""
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    with no_grad():
        for batch in loader:
            if isinstance(batch, (list, tuple)):
                batch = batch[0]
            model(batch if device is None else batch.to(device))
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's rate to ``swa_lr`` over ``anneal_epochs`` epochs (cosine or linear), then hold it."""

    def __init__(self, optimizer: Optimizer, swa_lr: Any, anneal_epochs: int = 10, anneal_strategy: str = "cos",
                 last_epoch: int = -1) -> None:
        rates = list(swa_lr) if isinstance(swa_lr, (list, tuple)) else [swa_lr] * len(optimizer.param_groups)
        if len(rates) != len(optimizer.param_groups):
            raise ValueError(
                f"swa_lr must have the same length as optimizer.param_groups. swa_lr has {len(rates)} values, "
                f"param_groups has {len(optimizer.param_groups)}."
            )
        for rate, group in zip(rates, optimizer.param_groups):
            group["swa_lr"] = rate
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self._anneal_strategy = anneal_strategy
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    def _anneal(self, t: float) -> float:
        return (1 - math.cos(math.pi * t)) / 2 if self._anneal_strategy == "cos" else t

    def get_lr(self) -> List[float]:
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_alpha = self._anneal(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        prev_lrs = [group["swa_lr"] if prev_alpha == 1 else (group["lr"] - prev_alpha * group["swa_lr"]) / (1 - prev_alpha)
                    for group in self.optimizer.param_groups]
        alpha = self._anneal(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [group["swa_lr"] * alpha + lr * (1 - alpha) for group, lr in zip(self.optimizer.param_groups, prev_lrs)]
