"""Loss modules: the same numbers as the functions they wrap, PyTorch's repr and state_dict."""
import numpy as np
import pytest

import minitorch
import minitorch.nn as nn
import minitorch.nn.functional as F
from minitorch.testing import assert_close

torch = pytest.importorskip("torch")


def test_loss_modules_match_the_functions(rng: np.random.Generator) -> None:
    logits = minitorch.tensor(rng.standard_normal((6, 4)).astype(np.float32))
    target = minitorch.tensor(rng.integers(0, 4, 6))
    weight = minitorch.tensor([1.0, 2.0, 0.5, 1.0])
    module = nn.CrossEntropyLoss(weight=weight, ignore_index=2, reduction="sum", label_smoothing=0.2)
    expected = F.cross_entropy(logits, target, weight, ignore_index=2, reduction="sum", label_smoothing=0.2)
    assert_close(module(logits, target), expected)
    log_probs = F.log_softmax(logits, dim=1)
    expected = F.nll_loss(log_probs, target, weight, ignore_index=1)
    assert_close(nn.NLLLoss(weight, ignore_index=1)(log_probs, target), expected)
    assert_close(nn.MSELoss(reduction="none")(logits, logits * 2), F.mse_loss(logits, logits * 2, reduction="none"))


def test_loss_modules_repr_and_state_like_torch() -> None:
    weight = np.array([1.0, 2.0], dtype=np.float32)
    for name in ("CrossEntropyLoss", "NLLLoss"):
        ours, theirs = getattr(nn, name)(minitorch.tensor(weight)), getattr(torch.nn, name)(torch.tensor(weight))
        assert repr(ours) == repr(theirs)
        assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    assert repr(nn.MSELoss()) == repr(torch.nn.MSELoss()) == "MSELoss()"
    assert list(nn.CrossEntropyLoss().state_dict()) == []
