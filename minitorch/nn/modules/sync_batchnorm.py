"""``SyncBatchNorm``: batch normalisation whose statistics cover the whole global batch.

Under DistributedDataParallel each rank sees only its share of the batch. Plain BatchNorm would
normalise with that share's mean and variance; SyncBatchNorm combines the statistics of all
ranks, so N ranks with batch B compute exactly what one process with batch N·B would.

Forward: every rank computes its per-channel mean, variance and count; an all-gather combines
them (mean = Σ nᵣ·meanᵣ / N, var = Σ nᵣ·(varᵣ + (meanᵣ − mean)²) / N). Backward needs two
per-channel sums over the global batch (of ĝ and of ĝ·x̂), one all-reduce. ``weight`` and
``bias`` gradients stay local: DDP averages them like every other parameter.

Outside a process group (or with one rank, or in eval mode) it is plain BatchNorm.
"""
from __future__ import annotations

from typing import Any, Optional

from minitorch.autograd import grad_mode
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module
from minitorch.distributed.reduce_op import ReduceOp
from minitorch.nn import functional as F
from minitorch.nn.module import Module
from minitorch.nn.modules.batchnorm import _BatchNorm
from minitorch.tensor import Tensor


def _axes(x: Any) -> tuple:
    return (0,) + tuple(range(2, x.ndim))


def _per_channel(values: Any, x: Any) -> Any:
    return values.reshape((1, -1) + (1,) * (x.ndim - 2))


class SyncBatchNormFunction(ArrayFunction):
    """y = x̂·w + b with x̂ = (x − μ)/σ, where μ and σ are the global batch's statistics."""

    @staticmethod
    def forward(ctx, x, weight, bias, mean, inverse_std, group, total):
        normalized = (x - _per_channel(mean, x)) * _per_channel(inverse_std, x)
        ctx.save_for_backward(normalized, weight)
        ctx.inverse_std, ctx.group, ctx.total = inverse_std, group, total
        out = normalized if weight is None else normalized * _per_channel(weight, x)
        return out if bias is None else out + _per_channel(bias, x)

    @staticmethod
    def backward(ctx, grad):
        """ĝ = g·w: dx = (ĝ − meanₐₗₗ ĝ − x̂·meanₐₗₗ(ĝ·x̂))/σ (means over the global batch);
        dw = Σ g·x̂, db = Σ g over this rank's batch."""
        normalized, weight = ctx.saved_tensors
        axes = _axes(grad)
        xp = array_module(grad)
        grad_normalized = grad if weight is None else grad * _per_channel(weight, grad)
        grad_x = None
        if ctx.needs_input_grad[0]:
            sums = xp.concatenate([grad_normalized.sum(axis=axes), (grad_normalized * normalized).sum(axis=axes)])
            ctx.group.allreduce(sums, ReduceOp.SUM).wait()
            mean_grad, mean_grad_normalized = xp.split(sums / ctx.total, 2)
            grad_x = (grad_normalized - _per_channel(mean_grad, grad)
                      - normalized * _per_channel(mean_grad_normalized, grad)) * _per_channel(ctx.inverse_std, grad)
        return (
            grad_x,
            (grad * normalized).sum(axis=axes) if ctx.needs_input_grad[1] else None,
            grad.sum(axis=axes) if ctx.needs_input_grad[2] else None,
            None, None, None, None,
        )


class SyncBatchNorm(_BatchNorm):
    """Batch normalisation over the global batch of all ranks, for inputs (N, C, ...)."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1, affine: bool = True,
                 track_running_stats: bool = True, process_group: Any = None, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype)
        self.process_group = process_group

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim < 2:
            raise ValueError(f"expected at least 2D input (got {input.ndim}D input)")
        group = self._group_to_sync()
        momentum = self._momentum_for_this_batch()
        if group is None:  # plain BatchNorm
            use_batch_statistics = self.training or self.running_mean is None
            track = not self.training or self.track_running_stats
            return F.batch_norm(input, self.running_mean if track else None, self.running_var if track else None,
                                self.weight, self.bias, use_batch_statistics, momentum, self.eps)
        mean, var, total = _global_statistics(input._data, group)
        if self.track_running_stats:
            _update_running(self.running_mean, self.running_var, mean, var, total, momentum)
        inverse_std = 1.0 / array_module(var).sqrt(var + self.eps)
        return SyncBatchNormFunction.apply(input, self.weight, self.bias, mean, inverse_std, group, total)

    def _group_to_sync(self) -> Any:
        """The process group to combine statistics over, or None when there is nothing to combine."""
        from minitorch import distributed as dist

        if not self.training or not dist.is_initialized():
            return None
        group = dist.process_group.default_group(self.process_group)
        return group if group.size > 1 else None

    @classmethod
    def convert_sync_batchnorm(cls, module: Module, process_group: Any = None) -> Module:
        """``module`` with every BatchNorm layer replaced by a SyncBatchNorm sharing its parameters and buffers."""
        converted = module
        if isinstance(module, _BatchNorm) and not isinstance(module, SyncBatchNorm):
            converted = cls(module.num_features, module.eps, module.momentum, module.affine,
                            module.track_running_stats, process_group)
            for name in ("weight", "bias"):
                setattr(converted, name, getattr(module, name))
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                converted._buffers[name] = module._buffers[name]
            converted.training = module.training
        for name, child in module.named_children():
            converted._modules[name] = cls.convert_sync_batchnorm(child, process_group)
        return converted


def _global_statistics(x: Any, group: Any) -> tuple:
    """Per-channel mean, biased variance and element count of the batches of all ranks together."""
    xp = array_module(x)
    axes = _axes(x)
    count = x.size // x.shape[1]
    local = xp.stack([x.mean(axis=axes), x.var(axis=axes), xp.full(x.shape[1], count, dtype=x.dtype)])
    rows = group.allgather(local).result()  # (ranks, 3, C)
    counts = rows[:, 2]
    total = float(counts[:, 0].sum())
    if total <= 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {list(x.shape)}")
    mean = (counts * rows[:, 0]).sum(axis=0) / total
    var = (counts * (rows[:, 1] + (rows[:, 0] - mean) ** 2)).sum(axis=0) / total
    return mean, var, total


def _update_running(running_mean: Tensor, running_var: Tensor, mean: Any, var: Any, total: Any,
                    momentum: float) -> None:
    """running ← (1 − momentum)·running + momentum·batch, with the unbiased global variance."""
    unbiased = var * (total / (total - 1))
    with grad_mode.no_grad():
        running_mean.mul_(1.0 - momentum).add_(Tensor._wrap((mean * momentum).astype(running_mean.dtype)))
        running_var.mul_(1.0 - momentum).add_(Tensor._wrap((unbiased * momentum).astype(running_var.dtype)))
