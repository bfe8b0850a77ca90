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
    # PyTorch has no double backward for hardsigmoid ("derivative for aten::hardsigmoid_backward is not implemented")
    _activation("hardsigmoid", dict(avoid=(-3.0, 3.0), margin=0.05, **WIDE), gradgrad=False),
    _activation("hardswish", dict(avoid=(-3.0, 3.0), margin=0.05, **WIDE)),
    OpCase("F_hard_kinks", lambda lib, x: F(lib).hardswish(x) + F(lib).hardsigmoid(x) + F(lib).relu6(x),
           args(hnp.arrays(np.float64, (6,), elements=st.sampled_from([-3.0, 0.0, 3.0, 6.0]))), gradcheck=False,
           gradgrad=False),  # PyTorch has no double backward for hardsigmoid (see F_hardsigmoid)
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
    OpCase("F_celu", lambda lib, x: F(lib).celu(x, 2.0), unary(**KINK_0)),  # the second derivative jumps at 0
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
def _ids(lib, rows, like):
    return lib.tensor(rows, device=like.device)


NORM_INPUT = dict(distinct=True)
AWAY_0 = dict(avoid=(0.0,), margin=0.3)  # no zero vector, where the norm has no derivative
CASES += [
    OpCase("F_embedding", lambda lib, w: F(lib).embedding(_ids(lib, [[0, 2, 2], [3, 0, 1]], w), w), unary((4, 3))),
    OpCase("F_embedding_padding_idx", lambda lib, w: F(lib).embedding(_ids(lib, [1, 2, 1, 0], w), w, padding_idx=1),
           unary((3, 2)), gradcheck=False),  # the padding row's gradient is 0 by design
    OpCase("F_embedding_negative_padding", lambda lib, w: F(lib).embedding(_ids(lib, [2, 0], w), w, padding_idx=-1),
           unary((3, 2)), gradcheck=False),
    # gradcheck=False: the gradient is divided by the counts by design; gradgrad=False: PyTorch's double backward
    # drops that division (embedding_dense_double_backward), ours keeps it (tests/ops/test_index_gradgrad.py)
    OpCase("F_embedding_freq", lambda lib, w: F(lib).embedding(_ids(lib, [0, 0, 2, 0], w), w, scale_grad_by_freq=True),
           unary((3, 2)), gradcheck=False, gradgrad=False),
    # embedding_bag: gradgrad=False, PyTorch has no double backward ("the derivative for '_embedding_bag_backward'
    # is not implemented"); ours is checked by gradgradcheck in tests/ops/test_index_gradgrad.py
    OpCase("F_embedding_bag_2d", lambda lib, w: F(lib).embedding_bag(_ids(lib, [[0, 2], [1, 1]], w), w),
           unary((3, 2)), gradgrad=False),
    OpCase("F_embedding_bag_offsets_sum", lambda lib, w: F(lib).embedding_bag(
        _ids(lib, [0, 2, 1, 1, 2], w), w, _ids(lib, [0, 2, 2], w), mode="sum"), unary((3, 2)), gradgrad=False),
    OpCase("F_embedding_bag_mean_padding", lambda lib, w: F(lib).embedding_bag(
        _ids(lib, [0, 2, 1, 1, 2], w), w, _ids(lib, [0, 3], w), mode="mean", padding_idx=1), unary((3, 2)),
        gradgrad=False),
    OpCase("F_embedding_bag_weights", lambda lib, w, s: F(lib).embedding_bag(
        _ids(lib, [0, 2, 1], w), w, _ids(lib, [0, 1], w), mode="sum", per_sample_weights=s), args(floats((3, 2)),
                                                                                              floats((3,))),
        gradgrad=False),
    OpCase("F_one_hot", lambda lib, x: F(lib).one_hot(_ids(lib, [[0, 3], [2, 2]], x)) + x.long() * 0,
           unary((2, 2, 4)), gradcheck=False),
    OpCase("F_one_hot_classes", lambda lib, x: F(lib).one_hot(_ids(lib, [1, 0], x), 4).double() * x,
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
    OpCase("F_normalize_zero_row", lambda lib, x: F(lib).normalize(x * lib.tensor([[0.0], [1.0]], dtype=x.dtype, device=x.device)),
           unary((2, 3)), gradcheck=False),
    # every norm below eps; zero rows are F_normalize_zero_row's (PyTorch's second derivative is NaN there)
    OpCase("F_normalize_eps", lambda lib, x: F(lib).normalize(x * 1e-3, eps=1.0), unary((2, 3), **AWAY_0)),
    OpCase("F_local_response_norm", lambda lib, x: F(lib).local_response_norm(x, 3, alpha=0.1, beta=0.75, k=2.0),
           unary((2, 4, 3))),
    OpCase("F_local_response_norm_even", lambda lib, x: F(lib).local_response_norm(x, 2, alpha=0.5),
           unary((1, 3, 2, 2))),
]


# ----- convolutions, pooling, resampling -----
def _unpool(lib, x):
    pooled, indices = F(lib).max_pool2d(x, 2, return_indices=True)
    return F(lib).max_unpool2d(pooled * 2, indices, 2)


CASES += [
    OpCase("F_conv_transpose2d", lambda lib, x, w, b: F(lib).conv_transpose2d(x, w, b),
           args(floats((2, 3, 3, 2)), floats((3, 2, 2, 2)), floats((2,)))),
    OpCase("F_conv_transpose2d_strided", lambda lib, x, w: F(lib).conv_transpose2d(
        x, w, stride=2, padding=1, output_padding=1), args(floats((1, 2, 3, 3)), floats((2, 3, 3, 3))),
        rtol=1e-6),
    OpCase("F_conv_transpose2d_groups_dilation", lambda lib, x, w, b: F(lib).conv_transpose2d(
        x, w, b, stride=(2, 1), padding=(0, 1), output_padding=(1, 0), groups=2, dilation=(1, 2)),
        args(floats((2, 4, 2, 3)), floats((4, 1, 2, 2)), floats((2,))), rtol=1e-6),
    OpCase("F_conv_transpose2d_unbatched", lambda lib, x, w: F(lib).conv_transpose2d(x, w, stride=3),
           args(floats((2, 2, 2)), floats((2, 1, 2, 3)))),
    OpCase("F_conv_transpose1d", lambda lib, x, w, b: F(lib).conv_transpose1d(x, w, b, stride=2, padding=1,
                                                                               output_padding=1),
           args(floats((2, 3, 4)), floats((3, 2, 3)), floats((2,)))),
    OpCase("F_conv1d", lambda lib, x, w, b: F(lib).conv1d(x, w, b, stride=2, padding=1, dilation=2),
           args(floats((2, 3, 7)), floats((4, 3, 2)), floats((4,)))),
    OpCase("F_conv1d_same", lambda lib, x, w: F(lib).conv1d(x, w, padding="same"),
           args(floats((3, 5)), floats((2, 3, 3)))),
    OpCase("F_adaptive_avg_pool2d", lambda lib, x: F(lib).adaptive_avg_pool2d(x, (2, 3)), unary((2, 2, 5, 4))),
    OpCase("F_adaptive_avg_pool2d_global", lambda lib, x: F(lib).adaptive_avg_pool2d(x, 1), unary((2, 3, 3, 3))),
    OpCase("F_adaptive_avg_pool2d_up", lambda lib, x: F(lib).adaptive_avg_pool2d(x, (4, None)), unary((2, 3, 2))),
    OpCase("F_adaptive_avg_pool1d", lambda lib, x: F(lib).adaptive_avg_pool1d(x, 3), unary((2, 2, 7))),
    OpCase("F_adaptive_max_pool2d", lambda lib, x: F(lib).adaptive_max_pool2d(x, (2, 3)),
           unary((2, 2, 5, 4), distinct=True)),
    OpCase("F_adaptive_max_pool2d_indices", lambda lib, x: F(lib).adaptive_max_pool2d(x, 2, return_indices=True),
           unary((1, 2, 3, 3), distinct=True)),
    OpCase("F_adaptive_max_pool2d_ties", lambda lib, x: F(lib).adaptive_max_pool2d(x, 2, return_indices=True),
           args(hnp.arrays(np.float64, (1, 2, 3, 3), elements=st.sampled_from([-1.0, 0.0, 1.0]))),
           gradcheck=False),
    OpCase("F_max_unpool2d", _unpool, unary((2, 2, 4, 4), distinct=True)),
    OpCase("F_max_pool1d", lambda lib, x: F(lib).max_pool1d(x, 3, stride=2, padding=1), unary((2, 3, 6),
                                                                                            distinct=True)),
    OpCase("F_avg_pool1d", lambda lib, x: F(lib).avg_pool1d(x, 3, stride=2, padding=1, count_include_pad=False),
           unary((2, 3, 6))),
    OpCase("F_lp_pool2d", lambda lib, x: F(lib).lp_pool2d(x, 2.0, 2), unary((1, 2, 4, 4), min_value=0.5)),
    OpCase("F_lp_pool2d_p3", lambda lib, x: F(lib).lp_pool2d(x, 3, (2, 1), stride=1), unary((1, 2, 3, 3),
                                                                                           min_value=0.5)),
    OpCase("F_interpolate_nearest", lambda lib, x: F(lib).interpolate(x, scale_factor=2), unary((1, 2, 2, 3))),
    OpCase("F_interpolate_nearest_size", lambda lib, x: F(lib).interpolate(x, size=(5, 2)), unary((2, 1, 3, 4))),
    OpCase("F_interpolate_nearest_exact", lambda lib, x: F(lib).interpolate(x, size=(5, 7), mode="nearest-exact"),
           unary((1, 2, 3, 4))),
    OpCase("F_interpolate_bilinear", lambda lib, x: F(lib).interpolate(x, size=(5, 7), mode="bilinear"),
           unary((1, 2, 3, 4))),
    OpCase("F_interpolate_bilinear_corners", lambda lib, x: F(lib).interpolate(
        x, scale_factor=(1.5, 2.5), mode="bilinear", align_corners=True), unary((1, 2, 3, 2))),
    OpCase("F_interpolate_bilinear_scale", lambda lib, x: F(lib).interpolate(
        x, scale_factor=1.7, mode="bilinear", align_corners=False), unary((2, 1, 3, 3))),
    OpCase("F_interpolate_bilinear_down", lambda lib, x: F(lib).interpolate(x, size=(2, 1), mode="bilinear"),
           unary((1, 1, 5, 4))),
    OpCase("F_interpolate_linear", lambda lib, x: F(lib).interpolate(x, size=7, mode="linear", align_corners=True),
           unary((2, 2, 3))),
    OpCase("F_interpolate_area", lambda lib, x: F(lib).interpolate(x, size=(2, 3), mode="area"),
           unary((1, 2, 5, 4))),
    OpCase("F_pixel_shuffle", lambda lib, x: F(lib).pixel_shuffle(x, 2), unary((2, 8, 2, 3))),
    OpCase("F_pixel_unshuffle", lambda lib, x: F(lib).pixel_unshuffle(x, 2), unary((1, 2, 4, 2))),
    OpCase("F_channel_shuffle", lambda lib, x: F(lib).channel_shuffle(x, 2), unary((2, 6, 2))),
]


# ----- padding modes -----
CASES += [
    OpCase("F_pad_reflect", lambda lib, x: F(lib).pad(x, (1, 2, 2, 0), mode="reflect"), unary((2, 2, 3, 4))),
    OpCase("F_pad_reflect_1d", lambda lib, x: F(lib).pad(x, (2, 1), mode="reflect"), unary((2, 3, 3))),
    OpCase("F_pad_replicate", lambda lib, x: F(lib).pad(x, (3, 1, 0, 2), mode="replicate"), unary((1, 2, 2, 3))),
    OpCase("F_pad_replicate_1d", lambda lib, x: F(lib).pad(x, (1, 3), mode="replicate"), unary((3, 2))),
    OpCase("F_pad_circular", lambda lib, x: F(lib).pad(x, (2, 1, 1, 2), mode="circular"), unary((2, 1, 2, 3))),
    OpCase("F_pad_circular_1d", lambda lib, x: F(lib).pad(x, (3, 3), mode="circular"), unary((1, 2, 3))),
]


# ----- unfold / fold -----
CASES += [
    OpCase("F_unfold", lambda lib, x: F(lib).unfold(x, 2), unary((2, 2, 3, 4))),
    OpCase("F_unfold_all", lambda lib, x: F(lib).unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)),
           unary((1, 2, 4, 5))),
    OpCase("F_fold", lambda lib, x: F(lib).fold(x, (3, 4), 2), unary((2, 8, 6))),
    OpCase("F_fold_all", lambda lib, x: F(lib).fold(x, (4, 5), (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)),
           unary((1, 12, 9))),
]
