"""Learning-rate schedules against PyTorch: the same rates, bit for bit, epoch after epoch."""
import math
import warnings

import pytest

import minitorch
import minitorch.optim as optim
from minitorch.nn.parameter import Parameter
from minitorch.optim import lr_scheduler

torch = pytest.importorskip("torch")

LRS = (0.1, 0.03)
SCHEDULES = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("StepLR", dict(step_size=1)),
    ("MultiStepLR", dict(milestones=[9, 2, 5, 5], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=10)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=1e-3)),
]
IDS = [f"{name}-{options}" for name, options in SCHEDULES]


def make_optimizer(lib):
    """SGD with one parameter group per rate in LRS."""
    if lib is torch:
        groups = [{"params": [torch.nn.Parameter(torch.ones(2))], "lr": lr} for lr in LRS]
        return torch.optim.SGD(groups, momentum=0.9)
    groups = [{"params": [Parameter(minitorch.ones(2))], "lr": lr} for lr in LRS]
    return optim.SGD(groups, momentum=0.9)


def scheduler_class(lib, name):
    return getattr((torch.optim if lib is torch else optim).lr_scheduler, name)


def rates(optimizer, scheduler, epochs, poke_at=None):
    """``get_last_lr()`` after construction and after each epoch; at ``poke_at`` halve group 0's lr."""
    seen = [scheduler.get_last_lr()]
    for epoch in range(epochs):
        optimizer.step()
        if epoch == poke_at:
            optimizer.param_groups[0]["lr"] *= 0.5
        scheduler.step()
        seen.append(scheduler.get_last_lr())
        assert seen[-1] == [group["lr"] for group in optimizer.param_groups]
    return seen


def sequence(lib, name, options, epochs=40, poke_at=None):
    optimizer = make_optimizer(lib)
    return rates(optimizer, scheduler_class(lib, name)(optimizer, **options), epochs, poke_at)


@pytest.mark.parametrize("name, options", SCHEDULES, ids=IDS)
def test_rates_equal_torchs_exactly(name, options):
    assert sequence(minitorch, name, options) == sequence(torch, name, options)


@pytest.mark.parametrize("name, options", SCHEDULES, ids=IDS)
def test_changes_made_to_the_lr_from_outside_carry_on_as_in_torch(name, options):
    assert sequence(minitorch, name, options, 20, poke_at=4) == sequence(torch, name, options, 20, poke_at=4)


def test_cosine_annealing_follows_the_closed_form():
    seen = sequence(minitorch, "CosineAnnealingLR", dict(T_max=10, eta_min=0.01), epochs=10)
    for t, (lr, _) in enumerate(seen):
        assert lr == pytest.approx(0.01 + (0.1 - 0.01) * (1 + math.cos(math.pi * t / 10)) / 2, rel=1e-12)


@pytest.mark.parametrize("name, options", SCHEDULES, ids=IDS)
def test_step_with_an_epoch_uses_the_closed_form_like_torch(name, options):
    results = []
    for lib in (minitorch, torch):
        optimizer = make_optimizer(lib)
        scheduler = scheduler_class(lib, name)(optimizer, **options)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            seen = []
            for epoch in (4, 11, 2, 7):
                optimizer.step()
                scheduler.step(epoch)
                seen.append(scheduler.get_last_lr())
        assert any("epoch" in str(w.message) for w in caught)
        results.append(seen)
    assert results[0] == results[1]


@pytest.mark.parametrize("name, options", SCHEDULES, ids=IDS)
def test_resuming_with_last_epoch_matches_torch(name, options):
    results = []
    for lib in (minitorch, torch):
        optimizer = make_optimizer(lib)
        first = rates(optimizer, scheduler_class(lib, name)(optimizer, **options), 5)
        resumed = scheduler_class(lib, name)(optimizer, last_epoch=5, **options)
        results.append(first + rates(optimizer, resumed, 12))
    assert results[0] == results[1]


@pytest.mark.parametrize("name, options", SCHEDULES, ids=IDS)
def test_state_dict_round_trip_through_a_checkpoint_continues_exactly(tmp_path, name, options):
    uninterrupted = sequence(minitorch, name, options, epochs=15)

    optimizer = make_optimizer(minitorch)
    scheduler = scheduler_class(minitorch, name)(optimizer, **options)
    first = rates(optimizer, scheduler, 6)
    assert "optimizer" not in scheduler.state_dict() and scheduler.state_dict()["last_epoch"] == 6
    minitorch.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}, tmp_path / "s.npz")

    checkpoint = minitorch.load(tmp_path / "s.npz")
    optimizer = make_optimizer(minitorch)
    scheduler = scheduler_class(minitorch, name)(optimizer, **options)
    optimizer.load_state_dict(checkpoint["optimizer"])
    scheduler.load_state_dict(checkpoint["scheduler"])
    assert first + rates(optimizer, scheduler, 9)[1:] == uninterrupted


def test_scheduler_needs_an_optimizer():
    with pytest.raises(TypeError, match="is not an Optimizer"):
        lr_scheduler.StepLR(torch.optim.SGD([torch.nn.Parameter(torch.ones(1))]), step_size=1)


def test_resuming_needs_initial_lr_in_the_groups():
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.ExponentialLR(make_optimizer(minitorch), gamma=0.9, last_epoch=3)


@pytest.mark.parametrize("step_size", [0, -1, 1.5])
def test_step_lr_needs_a_positive_integer_step_size(step_size):
    with pytest.raises(ValueError, match="step_size"):
        lr_scheduler.StepLR(make_optimizer(minitorch), step_size=step_size)


def test_cosine_annealing_needs_a_positive_t_max():
    with pytest.raises(ValueError, match="T_max"):
        lr_scheduler.CosineAnnealingLR(make_optimizer(minitorch), T_max=0)


def test_base_scheduler_get_lr_is_abstract():
    with pytest.raises(NotImplementedError):
        lr_scheduler.LRScheduler(make_optimizer(minitorch))


def test_a_subclass_without_a_closed_form_steps_to_an_epoch_recursively():
    class Halve(lr_scheduler.LRScheduler):
        def get_lr(self):
            return self._current_lrs() if self._is_initial else [lr / 2 for lr in self._current_lrs()]

    scheduler = Halve(make_optimizer(minitorch))
    with pytest.warns(UserWarning, match="epoch"):
        scheduler.step(5)
    assert scheduler.get_last_lr() == [LRS[0] / 2, LRS[1] / 2] and scheduler.last_epoch == 5
