"""What PyTorch calls each graph node, so printed graphs read the same: ``x.grad_fn`` shows
``<SumBackward0 object at 0x...>`` and ``grad_fn.next_functions`` lists PyTorch's edges.

minitorch's ops are named after what they compute (``Sum``, ``Linear``); PyTorch names its nodes
after the backward of the ATen op it recorded (``SumBackward0``, ``AddmmBackward0`` for a
``Linear`` with bias). This table is read only when a node is printed or walked, never when an
op runs. Each entry: PyTorch's name, and which of the op's ``apply`` arguments PyTorch counts as
its inputs (a slice: options like ``dim`` or ``stride`` are not graph inputs).
"""
from __future__ import annotations

from typing import Any

_ALL = slice(None)
_FIRST = slice(0, 1)
_TWO = slice(0, 2)

NAMES = {
    "Add": ("AddBackward0", _TWO), "Sub": ("SubBackward0", _TWO), "Mul": ("MulBackward0", _TWO),
    "Div": ("DivBackward0", _TWO), "RoundedDiv": ("DivBackward1", _TWO), "Pow": ("PowBackward0", _FIRST),
    "Neg": ("NegBackward0", _FIRST), "Exp": ("ExpBackward0", _FIRST), "Log": ("LogBackward0", _FIRST),
    "Sqrt": ("SqrtBackward0", _FIRST), "Tanh": ("TanhBackward0", _FIRST), "Sigmoid": ("SigmoidBackward0", _FIRST),
    "Relu": ("ReluBackward0", _FIRST), "Abs": ("AbsBackward0", _FIRST), "Clamp": ("ClampBackward1", _FIRST),
    "Sum": ("SumBackward0", _FIRST), "Mean": ("MeanBackward0", _FIRST), "Var": ("VarBackward0", _FIRST),
    "Std": ("StdBackward0", _FIRST), "MaxMinAll": ("MaxBackward1", _FIRST), "MaxMinDim": ("MaxBackward0", _FIRST),
    "Reshape": ("ViewBackward0", _FIRST), "Permute": ("PermuteBackward0", _FIRST),
    "Expand": ("ExpandBackward0", _FIRST), "Contiguous": ("CloneBackward0", _FIRST),
    "Cat": ("CatBackward0", slice(1, None)), "PairwiseExtreme": ("MaximumBackward0", _TWO),
    "Where": ("WhereBackward0", slice(1, 3)), "GetItem": ("IndexBackward0", _FIRST),
    "SetItem": ("CopySlices", _TWO), "CopyFrom": ("CopyBackwards", _TWO), "Fill": ("FillBackward0", _FIRST),
    "Cast": ("ToCopyBackward0", _FIRST), "ToDevice": ("ToCopyBackward0", _FIRST), "Clone": ("CloneBackward0", _FIRST),
    "MatMul": ("MmBackward0", _TWO), "Linear": ("AddmmBackward0", _ALL),
    "Conv2d": ("ConvolutionBackward0", slice(0, 3)), "BatchNorm": ("NativeBatchNormBackward0", slice(0, 3)),
    "MaxPool2d": ("MaxPool2DWithIndicesBackward0", _FIRST), "AvgPool2d": ("AvgPool2DBackward0", _FIRST),
    "Softmax": ("SoftmaxBackward0", _FIRST), "LogSoftmax": ("LogSoftmaxBackward0", _FIRST),
    "ConstantPad": ("ConstantPadNdBackward0", _FIRST), "CrossEntropy": ("NllLossBackward0", _FIRST),
    "SoftTargetCrossEntropy": ("SumBackward0", _FIRST), "NLL": ("NllLossBackward0", _FIRST),
    "MSE": ("MseLossBackward0", _TWO),
    "Normal": ("NormalBackward3", slice(1, None)), "Bernoulli": ("BernoulliBackward0", slice(1, None)),
    "Poisson": ("PoissonBackward0", slice(1, None)), "Einsum": ("EinsumBackward0", slice(1, None)),
    # the backward ops a create_graph=True pass records (the first gradient's grad_fn)
    "Conv2dBackward": ("ConvolutionBackwardBackward0", slice(0, 3)),
    "MaxPool2dBackward": ("MaxPool2DWithIndicesBackwardBackward0", _FIRST),
    "AvgPool2dBackward": ("AvgPool2DBackwardBackward0", _FIRST),
}


# Ops PyTorch records under a second name when an option is given: (attribute set, that name).
OVERLOADS = {"Sum": ("axes", "SumBackward1"), "Mean": ("axes", "MeanBackward1")}


def pytorch_name(node: Any) -> str:
    """PyTorch's name for a node; a user's ``Function`` subclass ``MyReLU`` is ``MyReLUBackward``."""
    kind = type(node).__name__
    overload = OVERLOADS.get(kind)
    if overload is not None and getattr(node, overload[0], None) is not None:
        return overload[1]
    entry = NAMES.get(kind)
    return entry[0] if entry is not None else f"{kind}Backward"


class AccumulateGrad:
    """The node a leaf's gradient flows into (PyTorch's name); ``.variable`` is the leaf."""

    next_functions: tuple = ()

    def __init__(self, variable: Any) -> None:
        self.variable = variable

    def name(self) -> str:
        return "AccumulateGrad"

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {id(self):#x}>"


class TransposeNode:
    """The ``TBackward0`` node PyTorch's ``linear`` records for ``weight.t()``."""

    def __init__(self, edge: tuple) -> None:
        self.next_functions = (edge,)

    def name(self) -> str:
        return "TBackward0"

    def __repr__(self) -> str:
        return f"<TBackward0 object at {id(self):#x}>"


def pytorch_edges(node: Any, edges: tuple) -> tuple:
    """``next_functions`` as PyTorch lists them: ``(node, output_nr)`` for each input, leaves as
    ``AccumulateGrad`` nodes, inputs that need no gradient as ``(None, 0)``."""
    entry = NAMES.get(type(node).__name__)
    shown = [_pytorch_edge(edge) for edge in (edges[entry[1]] if entry is not None else edges)]
    if type(node).__name__ == "Linear" and len(shown) == 3:  # addmm(bias, input, weight.t())
        weight = shown[1] if shown[1][0] is None else (TransposeNode(shown[1]), 0)
        return (shown[2], shown[0], weight)
    return tuple(shown)


def _pytorch_edge(edge: Any) -> tuple:
    if edge is None:
        return (None, 0)
    target, output_nr = edge
    if hasattr(target, "_data"):  # a leaf tensor
        return (AccumulateGrad(target), 0)
    return (target, output_nr)
