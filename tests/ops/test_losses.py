"""Losses beyond value parity (which the op table checks, see ``tests/ops/cases/loss.py``; their
errors are in ``tests/errors/ops.py``): the broadcasting warning, one fused node, float32 and
huge logits, a mean over ignored targets only."""
import numpy as np
import pytest

import minitorch
import minitorch.nn.functional as F
from minitorch.testing import assert_close
from tests.parity import assert_grads_close, leaves_both

torch = pytest.importorskip("torch")


def test_mse_loss_broadcasts_with_a_warning_like_torch(rng: np.random.Generator) -> None:
    (ours, our_target), (theirs, their_target) = leaves_both([rng.standard_normal((4, 1)), rng.standard_normal(4)],
                                                             [True, True])
    with pytest.warns(UserWarning, match="different to the input size"):
        our_loss = F.mse_loss(ours, our_target)
    with pytest.warns(UserWarning):
        their_loss = torch.nn.functional.mse_loss(theirs, their_target)
    assert_close(our_loss, their_loss)
    our_loss.backward()
    their_loss.backward()
    assert_grads_close([(ours, theirs), (our_target, their_target)])


def test_cross_entropy_is_one_fused_node_whose_gradient_is_softmax_minus_one_hot() -> None:
    logits = minitorch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], requires_grad=True)
    target = minitorch.tensor([2, 0])
    loss = F.cross_entropy(logits, target)
    (edge, *constants) = loss.grad_fn._edges
    assert edge[0] is logits and constants == [None] * 5
    loss.backward()
    probabilities = F.softmax(logits.detach(), dim=1).numpy()
    one_hot = np.eye(3, dtype=np.float32)[[2, 0]]
    assert_close(logits.grad, (probabilities - one_hot) / 2)


def test_cross_entropy_stays_float32_and_is_stable_for_huge_logits() -> None:
    logits = minitorch.tensor([[1e4, -1e4, 0.0], [-5e3, 5e3, 5e3]], requires_grad=True)
    loss = F.cross_entropy(logits, minitorch.tensor([1, 2]))
    expected = torch.nn.functional.cross_entropy(torch.tensor(logits.detach().numpy()), torch.tensor([1, 2]))
    assert loss.dtype == minitorch.float32
    assert_close(loss, expected)
    loss.backward()
    assert logits.grad.dtype == minitorch.float32
    assert np.isfinite(logits.grad.numpy()).all()


def test_mean_over_only_ignored_targets_is_nan_like_torch() -> None:
    logits = np.zeros((2, 3))
    target = np.array([-100, -100])
    ours = F.cross_entropy(minitorch.tensor(logits), minitorch.tensor(target))
    theirs = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(target))
    assert torch.isnan(theirs) and np.isnan(ours.item())
