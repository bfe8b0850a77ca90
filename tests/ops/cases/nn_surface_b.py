"""Op-table cases of the nn surface B losses and distances (functional forms), parity and gradcheck.

Inputs that meet at a kink (|x − y| = 0 for L1, a hinge at its margin) come from one array of
distinct values split in two (``pair``), so finite differences never straddle the kink.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from tests.ops.cases.base import AT_LEAST_1D, OpCase, args, floats, unary
from minitorch.testing import integer_arrays, shapes

MATRIX = shapes(min_dims=2, max_dims=2, max_side=4)
ROWS = shapes(min_dims=2, max_dims=2, min_side=2, max_side=4)
REDUCTIONS = ("none", "mean", "sum")


def F(lib):
    return lib.nn.functional


def pair(shape=AT_LEAST_1D, **options):
    """One array of shape (2, *shape) with pairwise-distinct values: split into input and target."""
    drawn = st.just(tuple(shape)) if isinstance(shape, tuple) else shape
    return drawn.flatmap(lambda s: args(floats((2,) + s, distinct=True, **options)))


def same_shape(*options):
    """Arrays of one drawn shape, one per dict of :func:`floats` options."""
    return AT_LEAST_1D.flatmap(lambda s: st.tuples(*(floats(s, **o) for o in options)))


def signs(shape):
    """Labels ±1 as float64 (no gradient is taken of them: see ``grad``)."""
    return integer_arrays(shape, 0, 1).map(lambda a: (2.0 * a - 1.0))


def every_reduction(loss):
    """A case function returning the loss under all three reductions."""
    return lambda lib, *xs: tuple(loss(lib, *xs, r) for r in REDUCTIONS)


def class_rows(num_rows=3, num_classes=4):
    return args(floats((num_rows, num_classes), distinct=True, **OFF_GRID), integer_arrays((num_rows,), 0, num_classes - 1))


def multilabel_targets(num_rows=3, num_classes=4):
    """Rows of class indices ended by −1 (anything after the first −1 is ignored)."""
    row = st.permutations(range(num_classes)).flatmap(
        lambda perm: st.integers(0, num_classes).map(lambda k: list(perm[:k]) + [-1] * (num_classes - k)))
    return st.lists(row, min_size=num_rows, max_size=num_rows).map(lambda rows: np.array(rows, dtype=np.int64))


PROB = dict(min_value=0.05, max_value=0.95)
UNIT = dict(min_value=0.0, max_value=1.0)
POSITIVE = dict(min_value=0.2, max_value=2.0)
OFF_GRID = dict(min_value=-3.0, max_value=3.3)  # distinct values whose differences miss the margins 1 and 0.7
AWAY = dict(avoid=(0.0,), margin=0.3)  # norms well above cosine_similarity's eps

CASES = [
    # ----- regression ----- (beta and delta not dyadic: differences of drawn values never meet them)
    OpCase("l1_loss", every_reduction(lambda lib, z, r: F(lib).l1_loss(z[0], z[1], reduction=r)), pair()),
    OpCase("smooth_l1_loss", every_reduction(lambda lib, z, r: F(lib).smooth_l1_loss(z[0], z[1], reduction=r,
                                                                                    beta=0.55)), pair()),
    OpCase("smooth_l1_loss_beta0", lambda lib, z: F(lib).smooth_l1_loss(z[0], z[1], beta=0.0), pair()),
    OpCase("huber_loss", every_reduction(lambda lib, z, r: F(lib).huber_loss(z[0], z[1], reduction=r, delta=0.7)),
           pair()),
    OpCase("huber_loss_separate", lambda lib, x, y: F(lib).huber_loss(x, y, delta=2.0),
           args(floats((2, 3), min_value=-0.9, max_value=0.9), floats((2, 3), min_value=-0.9, max_value=0.9))),
    OpCase("kl_div", every_reduction(lambda lib, x, y, r: F(lib).kl_div(x, y, reduction=r)),
           same_shape({}, POSITIVE)),
    OpCase("kl_div_batchmean", lambda lib, x, y: F(lib).kl_div(x, y, reduction="batchmean"),
           same_shape({}, POSITIVE)),
    OpCase("kl_div_none_zero_targets", lambda lib, x, y: F(lib).kl_div(x, y.relu(), reduction="none"),
           same_shape({}, dict(avoid=(0.0,), margin=0.1)), grad=(0,)),
    OpCase("kl_div_log_target", lambda lib, x, y: F(lib).kl_div(x, y, reduction="batchmean", log_target=True),
           same_shape({}, {})),
    OpCase("poisson_nll_loss", lambda lib, x, y: F(lib).poisson_nll_loss(x, y), same_shape({}, UNIT)),
    OpCase("poisson_nll_loss_rates", lambda lib, x, y: F(lib).poisson_nll_loss(x, y, log_input=False,
                                                                               reduction="none"),
           same_shape(POSITIVE, UNIT)),
    OpCase("poisson_nll_loss_full", lambda lib, x, y: F(lib).poisson_nll_loss(x, y, full=True, reduction="sum"),
           same_shape({}, dict(min_value=0.05, max_value=4.0, avoid=(1.0,), margin=0.05))),
    OpCase("gaussian_nll_loss", lambda lib, x, y, v: F(lib).gaussian_nll_loss(x, y, v),
           same_shape({}, {}, POSITIVE)),
    OpCase("gaussian_nll_loss_full_none", lambda lib, x, y, v: F(lib).gaussian_nll_loss(x, y, v, full=True,
                                                                                        reduction="none"),
           same_shape({}, {}, POSITIVE)),
    OpCase("gaussian_nll_loss_var_per_row", lambda lib, x, y, v: F(lib).gaussian_nll_loss(x, y, v, reduction="sum"),
           args(floats((3, 2)), floats((3, 2)), floats((3,), **POSITIVE))),
    OpCase("gaussian_nll_loss_var_column", lambda lib, x, y, v: F(lib).gaussian_nll_loss(x, y, v),
           args(floats((3, 2)), floats((3, 2)), floats((3, 1), **POSITIVE))),
    # ----- binary classification -----
    OpCase("binary_cross_entropy", every_reduction(lambda lib, p, y, r: F(lib).binary_cross_entropy(
        p, y, reduction=r)), same_shape(PROB, UNIT)),
    OpCase("binary_cross_entropy_weight", lambda lib, p, y, w: F(lib).binary_cross_entropy(p, y, w),
           args(floats((2, 3), **PROB), floats((2, 3), **UNIT), floats((3,), **POSITIVE)), grad=(0, 1)),
    OpCase("binary_cross_entropy_with_logits", every_reduction(
        lambda lib, x, y, r: F(lib).binary_cross_entropy_with_logits(x, y, reduction=r)),
        same_shape(dict(min_value=-30.0, max_value=30.0), UNIT)),
    OpCase("binary_cross_entropy_with_logits_pos_weight",
           lambda lib, x, y, w, pw: F(lib).binary_cross_entropy_with_logits(x, y, w, pos_weight=pw),
           args(floats((2, 3)), floats((2, 3), **UNIT), floats((2, 1), **POSITIVE), floats((3,), **POSITIVE)),
           grad=(0, 1)),
    OpCase("soft_margin_loss", every_reduction(lambda lib, x, y, r: F(lib).soft_margin_loss(x, y, reduction=r)),
           AT_LEAST_1D.flatmap(lambda s: args(floats(s), signs(s))), grad=(0,)),
    OpCase("multilabel_soft_margin_loss", lambda lib, x, y, w: F(lib).multilabel_soft_margin_loss(x, y, w),
           args(floats((3, 4)), floats((3, 4), **UNIT), floats((4,), **POSITIVE)), grad=(0, 1)),
    OpCase("multilabel_soft_margin_loss_none", lambda lib, x, y: F(lib).multilabel_soft_margin_loss(
        x, y, reduction="none"), MATRIX.flatmap(lambda s: args(floats(s), floats(s, **UNIT)))),
    # ----- multi-class margins -----
    # PyTorch has no double backward for the margin losses below ("derivative for
    # aten::multi_margin_loss_backward / multilabel_margin_loss_backward is not implemented");
    # minitorch's is checked against a composite in tests/ops/test_nn_double_backward.py
    OpCase("multi_margin_loss", every_reduction(lambda lib, x, t, r: F(lib).multi_margin_loss(x, t, reduction=r)),
           class_rows(), gradgrad=False),
    OpCase("multi_margin_loss_p2_weight", lambda lib, x, t, w: F(lib).multi_margin_loss(x, t, p=2, margin=0.7,
                                                                                        weight=w),
           args(floats((3, 4), distinct=True, **OFF_GRID), integer_arrays((3,), 0, 3), floats((4,), **POSITIVE)),
           grad=(0,), gradgrad=False),
    OpCase("multi_margin_loss_unbatched", lambda lib, x, t: F(lib).multi_margin_loss(x, t, reduction="none"),
           args(floats((4,), distinct=True, **OFF_GRID), integer_arrays((), 0, 3)), gradgrad=False),
    OpCase("multilabel_margin_loss", every_reduction(
        lambda lib, x, t, r: F(lib).multilabel_margin_loss(x, t, reduction=r)),
        args(floats((3, 4), distinct=True, **OFF_GRID), multilabel_targets()), gradgrad=False),
    # ----- embeddings and distances -----
    OpCase("pairwise_distance", lambda lib, z: F(lib).pairwise_distance(z[0], z[1]), pair((3, 4))),
    OpCase("pairwise_distance_equal_points", lambda lib, x: F(lib).pairwise_distance(x, x.detach()), unary((2, 3)),
           gradcheck=False),
    OpCase("pairwise_distance_p1_keepdim", lambda lib, z: F(lib).pairwise_distance(z[0], z[1], p=1, keepdim=True),
           pair((3, 2))),
    OpCase("pairwise_distance_p3_broadcast", lambda lib, x, y: F(lib).pairwise_distance(x, y, p=3),
           args(floats((2, 3), min_value=1.0, max_value=3.0), floats((3,), min_value=-3.0, max_value=-1.0))),
    OpCase("pairwise_distance_inf", lambda lib, x, y: F(lib).pairwise_distance(x, y, p=float("inf")),
           args(floats((3, 4), distinct=True), floats((3, 4), distinct=True, min_value=10.0, max_value=12.0))),
    # PyTorch has no double backward for pdist ("the derivative for '_pdist_backward' is not implemented");
    # minitorch's is checked against a composite in tests/ops/test_nn_double_backward.py
    OpCase("pdist", lambda lib, x: F(lib).pdist(x), unary(ROWS, distinct=True), gradgrad=False),
    OpCase("pdist_p1", lambda lib, x: F(lib).pdist(x, p=1), unary(ROWS, distinct=True), gradgrad=False),
    OpCase("pdist_p_half_and_inf", lambda lib, x: (F(lib).pdist(x, p=0.5), F(lib).pdist(x, p=float("inf"))),
           unary((3, 2), distinct=True), gradcheck=False, gradgrad=False),  # ∞-norm ties: no derivative
    OpCase("cosine_similarity", lambda lib, x, y: F(lib).cosine_similarity(x, y),
           args(floats((3, 4), **AWAY), floats((3, 4), **AWAY))),
    OpCase("cosine_similarity_dim0_broadcast", lambda lib, x, y: F(lib).cosine_similarity(x, y, dim=0),
           args(floats((3, 2), **AWAY), floats((3, 1), **AWAY))),
    OpCase("cosine_embedding_loss", every_reduction(lambda lib, a, b, y, r: F(lib).cosine_embedding_loss(
        a, b, y, margin=0.1, reduction=r)), args(floats((3, 4), **AWAY), floats((3, 4), **AWAY), signs((3,)).map(
            lambda a: a.astype(np.int64)))),
    OpCase("cosine_embedding_loss_unbatched", lambda lib, a, b, y: F(lib).cosine_embedding_loss(a, b, y),
           args(floats((4,), **AWAY), floats((4,), **AWAY), signs(()).map(lambda a: np.asarray(a, dtype=np.int64)))),
    OpCase("margin_ranking_loss", every_reduction(lambda lib, z, y, r: F(lib).margin_ranking_loss(
        z[0], z[1], y, reduction=r)), args(floats((2, 5), distinct=True), signs((5,))), grad=(0,)),
    OpCase("margin_ranking_loss_margin", lambda lib, a, b, y: F(lib).margin_ranking_loss(a, b, y, margin=0.5),
           args(floats((4,)), floats((4,)), signs((4,))), grad=(0, 1), gradcheck=False),
    OpCase("hinge_embedding_loss", every_reduction(lambda lib, x, y, r: F(lib).hinge_embedding_loss(
        x, y, reduction=r)), AT_LEAST_1D.flatmap(lambda s: args(floats(s, avoid=(1.0,)), signs(s))), grad=(0,)),
    OpCase("triplet_margin_loss", every_reduction(lambda lib, a, p, n, r: F(lib).triplet_margin_loss(
        a, p, n, reduction=r)), args(floats((3, 4)), floats((3, 4)), floats((3, 4))), gradcheck=False),
    OpCase("triplet_margin_loss_swap_p1", lambda lib, a, p, n: F(lib).triplet_margin_loss(
        a, p, n, margin=0.5, p=1, swap=True), args(floats((3, 2)), floats((3, 2)), floats((3, 2))), gradcheck=False),
]
