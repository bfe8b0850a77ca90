"""optim.swa_utils against PyTorch: averaged weights (SWA and EMA), SWALR rates, update_bn."""
import numpy as np
import pytest

import minitorch

torch = pytest.importorskip("torch")


def model_of(lib):
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.ReLU(), lib.nn.Linear(4, 1)).double()
    rng = np.random.default_rng(0)
    state = {}
    for key, value in model.state_dict().items():
        array = value.detach().numpy()
        state[key] = lib.tensor(rng.standard_normal(array.shape) if array.dtype.kind == "f" else array)
    model.load_state_dict(state)
    return model


@pytest.mark.parametrize("ema", [False, True])
def test_averaged_model_matches_pytorch(ema):
    results = {}
    for lib in (minitorch, torch):
        model = model_of(lib)
        swa_utils = lib.optim.swa_utils
        averaged = swa_utils.AveragedModel(model, avg_fn=swa_utils.get_ema_avg_fn(0.9) if ema else None)
        optimizer = lib.optim.SGD(model.parameters(), lr=0.1)
        scheduler = swa_utils.SWALR(optimizer, swa_lr=0.05, anneal_epochs=3)
        rates = []
        for step in range(6):
            x = lib.tensor(np.random.default_rng(step).standard_normal((8, 3)))
            optimizer.zero_grad()
            model(x).pow(2).mean().backward()
            optimizer.step()
            averaged.update_parameters(model)
            scheduler.step()
            rates.append(scheduler.get_last_lr())
        loader = [lib.tensor(np.random.default_rng(10 + i).standard_normal((5, 3))) for i in range(3)]
        swa_utils.update_bn(loader, averaged)
        results[lib] = ({k: v.detach().numpy() for k, v in averaged.state_dict().items()}, rates)
    ours, theirs = results[minitorch], results[torch]
    assert list(ours[0]) == list(theirs[0])
    for key in ours[0]:
        np.testing.assert_allclose(ours[0][key], theirs[0][key], rtol=1e-10, atol=1e-12, err_msg=key)
    assert ours[1] == theirs[1]


def test_averaged_model_repr_and_forward():
    averaged = minitorch.optim.swa_utils.AveragedModel(minitorch.nn.Linear(2, 1))
    assert repr(averaged) == repr(torch.optim.swa_utils.AveragedModel(torch.nn.Linear(2, 1)))
    assert averaged(minitorch.ones(3, 2)).shape == (3, 1)


@pytest.mark.parametrize("strategy, epochs", [("linear", 4), ("cos", 0)])
def test_swalr_rates_match_pytorch(strategy, epochs):
    rates = {}
    for lib in (minitorch, torch):
        optimizer = lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=0.3)
        scheduler = lib.optim.swa_utils.SWALR(optimizer, swa_lr=0.01, anneal_epochs=epochs, anneal_strategy=strategy)
        rates[lib] = []
        for _ in range(8):
            optimizer.step()
            scheduler.step()
            rates[lib].append(scheduler.get_last_lr())
    assert rates[minitorch] == rates[torch]


def test_errors():
    swa = minitorch.optim.swa_utils
    optimizer = minitorch.optim.SGD([minitorch.nn.Parameter(minitorch.ones(1))], lr=0.3)
    with pytest.raises(ValueError, match="anneal_strategy must be one of"):
        swa.SWALR(optimizer, 0.1, anneal_strategy="step")
    with pytest.raises(ValueError, match="anneal_epochs must be equal or greater than 0"):
        swa.SWALR(optimizer, 0.1, anneal_epochs=-1)
    with pytest.raises(ValueError, match="Invalid decay value 2"):
        swa.get_ema_avg_fn(2)
