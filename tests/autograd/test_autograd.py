"""The rules of reverse-mode autograd, each checked against PyTorch where PyTorch defines it:
accumulation, graph shapes, freeing, grad mode, in-place safety, hooks, custom Functions,
``autograd.grad``, gradcheck, and dtypes through forward and backward."""
import re
import sys

import numpy as np
import pytest

import minitorch
from minitorch.autograd import GradcheckError
from minitorch.testing import assert_close

torch = pytest.importorskip("torch")

INPLACE_ERROR = "modified by an inplace operation"


def leaf(lib, values, dtype=None):
    return lib.tensor(values, dtype=dtype or lib.float64, requires_grad=True)


# ----- accumulation and graph shapes -----
def test_gradients_accumulate_in_leaves():
    x = leaf(minitorch, [1.0, 2.0])
    (x * 3).sum().backward()
    first = x.grad
    (x * x).sum().backward()
    assert x.grad is first, "the .grad tensor is kept and added to, not replaced"
    assert_close(x.grad, np.array([5.0, 7.0]))
    x.grad.zero_()
    x.sum().backward()
    assert_close(x.grad, np.array([1.0, 1.0]))


def test_deep_chain_backprops_without_recursion():
    x = leaf(minitorch, [1.0])
    y = x
    for _ in range(20_000):
        y = y * 1.0001
    assert sys.getrecursionlimit() < 20_000
    y.sum().backward()
    assert_close(x.grad, np.array([1.0001**20_000]), rtol=1e-9)


def test_deep_graph_of_mixed_ops_matches_pytorch():
    def chain(lib, x):
        for i in range(300):
            x = (x * 0.99 + 0.01).tanh() if i % 2 else x.sigmoid() * 2.0
        return x.sum()

    ours, theirs = leaf(minitorch, [0.3, -0.2]), leaf(torch, [0.3, -0.2])
    chain(minitorch, ours).backward()
    chain(torch, theirs).backward()
    assert_close(ours.grad, theirs.grad)


@pytest.mark.parametrize("graph", [
    lambda lib, x: (x.exp() * x.tanh()).sum(),  # diamond: two paths from x to the product
    lambda lib, x: ((x * 2) + (x * 3) + x).sum(),  # three paths, one direct
    lambda lib, x: (lambda h: (h * h + h.exp()).sum())(x.sigmoid()),  # a shared inner node
    lambda lib, x: (lambda a: ((x + a) + (x * 3)) * 1.0)(x * 2).sum(),  # a leaf reached four ways
], ids=["diamond", "three_paths", "shared_inner_node", "leaf_reached_often"])
def test_graphs_with_shared_nodes_match_pytorch(graph):
    ours, theirs = leaf(minitorch, [0.5, -1.0, 2.0]), leaf(torch, [0.5, -1.0, 2.0])
    graph(minitorch, ours).backward()
    graph(torch, theirs).backward()
    assert_close(ours.grad, theirs.grad)


def test_backward_of_a_leaf_itself():
    x = leaf(minitorch, [1.0, 2.0])
    x.backward(minitorch.tensor([3.0, 4.0], dtype=minitorch.float64))
    assert_close(x.grad, np.array([3.0, 4.0]))


def test_backward_twice_needs_retain_graph():
    x = leaf(minitorch, [1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert_close(x.grad, np.array([4.0, 8.0]))
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_freed_saved_tensors_say_so():
    x = leaf(minitorch, [1.0])
    y = x.exp()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.grad_fn.saved_tensors


def test_non_scalar_backward_needs_a_gradient():
    x = leaf(minitorch, [1.0, 2.0])
    with pytest.raises(RuntimeError, match="implicitly created only for scalar outputs"):
        (x * 2).backward()
    (x * 2).backward(minitorch.tensor([1.0, -1.0], dtype=minitorch.float64))
    assert_close(x.grad, np.array([2.0, -2.0]))


def test_backward_into_selected_inputs_only():
    a, b = leaf(minitorch, [1.0]), leaf(minitorch, [2.0])
    (a * b).sum().backward(inputs=[a])
    assert_close(a.grad, np.array([2.0]))
    assert b.grad is None


def test_ops_on_tensors_without_grad_record_nothing():
    x = minitorch.tensor([1.0, 2.0])
    y = (x * 2).exp().sum()
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_non_leaf_grad_is_none_unless_retained():
    x = leaf(minitorch, [1.0, 2.0])
    h = x * 2
    (h * h).sum().backward()
    assert h.grad is None and not h.is_leaf and x.is_leaf


# ----- grad mode -----
def test_no_grad_context_records_nothing():
    x = leaf(minitorch, [1.0])
    with minitorch.no_grad():
        y = x * 2
        assert not minitorch.is_grad_enabled()
        with minitorch.enable_grad():
            z = x * 2
    assert minitorch.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad


@pytest.mark.parametrize("decorator", [minitorch.no_grad(), minitorch.no_grad], ids=["called", "bare"])
def test_no_grad_as_decorator(decorator):
    @decorator
    def double(x):
        return x * 2

    assert not double(leaf(minitorch, [1.0])).requires_grad
    assert minitorch.is_grad_enabled()
    assert double.__name__ == "double"


@pytest.mark.parametrize("decorator", [minitorch.enable_grad(), minitorch.enable_grad], ids=["called", "bare"])
def test_enable_grad_as_decorator_inside_no_grad(decorator):
    @decorator
    def double(x):
        return x * 2

    with minitorch.no_grad():
        assert double(leaf(minitorch, [1.0])).requires_grad
        assert not minitorch.is_grad_enabled()


def test_set_grad_enabled_as_call_context_and_decorator():
    x = leaf(minitorch, [1.0])
    with minitorch.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert minitorch.is_grad_enabled()

    minitorch.set_grad_enabled(False)  # a plain call switches the mode, as in PyTorch
    try:
        assert not minitorch.is_grad_enabled()
    finally:
        minitorch.set_grad_enabled(True)

    @minitorch.set_grad_enabled(False)
    def double(x):
        return x * 2

    assert minitorch.is_grad_enabled(), "decorating does not switch the mode"
    assert not double(x).requires_grad
    assert minitorch.is_grad_enabled()


def test_grad_mode_restored_after_an_exception():
    with pytest.raises(ValueError):
        with minitorch.no_grad():
            raise ValueError
    assert minitorch.is_grad_enabled()


def test_detach_shares_memory_and_version_but_not_history():
    x = leaf(minitorch, [1.0, 2.0])
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None
    d[0] = 10.0
    assert y[0].item() == 10.0
    assert y._version == d._version == 1


# ----- in-place operations -----
def test_inplace_on_saved_output_raises():
    x = leaf(minitorch, [1.0, 2.0])
    y = x.exp()
    y.add_(1)
    with pytest.raises(RuntimeError, match=INPLACE_ERROR):
        y.sum().backward()


def test_inplace_on_saved_input_raises():
    a = leaf(minitorch, [1.0, 2.0])
    h = a * 2
    z = h * h
    h.mul_(2)
    with pytest.raises(RuntimeError, match=INPLACE_ERROR):
        z.sum().backward()


def _mul_then_scale(lib):
    x, w = leaf(lib, [1.0, 2.0]), leaf(lib, [3.0, -4.0])
    a = x * 1
    a.mul_(w)
    a.clamp_(-5.0, 2.5)
    a.sum().backward()
    return x.grad, w.grad


def _setitem_then_use(lib):
    x = leaf(lib, [1.0, 2.0, 3.0])
    y = x * 1
    y[0] = 5.0
    y[1:] = y[1:] * 2
    (y * y).sum().backward()
    return (x.grad,)


def _inplace_chain(lib):
    x, w = leaf(lib, [0.5, -1.0]), leaf(lib, [2.0, 3.0])
    y = x * 2
    y.mul_(w).add_(w, alpha=2).sub_(1).div_(3).clamp_(min=-0.5).exp_()
    y.sum().backward()
    return x.grad, w.grad


def _masked_fill_and_copy(lib):
    x, s = leaf(lib, [1.0, 2.0, 3.0]), leaf(lib, [4.0])
    y = x * 2
    y.masked_fill_(y > 3, 0.0)
    z = lib.zeros(3, dtype=lib.float64)
    z.copy_(s * y)
    z.sum().backward()
    return x.grad, s.grad


def _fill_then_use(lib):
    x = leaf(lib, [1.0, 2.0])
    y = x * 2
    y.fill_(3.0)
    (y * x).sum().backward()
    return (x.grad,)


def _grad_flows_into_plain_tensor(lib):
    w = leaf(lib, [1.0, 2.0])
    buffer = lib.zeros(2, dtype=lib.float64)
    buffer += w * w
    buffer.sum().backward()
    return (w.grad,)


@pytest.mark.parametrize("scenario", [
    _mul_then_scale, _setitem_then_use, _inplace_chain, _masked_fill_and_copy, _fill_then_use,
    _grad_flows_into_plain_tensor,
], ids=lambda f: f.__name__.strip("_"))
def test_legal_inplace_sequences_match_pytorch(scenario):
    for ours, theirs in zip(scenario(minitorch), scenario(torch)):
        assert_close(ours, theirs)


def _modified_base_of_saved_view(lib):
    a = leaf(lib, [1.0, 2.0])
    h = a * 2
    z = h[0:1] * h[0:1]
    h.mul_(2)
    return z


def _modified_view_of_saved_base(lib):
    a = leaf(lib, [1.0, 2.0])
    h = a * 2
    z = h * h
    with lib.no_grad():
        h[0:1].mul_(2)
    return z


def _modified_detached_alias(lib):
    x = leaf(lib, [1.0, 2.0])
    y = x.exp()
    y.detach().add_(1)
    return y


def _modified_where_mask(lib):
    x = leaf(lib, [1.0, 2.0])
    mask = x > 1.5
    y = lib.where(mask, x, x * 0)
    mask[0] = True
    return y


def _self_multiplied_in_place(lib):
    a = leaf(lib, [1.0, 2.0]) * 1
    a *= a
    return a


def _modified_sigmoid_output(lib):
    x = leaf(lib, [1.0, 2.0])
    y = x.sigmoid()
    z = y * 3
    y.add_(1)
    return z + y


@pytest.mark.parametrize("scenario", [
    _modified_base_of_saved_view, _modified_view_of_saved_base, _modified_detached_alias,
    _modified_where_mask, _self_multiplied_in_place, _modified_sigmoid_output,
], ids=lambda f: f.__name__.strip("_"))
def test_stale_saved_values_raise_like_pytorch(scenario):
    for lib in (torch, minitorch):
        with pytest.raises(RuntimeError, match=INPLACE_ERROR):
            scenario(lib).sum().backward()


def test_chained_inplace_unary_ops_give_the_true_gradient():
    """PyTorch refuses this (sigmoid_ saved its output); minitorch saved a copy, and must be right."""
    x = leaf(minitorch, [1.0, -2.0])
    y = x * 1
    y.sigmoid_()
    y.tanh_()
    y.neg_()
    y.sum().backward()
    reference = leaf(torch, [1.0, -2.0])
    (-reference.sigmoid().tanh()).sum().backward()
    assert_close(x.grad, reference.grad)


def test_index_changed_after_use_keeps_the_gradient_right():
    x, index = leaf(minitorch, [1.0, 2.0, 3.0]), minitorch.tensor([0, 0])
    y = x[index]
    index[1] = 2
    y.sum().backward()
    assert_close(x.grad, np.array([2.0, 0.0, 0.0]))


def test_inplace_on_leaf_requiring_grad_raises():
    x = leaf(minitorch, [1.0, 2.0])
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x.add_(1)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x[0] = 3.0
    assert x._version == 0


def test_inplace_under_no_grad_bumps_version_of_tensor_and_views():
    x = leaf(minitorch, [1.0, 2.0, 3.0])
    view = x[1:]
    with minitorch.no_grad():
        x.mul_(2)
        view.add_(1)
        x.zero_()
    assert x._version == view._version == 3
    assert x.is_leaf and x.requires_grad and x.grad_fn is None


def test_inplace_op_moves_the_tensor_in_the_graph():
    x = leaf(minitorch, [1.0])
    y = x * 2
    first_node = y.grad_fn
    y.exp_()
    assert y.grad_fn is not first_node and not y.is_leaf


def test_view_of_non_leaf_inplace_is_refused_clearly():
    h = leaf(minitorch, [1.0, 2.0]) * 2
    with pytest.raises(RuntimeError, match="view of a tensor that requires grad"):
        h[0].mul_(2)


# ----- hooks and retain_grad -----
def test_hook_on_leaf_replaces_its_gradient():
    for lib in (minitorch, torch):
        x = leaf(lib, [1.0, 2.0])
        seen = []
        x.register_hook(lambda g: seen.append(g.clone()) or g * 10)
        (x * 3).sum().backward()
        assert_close(x.grad, np.array([30.0, 30.0]), check_dtype=False)
        assert_close(seen[0], np.array([3.0, 3.0]), check_dtype=False)


def test_hook_on_non_leaf_changes_what_flows_back():
    results = []
    for lib in (minitorch, torch):
        x = leaf(lib, [1.0, 2.0])
        h = x * 3
        h.retain_grad()
        h.register_hook(lambda g: g * 2)
        (h * h).sum().backward()
        results.append((x.grad, h.grad))
    (ours_x, ours_h), (theirs_x, theirs_h) = results
    assert_close(ours_x, theirs_x)
    assert_close(ours_h, theirs_h)  # retain_grad sees the gradient after the hook, in PyTorch >= 2.0


def test_hook_returning_none_observes_only_and_remove_works():
    x = leaf(minitorch, [1.0])
    calls = []
    handle = x.register_hook(lambda g: calls.append(g.item()))
    (x * 2).sum().backward()
    handle.remove()
    (x * 2).sum().backward()
    assert calls == [2.0]
    assert_close(x.grad, np.array([4.0]))


def test_hook_needs_a_tensor_requiring_grad():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        minitorch.tensor([1.0]).register_hook(lambda g: g)


def test_retain_grad_accumulates_and_is_idempotent():
    x = leaf(minitorch, [1.0, 2.0])
    h = x * 2
    h.retain_grad()
    h.retain_grad()
    assert h.retains_grad and not x.retains_grad
    y = (h * h).sum()
    y.backward(retain_graph=True)
    assert_close(h.grad, np.array([4.0, 8.0]))
    y.backward()
    assert_close(h.grad, np.array([8.0, 16.0]))


# ----- custom Functions (the PyTorch tutorial's) -----
class MyReLU(minitorch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


class LegendrePolynomial3(minitorch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input**3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input**2 - 1)


class TorchLegendrePolynomial3(torch.autograd.Function):
    forward = LegendrePolynomial3.forward
    backward = LegendrePolynomial3.backward


class TorchReLU(torch.autograd.Function):
    forward = MyReLU.forward
    backward = MyReLU.backward


@pytest.mark.parametrize("ours, theirs", [(MyReLU, TorchReLU), (LegendrePolynomial3, TorchLegendrePolynomial3)],
                         ids=["relu", "legendre"])
def test_custom_function_matches_pytorch(ours, theirs, rng):
    values = rng.uniform(-1, 1, size=(3, 4))
    upstream = rng.standard_normal((3, 4))
    x_ours, x_theirs = leaf(minitorch, values), leaf(torch, values)
    y_ours, y_theirs = ours.apply(x_ours), theirs.apply(x_theirs)
    assert_close(y_ours, y_theirs)
    assert type(y_ours.grad_fn) is ours
    y_ours.backward(minitorch.tensor(upstream))
    y_theirs.backward(torch.tensor(upstream))
    assert_close(x_ours.grad, x_theirs.grad)
    assert minitorch.gradcheck(ours.apply, (leaf(minitorch, values),))


def _fit_sine(lib, polynomial):
    """The PyTorch tutorial: fit sin(x) with a + b P3(c + d x), updating weights under no_grad."""
    x = lib.linspace(-np.pi, np.pi, 200, dtype=lib.float64)
    y = lib.sin(x) if hasattr(lib, "sin") else lib.tensor(np.sin(x.numpy()))
    weights = [lib.full((), value, dtype=lib.float64, requires_grad=True) for value in (0.0, -1.0, 0.0, 0.3)]
    a, b, c, d = weights
    losses = []
    for _ in range(100):
        y_pred = a + b * polynomial.apply(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        losses.append(loss.item())
        loss.backward()
        with lib.no_grad():
            for weight in weights:
                weight -= 5e-6 * weight.grad
                weight.grad = None
    return losses, weights


def test_tutorial_training_loop_with_custom_function():
    losses, weights = _fit_sine(minitorch, LegendrePolynomial3)
    reference_losses, reference_weights = _fit_sine(torch, TorchLegendrePolynomial3)
    assert losses[-1] < losses[0] / 1.5
    np.testing.assert_allclose(losses, reference_losses, rtol=1e-9)
    for ours, theirs in zip(weights, reference_weights):
        assert_close(ours, theirs, rtol=1e-9, atol=1e-12)


def test_custom_function_ctx_features():
    class ScaleAndArgmax(minitorch.autograd.Function):
        @staticmethod
        def forward(ctx, x, factor):
            ctx.factor = factor
            ctx.seen_needs = ctx.needs_input_grad
            index = x.argmax()
            ctx.mark_non_differentiable(index)
            return x * factor, index

        @staticmethod
        def backward(ctx, grad, grad_index):
            return grad * ctx.factor, None

    x = leaf(minitorch, [1.0, 3.0, 2.0])
    scaled, index = ScaleAndArgmax.apply(x, 4.0)
    assert scaled.requires_grad and not index.requires_grad
    assert scaled.grad_fn.seen_needs == (True, False)
    scaled.sum().backward()
    assert_close(x.grad, np.array([4.0, 4.0, 4.0]))


def test_custom_function_with_wrong_number_of_gradients():
    class Broken(minitorch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, grad):
            return grad

    with pytest.raises(RuntimeError, match="returned 1 gradients, but forward took 2 arguments"):
        Broken.apply(leaf(minitorch, [1.0]), leaf(minitorch, [2.0])).sum().backward()


def test_custom_function_saved_output_modified_in_place_raises():
    class Exp(minitorch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):
            (y,) = ctx.saved_tensors
            return grad * y

    y = Exp.apply(leaf(minitorch, [1.0]))
    y.add_(1)
    with pytest.raises(RuntimeError, match=INPLACE_ERROR):
        y.sum().backward()


# ----- autograd.grad -----
def test_autograd_grad_returns_gradients_without_touching_dot_grad():
    x = leaf(minitorch, [1.0, 2.0])
    h = x * x
    y = (h * 3).sum()
    grad_h, grad_x = minitorch.autograd.grad(y, [h, x])
    assert_close(grad_h, np.array([3.0, 3.0]))
    assert_close(grad_x, np.array([6.0, 12.0]))
    assert x.grad is None and h.grad is None


def test_autograd_grad_with_grad_outputs_matches_pytorch():
    results = []
    for lib in (minitorch, torch):
        x = leaf(lib, [[1.0, 2.0], [3.0, 4.0]])
        y = x.exp() @ x
        (g,) = lib.autograd.grad(y, x, grad_outputs=lib.tensor([[1.0, -1.0], [0.5, 2.0]], dtype=lib.float64))
        results.append(g)
    assert_close(*results)


def test_autograd_grad_unused_inputs():
    x, unused = leaf(minitorch, [1.0]), leaf(minitorch, [2.0])
    y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        minitorch.autograd.grad(y, [x, unused], retain_graph=True)
    grad_x, grad_unused = minitorch.autograd.grad(y, [x, unused], allow_unused=True)
    assert_close(grad_x, np.array([2.0]))
    assert grad_unused is None


def test_autograd_grad_refuses_what_it_cannot_do():
    x = leaf(minitorch, [1.0])
    with pytest.raises(RuntimeError, match="does not require grad"):
        minitorch.autograd.grad((x * 2).sum(), minitorch.tensor([1.0]))
    with pytest.raises(NotImplementedError, match="is_grads_batched"):
        minitorch.autograd.grad((x * 2).sum(), x, is_grads_batched=True)


# ----- gradcheck (compared with torch.autograd.gradcheck) -----
class WrongCube(minitorch.autograd.Function):
    """x³ with a deliberately wrong backward: 2x² instead of 3x²."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x**2


class TorchWrongCube(torch.autograd.Function):
    forward = WrongCube.forward
    backward = WrongCube.backward


def test_gradcheck_passes_correct_gradients_like_pytorch():
    values = np.array([[0.5, -1.0], [2.0, 0.25]])
    ours = minitorch.gradcheck(lambda x, w: (x @ w).tanh(), (leaf(minitorch, values), leaf(minitorch, values.T)))
    theirs = torch.autograd.gradcheck(lambda x, w: (x @ w).tanh(), (leaf(torch, values), leaf(torch, values.T)))
    assert ours is True and theirs is True


def test_gradcheck_reports_the_worst_element_of_a_wrong_backward():
    values = [0.5, -1.0, 2.0]
    from torch.autograd.gradcheck import GradcheckError as TorchGradcheckError

    with pytest.raises(TorchGradcheckError):
        torch.autograd.gradcheck(TorchWrongCube.apply, (leaf(torch, values),))
    with pytest.raises(GradcheckError) as caught:
        minitorch.gradcheck(WrongCube.apply, (leaf(minitorch, values),))
    message = str(caught.value)
    assert isinstance(caught.value, RuntimeError)
    # the worst element is x = 2: analytic 2·2² = 8, numerical 3·2² = 12
    assert re.search(r"output element 2, input element 2: analytic 8 vs numerical 12", message), message
    assert minitorch.gradcheck(WrongCube.apply, (leaf(minitorch, values),), raise_exception=False) is False


def test_gradcheck_input_requirements():
    with pytest.raises(ValueError, match="requires_grad=True"):
        minitorch.gradcheck(minitorch.exp, (minitorch.tensor([1.0], dtype=minitorch.float64),))
    with pytest.raises(GradcheckError, match="float64"):
        minitorch.gradcheck(minitorch.exp, (minitorch.tensor([1.0], requires_grad=True),))


def test_gradcheck_several_outputs_and_inputs():
    x, y = leaf(minitorch, [0.5, 1.5]), leaf(minitorch, [2.0, -1.0])
    assert minitorch.gradcheck(lambda a, b: (a * b, (a / b).exp()), (x, y))


# ----- dtypes through forward and backward -----
def test_float32_stays_float32_through_forward_and_backward():
    x = minitorch.randn(3, 4, requires_grad=True)
    w = minitorch.randn(4, 2, requires_grad=True)
    y = ((x @ w).sigmoid() * 2.5 + 1).log().mean()
    assert x.dtype == w.dtype == y.dtype == minitorch.float32
    y.backward()
    assert x.grad.dtype == w.grad.dtype == minitorch.float32


def test_gradient_dtype_follows_each_input_across_casts():
    results = []
    for lib in (minitorch, torch):
        x32, x64 = leaf(lib, [1.0, 2.0], lib.float32), leaf(lib, [3.0, 4.0])
        out = x32 * x64  # float64
        assert out.dtype == lib.float64
        (out.float() * 2).sum().backward()
        assert x32.grad.dtype == lib.float32 and x64.grad.dtype == lib.float64
        results.append((x32.grad, x64.grad))
    for ours, theirs in zip(*results):
        assert_close(ours, theirs)


int64 = lambda lib: lib.tensor([1, 2, 3])  # noqa: E731
int32 = lambda lib: lib.tensor([1, 2, 3], dtype=lib.int32)  # noqa: E731
uint8 = lambda lib: lib.tensor([1, 2, 3], dtype=lib.uint8)  # noqa: E731
int8 = lambda lib: lib.tensor([1, 2, 3], dtype=lib.int8)  # noqa: E731
bools = lambda lib: lib.tensor([True, False, True])  # noqa: E731
f16 = lambda lib: lib.tensor([1.0, 2.0, 3.0], dtype=lib.float16)  # noqa: E731
f32 = lambda lib: lib.tensor([1.0, 2.0, 3.0])  # noqa: E731
f64 = lambda lib: lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64)  # noqa: E731

PROMOTIONS = {
    "int * 1.5": lambda lib: int64(lib) * 1.5,
    "int / int": lambda lib: int64(lib) / int64(lib),
    "int / 2": lambda lib: int64(lib) / 2,
    "2 / int": lambda lib: 2 / int64(lib),
    "int + 2": lambda lib: int64(lib) + 2,
    "int32 + 2": lambda lib: int32(lib) + 2,
    "int ** 2": lambda lib: int64(lib) ** 2,
    "int ** 0.5": lambda lib: int64(lib) ** 0.5,
    "2.5 ** int": lambda lib: 2.5 ** int64(lib),
    "float32 * float64 0-d": lambda lib: f32(lib) * lib.tensor(2.0, dtype=lib.float64),
    "float32 * float64": lambda lib: f32(lib) * f64(lib),
    "float32 * numpy float64 scalar": lambda lib: f32(lib) * np.float64(2.0),
    "numpy float64 scalar * float32": lambda lib: np.float64(2.0) * f32(lib),
    "int * float64 0-d": lambda lib: int64(lib) * lib.tensor(2.0, dtype=lib.float64),
    "int / float64 0-d": lambda lib: int64(lib) / lib.tensor(2.0, dtype=lib.float64),
    "int * float32 0-d": lambda lib: int64(lib) * lib.tensor(2.0),
    "int32 0-d + int8": lambda lib: lib.tensor(1, dtype=lib.int32) + int8(lib),
    "int64 + float16": lambda lib: int64(lib) + f16(lib),
    "float16 * 2.5": lambda lib: f16(lib) * 2.5,
    "uint8 + int8": lambda lib: uint8(lib) + int8(lib),
    "bool + bool": lambda lib: bools(lib) + bools(lib),
    "bool * 2": lambda lib: bools(lib) * 2,
    "bool * 1.5": lambda lib: bools(lib) * 1.5,
    "bool * True": lambda lib: bools(lib) * True,
    "int32 * int64": lambda lib: int32(lib) * int64(lib),
    "int sum": lambda lib: int32(lib).sum(),
    "bool sum": lambda lib: bools(lib).sum(),
    "int exp": lambda lib: int64(lib).exp(),
    "int sigmoid": lambda lib: int64(lib).sigmoid(),
    "int clamp to float": lambda lib: int64(lib).clamp(min=1.5),
    "int clamp to int": lambda lib: int64(lib).clamp(0, 2),
    "where of two floats": lambda lib: lib.where(bools(lib), 1.0, 0.0),
    "where int or float": lambda lib: lib.where(bools(lib), int64(lib), 0.5),
    "cat int and float32": lambda lib: lib.cat([int64(lib), f32(lib)]),
    "maximum float32 and float64 0-d": lambda lib: lib.maximum(f32(lib), lib.tensor(1.0, dtype=lib.float64)),
    "comparison": lambda lib: int64(lib) < 2.5,
    "int abs": lambda lib: (-int64(lib)).abs(),
    "mask and": lambda lib: bools(lib) & (int64(lib) > 1),
    "inverted mask": lambda lib: ~bools(lib),
}


@pytest.mark.parametrize("expression", PROMOTIONS.values(), ids=PROMOTIONS.keys())
def test_type_promotion_matches_pytorch(expression):
    ours, theirs = expression(minitorch), expression(torch)
    assert_close(ours, theirs, rtol=1e-3, atol=0)  # checks the dtype too
