"""``DataParallel`` and ``data_parallel``: one process, the batch split over several GPUs.

Older course code wraps models in ``nn.DataParallel(model)``. On a machine with one device (or
none) that simply runs the model. With several CuPy GPUs each forward

1. *scatters* the batch: cuts every tensor argument into equal chunks along ``dim``, one per GPU;
2. *replicates* the module: a copy per GPU whose parameters are ``param.to(gpu)`` — not new
   leaves but differentiable copies, so backward sends every replica's gradient to the original;
3. runs each replica on its chunk, with that GPU selected;
4. *gathers* the outputs on ``output_device`` (concatenated along ``dim``).

PyTorch recommends DistributedDataParallel instead (one process per GPU, no Python bottleneck);
so does minitorch.
"""
from __future__ import annotations

import copy
from collections import OrderedDict
from typing import Any, List, Optional, Sequence

from minitorch.backend import array_module_on, device, to_device
from minitorch.nn.module import Module
from minitorch.ops.shape import cat, chunk
from minitorch.ops.transfer import to
from minitorch.tensor import Tensor


class DataParallel(Module):
    """Split each batch over ``device_ids`` (default: every GPU), run ``module`` on each part, gather."""

    def __init__(self, module: Module, device_ids: Optional[Sequence[Any]] = None, output_device: Any = None,
                 dim: int = 0) -> None:
        super().__init__()
        self.module = module
        self.device_ids = _devices(device_ids)
        self.output_device = device(output_device) if output_device is not None else (
            self.device_ids[0] if self.device_ids else None)
        self.dim = dim

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        return data_parallel(self.module, inputs, self.device_ids, self.output_device, self.dim, kwargs)


def data_parallel(module: Module, inputs: Any, device_ids: Optional[Sequence[Any]] = None,
                  output_device: Any = None, dim: int = 0, module_kwargs: Optional[dict] = None) -> Any:
    """The functional form of :class:`DataParallel`: ``module(*inputs)`` spread over ``device_ids``."""
    inputs = inputs if isinstance(inputs, tuple) else (inputs,)
    kwargs = module_kwargs or {}
    devices = _devices(device_ids)
    if len(devices) <= 1:
        if devices:
            inputs, kwargs = _to(inputs, devices[0]), _to(kwargs, devices[0])
        return module(*inputs, **kwargs)
    _check_module_on(module, devices[0])
    target = device(output_device) if output_device is not None else devices[0]
    parts = _scatter(inputs, len(devices), dim)
    outputs = []
    for place, part in zip(devices, parts):
        with array_module_on(place):
            replica = module if place == devices[0] else replicate(module, place)
            outputs.append(replica(*_to(part, place), **_to(kwargs, place)))
    return _gather(outputs, target, dim)


def replicate(module: Module, place: device) -> Module:
    """A copy of ``module`` on ``place`` whose parameters are differentiable copies of the originals."""
    replica = copy.copy(module)
    set_plain = object.__setattr__
    set_plain(replica, "_parameters", OrderedDict(
        (name, None if p is None else to(p, place)) for name, p in module._parameters.items()))
    set_plain(replica, "_buffers", OrderedDict(
        (name, None if b is None else Tensor._wrap(to_device(b._data, place))) for name, b in module._buffers.items()))
    set_plain(replica, "_modules", OrderedDict(
        (name, None if m is None else replicate(m, place)) for name, m in module._modules.items()))
    return replica


def _devices(device_ids: Optional[Sequence[Any]]) -> List[device]:
    """The devices to use: as given (ints mean GPUs), or every GPU there is."""
    if device_ids is None:
        from minitorch import cuda

        return [device("cuda", index) for index in range(cuda.device_count())]
    return [device("cuda", d) if isinstance(d, int) else device(d) for d in device_ids]


def _check_module_on(module: Module, place: device) -> None:
    for tensor in list(module.parameters()) + list(module.buffers()):
        if tensor.device != place:
            raise RuntimeError(f"module must have its parameters and buffers on device {place} (device_ids[0]) "
                               f"but found one of them on device: {tensor.device}")


def _scatter(inputs: tuple, count: int, dim: int) -> List[tuple]:
    """``count`` argument tuples: tensors cut along ``dim``, anything else repeated."""
    pieces = [chunk(x, count, dim) if isinstance(x, Tensor) else None for x in inputs]
    parts = min((len(p) for p in pieces if p is not None), default=count)
    return [tuple(p[i] if p is not None else x for p, x in zip(pieces, inputs)) for i in range(parts)]


def _to(value: Any, place: device) -> Any:
    if isinstance(value, Tensor):
        return value.to(place)
    if isinstance(value, (list, tuple)):
        return type(value)(_to(v, place) for v in value)
    if isinstance(value, dict):
        return {k: _to(v, place) for k, v in value.items()}
    return value


def _gather(outputs: List[Any], target: device, dim: int) -> Any:
    first = outputs[0]
    if isinstance(first, Tensor):
        return cat([out.to(target) for out in outputs], dim=dim)
    if isinstance(first, (list, tuple)):
        return type(first)(_gather(list(column), target, dim) for column in zip(*outputs))
    if isinstance(first, dict):
        return {key: _gather([out[key] for out in outputs], target, dim) for key in first}
    return outputs
