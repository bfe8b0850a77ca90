"""Op-table cases of the nn surface (part A): activations, normalisation, embedding, resampling,
transposed convolution ... (registered at the end of ``op_cases.py``)."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.ops.cases.base import OpCase, args, floats, unary

KINK_0 = dict(avoid=(0.0,), margin=0.05)
WIDE = dict(min_value=-6.0, max_value=6.0)


def F(lib):
    return lib.nn.functional


def _activation(name, options=None, fn=None, **drawn):
    call = fn or (lambda lib, x: getattr(F(lib), name)(x))
    return OpCase(f"F_{name}", call, unary(**(options or {})), **drawn)


def _in_place(name, call, options=None):
    """The in-place form on a non-leaf: ``x * 1`` is changed in place, the gradient reaches x."""
    return OpCase(f"F_{name}_inplace", lambda lib, x: call(lib, x * 1), unary(**(options or {})))


CASES = [
    # ----- piecewise activations (kinks avoided for finite differences) -----
    _activation("leaky_relu", KINK_0),
    OpCase("F_leaky_relu_slope", lambda lib, x: F(lib).leaky_relu(x, 0.2), unary(**KINK_0)),
    _in_place("leaky_relu", lambda lib, x: F(lib).leaky_relu(x, 0.3, inplace=True), KINK_0),
    OpCase("F_leaky_relu_at_kink", lambda lib, x: F(lib).leaky_relu(x, 0.3), args(hnp.arrays(
        np.float64, (4,), elements=st.sampled_from([-1.0, 0.0, 1.0]))), gradcheck=False),
    _activation("hardtanh", dict(avoid=(-1.0, 1.0), margin=0.05)),
    OpCase("F_hardtanh_bounds", lambda lib, x: F(lib).hardtanh(x, -0.5, 2.0),
           unary(avoid=(-0.5, 2.0), margin=0.05)),
    OpCase("F_hardtanh_corners", lambda lib, x: F(lib).hardtanh(x), args(hnp.arrays(
        np.float64, (5,), elements=st.sampled_from([-2.0, -1.0, 0.0, 1.0, 2.0]))), gradcheck=False),
    _in_place("hardtanh", lambda lib, x: F(lib).hardtanh(x, inplace=True), dict(avoid=(-1.0, 1.0), margin=0.05)),
    _activation("relu6", dict(avoid=(0.0, 6.0), margin=0.05, **WIDE)),
    _activation("hardsigmoid", dict(avoid=(-3.0, 3.0), margin=0.05, **WIDE)),
    _activation("hardswish", dict(avoid=(-3.0, 3.0), margin=0.05, **WIDE)),
    OpCase("F_hard_kinks", lambda lib, x: F(lib).hardswish(x) + F(lib).hardsigmoid(x) + F(lib).relu6(x),
           args(hnp.arrays(np.float64, (6,), elements=st.sampled_from([-3.0, 0.0, 3.0, 6.0]))), gradcheck=False),
    _activation("hardshrink", dict(avoid=(-0.5, 0.5), margin=0.05)),
    _activation("softshrink", dict(avoid=(-0.5, 0.5), margin=0.05)),
    OpCase("F_softshrink_lambd", lambda lib, x: F(lib).softshrink(x, 1.5), unary(avoid=(-1.5, 1.5), margin=0.05)),
    OpCase("F_shrink_at_lambda", lambda lib, x: F(lib).hardshrink(x) + F(lib).softshrink(x),
           args(hnp.arrays(np.float64, (5,), elements=st.sampled_from([-0.5, 0.0, 0.5, 1.0]))), gradcheck=False),
    OpCase("F_threshold", lambda lib, x: F(lib).threshold(x, 0.5, -2.0), unary(avoid=(0.5,), margin=0.05)),
    _in_place("threshold", lambda lib, x: F(lib).threshold(x, 0.5, -2.0, inplace=True),
              dict(avoid=(0.5,), margin=0.05)),
    _activation("elu", KINK_0),
    OpCase("F_elu_alpha", lambda lib, x: F(lib).elu(x, 0.5), unary(**KINK_0)),
    _in_place("elu", lambda lib, x: F(lib).elu(x, 0.7, inplace=True), KINK_0),
    OpCase("F_celu", lambda lib, x: F(lib).celu(x, 2.0), unary()),
    _activation("selu", KINK_0),
    _in_place("selu", lambda lib, x: F(lib).selu(x, inplace=True), KINK_0),
    OpCase("F_elu_family_at_0", lambda lib, x: F(lib).elu(x) + F(lib).selu(x) + F(lib).celu(x, 0.5),
           args(hnp.arrays(np.float64, (3,), elements=st.sampled_from([-1.0, 0.0, 1.0]))), gradcheck=False),
    OpCase("F_prelu_shared", lambda lib, x, w: F(lib).prelu(x, w),
           args(floats((2, 3, 2), **KINK_0), floats((1,)))),
    OpCase("F_prelu_channels", lambda lib, x, w: F(lib).prelu(x, w),
           args(floats((2, 3, 2, 2), **KINK_0), floats((3,)))),
    OpCase("F_prelu_1d", lambda lib, x, w: F(lib).prelu(x, w), args(floats((4,), **KINK_0), floats((1,)))),
    OpCase("F_rrelu_eval", lambda lib, x: F(lib).rrelu(x, 0.1, 0.3, training=False), unary(**KINK_0)),
    # ----- smooth activations -----
    _activation("gelu", WIDE),
    OpCase("F_gelu_far", lambda lib, x: F(lib).gelu(x), unary(min_value=-40.0, max_value=40.0), gradcheck=False),
    OpCase("F_gelu_tanh", lambda lib, x: F(lib).gelu(x, approximate="tanh"), unary(**WIDE)),
    OpCase("F_gelu_float32", lambda lib, x: F(lib).gelu(x.float()), unary(), rtol=1e-6, atol=1e-6,
           gradcheck=False),
    _activation("silu", WIDE),
    _in_place("silu", lambda lib, x: F(lib).silu(x, inplace=True), WIDE),
    _activation("mish", WIDE),
    _activation("softplus", WIDE),
    OpCase("F_softplus_beta", lambda lib, x: F(lib).softplus(x, beta=2.0, threshold=4.0),
           unary(avoid=(2.0,), margin=0.05, **WIDE)),
    _activation("logsigmoid", dict(min_value=-40.0, max_value=40.0)),
    _activation("softsign", KINK_0),
    _activation("tanhshrink"),
    OpCase("F_glu", lambda lib, x: F(lib).glu(x), unary((2, 4))),
    OpCase("F_glu_dim0", lambda lib, x: F(lib).glu(x, 0), unary((4, 3))),
    OpCase("F_softmin", lambda lib, x: F(lib).softmin(x, dim=1), unary((2, 3))),
]


# ----- embedding, one_hot -----
def _ids(lib, rows):
    return lib.tensor(rows)


NORM_INPUT = dict(distinct=True)
AWAY_0 = dict(avoid=(0.0,), margin=0.3)  # no zero vector, where the norm has no derivative
CASES += [
    OpCase("F_embedding", lambda lib, w: F(lib).embedding(_ids(lib, [[0, 2, 2], [3, 0, 1]]), w), unary((4, 3))),
    OpCase("F_embedding_padding_idx", lambda lib, w: F(lib).embedding(_ids(lib, [1, 2, 1, 0]), w, padding_idx=1),
           unary((3, 2)), gradcheck=False),  # the padding row's gradient is 0 by design
    OpCase("F_embedding_negative_padding", lambda lib, w: F(lib).embedding(_ids(lib, [2, 0]), w, padding_idx=-1),
           unary((3, 2)), gradcheck=False),
    OpCase("F_embedding_freq", lambda lib, w: F(lib).embedding(_ids(lib, [0, 0, 2, 0]), w, scale_grad_by_freq=True),
           unary((3, 2)), gradcheck=False),  # the gradient is divided by the counts by design
    OpCase("F_embedding_bag_2d", lambda lib, w: F(lib).embedding_bag(_ids(lib, [[0, 2], [1, 1]]), w),
           unary((3, 2))),
    OpCase("F_embedding_bag_offsets_sum", lambda lib, w: F(lib).embedding_bag(
        _ids(lib, [0, 2, 1, 1, 2]), w, _ids(lib, [0, 2, 2]), mode="sum"), unary((3, 2))),
    OpCase("F_embedding_bag_mean_padding", lambda lib, w: F(lib).embedding_bag(
        _ids(lib, [0, 2, 1, 1, 2]), w, _ids(lib, [0, 3]), mode="mean", padding_idx=1), unary((3, 2))),
    OpCase("F_embedding_bag_weights", lambda lib, w, s: F(lib).embedding_bag(
        _ids(lib, [0, 2, 1]), w, _ids(lib, [0, 1]), mode="sum", per_sample_weights=s), args(floats((3, 2)),
                                                                                              floats((3,)))),
    OpCase("F_one_hot", lambda lib, x: F(lib).one_hot(_ids(lib, [[0, 3], [2, 2]])) + x.long() * 0,
           unary((2, 2, 4)), gradcheck=False),
    OpCase("F_one_hot_classes", lambda lib, x: F(lib).one_hot(_ids(lib, [1, 0]), 4).double() * x,
           unary((2, 4))),
    # ----- per-sample normalisation -----
    OpCase("F_layer_norm", lambda lib, x: F(lib).layer_norm(x, (3,)), unary((2, 3), **NORM_INPUT)),
    OpCase("F_layer_norm_affine", lambda lib, x, w, b: F(lib).layer_norm(x, (2, 3), w, b, eps=1e-3),
           args(floats((2, 2, 3), distinct=True), floats((2, 3)), floats((2, 3)))),
    OpCase("F_layer_norm_weight_only", lambda lib, x, w: F(lib).layer_norm(x, [4], w),
           args(floats((3, 4), distinct=True), floats((4,)))),
    OpCase("F_group_norm", lambda lib, x, w, b: F(lib).group_norm(x, 2, w, b),
           args(floats((2, 4, 3), distinct=True), floats((4,)), floats((4,)))),
    OpCase("F_group_norm_images", lambda lib, x: F(lib).group_norm(x, 3), unary((2, 3, 2, 2), distinct=True)),
    OpCase("F_instance_norm", lambda lib, x, w, b: F(lib).instance_norm(x, weight=w, bias=b),
           args(floats((2, 3, 2, 2), distinct=True), floats((3,)), floats((3,)))),
    OpCase("F_normalize", lambda lib, x: F(lib).normalize(x), unary((3, 4), **AWAY_0)),
    OpCase("F_normalize_p1_dim0", lambda lib, x: F(lib).normalize(x, p=1.0, dim=0), unary((3, 2), **KINK_0)),
    OpCase("F_normalize_p3", lambda lib, x: F(lib).normalize(x, p=3.0, dim=-1), unary((2, 3), **AWAY_0)),
    OpCase("F_normalize_zero_row", lambda lib, x: F(lib).normalize(x * lib.tensor([[0.0], [1.0]], dtype=x.dtype)),
           unary((2, 3)), gradcheck=False),
    OpCase("F_normalize_eps", lambda lib, x: F(lib).normalize(x * 1e-3, eps=1.0), unary((2, 3))),
    OpCase("F_local_response_norm", lambda lib, x: F(lib).local_response_norm(x, 3, alpha=0.1, beta=0.75, k=2.0),
           unary((2, 4, 3))),
    OpCase("F_local_response_norm_even", lambda lib, x: F(lib).local_response_norm(x, 2, alpha=0.5),
           unary((1, 3, 2, 2))),
]
