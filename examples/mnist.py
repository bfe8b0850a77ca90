"""Train the classic two-convolution network on MNIST (or Fashion-MNIST), as PyTorch's example does.

Run it from the repository root, after ``pip install -e ".[example]"``::

    # the full MNIST (60,000 training / 10,000 test images), downloaded into ./data once (11 MB)
    python examples/mnist.py

    # offline: a folder that holds MNIST/raw/*.gz, e.g. the copy shared next to the project
    OMP_NUM_THREADS=1 python examples/mnist.py --data ../shared/datasets/mnist
    python examples/mnist.py --data ../shared/datasets/fashion-mnist --dataset fashion --epochs 3

    # a quick look: 3,000 training images, a checkpoint per epoch, curves
    python examples/mnist.py --limit-train 3000 --checkpoint run.npz --plot curves.png

The network is the one of ``pytorch/examples/mnist``: two 3x3 convolutions (32 and 64
channels), max-pooling, dropout, two linear layers, ``log_softmax`` and the negative
log-likelihood loss; a ``StepLR`` schedule multiplies the learning rate by ``--gamma`` after
each epoch. The optimiser is SGD with momentum by default (``--optimizer adam`` for Adam).
The run prints one line per epoch, a table of the accuracy per class, writes the misclassified
test images to a PNG grid (``--errors``), and ends with ``test accuracy: XX.XX%``.

Apart from the import lines (``torch`` for ``minitorch``, torchvision for ``datasets``,
``transforms`` and ``utils``), this is a PyTorch script. ``--resume`` goes on from the last
finished epoch of ``--checkpoint`` with the same numbers as an uninterrupted run.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Sequence

import numpy as np

import minitorch as torch
import minitorch.nn as nn
import minitorch.nn.functional as F
import minitorch.optim as optim
from minitorch import datasets, transforms
from minitorch.optim.lr_scheduler import StepLR
from minitorch.utils import save_image, summary  # summary: torchinfo.summary in PyTorch
from minitorch.utils.data import DataLoader, Dataset, Subset

from cifar_cnn import class_table, epoch_line, epoch_seed, plot_history, train_one_epoch

# name: (dataset class, mean and std of its training pixels)
DATASETS = {
    "mnist": (datasets.MNIST, (0.1307,), (0.3081,)),
    "fashion": (datasets.FashionMNIST, (0.2860,), (0.3530,)),
}
OPTIMIZERS = ("sgd", "adam") + (("adadelta",) if hasattr(optim, "Adadelta") else ())
RUN_SETTINGS = ("dataset", "batch_size", "optimizer", "lr", "momentum", "gamma", "seed", "limit_train")


class Net(nn.Module):
    """conv 1->32 (3x3), conv 32->64 (3x3), max-pool, dropout, 9216 -> 128 -> 10, log-softmax."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)  # 28x28 -> 26x26
        self.conv2 = nn.Conv2d(32, 64, 3, 1)  # 26x26 -> 24x24, pooled to 12x12
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)  # 64 x 12 x 12 = 9216
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


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Train the classic CNN on MNIST or Fashion-MNIST.")
    parser.add_argument("--data", default="./data", help="folder with MNIST/raw/ or FashionMNIST/raw/ (downloaded if absent)")
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="mnist")
    parser.add_argument("--epochs", type=int, default=1, help="total number of passes over the training set")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--test-batch-size", type=int, default=1000)
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default="sgd")
    parser.add_argument("--lr", type=float, help="learning rate (default 0.01 for SGD, 0.001 for Adam, 1.0 for Adadelta)")
    parser.add_argument("--momentum", type=float, default=0.9, help="SGD momentum")
    parser.add_argument("--gamma", type=float, default=0.7, help="StepLR: multiply the rate by this after each epoch")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same numbers")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--checkpoint", type=Path, help="save model, optimizer and history here after each epoch")
    parser.add_argument("--resume", action="store_true", help="go on from --checkpoint when it exists")
    parser.add_argument("--plot", type=Path, help="write loss and accuracy curves to this PNG")
    parser.add_argument("--errors", default="misclassified.png",
                        help="write up to 64 misclassified test images to this PNG grid ('' for none)")
    parser.add_argument("--json", type=Path, help="write the history and final accuracies to this JSON file")
    parser.add_argument("--limit-train", type=int, help="use only the first N training images (quick runs)")
    parser.add_argument("--limit-test", type=int, help="use only the first N test images")
    parser.add_argument("--summary", action="store_true", help="print the model's layers, shapes and sizes first")
    args = parser.parse_args(argv)
    if args.lr is None:
        args.lr = {"sgd": 0.01, "adam": 0.001, "adadelta": 1.0}[args.optimizer]
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda needs CuPy and an NVIDIA GPU (pip install -e \".[cuda]\"); use --device cpu")
    if args.resume and args.checkpoint is None:
        parser.error("--resume needs --checkpoint PATH")
    for name in ("epochs", "batch_size", "test_batch_size", "limit_train", "limit_test"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    return args


# ----- data -----


def first(dataset: Dataset, count: int | None) -> Dataset:
    return dataset if count is None or count >= len(dataset) else Subset(dataset, range(count))


def make_loaders(args: argparse.Namespace, generator: torch.Generator) -> tuple[DataLoader, DataLoader, list[str]]:
    """Shuffled training batches and the test batches in order, as float (N, 1, 28, 28), normalised."""
    dataset, mean, std = DATASETS[args.dataset]
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize(mean, std)])
    train_set = dataset(args.data, train=True, download=True, transform=transform)
    test_set = dataset(args.data, train=False, download=True, transform=transform)
    train_loader = DataLoader(
        first(train_set, args.limit_train), batch_size=args.batch_size, shuffle=True, generator=generator, num_workers=2
    )
    test_loader = DataLoader(first(test_set, args.limit_test), batch_size=args.test_batch_size, num_workers=2)
    return train_loader, test_loader, list(train_set.classes)


def make_optimizer(args: argparse.Namespace, model: nn.Module) -> optim.Optimizer:
    if args.optimizer == "sgd":
        return optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    if args.optimizer == "adam":
        return optim.Adam(model.parameters(), lr=args.lr)
    return optim.Adadelta(model.parameters(), lr=args.lr)


# ----- evaluation -----


def predict(model: nn.Module, loader: DataLoader, device: str) -> tuple[np.ndarray, np.ndarray]:
    """The predicted and the true class of every test image, in the loader's order."""
    model.eval()  # dropout off
    predicted, labels = [], []
    with torch.no_grad():
        for images, targets in loader:
            predicted.append(model(images.to(device)).argmax(dim=1).cpu().numpy())
            labels.append(targets.numpy())
    return np.concatenate(predicted), np.concatenate(labels)


def per_class(predicted: np.ndarray, labels: np.ndarray, num_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Correct predictions and number of images, per class."""
    total = np.bincount(labels, minlength=num_classes)
    return np.bincount(labels[predicted == labels], minlength=num_classes), total


def save_errors(loader: DataLoader, predicted: np.ndarray, labels: np.ndarray, path: Path, classes: list[str]) -> str:
    """Write the first 64 misclassified test images to a PNG grid, 8 to a row; returns a summary line."""
    wrong = np.flatnonzero(predicted != labels)[:64]
    if len(wrong) == 0:
        return "no misclassified test images"
    images = torch.stack([torch.from_numpy(np.asarray(loader.dataset[int(i)][0])) for i in wrong])
    path.parent.mkdir(parents=True, exist_ok=True)
    save_image(images, path, nrow=8, normalize=True, pad_value=1.0)
    pairs = ", ".join(f"{classes[labels[i]].split(' - ')[0]}->{classes[predicted[i]].split(' - ')[0]}" for i in wrong[:8])
    return f"{len(wrong)} misclassified test images written to {path} (true->predicted, first row: {pairs})"


# ----- checkpoints -----


def save_checkpoint(path: Path, model: nn.Module, optimizer: optim.Optimizer, scheduler: StepLR, epoch: int,
                    history: list, args: argparse.Namespace) -> None:
    """Everything needed to go on after ``epoch``; torch.save writes a temporary file, then renames it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = {name: getattr(args, name) for name in RUN_SETTINGS}
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                "epoch": epoch, "history": history, "settings": settings}, path)


def resume(args: argparse.Namespace, model: nn.Module, optimizer: optim.Optimizer, scheduler: StepLR) -> tuple[int, list]:
    """The last finished epoch and the history so far: from the checkpoint with --resume, else (0, [])."""
    if not args.resume:
        return 0, []
    if not args.checkpoint.exists():
        print(f"no checkpoint at {args.checkpoint} yet: starting from scratch")
        return 0, []
    try:
        checkpoint = torch.load(args.checkpoint, map_location=args.device)
    except (ValueError, RuntimeError) as error:  # not a checkpoint, truncated, corrupt
        raise SystemExit(f"error: cannot resume: {error}") from None
    if not isinstance(checkpoint, dict) or "settings" not in checkpoint:
        raise SystemExit(f"error: {args.checkpoint} is not a checkpoint written by this script")
    saved = checkpoint["settings"]
    changed = [f"--{name.replace('_', '-')} {saved.get(name)} (now {getattr(args, name)})"
               for name in RUN_SETTINGS if saved.get(name) != getattr(args, name)]
    if changed:
        raise SystemExit(f"error: {args.checkpoint} was made with other settings: {', '.join(changed)}; "
                         "pass the same ones to resume, or another --checkpoint to start afresh")
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    scheduler.load_state_dict(checkpoint["scheduler"])
    print(f"resumed from {args.checkpoint} after epoch {checkpoint['epoch']}:")
    for record in checkpoint["history"]:
        print(epoch_line(record, args.epochs))
    return checkpoint["epoch"], checkpoint["history"]


# ----- putting it together -----


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    torch.manual_seed(args.seed)  # the initial weights
    generator = torch.Generator()  # the order of the training images
    try:
        train_loader, test_loader, classes = make_loaders(args, generator)
    except RuntimeError as error:  # no data and no network: say what to do, without a traceback
        raise SystemExit(f"error: {error}") from None
    model = Net().to(args.device)
    optimizer = make_optimizer(args, model)
    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    parameters = sum(p.numel() for p in model.parameters())
    print(f"{args.dataset} from {args.data}: {len(train_loader.dataset)} training, {len(test_loader.dataset)} test images")
    print(f"Net ({parameters:,} parameters) on {args.device}; {args.optimizer} lr {args.lr}"
          f"{f' momentum {args.momentum}' if args.optimizer == 'sgd' else ''}; StepLR gamma {args.gamma}; "
          f"batch size {args.batch_size}; seed {args.seed}")
    if args.summary:
        summary(model, input_size=(1, 1, 28, 28), device=args.device)

    done, history = resume(args, model, optimizer, scheduler)
    predicted = labels = None
    for epoch in range(done + 1, args.epochs + 1):
        # Each epoch's shuffling and dropout depend only on (--seed, epoch): --resume repeats a full run.
        torch.manual_seed(epoch_seed(args.seed, epoch))
        generator.manual_seed(epoch_seed(args.seed, epoch))
        desc = f"epoch {epoch}/{args.epochs}"
        record = {"epoch": epoch, **train_one_epoch(model, train_loader, nn.NLLLoss(), optimizer, args.device, desc)}
        scheduler.step()
        predicted, labels = predict(model, test_loader, args.device)
        record["test_acc"] = float(np.mean(predicted == labels))
        history.append(record)
        print(epoch_line(record, args.epochs), flush=True)
        if args.checkpoint is not None:
            save_checkpoint(args.checkpoint, model, optimizer, scheduler, epoch, history, args)

    if predicted is None:  # all epochs were done before: evaluate the checkpoint's model
        predicted, labels = predict(model, test_loader, args.device)
    correct, total = per_class(predicted, labels, len(classes))
    accuracy = int(correct.sum()) / int(total.sum())
    if args.plot is not None and history:
        plot_history(history, args.plot)
        print(f"curves written to {args.plot}")
    if args.errors:
        print(save_errors(test_loader, predicted, labels, Path(args.errors), classes))
    if args.json is not None:
        per_class_acc = dict(zip(classes, (correct / np.maximum(total, 1)).tolist()))
        args.json.write_text(json.dumps({"history": history, "test_acc": accuracy, "per_class": per_class_acc}, indent=1))
    print(f"training time {sum(record['seconds'] for record in history):.1f} s")
    print(class_table(classes, correct, total))
    print(f"test accuracy: {100 * accuracy:.2f}%")


if __name__ == "__main__":
    main()
