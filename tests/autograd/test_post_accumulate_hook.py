"""Tensor.register_post_accumulate_grad_hook: hook(leaf) runs once per backward, after the leaf's
whole gradient is in ``.grad`` (what DistributedDataParallel waits for), as in PyTorch."""
import gc
import weakref

import pytest

import minitorch


def test_hook_sees_the_whole_gradient_once_when_the_leaf_is_used_twice():
    x = minitorch.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_post_accumulate_grad_hook(lambda leaf: seen.append(leaf.grad.tolist()))
    ((x * x).sum() + (x * 3).sum()).backward()
    assert seen == [[5.0, 7.0]]


def test_hook_runs_after_accumulation_into_an_existing_grad():
    x = minitorch.tensor([1.0], requires_grad=True)
    x.grad = minitorch.tensor([10.0])
    seen = []
    x.register_post_accumulate_grad_hook(lambda leaf: seen.append(leaf.grad.item()))
    (2 * x).sum().backward()
    assert seen == [12.0]


def test_hooks_fire_as_soon_as_each_leaf_is_complete():
    """Backward runs from the loss towards the inputs: the last layer's parameter is complete first."""
    w1 = minitorch.tensor([2.0], requires_grad=True)
    w2 = minitorch.tensor([3.0], requires_grad=True)
    order = []
    w1.register_post_accumulate_grad_hook(lambda leaf: order.append("w1"))
    w2.register_post_accumulate_grad_hook(lambda leaf: order.append("w2"))
    x = minitorch.tensor([1.0])
    ((x * w1).exp() * w2).sum().backward()
    assert order == ["w2", "w1"]


def test_a_leaf_that_is_the_output_itself():
    x = minitorch.tensor(3.0, requires_grad=True)
    seen = []
    x.register_post_accumulate_grad_hook(lambda leaf: seen.append(leaf.grad.item()))
    x.backward()
    assert seen == [1.0]


def test_unused_leaf_and_autograd_grad_do_not_fire():
    x = minitorch.tensor([1.0], requires_grad=True)
    unused = minitorch.tensor([1.0], requires_grad=True)
    seen = []
    unused.register_post_accumulate_grad_hook(lambda leaf: seen.append("unused"))
    x.register_post_accumulate_grad_hook(lambda leaf: seen.append("x"))
    minitorch.autograd.grad((x * 2).sum(), x)  # no accumulation into .grad: no hook
    assert seen == []
    (x * 2).sum().backward()
    assert seen == ["x"]


def test_remove_and_several_hooks_in_order():
    x = minitorch.tensor([1.0], requires_grad=True)
    seen = []
    first = x.register_post_accumulate_grad_hook(lambda leaf: seen.append(1))
    x.register_post_accumulate_grad_hook(lambda leaf: seen.append(2))
    (x * 2).sum().backward()
    first.remove()
    first.remove()  # twice is harmless
    (x * 2).sum().backward()
    assert seen == [1, 2, 2]


def test_hooks_go_away_with_their_tensor():
    """The hooks live on the tensor: registering one keeps nothing else alive."""
    x = minitorch.tensor([1.0], requires_grad=True)
    x.register_post_accumulate_grad_hook(lambda leaf: None)
    alive = weakref.ref(x)
    del x
    gc.collect()
    assert alive() is None


def test_errors_match_pytorch():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        minitorch.tensor([1.0]).register_post_accumulate_grad_hook(lambda leaf: None)
    x = minitorch.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="non-leaf"):
        (x * 2).register_post_accumulate_grad_hook(lambda leaf: None)
