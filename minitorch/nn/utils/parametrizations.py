"""Ready-made parametrizations: ``weight_norm`` and ``spectral_norm`` (``torch.nn.utils.parametrizations``).

* weight normalisation writes w = g · v/‖v‖ (norms taken over every dimension but ``dim``), so the
  length g and the direction v of each row are learned separately (Salimans & Kingma, 2016);
* spectral normalisation divides w by its largest singular value σ, estimated by power
  iteration that carries its vectors u, v over from one forward to the next (Miyato et al., 2018).
"""
from __future__ import annotations

from typing import Any, Optional

from minitorch.autograd.grad_mode import no_grad
from minitorch.backend import array_module
from minitorch.nn.module import Module
from minitorch.nn.utils.parametrize import register_parametrization
from minitorch.tensor import Tensor


def norm_except_dim(v: Tensor, dim: int) -> Tensor:
    """‖v‖₂ over every dimension but ``dim``, keeping them as size 1 (``dim=-1``: the norm of everything)."""
    if dim == -1:
        return (v * v).sum().sqrt()
    others = tuple(axis for axis in range(v.ndim) if axis != dim % v.ndim)
    return (v * v).sum(dim=others, keepdim=True).sqrt() if others else v.abs()


class _WeightNorm(Module):
    """w = g · v / ‖v‖ from the originals (g, v)."""

    def __init__(self, dim: Optional[int] = 0) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g: Tensor, weight_v: Tensor) -> Tensor:
        return weight_v * (weight_g / norm_except_dim(weight_v, self.dim))

    def right_inverse(self, weight: Tensor) -> tuple:
        return norm_except_dim(weight, self.dim), weight


def weight_norm(module: Module, name: str = "weight", dim: Optional[int] = 0) -> Module:
    """Reparametrize ``module.<name>`` as g · v/‖v‖; ``dim=None`` normalises the whole tensor."""
    register_parametrization(module, name, _WeightNorm(dim), unsafe=True)
    return module


def _normalize(x: Any, eps: float) -> Any:
    return x / max(float(array_module(x).linalg.norm(x)), eps)


class _SpectralNorm(Module):
    """w / σ(w), σ estimated by power iteration on the weight as a matrix (``dim`` first)."""

    def __init__(self, weight: Tensor, n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12) -> None:
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError(
                f"Expected n_power_iterations to be positive, but got n_power_iterations={n_power_iterations}"
            )
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            matrix = self._as_matrix(weight)._data
            rows, cols = matrix.shape
            u = weight.new_empty(rows).normal_(0, 1)._data
            v = weight.new_empty(cols).normal_(0, 1)._data
            self.register_buffer("_u", Tensor._wrap(_normalize(u, eps)))
            self.register_buffer("_v", Tensor._wrap(_normalize(v, eps)))
            self._power_method(matrix, 15)

    def _as_matrix(self, weight: Tensor) -> Tensor:
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.ndim) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, matrix: Any, iterations: int) -> None:
        """u ← normalize(W v), v ← normalize(Wᵀ u), in place in the buffers (no gradient)."""
        for _ in range(iterations):
            self._u._write(_normalize(matrix @ self._v._data, self.eps))
            self._v._write(_normalize(matrix.T @ self._u._data, self.eps))

    def forward(self, weight: Tensor) -> Tensor:
        if weight.ndim == 1:
            norm = (weight * weight).sum().sqrt().clamp(min=self.eps)
            return weight / norm
        matrix = self._as_matrix(weight)
        if self.training:
            with no_grad():
                self._power_method(matrix._data, self.n_power_iterations)
        u, v = Tensor._wrap(self._u._data.copy()), Tensor._wrap(self._v._data.copy())
        sigma = (u * (matrix @ v)).sum()
        return weight / sigma

    def right_inverse(self, value: Tensor) -> Tensor:
        return value


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
                  dim: Optional[int] = None) -> Module:
    """Reparametrize ``module.<name>`` as w/σ(w) (dim 1 for transposed convolutions, else 0)."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if type(module).__name__.startswith("ConvTranspose") else 0
    register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module


__all__ = ["spectral_norm", "weight_norm"]
