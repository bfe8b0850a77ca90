"""``minitorch.autograd.functional`` against ``torch.autograd.functional``: the same values, the same
tuple nesting, the same history (``create_graph``), the same errors (float64 throughout)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minitorch
from minitorch.autograd import functional as F
from minitorch.testing import assert_close

torch = pytest.importorskip("torch")
TF = torch.autograd.functional


def tensors(lib, *arrays, requires_grad=False):
    made = tuple(lib.tensor(a, dtype=lib.float64, requires_grad=requires_grad) for a in arrays)
    return made if len(made) > 1 else made[0]


def same(ours, theirs, history=None):
    """Equal nesting (tuple or Tensor at every level), values, and, if asked, requires_grad."""
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs), (ours, theirs)
        for a, b in zip(ours, theirs):
            same(a, b, history)
        return
    assert isinstance(ours, minitorch.Tensor), type(ours)
    assert_close(ours, theirs)
    if history is not None:
        assert ours.requires_grad is history and theirs.requires_grad is history


RNG = np.random.default_rng(7)
A, B, C = RNG.standard_normal((2, 3)), RNG.standard_normal(3), RNG.standard_normal(())


# ----- the functions differentiated (written once for both libraries) -----
def one_to_one(x):
    return (x.exp() * x.sin()).sum(1)


def two_to_one(x, y):
    return (x.tanh() * y).sum() + (x ** 3).sum() * y.sum()


def one_to_two(x):
    return x.sin() * 2, (x * x).sum()


def two_to_two(x, y):
    return (x.exp() * y).sum(1), x.cos() * y ** 2


JACOBIANS = [(one_to_one, (A,)), (two_to_one, (A, B)), (one_to_two, (A,)), (two_to_two, (A, B)),
             (lambda c: c * c * c, (C,))]


@pytest.mark.parametrize("func, arrays", JACOBIANS, ids=["1-1", "2-1", "1-2", "2-2", "0d"])
@pytest.mark.parametrize("as_tuple", [False, True], ids=["tensor", "tuple"])
def test_jacobian_matches_pytorch(func, arrays, as_tuple):
    def inputs(lib):
        made = tensors(lib, *arrays)
        return (made,) if as_tuple and len(arrays) == 1 else made
    same(F.jacobian(func, inputs(minitorch)), TF.jacobian(func, inputs(torch)), history=False)


@pytest.mark.parametrize("func, arrays", [(two_to_one, (A, B)), (lambda x: (x.exp() * x).sum(), (A,))],
                         ids=["two inputs", "one input"])
def test_hessian_matches_pytorch(func, arrays):
    same(F.hessian(func, tensors(minitorch, *arrays)), TF.hessian(func, tensors(torch, *arrays)), history=False)


def test_jacobian_of_an_unused_input_is_zero_and_the_output_dtype_is_the_inputs():
    def func(x, y):
        return x * 2
    ours = F.jacobian(func, tensors(minitorch, B, B))
    same(ours, TF.jacobian(func, tensors(torch, B, B)))
    assert ours[1].dtype == minitorch.float64 and not ours[1].any()


def test_jacobian_of_an_empty_output_is_empty():  # PyTorch fails here ("stack expects a non-empty TensorList")
    jac = F.jacobian(lambda x: x[:0] * 2, tensors(minitorch, B))
    assert jac.shape == (0, 3)


@pytest.mark.parametrize("name", ["vjp", "jvp"])
def test_vjp_and_jvp_match_pytorch(name):
    for func, arrays in JACOBIANS[:4]:
        outs = func(*[torch.tensor(a) for a in arrays])
        like = arrays if name == "jvp" else tuple(o.detach().numpy() for o in (outs if isinstance(outs, tuple)
                                                                               else (outs,)))
        v = [RNG.standard_normal(np.shape(a)) for a in like]

        def call(lib, module):
            return getattr(module, name)(func, tensors(lib, *arrays), tensors(lib, *v))
        same(call(minitorch, F), call(torch, TF), history=False)


@pytest.mark.parametrize("name", ["vhp", "hvp"])
@pytest.mark.parametrize("arrays", [(A, B), (A,)], ids=["tuple", "tensor"])
def test_hessian_products_match_pytorch(name, arrays):
    v = [RNG.standard_normal(a.shape) for a in arrays]
    func = two_to_one if len(arrays) == 2 else (lambda x: (x.exp() * x).sum())

    def call(lib, module):
        return getattr(module, name)(func, tensors(lib, *arrays), tensors(lib, *v))
    same(call(minitorch, F), call(torch, TF), history=False)


@pytest.mark.parametrize("name", ["vjp", "jvp", "vhp", "hvp"])
def test_v_may_be_left_out_for_a_single_element(name):
    def call(lib, module):
        return getattr(module, name)(lambda x: (x ** 3).sum(), tensors(lib, C))
    same(call(minitorch, F), call(torch, TF), history=False)


# ----- create_graph: results with history that can be differentiated again -----
@pytest.mark.parametrize("name", ["jacobian", "hessian", "vjp", "jvp", "vhp", "hvp"])
def test_create_graph_results_backpropagate_to_the_inputs(name):
    def run(lib, module):
        x, y = tensors(lib, A, B, requires_grad=True)
        func = one_to_one if name in ("vjp", "jvp") else two_to_one
        if name in ("jacobian", "hessian"):
            result = getattr(module, name)(func, (x, y), create_graph=True)
        else:
            inputs = x if name in ("vjp", "jvp") else (x, y)
            v = (tensors(lib, np.ones(2)) if name == "vjp" else x.detach() + 1 if name == "jvp"
                 else (x.detach() + 1, y.detach() - 1))
            result = getattr(module, name)(func, inputs, v, create_graph=True)
        leaves = [t for t in _flatten(result)]
        total = sum((t * t).sum() for t in leaves if t.requires_grad)
        return result, lib.autograd.grad(total, (x, y), allow_unused=True, materialize_grads=True)
    (ours, our_grads), (theirs, their_grads) = run(minitorch, F), run(torch, TF)
    same(ours, theirs)
    same(our_grads, their_grads)


def _flatten(value):
    if isinstance(value, tuple):
        return [t for item in value for t in _flatten(item)]
    return [value]


def test_results_without_create_graph_are_detached_and_grad_mode_is_restored():
    x = tensors(minitorch, A, requires_grad=True)
    _, product = F.vjp(lambda t: (t * t).sum(), x)
    assert not product.requires_grad and product.grad_fn is None and minitorch.is_grad_enabled()
    with minitorch.no_grad():
        out, product = F.vhp(lambda t: (t ** 3).sum(), x, x.detach())
        assert not minitorch.is_grad_enabled()
    assert not out.requires_grad and not product.requires_grad
    assert x.grad is None, "functional never touches .grad"


def test_vectorize_and_strategies_are_accepted_and_change_nothing():
    x = tensors(minitorch, A)
    plain = F.jacobian(one_to_one, x)
    assert_close(F.jacobian(one_to_one, x, vectorize=True, strategy="forward-mode"), plain)
    assert_close(F.hessian(lambda t: (t ** 3).sum(), x, vectorize=True, outer_jacobian_strategy="forward-mode"),
                 F.hessian(lambda t: (t ** 3).sum(), x))


# ----- errors: PyTorch's exception types and texts -----
def error_of(call):
    with pytest.raises(Exception) as caught:
        call()
    return type(caught.value), str(caught.value)


def same_error(call):
    """``call(lib, module)`` raises the same exception type and text in both libraries."""
    ours, theirs = error_of(lambda: call(minitorch, F)), error_of(lambda: call(torch, TF))
    assert ours == theirs


BAD_CALLS = {
    "input not a tensor": lambda lib, m: m.jacobian(one_to_one, [1.0]),
    "tuple input not tensors": lambda lib, m: m.vjp(two_to_one, (tensors(lib, A), 2.0)),
    "output not a tensor": lambda lib, m: m.jacobian(lambda x: 3.0, tensors(lib, B)),
    "v wrong length": lambda lib, m: m.jvp(two_to_one, tensors(lib, A, B), (tensors(lib, A),)),
    "v for one tensor": lambda lib, m: m.jvp(one_to_one, tensors(lib, A), tensors(lib, A, A)),
    "v wrong size": lambda lib, m: m.vjp(one_to_one, tensors(lib, A), tensors(lib, B)),
    "v entry wrong size": lambda lib, m: m.hvp(two_to_one, tensors(lib, A, B), tensors(lib, A, A)),
    "v missing (vjp)": lambda lib, m: m.vjp(one_to_one, tensors(lib, A)),
    "v missing (jvp)": lambda lib, m: m.jvp(one_to_one, tensors(lib, A)),
    "v missing (hvp)": lambda lib, m: m.hvp(two_to_one, tensors(lib, A, B)),
    "v not a tensor": lambda lib, m: m.vhp(lambda x: x.sum(), tensors(lib, B), [1.0, 2.0, 3.0]),
    "hessian of a vector": lambda lib, m: m.hessian(lambda x: x * x, tensors(lib, B)),
    "hessian of a tuple": lambda lib, m: m.hessian(lambda x: (x.sum(), x.sum()), tensors(lib, B)),
    "vhp of a vector": lambda lib, m: m.vhp(lambda x: x * x, tensors(lib, B), tensors(lib, B)),
    "hvp of a tuple": lambda lib, m: m.hvp(lambda x: (x.sum(),), tensors(lib, B), tensors(lib, B)),
    "strategy": lambda lib, m: m.jacobian(one_to_one, tensors(lib, A), strategy="sideways"),
    "outer strategy": lambda lib, m: m.hessian(lambda x: x.sum(), tensors(lib, A), outer_jacobian_strategy="up"),
}


@pytest.mark.parametrize("call", BAD_CALLS.values(), ids=BAD_CALLS.keys())
def test_bad_calls_raise_what_pytorch_raises(call):
    same_error(call)


STRICT_CALLS = {
    "jacobian: output does not require grad": lambda lib, m: m.jacobian(lambda x: x.detach(), tensors(lib, B),
                                                                          strict=True),
    "jacobian: input unused": lambda lib, m: m.jacobian(lambda x, y: x * 2, tensors(lib, B, B), strict=True),
    "jacobian: constant jacobian with create_graph": lambda lib, m: m.jacobian(lambda x: x * 2, tensors(lib, B),
                                                                               strict=True, create_graph=True),
    "vjp: input unused": lambda lib, m: m.vjp(lambda x, y: (x * 2).sum(), tensors(lib, B, B), strict=True),
    "vjp: constant with create_graph": lambda lib, m: m.vjp(lambda x: (x * 2).sum(), tensors(lib, B),
                                                            strict=True, create_graph=True),
    "jvp: output unused": lambda lib, m: m.jvp(lambda x: (x * 2, x.detach()), tensors(lib, B), tensors(lib, B),
                                               strict=True),
    "jvp: grad input independent": lambda lib, m: m.jvp(lambda x, y: x * 2, tensors(lib, B, B),
                                                        tensors(lib, B, B), strict=True),
    "hessian: linear function": lambda lib, m: m.hessian(lambda x: (x * 2).sum(), tensors(lib, B), strict=True),
    "hessian: input unused": lambda lib, m: m.hessian(lambda x, y: (x ** 3).sum(), tensors(lib, B, B),
                                                      strict=True),
    "vhp: linear function": lambda lib, m: m.vhp(lambda x: (x * 2).sum(), tensors(lib, B), tensors(lib, B),
                                                 strict=True),
    "vhp: input unused in the jacobian": lambda lib, m: m.vhp(lambda x, y: (x ** 3).sum() + y.sum(),
                                                              tensors(lib, B, B), tensors(lib, B, B), strict=True),
    "hvp: input unused": lambda lib, m: m.hvp(lambda x, y: (x ** 3).sum() + y.sum(), tensors(lib, B, B),
                                              tensors(lib, B, B), strict=True),
    "hvp: quadratic, create_graph": lambda lib, m: m.hvp(lambda x: (x * x).sum(), tensors(lib, B), tensors(lib, B),
                                                         strict=True, create_graph=True),
}


@pytest.mark.parametrize("call", STRICT_CALLS.values(), ids=STRICT_CALLS.keys())
def test_strict_mode_raises_what_pytorch_raises(call):
    same_error(call)


def test_without_strict_the_same_cases_give_zeros():
    jac = F.jacobian(lambda x, y: x * 2, tensors(minitorch, B, B))
    assert not jac[1].any()
    _, product = F.hvp(lambda x, y: (x ** 3).sum() + y.sum(), tensors(minitorch, B, B), tensors(minitorch, B, B))
    assert not product[1].any()


# ----- the functions agree with each other (any smooth function, any point) -----
@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(1, 4), m=st.integers(1, 3))
def test_products_are_the_jacobian_and_hessian_times_a_vector(seed, n, m):
    rng = np.random.default_rng(seed)
    weights = minitorch.tensor(rng.standard_normal((m, n)))
    x, v, u = (minitorch.tensor(rng.standard_normal(size)) for size in (n, n, m))

    def vector_func(t):
        return weights @ t.tanh() + t.sum() ** 2

    def scalar_func(t):
        return (vector_func(t) ** 2).sum() + t.exp().sum()

    jac, hess = F.jacobian(vector_func, x), F.hessian(scalar_func, x)
    assert_close(F.jvp(vector_func, x, v)[1], jac @ v, atol=1e-12, rtol=1e-10)
    assert_close(F.vjp(vector_func, x, u)[1], u @ jac, atol=1e-12, rtol=1e-10)
    assert_close(F.hvp(scalar_func, x, v)[1], hess @ v, atol=1e-10, rtol=1e-10)
    assert_close(F.vhp(scalar_func, x, v)[1], v @ hess, atol=1e-10, rtol=1e-10)
    assert_close(hess, hess.T, atol=1e-10, rtol=1e-10)
    (gradient,) = minitorch.autograd.grad(scalar_func(x.requires_grad_()), x)
    assert_close(F.jacobian(scalar_func, x), gradient)
