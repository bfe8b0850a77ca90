"""The d2l.ai-style model zoo of ``examples/models.py`` (lazy layers throughout): each model
materialises its parameters on the first batch and trains a few SGD steps on the CIFAR-10 subset
(small widths, batches of 8); and the zoo's code runs unchanged on PyTorch (imports swapped)."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest

import minitorch
from minitorch.datasets import CIFAR10

ROOT = Path(__file__).resolve().parents[2]
SUBSET = ROOT.parent / "shared" / "datasets" / "cifar10-subset"
SMALL = {"lenet": {}, "alexnet32": dict(shrink=16), "vgg11": dict(shrink=16), "nin": dict(shrink=16),
         "googlenet_mini": dict(shrink=16), "resnet18": dict(shrink=8), "densenet_mini": dict(growth=4, layers=(2, 2), stem=8)}


def zoo(source_replacements: tuple = ()) -> dict:
    text = (ROOT / "examples" / "models.py").read_text()
    for old, new in source_replacements:
        text = text.replace(old, new)
    namespace: dict = {"__name__": "examples_models_zoo"}
    exec(compile(text, "examples/models.py", "exec"), namespace)
    return namespace["ZOO"]


@pytest.fixture(scope="module")
def batches() -> list:
    if not SUBSET.exists():
        pytest.skip("needs the CIFAR-10 subset in ../shared/datasets")
    data = CIFAR10(str(SUBSET), train=True)
    images = (np.asarray(data.data[:24], dtype=np.float32) / 255 - 0.5).transpose(0, 3, 1, 2) / 0.25
    labels = np.asarray(data.targets[:24], dtype=np.int64)
    return [(minitorch.tensor(images[i:i + 8]), minitorch.tensor(labels[i:i + 8])) for i in range(0, 24, 8)]


@pytest.mark.parametrize("name", sorted(SMALL))
def test_zoo_model_trains_a_few_steps_on_cifar10(name: str, batches: list) -> None:
    minitorch.manual_seed(0)
    model = zoo()[name](**SMALL[name])
    x, y = batches[0]
    model(x)  # the first batch fixes the lazy shapes
    assert not any(isinstance(p, minitorch.nn.UninitializedParameter) for p in model.parameters())
    optimizer = minitorch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    before = [p.detach().numpy().copy() for p in model.parameters()]
    losses = []
    for x, y in batches:
        loss = minitorch.nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert np.all(np.isfinite(losses)) and losses[0] < 10
    weights = [(b, p) for b, p in zip(before, model.parameters()) if p.ndim > 1]  # (a bias before BN gets ~0)
    changed = [not np.array_equal(b, p.detach().numpy()) for b, p in weights]
    assert changed[-1] and np.mean(changed) >= 0.75, changed  # tiny widths may leave a dead-ReLU path unchanged
    model.eval()
    with minitorch.no_grad():
        assert model(batches[0][0]).shape == (8, 10)


@pytest.mark.slow
def test_the_zoo_runs_on_pytorch_with_the_imports_swapped() -> None:
    torch = pytest.importorskip("torch")
    models = zoo((("import minitorch as torch", "import torch"), ("import minitorch.nn", "import torch.nn")))
    ours = zoo()
    for name, options in SMALL.items():
        theirs, mine = models[name](**options).eval(), ours[name](**options).eval()
        assert tuple(theirs(torch.randn(2, 3, 32, 32)).shape) == tuple(mine(minitorch.randn(2, 3, 32, 32)).shape)
        assert list(theirs.state_dict()) == list(mine.state_dict()), name
        assert [tuple(p.shape) for p in theirs.parameters()] == [tuple(p.shape) for p in mine.parameters()], name


@pytest.mark.slow  # about 10-30 s on 2 shared cores
def test_reduced_width_resnet18_tracks_pytorchs_loss_over_20_steps(batches: list) -> None:
    """The zoo's ResNet-18 at a quarter of the width (d2l.ai's construction, lazy layers) from the same
    initial weights on the same CIFAR-10 batches: PyTorch's loss at every step, to 1e-4 relative
    (float64). The full-width torchvision ResNet-18 is checked the same way in tests/nn/test_models.py
    (marked slow)."""
    torch = pytest.importorskip("torch")
    from tests.parity import copy_weights

    theirs = zoo((("import minitorch as torch", "import torch"), ("import minitorch.nn", "import torch.nn")))[
        "resnet18"](shrink=4).double()
    ours = zoo()["resnet18"](shrink=4).double()
    with torch.no_grad():
        theirs.eval()(torch.zeros(1, 3, 32, 32, dtype=torch.float64))
    with minitorch.no_grad():
        ours.eval()(minitorch.zeros(1, 3, 32, 32, dtype=minitorch.float64))
    copy_weights(theirs, ours)
    theirs.train(), ours.train()
    our_opt = minitorch.optim.SGD(ours.parameters(), lr=0.05, momentum=0.9)
    their_opt = torch.optim.SGD(theirs.parameters(), lr=0.05, momentum=0.9)
    for step in range(20):
        x, y = batches[step % len(batches)]
        x = x.numpy().astype(np.float64)
        our_loss = minitorch.nn.functional.cross_entropy(ours(minitorch.tensor(x)), y)
        their_loss = torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(y.numpy()))
        assert abs(our_loss.item() - their_loss.item()) <= 1e-4 * abs(their_loss.item()), f"step {step}"
        for optimizer, loss in ((our_opt, our_loss), (their_opt, their_loss)):
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
