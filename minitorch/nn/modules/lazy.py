"""Lazy modules: layers that learn their input size from the first batch they see (d2l.ai builds
every model with them): ``LazyLinear``, ``LazyConv1d``, ``LazyConv2d``, ``LazyConvTranspose2d``,
``LazyBatchNorm1d``, ``LazyBatchNorm2d``.

Until the first forward, the weight and bias are :class:`UninitializedParameter` objects, holding
no values. The first forward reads the input's size, gives each of them its shape **in place**
(the same Python objects, now ordinary :class:`Parameter` objects), initialises them as the eager
layer would, and turns the module into that eager layer (``LazyLinear`` → ``Linear``). So, as in
PyTorch, an optimiser built before that first forward holds the very parameters that get trained::

    net = nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)   # fine: same objects after the first batch
    net(X)                                                  # shapes are fixed now

(Differences: ``state_dict``/``load_state_dict`` of a module that is still uninitialised are not
supported; run one batch first. ``UninitializedParameter.shape`` is ``(0,)`` rather than an error.)
"""
from __future__ import annotations

from typing import Any

from minitorch.backend import array_module
from minitorch.creation import empty, ones, zeros
from minitorch.nn.modules.batchnorm import BatchNorm1d, BatchNorm2d
from minitorch.nn.modules.conv import Conv2d
from minitorch.nn.modules.conv_transpose import Conv1d, ConvTranspose2d
from minitorch.nn.modules.linear import Linear
from minitorch.nn.parameter import Parameter
from minitorch.tensor import Tensor


class UninitializedParameter(Parameter):
    """A parameter whose shape is not known yet; :meth:`materialize` gives it one, in place."""

    __slots__ = ()
    cls_to_become = Parameter

    def __init__(self, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__(empty(0, device=device, dtype=dtype), requires_grad)

    def materialize(self, shape: tuple) -> None:
        """Become an ordinary Parameter of ``shape`` (values uninitialised), keeping dtype and device."""
        self._data = array_module(self._data).empty(shape, dtype=self._data.dtype)
        self.__class__ = self.cls_to_become

    def __repr__(self) -> str:
        return "<UninitializedParameter>"


class LazyModuleMixin:
    """Shared by the lazy layers: materialise on the first forward, then become ``cls_to_become``."""

    cls_to_become: type = type(None)  # set by each lazy class

    def has_uninitialized_params(self) -> bool:
        return any(isinstance(p, UninitializedParameter) for p in self._parameters.values())

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and all(p.numel() for p in self._parameters.values() if p is not None):
            self.cls_to_become.reset_parameters(self)

    def initialize_parameters(self, input: Tensor) -> None:
        raise NotImplementedError

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        if self.has_uninitialized_params():
            self.initialize_parameters(args[0])
            self.cls_to_become.reset_parameters(self)
        self.__class__ = self.cls_to_become
        return self.forward(*args, **kwargs)

    def _uninitialize(self, names: tuple, device: Any, dtype: Any) -> None:
        for name in names:
            if getattr(self, name) is not None:
                setattr(self, name, UninitializedParameter(device=device, dtype=dtype))


class LazyLinear(LazyModuleMixin, Linear):
    """``Linear`` whose ``in_features`` is the size of the last dim of the first input."""

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__(0, out_features, bias, device, dtype)
        self._uninitialize(("weight", "bias"), device, dtype)

    def initialize_parameters(self, input: Tensor) -> None:
        self.in_features = input.shape[-1]
        self.weight.materialize((self.out_features, self.in_features))
        if self.bias is not None:
            self.bias.materialize((self.out_features,))


class _LazyConv(LazyModuleMixin):
    spatial_dims = 2
    transposed = False

    def initialize_parameters(self, input: Tensor) -> None:
        unbatched = input.ndim == self.spatial_dims + 1
        self.in_channels = input.shape[0] if unbatched else input.shape[1]
        if self.in_channels % self.groups:
            raise ValueError("in_channels must be divisible by groups")
        if self.transposed:
            shape = (self.in_channels, self.out_channels // self.groups) + tuple(self.kernel_size)
        else:
            shape = (self.out_channels, self.in_channels // self.groups) + tuple(self.kernel_size)
        self.weight.materialize(shape)
        if self.bias is not None:
            self.bias.materialize((self.out_channels,))


class LazyConv2d(_LazyConv, Conv2d):
    """``Conv2d`` whose ``in_channels`` is read from the first input."""

    cls_to_become = Conv2d

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(0, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode,
                         device, dtype)
        self._uninitialize(("weight", "bias"), device, dtype)


class LazyConv1d(_LazyConv, Conv1d):
    """``Conv1d`` whose ``in_channels`` is read from the first input."""

    cls_to_become = Conv1d
    spatial_dims = 1

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(0, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode,
                         device, dtype)
        self._uninitialize(("weight", "bias"), device, dtype)


class LazyConvTranspose2d(_LazyConv, ConvTranspose2d):
    """``ConvTranspose2d`` whose ``in_channels`` is read from the first input."""

    cls_to_become = ConvTranspose2d
    transposed = True

    def __init__(self, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        super().__init__(0, out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation,
                         padding_mode, device, dtype)
        self._uninitialize(("weight", "bias"), device, dtype)


class _LazyBatchNorm(LazyModuleMixin):
    def __init__(self, eps: float = 1e-5, momentum: Any = 0.1, affine: bool = True, track_running_stats: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(0, eps, momentum, affine, track_running_stats, device, dtype)
        self._uninitialize(("weight", "bias"), device, dtype)

    def reset_parameters(self) -> None:
        if self.num_features:
            self.cls_to_become.reset_parameters(self)

    def initialize_parameters(self, input: Tensor) -> None:
        self.num_features = input.shape[1]
        if self.weight is not None:
            self.weight.materialize((self.num_features,))
            self.bias.materialize((self.num_features,))
        if self.running_mean is not None:
            like = dict(dtype=self.running_mean.dtype, device=self.running_mean.device)
            self.running_mean = zeros(self.num_features, **like)
            self.running_var = ones(self.num_features, **like)


class LazyBatchNorm1d(_LazyBatchNorm, BatchNorm1d):
    """``BatchNorm1d`` whose ``num_features`` is read from the first input."""

    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyBatchNorm, BatchNorm2d):
    """``BatchNorm2d`` whose ``num_features`` is read from the first input."""

    cls_to_become = BatchNorm2d
