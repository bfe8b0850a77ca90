"""``minitorch.models`` (torchvision's ResNet, VGG and AlexNet): the same modules, ``state_dict``
keys and shapes as torchvision's, built by running minitorch's model source with the imports
swapped to PyTorch (torchvision itself is not a test dependency); weights load both ways; and
ResNet-18 trained from the same weights on the same CIFAR-10 batches tracks PyTorch's loss."""
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import minitorch  # noqa: E402
import minitorch.models as models  # noqa: E402
from minitorch.datasets import CIFAR10  # noqa: E402
from minitorch.testing import assert_close  # noqa: E402
from tests.parity import copy_weights  # noqa: E402

SOURCE = Path(models.__file__).parent
SUBSET = Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "cifar10-subset"


def torch_models(name: str) -> dict:
    """Run ``minitorch/models/<name>.py`` with ``import torch`` instead of ``import minitorch``."""
    text = (SOURCE / f"{name}.py").read_text()
    text = text.replace("import minitorch as torch", "import torch").replace("import minitorch.nn", "import torch.nn")
    text = text.replace("from minitorch.models.weights import check_no_weights",
                        "def check_no_weights(name, weights, kwargs):\n    kwargs.pop('pretrained', None)")
    namespace: dict = {"__name__": f"torch_{name}"}
    exec(compile(text, f"torch_{name}.py", "exec"), namespace)
    return namespace


# The key names of torchvision's models (a few, with the total count) as torchvision 0.28 prints them.
TORCHVISION_KEYS = {
    "resnet18": (122, ["conv1.weight", "bn1.running_mean", "layer1.0.conv1.weight", "layer2.0.downsample.0.weight",
                       "layer2.0.downsample.1.num_batches_tracked", "layer4.1.bn2.bias", "fc.weight", "fc.bias"]),
    "resnet34": (218, ["layer3.5.conv2.weight", "layer4.2.bn2.running_var"]),
    "vgg11": (22, ["features.0.weight", "features.18.bias", "classifier.0.weight", "classifier.6.bias"]),
    "alexnet": (16, ["features.0.weight", "features.10.bias", "classifier.1.weight", "classifier.6.bias"]),
}


@pytest.mark.parametrize("name,file", [("resnet18", "resnet"), ("resnet34", "resnet"), ("alexnet", "alexnet"),
                                       ("vgg11", "vgg")])
def test_models_have_torchvisions_keys_and_shapes(name: str, file: str) -> None:
    ours = getattr(models, name)(num_classes=10)
    theirs = torch_models(file)[name](num_classes=10)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    count, some = TORCHVISION_KEYS[name]
    assert len(ours.state_dict()) == count and set(some) <= set(ours.state_dict())
    assert repr(ours) == repr(theirs)


def test_weights_load_both_ways_and_give_the_same_output(rng) -> None:
    ours, theirs = models.resnet18(num_classes=10).double().eval(), torch_models("resnet")["resnet18"](
        num_classes=10).double().eval()
    copy_weights(theirs, ours)
    x = rng.standard_normal((2, 3, 32, 32))
    assert_close(ours(minitorch.tensor(x)), theirs(torch.tensor(x)), rtol=1e-10, atol=1e-10)
    back = torch_models("resnet")["resnet18"](num_classes=10).double().eval()
    back.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    assert_close(ours(minitorch.tensor(x)), back(torch.tensor(x)), rtol=1e-10, atol=1e-10)


def test_resnet_initialisation_follows_torchvision() -> None:
    net = models.resnet18(num_classes=10)
    weight = net.layer3[0].conv1.weight.detach().numpy()  # kaiming normal, fan_out = 256·9
    assert abs(weight.std() - np.sqrt(2 / (256 * 9))) < 0.02 * np.sqrt(2 / (256 * 9))
    assert np.array_equal(net.layer1[0].bn1.weight.detach().numpy(), np.ones(64, dtype=np.float32))
    zero = models.resnet18(zero_init_residual=True)
    assert not zero.layer1[0].bn2.weight.detach().numpy().any()
    vgg = models.vgg11(num_classes=10)
    linear = vgg.classifier[0].weight.detach().numpy()
    assert abs(linear.std() - 0.01) < 0.001 and not vgg.classifier[0].bias.detach().numpy().any()


def test_pretrained_weights_are_refused_clearly() -> None:
    with pytest.raises(NotImplementedError, match="weights=None"):
        models.resnet18(weights="IMAGENET1K_V1")
    with pytest.raises(NotImplementedError, match="pretrained"):
        models.vgg11(pretrained=True)
    assert models.alexnet(pretrained=False, num_classes=3).classifier[6].out_features == 3


@pytest.mark.slow
@pytest.mark.skipif(not SUBSET.exists(), reason="needs the CIFAR-10 subset in ../shared/datasets")
def test_resnet18_tracks_pytorchs_loss_over_20_steps_on_cifar10() -> None:
    """Full-width ResNet-18, float64, batches of 8 CIFAR-10 images, SGD with momentum: the same loss
    as PyTorch's at every step, to 1e-4 relative (BatchNorm in training mode throughout)."""
    data = CIFAR10(str(SUBSET), train=True)
    images = (np.asarray(data.data[:160], dtype=np.float64) / 255 - 0.5).transpose(0, 3, 1, 2) / 0.25
    labels = np.asarray(data.targets[:160], dtype=np.int64)
    theirs = torch_models("resnet")["resnet18"](num_classes=10).double()
    ours = models.resnet18(num_classes=10).double()
    copy_weights(theirs, ours)
    our_opt = minitorch.optim.SGD(ours.parameters(), lr=0.01, momentum=0.9)
    their_opt = torch.optim.SGD(theirs.parameters(), lr=0.01, momentum=0.9)
    for step in range(20):
        x, y = images[step * 8:(step + 1) * 8], labels[step * 8:(step + 1) * 8]
        our_loss = minitorch.nn.functional.cross_entropy(ours(minitorch.tensor(x)), minitorch.tensor(y))
        their_loss = torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(y))
        assert abs(our_loss.item() - their_loss.item()) <= 1e-4 * abs(their_loss.item()), f"step {step}"
        for optimizer, loss in ((our_opt, our_loss), (their_opt, their_loss)):
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
