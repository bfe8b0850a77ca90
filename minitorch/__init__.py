"""minitorch: a from-scratch neural-network library on NumPy (CPU) and CuPy (GPU).

It mirrors PyTorch's API, so ``import minitorch as torch`` runs PyTorch tutorial code::

    import minitorch as torch
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad  # tensor([2., 4.])

Where to read: ``tensor.py`` (the Tensor), ``autograd/`` (graph and backward), ``ops/`` (every
op's forward and backward side by side), ``nn/``, ``optim/``, ``utils/data``, ``datasets/``.
"""
from minitorch.tensor import Tensor  # first: everything else builds on it

from minitorch import dtypes
from minitorch.autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from minitorch.autograd.function import Function
from minitorch.autograd.gradcheck import gradcheck
from minitorch.backend import device
from minitorch.creation import (
    arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace, ones, ones_like,
    rand, rand_like, randint, randn, randn_like, randperm, tensor, zeros, zeros_like,
)
from minitorch.ops.elementwise import (
    abs, add, allclose, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, clamp, clip, div, eq, equal, exp, ge, gt, isfinite, isnan, le, log,
    logical_not, lt, masked_fill, maximum, minimum, mul, ne, neg, pow, relu, sigmoid, sqrt, square,
    sub, tanh, where,
)
from minitorch.ops.linalg import bmm, dot, matmul, mm
from minitorch.ops.reduce import all, any, argmax, argmin, max, mean, min, std, sum, var
from minitorch.ops.shape import (
    broadcast_to, cat, chunk, concat, concatenate, flatten, permute, reshape, split, squeeze, stack,
    swapaxes, t, transpose, unbind, unflatten, unsqueeze,
)
from minitorch.random import Generator, initial_seed, manual_seed
from minitorch.threads import get_num_threads, set_num_threads
from minitorch import cuda
from minitorch import nn, optim  # last: they build on the above; `torch.nn.Module` works after `import minitorch as torch`
from minitorch.serialization import load, save

float16 = half = dtypes.float16
float32 = float = dtypes.float32
float64 = double = dtypes.float64
uint8 = dtypes.uint8
int8 = dtypes.int8
int16 = short = dtypes.int16
int32 = int = dtypes.int32
int64 = long = dtypes.int64
bool = dtypes.bool_

from minitorch import datasets, io, transforms, utils  # noqa: E402  (torchvision's datasets, transforms, io; torch.utils)

__version__ = "0.1.0"


def is_tensor(obj: object) -> "builtins.bool":  # noqa: F821
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> "builtins.int":  # noqa: F821
    return input.numel()


def get_default_dtype():
    return dtypes.default_float
