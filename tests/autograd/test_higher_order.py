"""The engine with ``create_graph=True``, rule by rule against PyTorch (float64): gradients that
carry a history, how they accumulate in ``.grad``, graph retention, unused inputs, hooks,
``retain_grad``, user-defined Functions, in-place safety on the second pass, third derivatives,
and the Hessian of a small MLP."""
import math

import numpy as np
import pytest

import minitorch
from minitorch.testing import assert_close

torch = pytest.importorskip("torch")

LIBS = [minitorch, torch]
pytestmark = pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")  # PyTorch's leak note


def leaf(lib, values):
    return lib.tensor(np.array(values, dtype=np.float64), requires_grad=True)


def both(run):
    """``run(lib)`` for minitorch and for PyTorch."""
    return run(minitorch), run(torch)


def assert_same(ours, theirs):
    """Equal values and the same answer to 'does it carry a history?', element by element."""
    if isinstance(theirs, (tuple, list)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same(a, b)
    elif isinstance(theirs, torch.Tensor):
        assert_close(ours, theirs)
        assert ours.requires_grad == theirs.requires_grad
        assert (ours.grad_fn is None) == (theirs.grad_fn is None)
    else:
        assert ours == theirs


# ----- gradients of gradients accumulate into .grad as PyTorch's do -----
def test_backward_with_create_graph_leaves_a_gradient_with_a_history():
    def run(lib):
        x = leaf(lib, [1.0, 2.0])
        (x ** 4).sum().backward(create_graph=True)
        first = x.grad
        seen = [first.detach().clone(), first.requires_grad, first.grad_fn is not None]
        x.grad.sum().backward()  # d/dx Σ 4x³ = 12x², added into the very same .grad
        return seen + [x.grad, x.grad is first]
    assert_same(*both(run))


def test_two_create_graph_backwards_sum_out_of_place():
    def run(lib):
        x = leaf(lib, [1.0, -2.0])
        y = (x.sin() * x).sum()
        y.backward(create_graph=True)
        first = x.grad
        x.grad.sum().backward(create_graph=True)
        return [x.grad, x.grad is first]
    assert_same(*both(run))


def test_the_second_derivative_of_a_product_through_autograd_grad():
    def run(lib):
        x, w = leaf(lib, [0.5, -1.5, 2.0]), leaf(lib, [1.0, 2.0, 3.0])
        (gx,) = lib.autograd.grad((x.exp() * w).sum(), x, create_graph=True)
        penalty = (gx ** 2).sum()
        penalty.backward()
        return [gx, x.grad, w.grad]
    assert_same(*both(run))


# ----- retain_graph defaults to create_graph -----
@pytest.mark.parametrize("lib", LIBS, ids=["minitorch", "torch"])
def test_retain_graph_defaults_to_create_graph(lib):
    x = leaf(lib, [1.0, 2.0])
    y = (x ** 3).sum()
    y.backward(create_graph=True)
    y.backward()  # the graph was kept: create_graph implies retain_graph
    assert_close(x.grad.detach(), np.array([6.0, 24.0]))
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()  # ... but that plain backward freed it


@pytest.mark.parametrize("lib", LIBS, ids=["minitorch", "torch"])
def test_retain_graph_false_frees_even_with_create_graph(lib):
    x = leaf(lib, [1.0, 2.0])
    y = (x ** 3).sum()
    lib.autograd.grad(y, x, create_graph=True, retain_graph=False)
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        lib.autograd.grad(y, x)


# ----- unused inputs -----
def test_allow_unused_and_materialize_grads_with_create_graph():
    def run(lib):
        x, z = leaf(lib, [1.0, 2.0]), leaf(lib, [3.0])
        y = (x ** 3).sum()
        unused = lib.autograd.grad(y, (x, z), create_graph=True, allow_unused=True)
        zeros = lib.autograd.grad(y, (x, z), create_graph=True, materialize_grads=True)
        return [unused[0], unused[1] is None, zeros[0], zeros[1].detach()]
    assert_same(*both(run))


def test_materialized_zeros_require_grad_under_create_graph():
    x, z = leaf(minitorch, [1.0, 2.0]), leaf(minitorch, [3.0])
    zeros = minitorch.autograd.grad((x ** 3).sum(), (x, z), create_graph=True, materialize_grads=True)[1]
    assert zeros.requires_grad


@pytest.mark.parametrize("lib", LIBS, ids=["minitorch", "torch"])
def test_an_unused_input_is_an_error_without_allow_unused(lib):
    x, z = leaf(lib, [1.0, 2.0]), leaf(lib, [3.0])
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        lib.autograd.grad((x ** 3).sum(), (x, z), create_graph=True)


# ----- hooks and retain_grad see (and may return) gradients with a history -----
def test_tensor_hooks_and_retain_grad_under_create_graph():
    def run(lib):
        x = leaf(lib, [1.0, 2.0])
        a = x * x
        seen = []

        def hook(grad):
            seen.append((grad.requires_grad, grad.grad_fn is not None))
            return grad * x  # the replacement is itself differentiable with respect to x

        a.register_hook(hook)
        a.retain_grad()
        y = (a * a).sum()
        (gx,) = lib.autograd.grad(y, x, create_graph=True)
        (hx,) = lib.autograd.grad(gx.sum(), x, retain_graph=True)  # this pass runs through a = x * x too
        y.backward(create_graph=True)
        return [seen, gx, hx, a.grad, x.grad]
    assert_same(*both(run))


def test_a_leaf_hook_under_create_graph():
    def run(lib):
        x = leaf(lib, [0.5, 1.5])
        x.register_hook(lambda grad: grad * 2)
        (x.tanh() ** 2).sum().backward(create_graph=True)
        grad = x.grad
        grad.sum().backward()
        return [grad.detach().clone(), x.grad]
    ours, theirs = both(run)
    assert_same(ours[0], theirs[0])
    assert_close(ours[1], theirs[1])


def test_post_accumulate_grad_hooks_see_the_gradient_with_its_history():
    def run(lib):
        w = leaf(lib, [0.5, -1.0])
        seen = []
        w.register_post_accumulate_grad_hook(lambda p: seen.append((p.grad.detach().clone(), p.grad.requires_grad)))
        (w.exp() * w).sum().backward(create_graph=True)
        first = w.grad
        w.grad = None
        first.sum().backward()
        return [value for pair in seen for value in pair]
    assert_same(*both(run))


# ----- a user-defined Function whose backward is written in Tensor ops -----
def cube_and_exp(lib):
    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 3 * x ** 2 * grad

    class Exp(lib.autograd.Function):  # saves its output, which the second derivative must see too
        @staticmethod
        def forward(ctx, x):
            out = x.exp()
            ctx.save_for_backward(out)
            return out

        @staticmethod
        def backward(ctx, grad):
            (out,) = ctx.saved_tensors
            return grad * out

    return Cube, Exp


def test_a_user_function_with_a_tensor_backward_is_twice_differentiable():
    def run(lib):
        cube, exp = cube_and_exp(lib)
        x = leaf(lib, [0.3, -0.7, 1.1])
        y = (cube.apply(x) * exp.apply(x * 0.5)).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (h,) = lib.autograd.grad((g * g).sum(), x, create_graph=True)
        (k,) = lib.autograd.grad(h.sum(), x)
        return [g, h, k]
    assert_same(*both(run))


def test_gradgradcheck_of_a_user_function():
    cube, exp = cube_and_exp(minitorch)
    x = leaf(minitorch, [0.3, -0.7, 1.1])
    assert minitorch.autograd.gradgradcheck(lambda t: cube.apply(exp.apply(t)), (x,))


# ----- in-place changes are still caught on the second pass -----
def _changed_after_first_pass(lib, what):
    x = leaf(lib, [1.0, 2.0])
    if what == "leaf":
        (g,) = lib.autograd.grad((x ** 3).sum(), x, create_graph=True)
        with lib.no_grad():
            x.mul_(2)
    elif what == "saved output":
        y = x.exp()
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        y.mul_(2)
    else:
        a = x * 1
        (g,) = lib.autograd.grad((a ** 3).sum(), x, create_graph=True)
        a.mul_(2)
    return x, g


SECOND_PASS = [(minitorch, "leaf"), (minitorch, "saved output"), (minitorch, "saved non-leaf input"),
               (torch, "leaf"), (torch, "saved output"), (torch, "saved non-leaf input")]


@pytest.mark.parametrize("lib, what", SECOND_PASS, ids=lambda value: getattr(value, "__name__", value))
def test_in_place_change_after_the_first_pass_is_caught_on_the_second(lib, what):
    x, g = _changed_after_first_pass(lib, what)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        lib.autograd.grad(g.sum(), x)


# ----- third derivatives -----
@pytest.mark.parametrize("name, f, third", [
    ("x**4", lambda x: x ** 4, lambda x: 24 * x),
    ("sin", lambda x: x.sin(), lambda x: -np.cos(x)),
])
def test_third_derivative(name, f, third):
    values = [-1.3, 0.2, 2.5]

    def run(lib):
        x = leaf(lib, values)
        derivatives = []
        y = f(x)
        for order in range(3):
            (y,) = lib.autograd.grad(y.sum(), x, create_graph=order < 2)
            derivatives.append(y)
        return derivatives
    ours, theirs = both(run)
    assert_same(ours, theirs)
    assert_close(ours[2], third(np.array(values)), rtol=1e-12, atol=1e-12)


def test_third_derivative_by_repeated_backward_accumulates_like_pytorch():
    def run(lib):
        x = leaf(lib, [0.5, math.pi / 3])
        x.sin().sum().backward(create_graph=True)  # .grad = cos x
        grads = [x.grad.detach().clone()]
        d1 = x.grad
        x.grad = None
        d1.sum().backward(create_graph=True)  # .grad = -sin x
        grads.append(x.grad.detach().clone())
        d2 = x.grad
        x.grad = None
        d2.sum().backward()  # .grad = -cos x
        return grads + [x.grad]
    assert_same(*both(run))


# ----- the Hessian of a small MLP -----
def mlp_loss(lib, loss):
    functional = lib.nn.functional
    rng = np.random.default_rng(3)
    x, target = (lib.tensor(rng.standard_normal(shape), dtype=lib.float64) for shape in [(5, 3), (5, 2)])

    def f(w1, b1, w2, b2):
        out = functional.linear(functional.linear(x, w1, b1).tanh(), w2, b2)
        return functional.mse_loss(out, target) if loss == "mse_loss" else ((out - target) ** 2).mean()
    params = [lib.tensor(rng.standard_normal(shape) * 0.7, dtype=lib.float64) for shape in [(4, 3), (4,), (2, 4), (2,)]]
    return f, tuple(params)


@pytest.mark.parametrize("loss", ["written out", "mse_loss"])
def test_hessian_of_a_small_mlp_matches_pytorch(loss):
    ours = minitorch.autograd.functional.hessian(*mlp_loss(minitorch, loss))
    theirs = torch.autograd.functional.hessian(*mlp_loss(torch, loss))
    for i in range(4):
        for j in range(4):
            assert_close(ours[i][j], theirs[i][j], rtol=1e-6, atol=1e-6, msg=f"block [{i}][{j}]")
    sizes = [ours[i][i].numel() for i in range(4)]  # n² each
    flat = np.block([[ours[i][j].numpy().reshape(math.isqrt(sizes[i]), -1) for j in range(4)] for i in range(4)])
    assert_close(flat, flat.T, atol=1e-12)  # a Hessian is symmetric


# ----- autograd.grad runs only what leads to its inputs -----
class Counted(minitorch.autograd.Function):
    """The identity, counting its backward calls."""
    calls = 0

    @staticmethod
    def forward(ctx, x):
        return x * 1

    @staticmethod
    def backward(ctx, grad):
        Counted.calls += 1
        return grad


def test_grad_runs_no_node_upstream_of_what_it_is_asked_about():
    Counted.calls = 0
    x = leaf(minitorch, [1.0, 2.0])
    middle = Counted.apply(x).exp()
    (g,) = minitorch.autograd.grad((middle * middle).sum(), middle, create_graph=True)
    assert Counted.calls == 0
    assert_close(g, 2 * middle.detach())
    middle.sum().backward()
    assert Counted.calls == 1


@pytest.mark.parametrize("lib", LIBS, ids=["minitorch", "torch"])
def test_an_input_asked_for_twice_gets_its_gradient_twice(lib):
    x = leaf(lib, [1.0, 2.0])
    first, second = lib.autograd.grad((x * x).sum(), [x, x])
    assert_close(first, np.array([2.0, 4.0]))
    assert_close(second, np.array([2.0, 4.0]))
