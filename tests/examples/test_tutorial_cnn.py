"""The PyTorch CIFAR-10 tutorial, run unchanged on minitorch and on PyTorch.

The model, the training loop and the evaluation loop below are *source text*, executed once
with ``torch``/``nn``/``F``/``optim`` bound to PyTorch and once bound to minitorch. Both
start from the same weights (PyTorch's, copied) and see the same batches, so every step's
loss must agree to float32 precision.
"""
import numpy as np
import pytest

import minitorch
from tests.parity import copy_weights

torch = pytest.importorskip("torch")

TUTORIAL_NET = """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1) # flatten all dimensions except batch
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x
"""

PADDED_NET = """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 8 * 8, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 32 * 8 * 8)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x
"""

LOOPS = """
def train(net, batches, optimizer):
    criterion = nn.CrossEntropyLoss()
    losses = []
    for inputs, labels in batches:
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses

def evaluate(net, batches):
    correct = 0
    total = 0
    with torch.no_grad():
        for images, labels in batches:
            outputs = net(images)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    return correct, total
"""

SGD = "optim.SGD(net.parameters(), lr=0.001, momentum=0.9)"
ADAM = "optim.Adam(net.parameters(), lr=0.001)"
STEPS, BATCH = 40, 4


def build(lib, net_source: str) -> tuple:
    """Execute the tutorial's code with ``lib`` as ``torch``; returns (its namespace, a new Net)."""
    namespace = {"torch": lib, "nn": lib.nn, "F": lib.nn.functional, "optim": lib.optim}
    exec(net_source + LOOPS, namespace)
    return namespace, namespace["Net"]()


def train_and_evaluate(lib, namespace: dict, net, optimizer_source: str, batches: list) -> tuple:
    """The tutorial's training loop then its evaluation loop: (losses, (correct, total))."""
    optimizer = eval(optimizer_source, dict(namespace, net=net))
    data = [(lib.from_numpy(images), lib.from_numpy(labels)) for images, labels in batches]
    return namespace["train"](net, data, optimizer), namespace["evaluate"](net, data)


@pytest.fixture(autouse=True, scope="module")
def torch_on_one_thread():
    """PyTorch's threads spin while they wait: on a small, busy machine one thread is faster."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def random_batches(seed: int) -> list:
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((BATCH, 3, 32, 32), dtype=np.float32), rng.integers(0, 10, BATCH, dtype=np.int64))
            for _ in range(STEPS)]


@pytest.mark.parametrize("net_source, optimizer_source", [
    (TUTORIAL_NET, SGD), (PADDED_NET, SGD), (TUTORIAL_NET, ADAM),
], ids=["tutorial-sgd", "padded-3x3-sgd", "tutorial-adam"])
def test_training_gives_torchs_losses(net_source: str, optimizer_source: str) -> None:
    batches = random_batches(0)
    torch.manual_seed(0)
    (their_namespace, their_net), (our_namespace, our_net) = build(torch, net_source), build(minitorch, net_source)
    copy_weights(their_net, our_net)
    their_losses, their_score = train_and_evaluate(torch, their_namespace, their_net, optimizer_source, batches)
    our_losses, our_score = train_and_evaluate(minitorch, our_namespace, our_net, optimizer_source, batches)
    np.testing.assert_allclose(our_losses, their_losses, rtol=1e-4)
    assert our_score == their_score and isinstance(our_score[0], int) and our_score[1] == STEPS * BATCH


def test_tutorial_net_prints_like_torch() -> None:
    assert repr(build(minitorch, TUTORIAL_NET)[1]) == repr(build(torch, TUTORIAL_NET)[1])
