"""Tensor surface, part A: bad input raises PyTorch's exception type, with a message that names
the shapes, dims or dtypes involved."""
import pytest

import minitorch as mt

torch = pytest.importorskip("torch")

X = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]

# (name, call as fn(lib, x) with x a 2x3 float tensor, a regex the message must contain)
ERRORS = [
    ("atan2_number", lambda L, x: L.atan2(x, 2.0), r"other.*Tensor"),
    ("hypot_integer", lambda L, x: L.hypot(x.long(), x.long()), r"(?i)long|int"),
    ("frac_integer", lambda L, x: L.frac(x.long()), r"(?i)long|int"),
    ("round_decimals_integer", lambda L, x: L.round(x.long(), decimals=1), r"(?i)long|int"),
    ("fmod_int_zero", lambda L, x: L.fmod(x.long(), 0), r"ZeroDivisionError"),
    ("remainder_int_zero", lambda L, x: x.long() % 0, r"ZeroDivisionError"),
    ("tril_1d", lambda L, x: L.tril(x[0]), r"at least 2 dimensions"),
    ("diag_3d", lambda L, x: L.diag(x.reshape(1, 2, 3)), r"1D or 2D.*3D"),
    ("trace_1d", lambda L, x: L.trace(x[0]), r"dim 1"),
    ("diagonal_same_dims", lambda L, x: L.diagonal(x, 0, 1, 1), r"cannot be identical"),
    ("gather_float_index", lambda L, x: L.gather(x, 1, L.tensor([[0.0]])), r"int32/int64"),
    ("gather_ndim", lambda L, x: x.gather(1, L.tensor([0])), r"same number of dimensions"),
    ("gather_out_of_range", lambda L, x: x.gather(1, L.tensor([[0], [5]])), r"index 5 is out of bounds.*size 3"),
    ("gather_index_too_big", lambda L, x: x.gather(0, L.tensor([[0, 1, 1, 0]])), r"\[1, 4\].*\[2, 3\]"),
    ("index_select_matrix", lambda L, x: x.index_select(1, L.tensor([[0]])), r"vector"),
    ("index_select_out_of_range", lambda L, x: x.index_select(1, L.tensor([7])), r"index 7 .*size 3"),
    ("index_select_out_of_range_dim0", lambda L, x: x.index_select(0, L.tensor([-1])), r"out of range"),
    ("take_out_of_range", lambda L, x: x.take(L.tensor([9])), r"index 9 .* 6 elements"),
    ("masked_select_not_bool", lambda L, x: x.masked_select(L.tensor([1, 0, 1])), r"(?i)bool"),
    ("scatter_index_out_of_range", lambda L, x: x.scatter(1, L.tensor([[3]]), 1.0), r"index 3 is out of bounds.*size 3"),
    ("scatter_src_too_small", lambda L, x: x.scatter_add(1, L.tensor([[0, 0]]), L.ones(1, 1)), r"\[1, 2\].*\[1, 1\]"),
    ("scatter_dtype", lambda L, x: x.scatter(1, L.tensor([[0]]), L.ones(1, 1, dtype=L.float64)), r"dtype"),
    ("index_add_count", lambda L, x: x.index_add(1, L.tensor([0, 0]), L.ones(2, 3)), r"indices \(2\).*\(3\)"),
    ("masked_scatter_short", lambda L, x: x.masked_scatter(L.tensor([True, False, True]), L.ones(3)), r"source.*mask"),
    ("scatter_reduce_bad_reduce", lambda L, x: x.scatter_reduce(1, L.tensor([[0]]), L.ones(1, 1), "foo"), r"reduce"),
    ("topk_k_too_big", lambda L, x: x.topk(10), r"k out of range"),
    ("kthvalue_k_too_big", lambda L, x: x.kthvalue(10), r"k out of range"),
    ("amax_empty", lambda L, x: L.amax(L.zeros(0, 3)), r"numel\(\) == 0"),
    ("amax_empty_dim", lambda L, x: L.amax(L.zeros(0, 3), 0), r"dim 0 .*non-zero size"),
    ("aminmax_empty", lambda L, x: L.aminmax(L.zeros(0)), r"empty"),
    ("median_empty_dim", lambda L, x: L.zeros(0, 2).median(0), r"non-zero size"),
    ("mode_empty_dim", lambda L, x: L.zeros(2, 0).mode(1), r"non-zero size"),
    ("vector_norm_integer", lambda L, x: L.linalg.vector_norm(x.long()) if L is torch else
        __import__("minitorch.ops.norms", fromlist=["vector_norm"]).vector_norm(x.long()), r"floating point.*Long|int64"),
    ("norm_inf_empty", lambda L, x: L.norm(L.zeros(0), float("inf")), r"empty"),
    ("bincount_negative", lambda L, x: L.bincount(L.tensor([-1])), r"non-negative"),
    ("bincount_2d", lambda L, x: L.bincount(L.tensor([[1]])), r"1-d"),
    ("bincount_float", lambda L, x: L.bincount(L.tensor([1.0])), r"(?i)float"),
    ("histc_integer", lambda L, x: L.histc(L.tensor([1, 2]), bins=2), r"(?i)long|int"),
    ("histc_nan_range", lambda L, x: L.histc(L.tensor([float("nan"), 1.0])), r"not finite"),
    ("repeat_too_few", lambda L, x: x.repeat(2), r"can not be smaller"),
    ("repeat_interleave_sizes", lambda L, x: L.repeat_interleave(L.tensor([1, 2]), L.tensor([1, 2, 3])),
     r"repeats.size\(0\) = 3.*input.size\(0\) = 2"),
    ("roll_misaligned", lambda L, x: L.roll(x, 1, (0, 1)), r"shifts: 1, dims:2"),
    ("rot90_same_dims", lambda L, x: L.rot90(x, 1, [0, 0]), r"different"),
    ("rot90_1d", lambda L, x: L.rot90(x[0]), r"total dims >= 2"),
    ("fliplr_1d", lambda L, x: L.fliplr(x[0]), r">= 2-d"),
    ("flip_repeated_dim", lambda L, x: L.flip(x, (0, 0)), r"multiple times"),
    ("narrow_too_long", lambda L, x: L.narrow(x, 1, 2, 2), r"start \(2\) \+ length \(2\) exceeds dimension size \(3\)"),
    ("select_out_of_range", lambda L, x: x.select(0, 5), r"select\(\): index 5 out of range for tensor of size"),
    ("select_bad_dim", lambda L, x: L.select(x, 3, 0), r"Dimension out of range"),
    ("select_0d", lambda L, x: x.sum().select(0, 0), r"select\(\) cannot be applied to a 0-dim tensor"),
    ("movedim_lengths", lambda L, x: L.movedim(x, (0, 1), (1,)), r"same number of dims"),
    ("hsplit_indivisible", lambda L, x: L.hsplit(x, 2), r"size of the dimension 3 is not divisible by the split_size 2"),
    ("vsplit_1d", lambda L, x: L.vsplit(x[0], 1), r"at least 2 dimension"),
    ("clamp_nothing", lambda L, x: L.clamp(x), r"At least one of 'min' or 'max'"),
    ("clamp_tensor_and_number", lambda L, x: L.clamp(x, min=x, max=1.0), r"(?i)combination"),
    ("lerp_integer", lambda L, x: L.lerp(x.long(), x.long(), 0.5), r"(?i)long|int"),
    ("addcdiv_integer", lambda L, x: L.addcdiv(x, x.long(), x.long()), r"Integer division"),
    ("sort_stable_positional", lambda L, x: L.sort(x, 0, True, True), r"positional"),
    ("axis_and_dim", lambda L, x: x.sum(dim=0, axis=0), r"(?i)dim|axis"),
    ("norm_has_no_axis_alias", lambda L, x: L.norm(x, axis=0), r"axis"),
    ("unique_has_no_axis_alias", lambda L, x: L.unique(x, axis=0), r"axis"),
    ("flip_has_no_axis_alias", lambda L, x: L.flip(x, axis=0), r"axis"),
    ("cumsum_keepdims", lambda L, x: L.cumsum(x, 0, keepdims=True), r"keepdim"),
]


@pytest.mark.parametrize("call,pattern", [(c[1], c[2]) for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_bad_input_raises_pytorchs_exception_type(call, pattern):
    with pytest.raises(Exception) as theirs:
        call(torch, torch.tensor(X))
    with pytest.raises(type(theirs.value), match=pattern):
        call(mt, mt.tensor(X))
