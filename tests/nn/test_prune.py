"""nn.utils.prune (unstructured) against PyTorch: masks, state-dict keys, gradients, iterative pruning, remove."""
import numpy as np
import pytest

import minitorch
import minitorch.nn as nn
from minitorch.nn.utils import prune
from minitorch.testing import assert_close

torch = pytest.importorskip("torch")
import torch.nn.utils.prune  # noqa: E402  (PyTorch does not import it with torch.nn.utils)


def twins():
    values = np.random.default_rng(0).permutation(np.linspace(-2, 2, 20)).reshape(4, 5)  # distinct magnitudes
    values += 0.01 * np.arange(20).reshape(4, 5)
    ours, theirs = nn.Linear(5, 4).double(), torch.nn.Linear(5, 4).double()
    ours.load_state_dict({"weight": values, "bias": np.zeros(4)})
    theirs.load_state_dict({"weight": torch.tensor(values), "bias": torch.zeros(4, dtype=torch.float64)})
    return ours, theirs


@pytest.mark.parametrize("amounts", [[0.3], [5], [0.25, 0.5], [3, 0.2]])
def test_l1_unstructured_matches_pytorch(amounts):
    ours, theirs = twins()
    for amount in amounts:
        prune.l1_unstructured(ours, "weight", amount)
        torch.nn.utils.prune.l1_unstructured(theirs, "weight", amount)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["bias", "weight_orig", "weight_mask"]
    assert_close(ours.weight_mask, theirs.weight_mask)
    assert_close(ours.weight, theirs.weight.detach())
    x = np.random.default_rng(1).standard_normal((3, 5))
    ours(minitorch.tensor(x)).sum().backward()
    theirs(torch.tensor(x)).sum().backward()
    assert_close(ours.weight_orig.grad, theirs.weight_orig.grad)
    assert prune.is_pruned(ours)


def test_remove_makes_it_permanent():
    ours, theirs = twins()
    prune.l1_unstructured(ours, "weight", 0.5)
    torch.nn.utils.prune.l1_unstructured(theirs, "weight", 0.5)
    prune.remove(ours, "weight")
    torch.nn.utils.prune.remove(theirs, "weight")
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert isinstance(ours.weight, nn.Parameter) and not prune.is_pruned(ours)
    assert_close(ours.weight, theirs.weight.detach())
    with pytest.raises(ValueError, match="has to be pruned before pruning can be removed"):
        prune.remove(ours, "weight")


def test_random_unstructured_and_identity_counts():
    layer = nn.Linear(10, 10)
    prune.random_unstructured(layer, "weight", amount=0.3)
    assert int((layer.weight_mask.numpy() == 0).sum()) == 30
    other = prune.identity(nn.Linear(2, 2), "weight")
    assert other.weight_mask.numpy().all()


@pytest.mark.parametrize("amount, error", [(1.5, ValueError), (-1, ValueError), ("half", TypeError)])
def test_bad_amounts(amount, error):
    with pytest.raises(error):
        prune.l1_unstructured(nn.Linear(2, 2), "weight", amount)
    with pytest.raises(ValueError, match="should be smaller than the number of parameters to prune=4"):
        prune.l1_unstructured(nn.Linear(2, 2), "weight", 5)
