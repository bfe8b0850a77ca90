"""nn.utils.parametrize, parametrizations.weight_norm / spectral_norm and the legacy weight_norm,
against PyTorch: state-dict keys, reprs, outputs and gradients of the originals."""
import numpy as np
import pytest

import minitorch
import minitorch.nn as nn
from minitorch.testing import assert_close

torch = pytest.importorskip("torch")


def twins(make_ours, make_theirs):
    """The same parametrized layer in both libraries, ours loaded from PyTorch's state dict."""
    torch.manual_seed(0)
    theirs = make_theirs()
    ours = make_ours()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def check_steps(ours, theirs, shape, steps=3):
    for step in range(steps):
        x = np.random.default_rng(step).standard_normal(shape)
        out, expected = ours(minitorch.tensor(x)), theirs(torch.tensor(x))  # one call each: spectral norm iterates
        upstream = np.random.default_rng(100 + step).standard_normal(expected.shape)
        assert_close(out, expected, rtol=1e-10, atol=1e-12)
        for module in (ours, theirs):
            module.zero_grad()
        out.backward(minitorch.tensor(upstream))
        expected.backward(torch.tensor(upstream))
        our_grads = dict(ours.named_parameters())
        for name, param in theirs.named_parameters():
            assert_close(our_grads[name].grad, param.grad, rtol=1e-9, atol=1e-12, msg=name)


@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm_matches_pytorch(dim):
    ours, theirs = twins(lambda: nn.utils.parametrizations.weight_norm(nn.Linear(3, 4).double(), dim=dim),
                         lambda: torch.nn.utils.parametrizations.weight_norm(torch.nn.Linear(3, 4).double(), dim=dim))
    assert repr(ours) == repr(theirs)
    check_steps(ours, theirs, (5, 3))


def test_weight_norm_on_a_convolution():
    ours, theirs = twins(lambda: nn.utils.parametrizations.weight_norm(nn.Conv2d(2, 3, 3).double()),
                         lambda: torch.nn.utils.parametrizations.weight_norm(torch.nn.Conv2d(2, 3, 3).double()))
    check_steps(ours, theirs, (2, 2, 5, 5), steps=1)


def test_spectral_norm_matches_pytorch_in_training_and_eval():
    ours, theirs = twins(lambda: nn.utils.parametrizations.spectral_norm(nn.Linear(4, 3).double()),
                         lambda: torch.nn.utils.parametrizations.spectral_norm(torch.nn.Linear(4, 3).double()))
    assert repr(ours) == repr(theirs)
    check_steps(ours, theirs, (2, 4))
    ours.eval()
    theirs.eval()
    check_steps(ours, theirs, (2, 4), steps=1)
    for key, value in theirs.state_dict().items():
        assert_close(ours.state_dict()[key], value, rtol=1e-10, atol=1e-12, msg=key)


def test_spectral_norm_divides_by_the_largest_singular_value():
    """Power iteration converges as (σ₂/σ₁)^k: 20 steps missed 1e-6 on an unlucky random draw, 200
    reach it for every seed tried (0-299); the seed makes the test repeatable."""
    minitorch.manual_seed(0)
    layer = nn.utils.parametrizations.spectral_norm(nn.Linear(6, 5).double(), n_power_iterations=200)
    layer(minitorch.ones(1, 6, dtype=minitorch.float64))
    assert np.linalg.svd(layer.weight.detach().numpy(), compute_uv=False)[0] == pytest.approx(1.0, rel=1e-6)


def test_legacy_weight_norm_matches_pytorch():
    with pytest.warns(FutureWarning):
        ours = nn.utils.weight_norm(nn.Linear(3, 2).double())
    theirs = torch.nn.utils.weight_norm(torch.nn.Linear(3, 2).double())
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["bias", "weight_g", "weight_v"]
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    check_steps(ours, theirs, (4, 3))
    nn.utils.remove_weight_norm(ours)
    assert list(ours.state_dict()) == ["bias", "weight"] and isinstance(ours.weight, nn.Parameter)
    with pytest.raises(ValueError, match="weight_norm of 'weight' not found"):
        nn.utils.remove_weight_norm(ours)


def test_register_and_remove_a_custom_parametrization():
    class Symmetric(nn.Module):
        def forward(self, x):
            return x.triu() + x.triu(1).transpose(0, 1) if hasattr(x, "triu") else (x + x.T) / 2

    layer = nn.Linear(3, 3)
    nn.utils.parametrize.register_parametrization(layer, "weight", Symmetric())
    assert nn.utils.parametrize.is_parametrized(layer) and nn.utils.parametrize.is_parametrized(layer, "weight")
    assert type(layer).__name__ == "ParametrizedLinear"
    w = layer.weight.detach().numpy()
    np.testing.assert_allclose(w, w.T)
    with nn.utils.parametrize.cached():
        assert layer.weight is layer.weight
    nn.utils.parametrize.remove_parametrizations(layer, "weight")
    assert type(layer) is nn.Linear and isinstance(layer.weight, nn.Parameter)
    np.testing.assert_allclose(layer.weight.detach().numpy(), w)
    with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a parametrized element"):
        nn.utils.parametrize.register_parametrization(layer, "nope", Symmetric())


def test_spectral_norm_errors():
    with pytest.raises(ValueError, match="has no parameter or buffer with name 'w'"):
        nn.utils.parametrizations.spectral_norm(nn.Linear(2, 2), name="w")
    with pytest.raises(ValueError, match="n_power_iterations to be positive"):
        nn.utils.parametrizations.spectral_norm(nn.Linear(2, 2), n_power_iterations=0)
