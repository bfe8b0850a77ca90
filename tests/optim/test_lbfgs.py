"""LBFGS against PyTorch: the same iterates, losses and evaluation counts, with and without the
strong-Wolfe line search, and a state dict that round-trips."""
import copy

import numpy as np
import pytest

import minitorch

torch = pytest.importorskip("torch")


RNG = np.random.default_rng(0)
_M = RNG.standard_normal((5, 5))
A = _M @ _M.T + np.diag([0.1, 1.0, 3.0, 10.0, 30.0])  # positive definite, badly conditioned
B = RNG.standard_normal(5)


def objective(v):
    """f(v) = ½vᵀAv − bᵀv + 0.1·Σv⁴ and its gradient, computed in NumPy: the same numbers for both
    libraries, so any difference in the iterates comes from the optimizer itself."""
    a, b = A.astype(v.dtype), B.astype(v.dtype)
    return 0.5 * v @ a @ v - b @ v + v.dtype.type(0.1) * (v ** 4).sum(), a @ v - b + v.dtype.type(0.4) * v ** 3


def lbfgs_run(lib, dtype, steps, line_search, history_size=100, max_iter=20, resume_at=None):
    start = np.linspace(-1.0, 1.5, 5).astype(dtype)
    x = lib.nn.Parameter(lib.tensor(start[:2].copy()))
    y = lib.nn.Parameter(lib.tensor(start[2:].copy()))
    options = dict(lr=0.5 if line_search is None else 1, max_iter=max_iter, history_size=history_size,
                   line_search_fn=line_search)
    optimizer = lib.optim.LBFGS([x, y], **options)

    def closure():
        loss, grad = objective(np.concatenate([x.detach().numpy(), y.detach().numpy()]))
        x.grad, y.grad = lib.tensor(grad[:2].copy()), lib.tensor(grad[2:].copy())
        return lib.tensor(loss)

    losses = []
    for step in range(steps):
        if step == resume_at:
            saved = copy.deepcopy(optimizer.state_dict())
            optimizer = lib.optim.LBFGS([x, y], **options)
            optimizer.load_state_dict(saved)
        losses.append(float(optimizer.step(closure)))
    state = optimizer.state[optimizer.param_groups[0]["params"][0]]
    return np.concatenate([x.detach().numpy(), y.detach().numpy()]), losses, state["func_evals"], state["n_iter"]


@pytest.mark.parametrize("line_search", [None, "strong_wolfe"])
@pytest.mark.parametrize("history_size", [100, 3])
def test_matches_pytorch_float64(line_search, history_size):
    ours = lbfgs_run(minitorch, np.float64, 5, line_search, history_size)
    theirs = lbfgs_run(torch, np.float64, 5, line_search, history_size)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-10, atol=1e-12)
    assert ours[2:] == theirs[2:]


@pytest.mark.parametrize("line_search", [None, "strong_wolfe"])
def test_matches_pytorch_float32(line_search):
    ours = lbfgs_run(minitorch, np.float32, 2, line_search, max_iter=5)
    theirs = lbfgs_run(torch, np.float32, 2, line_search, max_iter=5)
    assert ours[0].dtype == np.float32
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("line_search", [None, "strong_wolfe"])
def test_state_dict_round_trip(line_search):
    straight = lbfgs_run(minitorch, np.float64, 4, line_search, max_iter=4)
    resumed = lbfgs_run(minitorch, np.float64, 4, line_search, max_iter=4, resume_at=2)
    np.testing.assert_array_equal(straight[0], resumed[0])


def test_errors():
    p = minitorch.nn.Parameter(minitorch.ones(2))
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        minitorch.optim.LBFGS([p], lr=-1)
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        minitorch.optim.LBFGS([{"params": [p]}, {"params": [minitorch.nn.Parameter(minitorch.ones(1))]}])
    optimizer = minitorch.optim.LBFGS([p], line_search_fn="armijo")

    def closure():
        optimizer.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        optimizer.step(closure)


def test_param_groups_match_pytorch():
    ours = minitorch.optim.LBFGS([minitorch.nn.Parameter(minitorch.ones(1))]).state_dict()["param_groups"]
    theirs = torch.optim.LBFGS([torch.nn.Parameter(torch.ones(1))]).state_dict()["param_groups"]
    assert ours == theirs and [list(g) for g in ours] == [list(g) for g in theirs]
