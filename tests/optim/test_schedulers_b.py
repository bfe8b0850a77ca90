"""The schedules of optim surface B against PyTorch: learning rates (and cycled momenta) bit-identical
over long runs, ``get_last_lr()``, and ``state_dict`` round trips that continue the same schedule."""
import copy

import pytest

import minitorch

torch = pytest.importorskip("torch")


class Halve:
    """A callable object: its state is saved by LambdaLR's state_dict (a plain function's is not)."""

    def __init__(self):
        self.every = 7

    def __call__(self, epoch):
        return 0.5 ** (epoch // self.every)


SCHEDULES = {
    "LambdaLR": (lambda S, o: S.LambdaLR(o, lambda e: 0.95 ** e), "SGD"),
    "LambdaLR_object_per_group": (lambda S, o: S.LambdaLR(o, [Halve(), lambda e: 1 / (e + 1)]), "SGD"),
    "MultiplicativeLR": (lambda S, o: S.MultiplicativeLR(o, lambda e: 0.97), "SGD"),
    "ConstantLR": (lambda S, o: S.ConstantLR(o, factor=0.3, total_iters=8), "SGD"),
    "LinearLR": (lambda S, o: S.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=30), "SGD"),
    "PolynomialLR": (lambda S, o: S.PolynomialLR(o, total_iters=40, power=2.0), "SGD"),
    "SequentialLR": (lambda S, o: S.SequentialLR(o, [S.LinearLR(o, 0.1, total_iters=10),
                                                     S.CosineAnnealingLR(o, T_max=50),
                                                     S.ExponentialLR(o, gamma=0.97)], milestones=[10, 60]), "SGD"),
    "ChainedScheduler": (lambda S, o: S.ChainedScheduler([S.ConstantLR(o, factor=0.5, total_iters=5),
                                                          S.ExponentialLR(o, gamma=0.98),
                                                          S.StepLR(o, step_size=9, gamma=0.5)]), "SGD"),
    "CyclicLR": (lambda S, o: S.CyclicLR(o, base_lr=0.01, max_lr=[0.1, 0.2], step_size_up=7, step_size_down=4),
                 "SGD_momentum"),
    "CyclicLR_triangular2_adam": (lambda S, o: S.CyclicLR(o, 0.001, 0.01, step_size_up=5, mode="triangular2"),
                                  "Adam"),
    "CyclicLR_exp_range": (lambda S, o: S.CyclicLR(o, 0.001, 0.01, step_size_up=6, mode="exp_range", gamma=0.99,
                                                   cycle_momentum=False), "SGD"),
    "OneCycleLR": (lambda S, o: S.OneCycleLR(o, max_lr=0.5, total_steps=300), "SGD_momentum"),
    "OneCycleLR_three_phase_linear_adam": (lambda S, o: S.OneCycleLR(
        o, max_lr=[0.01, 0.02], epochs=30, steps_per_epoch=10, three_phase=True, anneal_strategy="linear",
        pct_start=0.25), "Adam"),
    "CosineAnnealingWarmRestarts": (lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2, eta_min=1e-4),
                                    "SGD"),
}
STEPS = 300


def optimizer_of(lib, kind):
    params = [lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.ones(3))]
    groups = [{"params": params[:1]}, {"params": params[1:], "lr": 0.03}]
    if kind == "Adam":
        return lib.optim.Adam(groups, lr=0.1)
    return lib.optim.SGD(groups, lr=0.1, momentum=0.9 if kind == "SGD_momentum" else 0)


def trace(lib, name, steps=STEPS, resume_at=None):
    build, kind = SCHEDULES[name]
    optimizer = optimizer_of(lib, kind)
    scheduler = build(lib.optim.lr_scheduler, optimizer)
    seen = []
    for step in range(steps):
        if resume_at == step:
            saved_optimizer = copy.deepcopy(optimizer.state_dict())
            saved = copy.deepcopy(scheduler.state_dict())
            optimizer = optimizer_of(lib, kind)
            scheduler = build(lib.optim.lr_scheduler, optimizer)
            optimizer.load_state_dict(saved_optimizer)  # after building the scheduler, whose first step sets lr
            scheduler.load_state_dict(saved)
        optimizer.step()
        scheduler.step()
        momenta = [g.get("momentum", g.get("betas")) for g in optimizer.param_groups]
        seen.append((scheduler.get_last_lr(), [g["lr"] for g in optimizer.param_groups], momenta))
    return seen


@pytest.mark.parametrize("name", SCHEDULES)
def test_rates_are_bit_identical_to_pytorch(name):
    steps = 300 if "OneCycle" not in name else 299
    assert trace(minitorch, name, steps) == trace(torch, name, steps)


@pytest.mark.parametrize("name", SCHEDULES)
def test_state_dict_round_trip_continues_the_schedule(name):
    steps = 120
    assert trace(minitorch, name, steps, resume_at=45) == trace(minitorch, name, steps)


def test_reduce_lr_on_plateau_matches_pytorch():
    metrics = [1.0, 0.9, 0.9, 0.95, 0.9, 0.91, 0.92, 0.85, 0.85, 0.86, 0.87, 0.88, 0.89] * 4
    results = {}
    for lib in (minitorch, torch):
        optimizer = optimizer_of(lib, "SGD")
        scheduler = lib.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=2, cooldown=1,
                                                             min_lr=[0.001, 0.01], threshold=0.01)
        rates = []
        for index, metric in enumerate(metrics):
            scheduler.step(minitorch.tensor(metric) if lib is minitorch else torch.tensor(metric))
            rates.append((scheduler.get_last_lr(), scheduler.num_bad_epochs, scheduler.best))
            if index == 20:
                state = copy.deepcopy(scheduler.state_dict())
                scheduler = lib.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="max")
                scheduler.load_state_dict(state)
        results[lib] = rates
    assert results[minitorch] == results[torch]


def test_max_mode_abs_threshold():
    for lib in (minitorch, torch):
        optimizer = optimizer_of(lib, "SGD")
        scheduler = lib.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="max", threshold_mode="abs", patience=0)
        for metric in (1.0, 1.00001, 0.5):
            scheduler.step(metric)
        assert scheduler.get_last_lr() == pytest.approx([0.001, 0.0003])


@pytest.mark.parametrize("build, error, message", [
    (lambda S, o: S.ConstantLR(o, factor=1.5), ValueError, "between 0 and 1"),
    (lambda S, o: S.LinearLR(o, start_factor=0), ValueError, "greater than 0"),
    (lambda S, o: S.LambdaLR(o, [lambda e: 1.0]), ValueError, "Expected 2 lr_lambdas, but got 1"),
    (lambda S, o: S.MultiplicativeLR(o, 0.9), TypeError, "lr_lambda should be a function"),
    (lambda S, o: S.SequentialLR(o, [S.StepLR(o, 2)], milestones=[3]), ValueError, "number of milestones"),
    (lambda S, o: S.ChainedScheduler([]), ValueError, "at least one scheduler"),
    (lambda S, o: S.ReduceLROnPlateau(o, factor=1.0), ValueError, "Factor should be < 1.0"),
    (lambda S, o: S.ReduceLROnPlateau(o, mode="low"), ValueError, "mode low is unknown"),
    (lambda S, o: S.CyclicLR(o, 0.1, 1.0, mode="sine"), ValueError, "mode is invalid"),
    (lambda S, o: S.OneCycleLR(o, 0.1), ValueError, "total_steps OR"),
    (lambda S, o: S.OneCycleLR(o, 0.1, total_steps=10, pct_start=2.0), ValueError, "pct_start"),
    (lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, "positive integer T_0"),
])
def test_errors_as_pytorch(build, error, message):
    for lib in (minitorch, torch):
        with pytest.raises(error, match=message):
            build(lib.optim.lr_scheduler, optimizer_of(lib, "SGD"))


def test_one_cycle_past_the_end_raises():
    optimizer = optimizer_of(minitorch, "SGD_momentum")
    scheduler = minitorch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=3)
    for _ in range(2):
        scheduler.step()
    with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of total steps is 3"):
        scheduler.step()
        scheduler.step()


def test_warm_restarts_fractional_epochs_match_pytorch():
    results = {}
    for lib in (minitorch, torch):
        optimizer = optimizer_of(lib, "SGD")
        scheduler = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=3, T_mult=2)
        rates = []
        for i in range(40):
            scheduler.step(i / 4)
            rates.append(scheduler.get_last_lr())
        results[lib] = rates
    assert results[minitorch] == results[torch]
