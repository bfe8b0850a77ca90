"""The hook points: nothing is watching by default, instruments leave nothing behind, results are unchanged."""
import numpy as np
import pytest

import minitorch
from minitorch.autograd import observers


def _step(backend: str) -> tuple:
    minitorch.manual_seed(0)
    nn = minitorch.nn
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)).to(backend)
    x = minitorch.randn(5, 4, device=backend)
    loss = minitorch.nn.functional.cross_entropy(model(x), minitorch.tensor([0, 1, 2, 0, 1], device=backend))
    loss.backward()
    return loss.item(), [p.grad.cpu().numpy() for p in model.parameters()]


def test_nothing_watches_by_default() -> None:
    assert observers.OBSERVERS == []


@pytest.mark.parametrize("instrument", ["profile", "anomaly", "shadow", "hooks", "layers"])
def test_instruments_change_no_result_and_leave_nothing_behind(instrument: str, backend: str) -> None:
    plain_loss, plain_grads = _step(backend)
    model = minitorch.nn.Linear(2, 2)
    context = {
        "profile": lambda: minitorch.profiler.profile(),
        "anomaly": lambda: minitorch.autograd.set_detect_anomaly(True),
        "shadow": lambda: minitorch.autograd.shadow(),
        "hooks": lambda: minitorch.autograd.graph.save_on_cpu(),
        "layers": lambda: minitorch.autograd.layer_scope(model),
    }[instrument]
    with context():
        loss, grads = _step(backend)
    assert loss == plain_loss
    for ours, plain in zip(grads, plain_grads):
        np.testing.assert_array_equal(ours, plain)
    assert observers.OBSERVERS == []


def test_observers_nest_and_see_ops_inside_a_user_function() -> None:
    class Double(minitorch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2 + 0  # two ops inside

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    seen = []

    class Spy(observers.Observer):
        def forward(self, op, args, run):
            seen.append(op.__name__)
            return run()

    x = minitorch.tensor([1.0], requires_grad=True)
    with observers.watching(Spy()), observers.watching(Spy()):
        Double.apply(x)
    assert seen[:2] == ["Double", "Double"] and len(seen) == 6
