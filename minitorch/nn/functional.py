"""``minitorch.nn.functional`` (``F``): the layers' maths as plain functions of tensors.

A layer (``nn.Linear``) owns its parameters and calls the function here (``F.linear``) with
them; stateless steps (``F.relu``, ``F.max_pool2d``, ``F.cross_entropy``) are usually called
directly in ``forward``. Each function is one op of ``minitorch/ops``: read its forward and
backward there.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from minitorch import backend
from minitorch.backend import array_module_on
from minitorch.ops.activation import log_softmax, softmax
from minitorch.ops.conv import conv2d
from minitorch.ops.unary import relu as _relu
from minitorch.ops.unary import sigmoid, tanh
from minitorch.ops.inplace import relu_
from minitorch.ops.linear import linear
from minitorch.ops.loss import cross_entropy, mse_loss, nll_loss
from minitorch.ops.normalization import batch_norm
from minitorch.ops.pool import avg_pool2d, max_pool2d
from minitorch.ops.shape import flatten
from minitorch.random import rng_on
from minitorch.tensor import Tensor

# ----- nn surface A: activations, layers, normalisation (names listed in __all__ below) -----
from minitorch.ops.rectifiers import (
    celu, celu_, elu, elu_, hardshrink, hardsigmoid, hardswish, hardtanh, hardtanh_, leaky_relu, leaky_relu_, prelu,
    relu6, rrelu, rrelu_, selu, selu_, softshrink, threshold, threshold_,
)
from minitorch.ops.smooth_activations import (
    gelu, glu, logsigmoid, mish, silu, softmin, softplus, softsign, tanhshrink,
)
from minitorch.ops.adaptive_max_pool import adaptive_max_pool2d, max_unpool2d
from minitorch.ops.channel_dropout import alpha_dropout, dropout1d, dropout2d
from minitorch.ops.conv1d import conv1d
from minitorch.ops.conv_transpose import conv_transpose1d, conv_transpose2d
from minitorch.ops.embedding import embedding, embedding_bag, one_hot
from minitorch.ops.standardize import group_norm, instance_norm, layer_norm
from minitorch.ops.padding_modes import pad  # every mode; 'constant' is ops/padding.py's
from minitorch.ops.pool1d import avg_pool1d, lp_pool1d, lp_pool2d, max_pool1d
from minitorch.ops.rearrange import channel_shuffle, pixel_shuffle, pixel_unshuffle
from minitorch.ops.resample import adaptive_avg_pool1d, adaptive_avg_pool2d, interpolate
from minitorch.ops.unfold import fold, unfold
from minitorch.ops.vector_norms import local_response_norm, normalize
SURFACE_A = [
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool2d", "alpha_dropout", "avg_pool1d",
    "channel_shuffle", "dropout1d", "dropout2d", "interpolate", "lp_pool1d", "lp_pool2d", "max_pool1d",
    "max_unpool2d", "pixel_shuffle", "pixel_unshuffle", "fold", "unfold",
    "conv1d", "conv_transpose1d", "conv_transpose2d",
    "embedding", "embedding_bag", "group_norm", "instance_norm", "layer_norm", "local_response_norm", "normalize",
    "one_hot",
    "celu", "celu_", "elu", "elu_", "gelu", "glu", "hardshrink", "hardsigmoid", "hardswish", "hardtanh",
    "hardtanh_", "leaky_relu", "leaky_relu_", "logsigmoid", "mish", "prelu", "relu6", "rrelu", "rrelu_", "selu",
    "selu_", "silu", "softmin", "softplus", "softshrink", "softsign", "tanhshrink", "threshold", "threshold_",
]
# ----- end of nn surface A -----

# ----- nn surface B: losses and distances -----
from minitorch.ops.classification_loss import (  # noqa: E402
    binary_cross_entropy, binary_cross_entropy_with_logits, multi_margin_loss, multilabel_margin_loss,
    multilabel_soft_margin_loss, soft_margin_loss,
)
from minitorch.ops.embedding_loss import (  # noqa: E402
    cosine_embedding_loss, cosine_similarity, hinge_embedding_loss, margin_ranking_loss, pairwise_distance,
    pdist, triplet_margin_loss,
)
from minitorch.ops.regression_loss import (  # noqa: E402
    gaussian_nll_loss, huber_loss, kl_div, l1_loss, poisson_nll_loss, smooth_l1_loss,
)

_SURFACE_B = [
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "cosine_embedding_loss", "cosine_similarity",
    "gaussian_nll_loss", "hinge_embedding_loss", "huber_loss", "kl_div", "l1_loss", "margin_ranking_loss",
    "multi_margin_loss", "multilabel_margin_loss", "multilabel_soft_margin_loss", "pairwise_distance", "pdist",
    "poisson_nll_loss", "smooth_l1_loss", "soft_margin_loss", "triplet_margin_loss",
]
# ----- end nn surface B -----

__all__ = [
    "avg_pool2d", "batch_norm", "conv2d", "cross_entropy", "dropout", "flatten", "linear",
    "log_softmax", "max_pool2d", "mse_loss", "nll_loss", "pad", "relu", "relu_", "sigmoid",
    "softmax", "tanh",
] + SURFACE_A + _SURFACE_B


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0), elementwise (``inplace=True`` overwrites ``input``)."""
    return relu_(input) if inplace else _relu(input)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """In training, zero each element with probability ``p`` and scale the rest by 1/(1−p),
    so the expected value is unchanged; outside training, return ``input`` as it is.

    The gradient flows through the same mask: ``input * mask`` is an ordinary product.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    mask = Tensor._wrap(dropout_mask(input.shape, p, input.dtype, input.device))
    return input.mul_(mask) if inplace else input * mask


def dropout_mask(shape: tuple, p: float, dtype: Any, device: Any = "cpu") -> Any:
    """0 with probability ``p``, else 1/(1−p), drawn from the default generator on ``device``."""
    with array_module_on(backend.device(device)):
        keep = rng_on(None, device).random(shape, dtype=np.float32) >= p
    mask = keep.astype(dtype)
    if p < 1.0:
        mask *= 1.0 / (1.0 - p)
    return mask

# ----- sequence models -----
from minitorch.ops.attention import scaled_dot_product_attention  # noqa: E402

__all__ += ["scaled_dot_product_attention"]
