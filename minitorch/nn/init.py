"""Weight initialisation, as ``torch.nn.init``: each function fills a tensor in place and returns it.

Why the scales: a layer ``y = W x`` with ``fan_in`` inputs multiplies the variance of its input
by ``fan_in · Var(W)``. Choosing ``Var(W) = gain² / fan_in`` (Kaiming/He) keeps activations
from growing or vanishing through a deep ReLU network; Xavier/Glorot averages fan in and fan
out to keep the gradients' variance steady as well. ``U(−b, b)`` has variance ``b²/3``, hence
the ``√3`` in the uniform bounds.

Every draw comes from minitorch's default generator (or the ``generator`` given), and the
tensor keeps its dtype: the scales are Python floats, never float64 NumPy scalars.
"""
from __future__ import annotations

import math
import warnings
from typing import Optional

import numpy as np

from minitorch.autograd.grad_mode import no_grad
from minitorch.random import Generator, rng_of
from minitorch.tensor import Tensor

_LINEAR_GAINS = ("linear", "identity", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                 "conv_transpose2d", "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity: str, param: Optional[float] = None) -> float:
    """The factor that keeps the variance of activations steady through ``nonlinearity``."""
    if nonlinearity in _LINEAR_GAINS:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple:
    """Inputs and outputs feeding each unit: (in, out) times the kernel size for convolutions."""
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


_calculate_fan_in_and_fan_out = calculate_fan_in_and_fan_out  # PyTorch's name, which layers use


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Optional[Generator] = None) -> Tensor:
    """Fill with samples from U(a, b)."""
    with no_grad():
        return tensor.uniform_(float(a), float(b), generator=generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Optional[Generator] = None) -> Tensor:
    """Fill with samples from N(mean, std²)."""
    with no_grad():
        return tensor.normal_(float(mean), float(std), generator=generator)


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                  generator: Optional[Generator] = None) -> Tensor:
    """Fill with N(mean, std²) samples redrawn until they fall inside [a, b]."""
    rng = rng_of(generator)
    values = rng.normal(mean, std, tensor.shape)
    outside = (values < a) | (values > b)
    while outside.any():
        values[outside] = rng.normal(mean, std, int(outside.sum()))
        outside = (values < a) | (values > b)
    with no_grad():
        return tensor.copy_(Tensor._wrap(values.astype(tensor.dtype)))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``."""
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 1.0)


def zeros_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 0.0)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Optional[Generator] = None) -> Tensor:
    """U(−b, b) with b = gain·√(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010)."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / float(fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Optional[Generator] = None) -> Tensor:
    """N(0, std²) with std = gain·√(2 / (fan_in + fan_out))."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     generator: Optional[Generator] = None) -> Tensor:
    """U(−b, b) with b = gain·√(3 / fan), gain = calculate_gain(nonlinearity, a) (He et al., 2015)."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op")
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    generator: Optional[Generator] = None) -> Tensor:
    """N(0, std²) with std = gain / √fan."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op")
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator)


def _fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


# ----- structured initialisations (nn surface B) -----
def orthogonal_(tensor: Tensor, gain: float = 1.0, generator: Optional[Generator] = None) -> Tensor:
    """A (semi-)orthogonal matrix, scaled by ``gain`` (Saxe et al., 2013): Q of the QR factorisation of a
    Gaussian matrix, with the signs of R's diagonal folded in so Q is uniformly distributed.

    Dimensions after the first are flattened: rows = ``shape[0]``, columns = the rest.
    """
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = rng_of(generator).standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    with no_grad():
        return tensor.copy_(Tensor._wrap((q * gain).reshape(tensor.shape).astype(tensor.dtype)))


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01, generator: Optional[Generator] = None) -> Tensor:
    """N(0, std²) values with a fraction ``sparsity`` of each column set to zero (Martens, 2010)."""
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    rng = rng_of(generator)
    values = rng.normal(0.0, std, (rows, cols))
    zeros_per_column = int(math.ceil(sparsity * rows))
    shuffled_rows = rng.random((rows, cols)).argsort(axis=0)[:zeros_per_column]  # a random permutation per column
    values[shuffled_rows, np.arange(cols)] = 0.0
    with no_grad():
        return tensor.copy_(Tensor._wrap(values.astype(tensor.dtype)))


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """The identity of a convolution: a 1 at the centre of the kernel linking output channel i to
    input channel i (per group), zeros elsewhere, so the layer passes its input through."""
    if tensor.ndim not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    out_channels = tensor.shape[0]
    if out_channels % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = out_channels // groups
    diagonal = min(per_group, tensor.shape[1])
    values = np.zeros(tensor.shape, dtype=tensor.dtype)
    outputs = (np.arange(groups)[:, None] * per_group + np.arange(diagonal)).reshape(-1)
    inputs = np.tile(np.arange(diagonal), groups)
    centre = tuple(side // 2 for side in tensor.shape[2:])
    values[(outputs, inputs) + centre] = 1
    with no_grad():
        return tensor.copy_(Tensor._wrap(values))


def eye_(tensor: Tensor) -> Tensor:
    """The identity matrix (ones on the diagonal of a possibly non-square 2-D tensor)."""
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with no_grad():
        return tensor.copy_(Tensor._wrap(np.eye(*tensor.shape, dtype=tensor.dtype)))
