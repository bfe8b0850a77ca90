"""Random draws shaped by tensors: ``normal(mean, std)``, ``bernoulli(p)``, ``multinomial(w, n)``,
``poisson(rate)``, and the in-place fills ``x.random_()``, ``x.exponential_()`` ...

Values are drawn on the CPU from the chosen :class:`~minitorch.random.Generator` (the default one
unless ``generator=`` is given) and moved to the tensor's device, so a seed gives the same
numbers everywhere. The samples are not differentiable: as in PyTorch, ``normal``'s and
``bernoulli``'s gradients with respect to their parameters are zero (no reparameterisation).
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from minitorch import dtypes
from minitorch.autograd.function import ArrayFunction
from minitorch.backend import array_module, to_device
from minitorch.creation import _finish
from minitorch.ops.inplace import _fill_random
from minitorch.random import Generator, rng_of
from minitorch.sizes import new_size
from minitorch.tensor import Tensor


class Sample(ArrayFunction):
    """Already-drawn samples entering the graph: d sample / d parameter = 0."""

    @staticmethod
    def forward(ctx, samples, *parameters):
        ctx.shapes = [getattr(p, "shape", None) for p in parameters]
        return samples

    @staticmethod
    def backward(ctx, grad):
        xp = array_module(grad)
        return (None, *(None if shape is None else xp.zeros(shape, grad.dtype) for shape in ctx.shapes))


class Normal(Sample):
    pass


class Bernoulli(Sample):
    pass


class Poisson(Sample):
    pass


def _cpu(value: Any) -> Any:
    return value._cpu_array() if isinstance(value, Tensor) else value


def normal(mean: Any, std: Any = 1.0, size: Any = None, *, generator: Optional[Generator] = None,
           dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Samples of N(mean, std²): ``normal(mean_t, std_t)``, ``normal(mean_t, 0.5)``,
    ``normal(0.0, std_t)`` (tensor shapes broadcast) or ``normal(0.0, 1.0, size)``."""
    tensors = [v for v in (mean, std) if isinstance(v, Tensor)]
    if not tensors:
        if size is None:
            raise TypeError("normal(): with a float mean and a float std, give the size: normal(0.0, 1.0, (2, 3))")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        values = rng_of(generator).normal(mean, std, new_size((size,) if not isinstance(size, int) else (size,)))
        return _finish(values, dtype or dtypes.default_float, device, requires_grad)
    first = tensors[0]
    for t in tensors:
        if t._data.dtype.kind != "f":
            raise NotImplementedError(f"normal: mean and std must be floating point tensors, got {t.dtype}")
    if isinstance(std, Tensor) and bool((std._data < 0).any()):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if not isinstance(std, Tensor) and std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    try:
        shape = np.broadcast_shapes(*(t.shape for t in tensors))
    except ValueError:
        raise RuntimeError(
            f"normal: the shapes of mean {list(mean.shape)} and std {list(std.shape)} do not broadcast"
        ) from None
    out_dtype = np.result_type(*(t._data.dtype for t in tensors))
    values = rng_of(generator).normal(_cpu(mean), _cpu(std), shape).astype(out_dtype)
    return Normal.apply(Tensor._wrap(to_device(values, first.device)), *tensors)


def bernoulli(input: Tensor, p: Optional[float] = None, *, generator: Optional[Generator] = None) -> Tensor:
    """1 with probability ``input`` (or ``p``), else 0, in ``input``'s float dtype."""
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f"bernoulli: expected a floating point tensor of probabilities, got {input.dtype}")
    probability = _cpu(input) if p is None else p
    if np.any((np.asarray(probability) < 0) | (np.asarray(probability) > 1)):
        raise RuntimeError(f"bernoulli expects probabilities in [0, 1], got values outside it (p={p})")
    draws = rng_of(generator).random(input.shape) < probability
    values = to_device(draws.astype(input._data.dtype), input.device)
    return Bernoulli.apply(Tensor._wrap(values), input) if p is None else Tensor._wrap(values)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Optional[Generator] = None) -> Tensor:
    """Indices drawn from the categories weighted by each row of ``input`` (1-D or 2-D, weights
    need not sum to 1). Without replacement a category appears at most once per row."""
    if input.ndim not in (1, 2):
        raise RuntimeError(f"prob_dist must be 1 or 2 dim, got a {input.ndim}-D tensor of shape {list(input.shape)}")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {input.dtype}")
    if num_samples <= 0:
        raise RuntimeError(f"cannot sample n_sample <= 0 samples (got {num_samples})")
    weights = np.atleast_2d(_cpu(input)).astype(np.float64)
    rows, categories = weights.shape
    if not replacement and num_samples > categories:
        raise RuntimeError(
            f"cannot sample n_sample > prob_dist.size(-1) samples without replacement "
            f"({num_samples} > {categories})"
        )
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (weights.sum(axis=1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rng = rng_of(generator)
    if replacement:
        chosen = _draw_with_replacement(weights, num_samples, rng)
    else:
        chosen = _draw_without_replacement(weights, num_samples, rng)
    chosen = chosen.astype(np.int64)
    return Tensor._wrap(to_device(chosen if input.ndim == 2 else chosen[0], input.device))


def _draw_with_replacement(weights: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Inverse-CDF sampling for every row at once: row r's CDF is shifted by r, so one sorted
    search over all rows finds each uniform draw's category."""
    rows, categories = weights.shape
    cdf = np.cumsum(weights, axis=1)
    cdf /= cdf[:, -1:]
    offsets = np.arange(rows)[:, None]
    found = np.searchsorted((cdf + offsets).ravel(), (rng.random((rows, n)) + offsets).ravel(), side="right")
    return np.minimum(found.reshape(rows, n) - offsets * categories, categories - 1)


def _draw_without_replacement(weights: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """The Gumbel-top-k trick: the k largest of ``log w + Gumbel noise`` are a draw of k distinct
    categories with PyTorch's sequential "draw, remove, renormalise" distribution. Categories of
    weight 0 come last, in random order, once the positive ones run out (as PyTorch fills them)."""
    with np.errstate(divide="ignore"):
        keys = np.log(weights) + rng.gumbel(size=weights.shape)
    zero = weights == 0
    keys[zero] = -np.inf
    ties = rng.random(weights.shape)  # orders the zero-weight categories among themselves
    order = np.lexsort((-ties, -keys), axis=1)
    return order[:, :n]


def poisson(input: Tensor, generator: Optional[Generator] = None) -> Tensor:
    """Poisson counts with rate ``input``, in ``input``'s dtype."""
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"poisson: expected a floating point tensor of rates, got {input.dtype}")
    rates = _cpu(input)
    if (rates < 0).any():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    values = rng_of(generator).poisson(rates).astype(input._data.dtype)
    return Poisson.apply(Tensor._wrap(to_device(values, input.device)), input)


# ----- in-place fills -----
def _need_float(self: Tensor, name: str, distribution: str) -> None:
    if self._data.dtype.kind != "f":
        raise RuntimeError(
            f"{name}: {distribution} is a continuous probability distribution. "
            f"dtype must be a floating point but you specified {self.dtype}"
        )


def random_(self: Tensor, from_: int = 0, to: Optional[int] = None, *, generator: Optional[Generator] = None,
            **kwargs: Any) -> Tensor:
    """Integers drawn uniformly from ``[from, to)``: ``x.random_(10)`` is ``[0, 10)``; with no bound,
    ``[0, 2**mantissa]`` for floats (every integer the dtype holds exactly) or up to the dtype's max."""
    explicit_from = "from" in kwargs
    from_ = kwargs.pop("from", from_)
    if kwargs:
        raise TypeError(f"random_() got unexpected keyword arguments {sorted(kwargs)}")
    dtype = self._data.dtype
    if to is None and from_ != 0 and not explicit_from:  # random_(10): one bound is the upper one
        from_, to = 0, from_
    if to is None:
        to = 2 if dtype.kind == "b" else (2 ** (np.finfo(dtype).nmant + 1) + 1 if dtype.kind == "f"
                                          else int(np.iinfo(dtype).max) + 1)
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}")
    if dtype.kind in "iu" and (from_ < np.iinfo(dtype).min or to - 1 > np.iinfo(dtype).max):
        raise RuntimeError(f"random_: [{from_}, {to}) is out of bounds for {self.dtype}")
    values = rng_of(generator).integers(from_, to, self.shape, dtype=np.int64 if to <= 2**63 else np.uint64)
    return _fill_random(self, values)


def exponential_(self: Tensor, lambd: float = 1.0, *, generator: Optional[Generator] = None) -> Tensor:
    """Samples of Exp(λ), density λ·e^(−λx)."""
    _need_float(self, "exponential_", "Exponential distribution")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    return _fill_random(self, rng_of(generator).exponential(1.0 / lambd, self.shape))


def geometric_(self: Tensor, p: float, *, generator: Optional[Generator] = None) -> Tensor:
    """The number of Bernoulli(p) trials up to the first success (1, 2, 3 ...)."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    return _fill_random(self, rng_of(generator).geometric(p, self.shape))


def log_normal_(self: Tensor, mean: float = 1.0, std: float = 2.0, *, generator: Optional[Generator] = None) -> Tensor:
    """exp of N(mean, std²) samples."""
    _need_float(self, "log_normal_", "LogNormal distribution")
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
    return _fill_random(self, rng_of(generator).lognormal(mean, std, self.shape))


def cauchy_(self: Tensor, median: float = 0.0, sigma: float = 1.0, *, generator: Optional[Generator] = None) -> Tensor:
    """Samples of the Cauchy distribution: median + σ·tan(π(U − ½))."""
    _need_float(self, "cauchy_", "Cauchy distribution")
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
    return _fill_random(self, median + sigma * rng_of(generator).standard_cauchy(self.shape))


def bernoulli_(self: Tensor, p: Any = 0.5, *, generator: Optional[Generator] = None) -> Tensor:
    """1 with probability ``p`` (a number or a tensor broadcast to this shape), else 0."""
    probability = np.broadcast_to(_cpu(p), self.shape)
    if np.any((probability < 0) | (probability > 1)):
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return _fill_random(self, rng_of(generator).random(self.shape) < probability)


def randint_like(input: Tensor, low: int = 0, high: Optional[int] = None, *, dtype: Any = None,
                 device: Any = None, requires_grad: bool = False, generator: Optional[Generator] = None) -> Tensor:
    """Integers from ``[low, high)`` in ``input``'s shape and dtype (``randint_like(x, high)``: low = 0)."""
    if high is None:
        low, high = 0, low
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    values = rng_of(generator).integers(low, high, input.shape)
    return _finish(values, dtype or input.dtype, device or input.device, requires_grad)
