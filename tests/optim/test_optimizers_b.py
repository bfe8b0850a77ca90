"""RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam, ASGD, Rprop (and SGD, Adam, AdamW) against PyTorch:
50-step trajectories in float64 and float32, param groups, state dicts in PyTorch's layout, round trips."""
import copy

import numpy as np
import pytest

import minitorch
from minitorch import optim

torch = pytest.importorskip("torch")

CONFIGS = [
    ("RMSprop", {}), ("RMSprop", {"momentum": 0.9, "centered": True, "weight_decay": 0.1}),
    ("RMSprop", {"momentum": 0.5, "maximize": True, "alpha": 0.9}),
    ("Adagrad", {}), ("Adagrad", {"lr_decay": 0.01, "weight_decay": 0.1, "initial_accumulator_value": 0.5}),
    ("Adadelta", {}), ("Adadelta", {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1, "maximize": True}),
    ("Adamax", {}), ("Adamax", {"betas": (0.8, 0.99), "weight_decay": 0.1}),
    ("NAdam", {}), ("NAdam", {"weight_decay": 0.1, "momentum_decay": 0.01}),
    ("NAdam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {}), ("RAdam", {"weight_decay": 0.1}), ("RAdam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("ASGD", {}), ("ASGD", {"t0": 10, "lambd": 0.01, "weight_decay": 0.1}),
    ("Rprop", {}), ("Rprop", {"etas": (0.3, 1.5), "step_sizes": (1e-3, 0.2), "maximize": True}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}), ("Adam", {"amsgrad": True}), ("AdamW", {}),
]
IDS = [f"{name}-{i}" for i, (name, _) in enumerate(CONFIGS)]
SHAPES = [(3, 4), (4,), (2, 1)]


def make(lib, name, options, arrays):
    params = [lib.nn.Parameter(lib.tensor(a.copy())) for a in arrays]
    groups = [{"params": params[:2]}, {"params": params[2:], "lr": 0.03}]
    return params, getattr(lib.optim, name)(groups, **options)


def gradient(array, step, rng_seed=0):
    """A deterministic gradient: pulls towards 0.3 with a fixed noise sequence (same for both libraries)."""
    noise = np.random.default_rng(rng_seed + step).standard_normal(array.shape).astype(array.dtype)
    return (array - array.dtype.type(0.3)) * array.dtype.type(0.5) + noise


def run(lib, name, options, arrays, steps, start=0, state=None):
    params, optimizer = make(lib, name, options, arrays)
    if state is not None:
        optimizer.load_state_dict(state)
    for step in range(start, steps):
        for i, p in enumerate(params):
            if name != "Rprop" and step % 7 == 3 and i == 1:
                p.grad = None  # a parameter without a gradient this step is skipped
                continue
            p.grad = lib.tensor(gradient(p.detach().numpy(), step + i))
        optimizer.step()
    return [p.detach().numpy() for p in params], optimizer


def arrays_of(dtype):
    rng = np.random.default_rng(42)
    return [rng.standard_normal(shape).astype(dtype) for shape in SHAPES]


@pytest.mark.parametrize("name, options", CONFIGS, ids=IDS)
@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-12), (np.float32, 1e-6)])
def test_trajectory_matches_pytorch(name, options, dtype, tolerance):
    arrays = arrays_of(dtype)
    ours, _ = run(minitorch, name, options, arrays, 50)
    theirs, _ = run(torch, name, options, arrays, 50)
    for mine, reference in zip(ours, theirs):
        assert mine.dtype == reference.dtype
        np.testing.assert_allclose(mine, reference, rtol=tolerance, atol=tolerance)


def plain(value):
    """A state-dict value with tensors turned into (dtype name, list), comparable across libraries."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(plain(v) for v in value)
    if hasattr(value, "numpy") and hasattr(value, "shape"):
        array = value.detach().numpy() if hasattr(value, "detach") else value.numpy()
        return (str(array.dtype), np.round(array.astype(np.float64), 10).tolist())
    return value


@pytest.mark.parametrize("name, options", CONFIGS, ids=IDS)
def test_state_dict_layout_matches_pytorch(name, options):
    arrays = arrays_of(np.float64)
    _, ours = run(minitorch, name, options, arrays, 5)
    _, theirs = run(torch, name, options, arrays, 5)
    mine, reference = ours.state_dict(), theirs.state_dict()
    assert mine["param_groups"] == reference["param_groups"]
    assert [list(group) for group in mine["param_groups"]] == [list(group) for group in reference["param_groups"]]
    assert plain(mine["state"]) == plain(reference["state"])
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("name, options", CONFIGS, ids=IDS)
def test_state_dict_round_trip_continues_the_trajectory(name, options):
    """Saved at step 10 and loaded into a new optimizer, as PyTorch does it (loading casts 0-d state
    such as NAdam's float32 ``mu_product`` to the parameter's dtype, in both libraries)."""
    arrays = arrays_of(np.float64)
    resumed = {}
    for lib in (minitorch, torch):
        halfway, optimizer = run(lib, name, options, arrays, 10)
        saved = copy.deepcopy(optimizer.state_dict())
        resumed[lib], _ = run(lib, name, options, halfway, 20, start=10, state=saved)
    for a, b in zip(resumed[minitorch], resumed[torch]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_adagrad_state_exists_before_the_first_step():
    p = minitorch.nn.Parameter(minitorch.ones(2))
    state = optim.Adagrad([p], initial_accumulator_value=0.1).state_dict()["state"]
    assert list(state[0]) == ["step", "sum"]


@pytest.mark.parametrize("build, message", [
    (lambda p: optim.RMSprop(p, lr=-1), "Invalid learning rate: -1"),
    (lambda p: optim.RMSprop(p, alpha=-0.5), "Invalid alpha value: -0.5"),
    (lambda p: optim.Adagrad(p, lr_decay=-1), "Invalid lr_decay value: -1"),
    (lambda p: optim.Adadelta(p, rho=1.5), "Invalid rho value: 1.5"),
    (lambda p: optim.Adamax(p, betas=(0.9, 1.0)), "Invalid beta parameter at index 1: 1.0"),
    (lambda p: optim.NAdam(p, momentum_decay=-1), "Invalid momentum_decay value: -1"),
    (lambda p: optim.RAdam(p, eps=-1), "Invalid epsilon value: -1"),
    (lambda p: optim.ASGD(p, weight_decay=-1), "Invalid weight_decay value: -1"),
    (lambda p: optim.Rprop(p, etas=(1.5, 1.2)), "Invalid eta values: 1.5, 1.2"),
])
def test_bad_hyperparameters(build, message):
    with pytest.raises(ValueError, match=message):
        build([minitorch.nn.Parameter(minitorch.ones(2))])
