"""minitorch: a from-scratch neural-network library on NumPy (CPU) and CuPy (GPU).

It mirrors PyTorch's API, so ``import minitorch as torch`` runs PyTorch tutorial code::

    import minitorch as torch
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad  # tensor([2., 4.])

Where to read: ``tensor.py`` (the Tensor), ``autograd/`` (graph and backward), ``ops/`` (every
op's forward and backward side by side), ``nn/``, ``optim/``, ``utils/data``, ``datasets/``.
"""
from minitorch import memory
from minitorch import cuda, distributed, dtypes, nn, optim, tensor_methods  # noqa: F401  (tensor_methods attaches Tensor's op methods)
from minitorch.autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from minitorch.autograd.function import Function
from minitorch.autograd.gradcheck import gradcheck, gradgradcheck
from minitorch.backend import device
from minitorch.creation import (
    arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace, ones, ones_like,
    rand, rand_like, randint, randn, randn_like, randperm, tensor, zeros, zeros_like,
)
from minitorch.ops.arithmetic import add, div, floor_divide, mul, neg, pow, sub
from minitorch.ops.cast import clone
from minitorch.ops.comparison import (
    allclose, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, eq, equal, ge, gt, isfinite, isnan, le,
    logical_not, lt, ne,
)
from minitorch.ops.linalg import bmm, dot, matmul, mm
from minitorch.ops.reduce import all, any, argmax, argmin, max, mean, min, std, sum, var
from minitorch.ops.selection import masked_fill, maximum, minimum, where
from minitorch.ops.shape import (
    broadcast_to, cat, chunk, concat, concatenate, flatten, permute, reshape, split, squeeze, stack,
    swapaxes, t, transpose, unbind, unflatten, unsqueeze,
)
from minitorch.ops.unary import abs, exp, log, relu, sigmoid, sqrt, square, tanh
# ----- tensor surface A -----
from minitorch.ops.activation import log_softmax, softmax
from minitorch.ops.combining import addcdiv, addcmul, clamp, clip, lerp
from minitorch.ops.counting import bincount, bucketize, histc, searchsorted, unique, unique_consecutive
from minitorch.ops.cumulative import cummax, cummin, cumprod, cumsum
from minitorch.ops.extrema import amax, amin, aminmax
from minitorch.ops.gather import argwhere, gather, index_select, masked_select, nonzero, take, take_along_dim
from minitorch.ops.exponentials import exp2, expm1, log1p, log2, log10, logaddexp, logit, reciprocal, rsqrt, xlogy
from minitorch.ops.nonfinite import isclose, isinf, isneginf, isposinf, isreal, nan_to_num
from minitorch.ops.norms import dist, norm
from minitorch.ops.rounding import ceil, fix, floor, fmod, frac, remainder, round, sgn, sign, trunc
from minitorch.ops.scatter import (
    index_add, index_copy, index_fill, masked_scatter, scatter, scatter_add,
)
from minitorch.ops.scatter_reduce import scatter_reduce
from minitorch.ops.sorting import argsort, kthvalue, median, mode, msort, nanmedian, sort, topk
from minitorch.ops.special import digamma, erf, erfc, erfinv, lgamma
from minitorch.ops.stacking import (
    atleast_1d, atleast_2d, atleast_3d, column_stack, dsplit, dstack, hsplit, hstack, meshgrid, row_stack,
    tensor_split, vsplit, vstack,
)
from minitorch.ops.statistics import count_nonzero, logsumexp, nanmean, nansum, prod, std_mean, var_mean
from minitorch.ops.tiling import flip, fliplr, flipud, repeat_interleave, roll, rot90, tile
from minitorch.ops.triangular import diag, diag_embed, diagonal, trace, tril, triu
from minitorch.ops.trig import (
    acos, acosh, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, asin, asinh, atan, atan2, atanh,
    cos, cosh, hypot, sin, sinh, tan,
)
from minitorch.ops.views import movedim, moveaxis, narrow, ravel, select, swapdims
# ----- end of tensor surface A -----
# ----- gpu -----
from minitorch.ops.transfer import from_dlpack
# ----- end of gpu -----
from minitorch.random import Generator, initial_seed, manual_seed
from minitorch.serialization import load, save
from minitorch.tensor import Tensor
from minitorch.threads import get_num_threads, set_num_threads

# ----- tensor surface B: legacy spellings, sampling, modes, devices, dtypes, linear algebra -----
import builtins as _builtins  # noqa: E402  (the names below shadow int, float and bool)
import math as _math  # noqa: E402

from minitorch import accelerator, autograd, backends, functional, linalg, random  # noqa: E402,F401
from minitorch.autograd import Variable, inference_mode, is_inference_mode_enabled  # noqa: E402,F401
from minitorch.backend import get_default_device, set_default_device  # noqa: E402,F401
from minitorch.dtypes import dtype, get_default_dtype, set_default_dtype  # noqa: E402,F401
from minitorch.legacy import (  # noqa: E402,F401
    BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor, LongTensor, ShortTensor,
    svd, true_divide,
)
from minitorch.ops.decompositions import cholesky, det, inverse, logdet, pinverse, slogdet  # noqa: E402,F401
from minitorch.ops.einsum import einsum  # noqa: E402,F401
from minitorch.ops.products import (  # noqa: E402,F401
    addmm, addmv, baddbmm, cross, ger, inner, kron, matrix_power, mv, outer, tensordot,
)
from minitorch.ops.matrix_norms import cdist  # noqa: E402,F401
from minitorch.ops.out import with_out as _with_out  # noqa: E402
from minitorch.ops.sampling import bernoulli, multinomial, normal, poisson, randint_like  # noqa: E402,F401
from minitorch.printing import get_printoptions, set_printoptions  # noqa: E402,F401
from minitorch.random import seed  # noqa: E402,F401
from minitorch.sizes import Size  # noqa: E402,F401

bfloat16 = dtypes.bfloat16
pi, e, inf, nan = _math.pi, _math.e, _math.inf, _math.nan  # torch.pi & co: Python floats

# out=: the package-level functions PyTorch gives it (Tensor methods are unchanged)
(add, sub, mul, div, pow, neg, matmul, mm, bmm, dot, mv, addmm, outer, exp, log, sqrt, tanh, sigmoid, abs, clamp,
 maximum, minimum, cat, stack, sum, mean, cross) = (_with_out(f) for f in (
    add, sub, mul, div, pow, neg, matmul, mm, bmm, dot, mv, addmm, outer, exp, log, sqrt, tanh, sigmoid, abs, clamp,
    maximum, minimum, cat, stack, sum, mean, cross))


def is_floating_point(input: Tensor) -> "_builtins.bool":
    return input.is_floating_point()


def get_rng_state() -> Tensor:
    """The default generator's state as a uint8 tensor (give it to :func:`set_rng_state` to replay)."""
    return Tensor._wrap(random.get_rng_state())


def set_rng_state(new_state: Tensor) -> None:
    random.set_rng_state(new_state)


float16 = half = dtypes.float16
float32 = float = dtypes.float32
float64 = double = dtypes.float64
uint8 = dtypes.uint8
int8 = dtypes.int8
int16 = short = dtypes.int16
int32 = int = dtypes.int32
int64 = long = dtypes.int64
bool = dtypes.bool_

# torchvision's datasets, transforms and io; torch.utils; the instruments (profiler, graph drawing)
from minitorch import datasets, io, profiler, transforms, utils, viz  # noqa: E402,F401

__version__ = "0.1.0"

memory.keep_by_default()  # freed arrays stay in the process for the next step: no page faults (memory.py)


def is_tensor(obj: object) -> "_builtins.bool":
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> "_builtins.int":
    return input.numel()

