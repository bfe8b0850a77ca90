"""PyTorch counterpart of ``examples/mnist.py``: the same run, trained by PyTorch.

Same command line, same network, same data, same batches, same starting point:

- the network is PyTorch's own ``pytorch/examples/mnist`` ``Net``, written below in PyTorch;
- the images come through minitorch's ``MNIST``/``FashionMNIST`` and ``DataLoader``
  (torchvision is not needed), seeded exactly as the example seeds them, so both libraries see
  the same normalised batches in the same order;
- the initial weights are those of the minitorch model built with the same ``--seed``, copied over.

What still differs: floating-point rounding (which grows over training), dropout masks, and
speed. Compare::

    python examples/mnist.py           --data ../shared/datasets/mnist
    python benchmarks/mnist_torch.py   --data ../shared/datasets/mnist
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
sys.path.insert(0, str(EXAMPLES))

import minitorch  # noqa: E402
import mnist  # noqa: E402  (parse_args, make_loaders, Net, epoch_seed, epoch_line, class_table)


class Net(nn.Module):
    """pytorch/examples/mnist's network, in PyTorch."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        return F.log_softmax(self.fc2(x), dim=1)


def same_initial_weights(model: nn.Module, seed: int) -> None:
    """Load the weights minitorch's Net starts from with this seed (the example seeds the same way)."""
    minitorch.manual_seed(seed)
    reference = mnist.Net()
    model.load_state_dict({key: torch.from_numpy(value.numpy().copy()) for key, value in reference.state_dict().items()})


def make_optimizer(name: str, model: nn.Module, lr: float, momentum: float) -> torch.optim.Optimizer:
    if name == "sgd":
        return torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    if name == "adam":
        return torch.optim.Adam(model.parameters(), lr=lr)
    return torch.optim.Adadelta(model.parameters(), lr=lr)


def as_torch(loader: Any) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    for images, labels in loader:
        yield torch.from_numpy(images.numpy()), torch.from_numpy(labels.numpy())


def train_one_epoch(model: nn.Module, loader: Any, optimizer: torch.optim.Optimizer) -> dict[str, Any]:
    model.train()
    total_loss, correct, seen, batch_losses = 0.0, 0, 0, []
    start = time.perf_counter()
    for images, labels in as_torch(loader):
        optimizer.zero_grad()
        outputs = model(images)
        loss = F.nll_loss(outputs, labels)
        loss.backward()
        optimizer.step()
        batch_losses.append(loss.item())
        total_loss += batch_losses[-1] * len(labels)
        correct += (outputs.argmax(dim=1) == labels).sum().item()
        seen += len(labels)
    seconds = time.perf_counter() - start
    return {"train_loss": total_loss / seen, "train_acc": correct / seen, "batch_losses": batch_losses,
            "seconds": seconds, "images_per_s": seen / seconds}


def predict(model: nn.Module, loader: Any) -> tuple[np.ndarray, np.ndarray]:
    model.eval()
    predicted, labels = [], []
    with torch.no_grad():
        for images, targets in as_torch(loader):
            predicted.append(model(images).argmax(dim=1).numpy())
            labels.append(targets.numpy())
    return np.concatenate(predicted), np.concatenate(labels)


def main(argv: Sequence[str] | None = None) -> None:
    args = mnist.parse_args(argv)
    if args.device != "cpu" or args.checkpoint is not None or args.plot is not None:
        raise SystemExit("this benchmark runs on the CPU, without --checkpoint or --plot")
    generator = minitorch.Generator()
    train_loader, test_loader, classes = mnist.make_loaders(args, generator)
    model = Net()
    same_initial_weights(model, args.seed)
    optimizer = make_optimizer(args.optimizer, model, args.lr, args.momentum)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=args.gamma)
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{args.dataset}: Net on cpu; {args.optimizer} lr {args.lr}; StepLR gamma {args.gamma}; batch size "
          f"{args.batch_size}; seed {args.seed}; {len(train_loader.dataset)} training images")
    history = []
    for epoch in range(1, args.epochs + 1):
        seed = mnist.epoch_seed(args.seed, epoch)  # seeded as the example: the same batches
        minitorch.manual_seed(seed)
        generator.manual_seed(seed)
        torch.manual_seed(seed)
        record = {"epoch": epoch, **train_one_epoch(model, train_loader, optimizer)}
        scheduler.step()
        predicted, labels = predict(model, test_loader)
        record["test_acc"] = float(np.mean(predicted == labels))
        history.append(record)
        print(mnist.epoch_line(record, args.epochs), flush=True)
    correct, total = mnist.per_class(predicted, labels, len(classes))
    accuracy = float(correct.sum() / total.sum())
    if args.json is not None:
        args.json.write_text(json.dumps({"history": history, "test_acc": accuracy}, indent=1))
    print(f"training time {sum(r['seconds'] for r in history):.1f} s")
    print(mnist.class_table(classes, correct, total))
    print(f"test accuracy: {100 * accuracy:.2f}%")


if __name__ == "__main__":
    main()
