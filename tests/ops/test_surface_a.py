"""Tensor surface, part A: what the op table cannot check (it compares differentiable results).

* every name exists where PyTorch has it (function, Tensor method, in-place variant);
* non-differentiable ops against PyTorch: unique, bincount, histc, searchsorted, nonzero ...;
* ties whose *index* PyTorch leaves to its selection algorithm (topk, kthvalue): same values,
  and indices that point at those values;
* integer dtypes, in-place variants, NaN handling;
* bad input: PyTorch's exception type and a message naming the shapes, dims or dtypes.
"""
import numpy as np
import pytest

import minitorch

torch = pytest.importorskip("torch")

FUNCTIONS = """sin cos tan asin acos atan atan2 sinh cosh asinh acosh atanh log2 log10 log1p expm1 exp2 rsqrt
square reciprocal sign sgn floor ceil round trunc frac fmod remainder erf erfc erfinv lgamma digamma xlogy hypot
logaddexp logit softmax log_softmax lerp addcmul addcdiv clamp clip nan_to_num isnan isinf isfinite isposinf
isneginf isclose allclose equal prod cumsum cumprod cummax cummin logsumexp norm amax amin aminmax median
nanmedian mode nansum nanmean count_nonzero std_mean var_mean topk sort argsort msort kthvalue unique
unique_consecutive bincount histc searchsorted bucketize gather scatter scatter_add scatter_reduce index_select
index_add index_copy index_fill masked_select masked_scatter take take_along_dim nonzero argwhere where
repeat_interleave tile roll flip fliplr flipud rot90 tril triu diag diagonal diag_embed trace meshgrid narrow
movedim moveaxis swapaxes swapdims ravel atleast_1d atleast_2d atleast_3d hstack vstack dstack column_stack
row_stack tensor_split hsplit vsplit dsplit""".split()

METHODS = """sin cos tan asin acos atan atan2 sinh cosh asinh acosh atanh log2 log10 log1p expm1 exp2 rsqrt
reciprocal sign sgn floor ceil round trunc frac fmod remainder erf erfc erfinv lgamma digamma xlogy hypot
logaddexp logit softmax log_softmax lerp addcmul addcdiv clamp clip nan_to_num isinf isposinf isneginf isclose
prod cumsum cumprod cummax cummin logsumexp norm amax amin aminmax median nanmedian mode nansum nanmean
count_nonzero topk sort argsort msort kthvalue unique unique_consecutive bincount histc gather scatter
scatter_add scatter_reduce index_select index_add index_copy index_fill masked_select masked_scatter take
take_along_dim nonzero argwhere repeat tile repeat_interleave roll flip fliplr flipud rot90 tril triu diag
diagonal diag_embed trace narrow movedim moveaxis swapdims ravel tensor_split hsplit vsplit dsplit
sin_ cos_ tan_ asin_ acos_ atan_ atan2_ sinh_ cosh_ asinh_ acosh_ atanh_ log2_ log10_ log1p_ expm1_ exp2_
rsqrt_ reciprocal_ sign_ sgn_ floor_ ceil_ round_ trunc_ frac_ fmod_ remainder_ erf_ erfc_ erfinv_ lgamma_
digamma_ xlogy_ hypot_ logit_ lerp_ addcmul_ addcdiv_ clamp_ nan_to_num_ cumsum_ cumprod_ scatter_
scatter_add_ scatter_reduce_ index_add_ index_copy_ index_fill_ masked_scatter_ tril_ triu_ unsqueeze_
squeeze_ t_ transpose_ swapaxes_ swapdims_""".split()


@pytest.mark.parametrize("name", FUNCTIONS)
def test_function_exists_as_in_pytorch(name):
    assert hasattr(torch, name), name  # the list itself is PyTorch's
    assert callable(getattr(minitorch, name)), f"minitorch.{name}"


@pytest.mark.parametrize("name", METHODS)
def test_method_exists_as_in_pytorch(name):
    assert hasattr(torch.Tensor, name), name
    assert callable(getattr(minitorch.Tensor, name)), f"Tensor.{name}"


def both(fn, *arrays):
    return fn(minitorch, *[minitorch.tensor(a) for a in arrays]), fn(torch, *[torch.tensor(a) for a in arrays])


def assert_same(mine, theirs):
    if isinstance(theirs, (tuple, list)):
        assert len(mine) == len(theirs)
        for a, b in zip(mine, theirs):
            assert_same(a, b)
        return
    assert str(mine.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1], (mine.dtype, theirs.dtype)
    np.testing.assert_array_equal(mine.numpy(), theirs.numpy())


VALUES = np.array([[3, 1, 2, 1], [0, 3, 3, 1], [3, 1, 2, 1]])
NANS = np.array([1.0, np.nan, 0.0, np.nan, 1.0, -np.inf])
COUNTING = [
    ("unique", lambda L, x: L.unique(x)),
    ("unique_inverse_counts", lambda L, x: L.unique(x, return_inverse=True, return_counts=True)),
    ("unique_unsorted_is_sorted", lambda L, x: x.unique(sorted=False)),
    ("unique_dim0", lambda L, x: L.unique(x, dim=0, return_inverse=True, return_counts=True)),
    ("unique_dim1", lambda L, x: x.unique(dim=1, return_counts=True)),
    ("unique_consecutive", lambda L, x: L.unique_consecutive(x, return_inverse=True, return_counts=True)),
    ("unique_consecutive_dim", lambda L, x: x.unique_consecutive(dim=0, return_counts=True)),
    ("bincount", lambda L, x: L.bincount(x.reshape(-1))),
    ("bincount_weights_minlength", lambda L, x: x.reshape(-1).bincount(x.reshape(-1).float(), minlength=6)),
    ("histc", lambda L, x: L.histc(x.double(), bins=4)),
    ("histc_range", lambda L, x: x.float().histc(bins=3, min=0.5, max=2.5)),
    ("searchsorted", lambda L, x: L.searchsorted(L.tensor([0, 1, 1, 3]), x)),
    ("searchsorted_right", lambda L, x: L.searchsorted(L.tensor([0, 1, 1, 3]), x, right=True)),
    ("searchsorted_rows", lambda L, x: L.searchsorted(x.sort().values, x[:, :2].contiguous(), side="right")),
    ("searchsorted_scalar", lambda L, x: L.searchsorted(L.tensor([0, 1, 1, 3]), 1)),
    ("bucketize", lambda L, x: L.bucketize(x, L.tensor([0, 1, 1, 3]), out_int32=True)),
    ("nonzero", lambda L, x: L.nonzero(x)),
    ("nonzero_as_tuple", lambda L, x: x.nonzero(as_tuple=True)),
    ("argwhere", lambda L, x: L.argwhere(x)),
    ("where_one_argument", lambda L, x: L.where(x > 1)),
    ("count_nonzero", lambda L, x: L.count_nonzero(x, dim=1)),
    ("count_nonzero_dims", lambda L, x: x.count_nonzero((0, 1))),
    ("sign_int", lambda L, x: L.sign(x - 2)),
    ("floor_int_is_a_copy", lambda L, x: L.floor(x)),
    ("round_int", lambda L, x: x.round()),
    ("cumsum_int64", lambda L, x: L.cumsum(x, 0)),
    ("cumprod_bool", lambda L, x: L.cumprod(x > 0, 1)),
    ("prod_int64", lambda L, x: L.prod(x, 1)),
    ("fmod_int", lambda L, x: L.fmod(x - 2, 2)),
    ("remainder_int", lambda L, x: (x - 2) % 2),
    ("amax_int", lambda L, x: x.amax(0)),
    ("median_int", lambda L, x: L.median(x, 1)),
    ("mode_int", lambda L, x: L.mode(x, 1)),
    ("sort_int_descending", lambda L, x: L.sort(x, descending=True, stable=True)),
    ("isclose_int", lambda L, x: L.isclose(x, x.flip(0))),
    ("tril_int", lambda L, x: L.tril(x, 1)),
    ("trace_int64", lambda L, x: L.trace(x)),
    ("nan_to_num_int", lambda L, x: L.nan_to_num(x)),
    ("repeat_interleave_counts_only", lambda L, x: L.repeat_interleave(x[0])),
]


@pytest.mark.parametrize("fn", [c[1] for c in COUNTING], ids=[c[0] for c in COUNTING])
def test_integer_and_counting_ops_match_pytorch(fn):
    assert_same(*both(fn, VALUES))


NAN_CASES = [
    ("sort_nan_last", lambda L, x: L.sort(x)),
    ("sort_descending_nan_first", lambda L, x: x.sort(descending=True, stable=True)),
    ("median_nan", lambda L, x: L.median(x)),
    ("median_dim_nan_index", lambda L, x: x.reshape(2, 3).median(1)),
    ("nanmedian", lambda L, x: L.nanmedian(x)),
    ("nanmedian_dim", lambda L, x: x.reshape(3, 2).nanmedian(0)),
    ("unique_nan_each_distinct", lambda L, x: L.unique(x, return_counts=True)),
    ("amax_nan", lambda L, x: L.amax(x)),
    ("cummax_nan_sticks", lambda L, x: L.cummax(x, 0)),
    ("isinf", lambda L, x: L.isinf(x)),
    ("isneginf", lambda L, x: x.isneginf()),
    ("nan_to_num", lambda L, x: L.nan_to_num(x)),
    ("nansum", lambda L, x: L.nansum(x[:-1])),
    ("nanmean", lambda L, x: x[:-1].nanmean()),
    ("histc_ignores_nan", lambda L, x: L.histc(x, bins=2, min=0, max=1)),
    ("logsumexp_neg_inf", lambda L, x: L.logsumexp(x[-1:] * L.ones(3, dtype=L.float64), 0)),
    ("erfinv_edges", lambda L, x: L.erfinv(L.tensor([1.0, -1.0, 1.5, 0.0], dtype=L.float64))),
    ("lgamma_poles", lambda L, x: L.lgamma(L.tensor([0.0, -1.0, -2.5, float("inf")], dtype=L.float64))),
    ("digamma_poles", lambda L, x: L.digamma(L.tensor([0.0, -1.0, -0.5], dtype=L.float64))),
    ("xlogy_zero_times_nan", lambda L, x: L.xlogy(L.zeros(6, dtype=L.float64), x)),
]


@pytest.mark.parametrize("fn", [c[1] for c in NAN_CASES], ids=[c[0] for c in NAN_CASES])
def test_nan_and_infinity_handling_matches_pytorch(fn):
    mine, theirs = both(fn, NANS)
    for a, b in zip(mine if isinstance(mine, tuple) else [mine], theirs if isinstance(theirs, tuple) else [theirs]):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, equal_nan=True)
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]


TIES = np.array([[1.0, 0.0, 1.0, 1.0, 0.0, 2.0, 2.0], [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]])


@pytest.mark.parametrize("call,dim", [
    (lambda L, x: L.topk(x, 3), 1), (lambda L, x: x.topk(4, largest=False), 1),
    (lambda L, x: L.kthvalue(x, 3, keepdim=True), 1), (lambda L, x: x.kthvalue(5, dim=1, keepdim=True), 1),
    (lambda L, x: L.topk(x, 2, dim=0), 0),
], ids=["topk", "topk_smallest", "kthvalue", "kthvalue_5", "topk_dim0"])
def test_ties_in_topk_and_kthvalue_same_values_and_indices_at_them(call, dim):
    """PyTorch picks among tied elements by its selection algorithm (which differs between CPU and
    CUDA); minitorch takes the first in a stable order. Values and index validity agree."""
    (values, indices), (their_values, _) = both(call, TIES)
    np.testing.assert_array_equal(values.numpy(), their_values.numpy())
    np.testing.assert_array_equal(np.take_along_axis(TIES, indices.numpy(), axis=dim), values.numpy())


def test_topk_and_kthvalue_indices_match_pytorch_without_ties():
    x = np.random.default_rng(0).permutation(12).astype(float).reshape(3, 4)
    assert_same(*both(lambda L, t: L.topk(t, 2), x))
    assert_same(*both(lambda L, t: t.kthvalue(2, 0), x))


def test_amax_spreads_the_gradient_among_ties_and_max_dim_gives_it_to_one_index():
    for lib in (minitorch, torch):
        x = lib.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], requires_grad=True)
        x.amax(1).sum().backward()
        np.testing.assert_allclose(np.asarray(x.grad.tolist()), [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
        y = lib.tensor([[1.0, 3.0, 3.0]], requires_grad=True)
        y.max(dim=1).values.sum().backward()
        assert y.grad.tolist() == [[0.0, 1.0, 0.0]]


def test_prod_gradient_with_one_and_two_zeros():
    for values, expected in (([2.0, 0.0, 3.0], [0.0, 6.0, 0.0]), ([0.0, 4.0, 0.0], [0.0, 0.0, 0.0])):
        for lib in (minitorch, torch):
            x = lib.tensor(values, requires_grad=True)
            x.prod().backward()
            assert x.grad.tolist() == expected


def test_norm_gradient_at_zero_is_zero():
    for lib in (minitorch, torch):
        x = lib.zeros(3, requires_grad=True)
        x.norm().backward()
        assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_in_place_math_writes_into_the_tensor_and_bumps_its_version():
    x = minitorch.tensor([0.5, -0.25])
    version = x._version
    assert x.sin_() is x and x._version > version
    np.testing.assert_allclose(x.numpy(), np.sin([0.5, -0.25]))
    onehot = minitorch.zeros(3, 4).scatter_(1, minitorch.tensor([[1], [3], [0]]), 1.0)
    assert onehot.tolist() == torch.zeros(3, 4).scatter_(1, torch.tensor([[1], [3], [0]]), 1.0).tolist()
    y = minitorch.ones(2, 3)
    y.unsqueeze_(0)
    assert y.shape == (1, 2, 3)


def test_in_place_float_op_on_an_integer_tensor_is_refused_as_in_pytorch():
    with pytest.raises(RuntimeError, match="can't be cast"):
        minitorch.tensor([1, 2]).sin_()
    with pytest.raises(RuntimeError):
        torch.tensor([1, 2]).sin_()


def test_meshgrid_without_indexing_warns_as_pytorch():
    with pytest.warns(UserWarning, match="indexing"):
        minitorch.meshgrid(minitorch.ones(2), minitorch.ones(3))


def test_vector_norm_is_importable_for_linalg():
    from minitorch.ops.norms import vector_norm
    x = np.array([[3.0, -4.0], [0.0, 1.0]])
    for ord in (2, 1, float("inf"), float("-inf"), 0, 3.5):
        np.testing.assert_allclose(vector_norm(minitorch.tensor(x), ord, dim=1, keepdim=True).numpy(),
                                   torch.linalg.vector_norm(torch.tensor(x), ord, dim=1, keepdim=True).numpy())


ALIASES = [
    lambda L, x: x.sum(axis=1, keepdims=True), lambda L, x: L.mean(x, axis=0), lambda L, x: x.max(axis=1),
    lambda L, x: L.argmax(x, axis=1, keepdims=True), lambda L, x: x.all(axis=0), lambda L, x: L.prod(x, axis=1),
    lambda L, x: L.cumsum(x, axis=1), lambda L, x: x.cummax(axis=0), lambda L, x: L.amin(x, axis=(0, 1)),
    lambda L, x: L.logsumexp(x, axis=1, keepdims=True), lambda L, x: x.sort(axis=0), lambda L, x: x.topk(1, axis=0),
    lambda L, x: L.median(x, axis=1, keepdims=True), lambda L, x: L.nansum(x, axis=0), lambda L, x: L.std_mean(x, axis=1),
    lambda L, x: L.count_nonzero(x, axis=0), lambda L, x: L.cat([x, x], axis=1), lambda L, x: L.stack([x, x], axis=2),
    lambda L, x: x.unsqueeze(axis=0), lambda L, x: L.softmax(x, axis=0), lambda L, x: L.gather(x, axis=1, index=x.long() % 3),
    lambda L, x: L.index_select(x, axis=1, index=L.tensor([2, 0])), lambda L, x: L.narrow(x, axis=1, start=1, length=2),
    lambda L, x: L.repeat_interleave(x, 2, axis=0), lambda L, x: L.tensor_split(x, 2, axis=1),
]


@pytest.mark.parametrize("call", ALIASES, ids=[f"alias_{i}" for i in range(len(ALIASES))])
def test_numpy_axis_and_keepdims_where_pytorch_accepts_them(call):
    x = np.array([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]])
    mine, theirs = both(call, x)
    for a, b in zip(mine if isinstance(mine, tuple) else [mine], theirs if isinstance(theirs, tuple) else [theirs]):
        np.testing.assert_allclose(a.numpy(), b.numpy())
